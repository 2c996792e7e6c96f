package attest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"google.golang.org/protobuf/proto"
)

func TestParseShape(t *testing.T) {
	valid := `{"version":1,"verification_material":{"certificate":"AQ==","transparency_entries":[{}]},"envelope":{"statement":"AQ==","signature":"AQ=="}}`
	if _, err := Parse([]byte(valid)); err != nil {
		t.Fatalf("Parse(minimal) = %v", err)
	}
	tests := []struct {
		name, json, wantErr string
	}{
		{"not JSON", `{`, "malformed attestation"},
		{"array", `[]`, "malformed attestation"},
		{"version 2", strings.Replace(valid, `"version":1`, `"version":2`, 1), "unsupported attestation version 2"},
		{"no version", strings.Replace(valid, `"version":1,`, ``, 1), "unsupported attestation version 0"},
		{"no certificate", strings.Replace(valid, `"certificate":"AQ=="`, `"certificate":""`, 1), "no certificate"},
		{"no entries", strings.Replace(valid, `[{}]`, `[]`, 1), "no transparency entries"},
		{"entry not an object", strings.Replace(valid, `[{}]`, `[1]`, 1), "transparency entry 0 is not an object"},
		{"bad base64", strings.Replace(valid, `"signature":"AQ=="`, `"signature":"!!"`, 1), "malformed attestation"},
		{"unpadded base64", strings.Replace(valid, `"signature":"AQ=="`, `"signature":"AQ"`, 1), "malformed attestation"},
		{"no statement", strings.Replace(valid, `"statement":"AQ==",`, ``, 1), "no statement"},
		{"no signature", strings.Replace(valid, `,"signature":"AQ=="`, ``, 1), "no signature"},
		{"too large", `{"version":1,"x":"` + strings.Repeat("a", maxAttestation) + `"}`, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Parse = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

// A file written by pypi-attestations survives Load, conversion to a
// bundle and back, and encoding, without losing anything.
func TestBundleRoundTripOfProductionAttestation(t *testing.T) {
	a, err := Load("testdata/" + prodFile + Suffix)
	if err != nil {
		t.Fatal(err)
	}
	b, err := a.ToBundle()
	if err != nil {
		t.Fatal(err)
	}
	back, err := FromBundle(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.VerificationMaterial.Certificate, a.VerificationMaterial.Certificate) ||
		!bytes.Equal(back.Envelope.Statement, a.Envelope.Statement) ||
		!bytes.Equal(back.Envelope.Signature, a.Envelope.Signature) {
		t.Fatal("FromBundle(ToBundle(a)) changed the certificate, statement or signature")
	}
	var want, got any
	if err := json.Unmarshal(a.VerificationMaterial.TransparencyEntries[0], &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(back.VerificationMaterial.TransparencyEntries[0], &got); err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(got)
	if !bytes.Equal(wantJSON, gotJSON) {
		t.Fatalf("transparency entry changed:\n%s\n%s", wantJSON, gotJSON)
	}
}

// The entry keys come in the order pypi-attestations writes them (protobuf
// field order), as in its test asset rfc8785-0.1.2-py3-none-any.whl.publish.attestation.
func TestEncodeFieldOrder(t *testing.T) {
	a, err := Load("testdata/" + prodFile + Suffix)
	if err != nil {
		t.Fatal(err)
	}
	b, err := a.ToBundle()
	if err != nil {
		t.Fatal(err)
	}
	if a, err = FromBundle(b); err != nil {
		t.Fatal(err)
	}
	enc, err := a.Encode()
	if err != nil {
		t.Fatal(err)
	}
	order := []string{
		`{"version":1,"verification_material":{"certificate":"MIIG/jCC`,
		`","transparency_entries":[{"logIndex":"153454663","logId":{"keyId":"wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0="},"kindVersion":{"kind":"dsse","version":"0.0.1"},"integratedTime":"1733354041","inclusionPromise":{"signedEntryTimestamp":"`,
		`"},"inclusionProof":{"logIndex":"31550401","rootHash":"y0mvJokg0K9X78/zSkzLfaoYE1EUnA0l4CTQQXV1g4o=","treeSize":"31550402","hashes":["Ys0Xl1Uk`,
		`"],"checkpoint":{"envelope":"rekor.sigstore.dev - 1193050959916656506\n31550402\n`,
		`"}},"canonicalizedBody":"eyJhcGlWZXJzaW9uIjoiMC4wLjEi`,
		`"}]},"envelope":{"statement":"eyJfdHlwZSI6`,
		`","signature":"MEYCIQC+Yjc/`,
	}
	pattern := ""
	for _, o := range order {
		pattern += regexp.QuoteMeta(o) + ".*"
	}
	if !regexp.MustCompile(`(?s)^` + pattern + `"}}$`).Match(enc) {
		t.Fatalf("encoding out of order:\n%s", enc)
	}
	if bytes.ContainsAny(enc, " \n") && !bytes.Contains(enc, []byte("rekor.sigstore.dev - ")) {
		t.Fatal("encoding is not compact")
	}
}

func TestFromBundleRefuses(t *testing.T) {
	a, err := Load("testdata/" + prodFile + Suffix)
	if err != nil {
		t.Fatal(err)
	}
	good, err := a.ToBundle()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		change  func(*protobundle.Bundle)
		wantErr string
	}{
		{"two signatures", func(b *protobundle.Bundle) {
			env := b.GetDsseEnvelope()
			env.Signatures = append(env.Signatures, &protodsse.Signature{Sig: []byte("x")})
		}, "expected exactly one signature, got 2"},
		{"no signature", func(b *protobundle.Bundle) { b.GetDsseEnvelope().Signatures = nil }, "expected exactly one signature, got 0"},
		{"no log entry", func(b *protobundle.Bundle) { b.VerificationMaterial.TlogEntries = nil }, "no transparency log entry"},
		{"other payload type", func(b *protobundle.Bundle) { b.GetDsseEnvelope().PayloadType = "text/plain" }, "payload type"},
		{"message signature", func(b *protobundle.Bundle) { b.Content = &protobundle.Bundle_MessageSignature{} }, "not a DSSE envelope"},
		{"public key", func(b *protobundle.Bundle) {
			b.VerificationMaterial.Content = &protobundle.VerificationMaterial_PublicKey{}
		}, "no signing certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pb := proto.Clone(good.Bundle).(*protobundle.Bundle)
			tt.change(pb)
			_, err := FromBundle(&bundle.Bundle{Bundle: pb})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("FromBundle = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
	if _, err := FromBundle(nil); err == nil {
		t.Error("FromBundle(nil) succeeded")
	}
}

func TestToBundleRefuses(t *testing.T) {
	a, err := Load("testdata/" + prodFile + Suffix)
	if err != nil {
		t.Fatal(err)
	}
	var entry map[string]any
	if err := json.Unmarshal(a.VerificationMaterial.TransparencyEntries[0], &entry); err != nil {
		t.Fatal(err)
	}
	delete(entry, "inclusionProof")
	stripped, _ := json.Marshal(entry)
	noProof := a
	noProof.VerificationMaterial.TransparencyEntries = []json.RawMessage{stripped}
	if _, err := noProof.ToBundle(); err == nil || !strings.Contains(err.Error(), "inclusion proof") {
		t.Errorf("ToBundle without inclusion proof = %v", err)
	}
	badEntry := a
	badEntry.VerificationMaterial.TransparencyEntries = []json.RawMessage{[]byte(`{"logIndex":{}}`)}
	if _, err := badEntry.ToBundle(); err == nil || !strings.Contains(err.Error(), "invalid transparency log entry") {
		t.Errorf("ToBundle with a malformed entry = %v", err)
	}
}

func TestWriteRefusesPaths(t *testing.T) {
	a, err := Load("testdata/" + prodFile + Suffix)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"", "../x.tar.gz", "sub/x.tar.gz", "."} {
		if _, err := Write(dir, name, a); err == nil {
			t.Errorf("Write(%q) succeeded", name)
		}
	}
	// An existing file is replaced: a second publish in one job (TestPyPI,
	// then PyPI) must not fail on the first one's attestations.
	p1, err := Write(dir, prodFile, a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, prodFile, a); err != nil {
		t.Fatalf("second Write: %v", err)
	}
	data, err := os.ReadFile(p1)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasSuffix(data, []byte("\n")) {
		t.Error("attestation file ends in a newline; model_dump_json writes none")
	}
	if _, err := Load(filepath.Join(dir, "missing"+Suffix)); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}

// FuzzParseAttestation: Parse never panics, and what it accepts encodes
// to something it accepts again, unchanged; conversion to a bundle of an
// accepted attestation fails cleanly or succeeds.
func FuzzParseAttestation(f *testing.F) {
	prod, err := os.ReadFile("testdata/" + prodFile + Suffix)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(prod)
	f.Add([]byte(`{"version":1,"verification_material":{"certificate":"AQ==","transparency_entries":[{}]},"envelope":{"statement":"AQ==","signature":"AQ=="}}`))
	f.Add([]byte(`{"version":1,"verification_material":{"certificate":"AQ==","transparency_entries":[{"logIndex":"1","inclusionProof":{"logIndex":"0","treeSize":"1","rootHash":"AA==","checkpoint":{"envelope":"x"}}}]},"envelope":{"statement":"e30=","signature":"AQ=="}}`))
	f.Add([]byte(`{"version":1,"verification_material":{"certificate":"","transparency_entries":[]},"envelope":{}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse(data)
		if err != nil {
			return
		}
		enc, err := a.Encode()
		if err != nil {
			t.Fatalf("Encode of a parsed attestation: %v", err)
		}
		again, err := Parse(enc)
		if err != nil {
			t.Fatalf("Parse(Encode(a)) = %v", err)
		}
		enc2, err := again.Encode()
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", enc, enc2)
		}
		if b, err := a.ToBundle(); err == nil {
			_, _ = FromBundle(b)
		}
		_ = CheckSubject(a, "demo-1.0.tar.gz", strings.Repeat("0", 64))
	})
}
