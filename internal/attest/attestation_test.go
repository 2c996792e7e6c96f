package attest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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

// A file written by pypi-attestations survives Load, decoding and
// re-encoding of its log entry, and encoding, without losing anything.
func TestEntryRoundTripOfProductionAttestation(t *testing.T) {
	a, err := Load("testdata/" + prodFile + Suffix)
	if err != nil {
		t.Fatal(err)
	}
	raw := a.VerificationMaterial.TransparencyEntries[0]
	e, err := decodeEntry(raw)
	if err != nil {
		t.Fatal(err)
	}
	back, err := encodeEntry(e)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(back, &got); err != nil {
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
	e, err := decodeEntry(a.VerificationMaterial.TransparencyEntries[0])
	if err != nil {
		t.Fatal(err)
	}
	if a.VerificationMaterial.TransparencyEntries[0], err = encodeEntry(e); err != nil {
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

// decodeEntry takes what protobuf JSON allows, as PyPI does: snake_case
// names, numbers for int64, URL-safe base64.
func TestDecodeEntryLenient(t *testing.T) {
	e, err := decodeEntry([]byte(`{"log_index":7,"log_id":{"key_id":"-_8="},"integrated_time":"5","unknown":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if e.GetLogIndex() != 7 || e.GetIntegratedTime() != 5 || !bytes.Equal(e.GetLogId().GetKeyId(), []byte{0xfb, 0xff}) {
		t.Fatalf("decoded %v", e)
	}
	if _, err := decodeEntry([]byte(`{"logIndex":{}}`)); err == nil || !strings.Contains(err.Error(), "invalid transparency log entry") {
		t.Fatalf("decodeEntry of a malformed entry = %v", err)
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
	prodRoot, err := ProductionTrustedRoot()
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
		// The whole verifier on untrusted input: it may refuse, never panic.
		_ = verifyAttestation(a, "demo-1.0.tar.gz", strings.Repeat("0", 64), prodRoot, nil)
		_ = CheckSubject(a, "demo-1.0.tar.gz", strings.Repeat("0", 64))
	})
}
