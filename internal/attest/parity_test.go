package attest

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
)

// referenceVerify is sigstore-go's verdict on a, converted to a v0.3
// Sigstore bundle as pypi-attestations converts it: our verifier must
// agree with it (sigstore-go is linked into tests only; see doc.go).
func referenceVerify(t *testing.T, a Attestation, sha256hex string, trusted root.TrustedMaterial) error {
	t.Helper()
	entry, err := decodeEntry(a.VerificationMaterial.TransparencyEntries[0])
	if err != nil {
		return err
	}
	pb := &protobundle.Bundle{
		MediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_Certificate{
				Certificate: &protocommon.X509Certificate{RawBytes: a.VerificationMaterial.Certificate},
			},
			TlogEntries: []*protorekor.TransparencyLogEntry{entry},
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload: a.Envelope.Statement, PayloadType: InTotoPayloadType,
			Signatures: []*protodsse.Signature{{Sig: a.Envelope.Signature}},
		}},
	}
	b, err := bundle.NewBundle(pb)
	if err != nil {
		return err
	}
	opts := []verify.VerifierOption{verify.WithTransparencyLog(1), verify.WithIntegratedTimestamps(1)}
	if len(trusted.CTLogs()) > 0 {
		opts = append(opts, verify.WithSignedCertificateTimestamps(1))
	}
	v, err := verify.NewVerifier(trusted, opts...)
	if err != nil {
		return err
	}
	digest, err := hex.DecodeString(sha256hex)
	if err != nil {
		return err
	}
	_, err = v.Verify(b, verify.NewPolicy(verify.WithArtifactDigest("sha256", digest), verify.WithoutIdentitiesUnsafe()))
	return err
}

// TestVerifierAgreesWithSigstoreGo tampers with a real production
// attestation and with one made by our signer, in every part a verifier
// checks, and requires our verdict to be sigstore-go's.
func TestVerifierAgreesWithSigstoreGo(t *testing.T) {
	prod, prodRoot := loadProduction(t)
	f := newFixture(t)
	sub := subject("demo-1.0.tar.gz")
	ours := signOne(t, f, sub)

	proof := func(e map[string]any) map[string]any { return e["inclusionProof"].(map[string]any) }
	flipB64 := func(s string) string {
		// Change one character in the middle of a base64 value.
		b := []byte(s)
		i := len(b) / 2
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	tampers := []struct {
		name   string
		tamper func(*Attestation)
	}{
		{"none", func(*Attestation) {}},
		{"signature", func(a *Attestation) { a.Envelope.Signature[len(a.Envelope.Signature)/2] ^= 1 }},
		{"statement", func(a *Attestation) { a.Envelope.Statement = Statement(subject("other-1.0.tar.gz")) }},
		{"certificate", func(a *Attestation) {
			c := a.VerificationMaterial.Certificate
			c[len(c)-5] ^= 1
		}},
		{"integrated time", func(a *Attestation) {
			editEntry(t, a, func(e map[string]any) { e["integratedTime"] = "1733354000" })
		}},
		{"log index", func(a *Attestation) { editEntry(t, a, func(e map[string]any) { e["logIndex"] = "12" }) }},
		{"log ID", func(a *Attestation) {
			editEntry(t, a, func(e map[string]any) {
				e["logId"] = map[string]any{"keyId": flipB64(e["logId"].(map[string]any)["keyId"].(string))}
			})
		}},
		{"body", func(a *Attestation) {
			editEntry(t, a, func(e map[string]any) { e["canonicalizedBody"] = flipB64(e["canonicalizedBody"].(string)) })
		}},
		{"signed entry timestamp", func(a *Attestation) {
			editEntry(t, a, func(e map[string]any) {
				p := e["inclusionPromise"].(map[string]any)
				p["signedEntryTimestamp"] = flipB64(p["signedEntryTimestamp"].(string))
			})
		}},
		{"no promise", func(a *Attestation) { editEntry(t, a, func(e map[string]any) { delete(e, "inclusionPromise") }) }},
		{"no proof", func(a *Attestation) { editEntry(t, a, func(e map[string]any) { delete(e, "inclusionProof") }) }},
		{"root hash", func(a *Attestation) {
			editEntry(t, a, func(e map[string]any) { proof(e)["rootHash"] = flipB64(proof(e)["rootHash"].(string)) })
		}},
		{"proof index", func(a *Attestation) {
			editEntry(t, a, func(e map[string]any) { proof(e)["logIndex"] = "1" })
		}},
		{"checkpoint signature", func(a *Attestation) {
			editEntry(t, a, func(e map[string]any) {
				cp := proof(e)["checkpoint"].(map[string]any)
				env := cp["envelope"].(string)
				i := strings.LastIndex(env, " ") + 10
				b := []byte(env)
				b[i] ^= 1
				cp["envelope"] = string(b)
			})
		}},
		{"kind", func(a *Attestation) {
			editEntry(t, a, func(e map[string]any) { e["kindVersion"] = map[string]any{"kind": "intoto", "version": "0.0.2"} })
		}},
	}
	cases := []struct {
		name    string
		a       Attestation
		digest  string
		trusted root.TrustedMaterial
	}{
		{"production", prod, prodDigest, prodRoot},
		{"ours", ours, sub.SHA256, f.trusted},
	}
	for _, c := range cases {
		for _, tt := range tampers {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				enc, err := c.a.Encode()
				if err != nil {
					t.Fatal(err)
				}
				a, err := Parse(enc)
				if err != nil {
					t.Fatal(err)
				}
				tt.tamper(&a)
				ourErr := verifyAttestation(a, "x", c.digest, c.trusted, nil)
				if ourErr != nil && strings.Contains(ourErr.Error(), "subject does not match distribution name") {
					ourErr = nil // PyPI's name rule, which sigstore-go has no notion of
				}
				refErr := referenceVerify(t, a, c.digest, c.trusted)
				// The one case where we refuse what sigstore-go takes: a
				// kind label that is not the body's own kind is wrong
				// (and unauthenticated); sigstore-go ignores the label.
				if tt.name == "kind" {
					if ourErr == nil || refErr != nil {
						t.Fatalf("want only our verifier to refuse:\n  ours:        %v\n  sigstore-go: %v", ourErr, refErr)
					}
					return
				}
				if (ourErr == nil) != (refErr == nil) {
					t.Fatalf("verdicts differ:\n  ours:        %v\n  sigstore-go: %v", ourErr, refErr)
				}
				if (tt.name == "none") != (ourErr == nil) {
					t.Fatalf("verdict %v for tampering %q", ourErr, tt.name)
				}
				t.Logf("both: %v", ourErr)
			})
		}
	}
}

// TestVerifierBitFlips flips bits all over a real production attestation
// (every 7th byte of the certificate, statement, signature, entry body,
// signed entry timestamp and checkpoint). Whatever we accept, sigstore-go
// must accept too; and the only bytes that may change without a refusal
// are the signer name on the checkpoint's signature line, which no
// signature covers. (Run once by hand over every byte, two bits each:
// the 36 flips accepted were all in that name, by both verifiers.)
func TestVerifierBitFlips(t *testing.T) {
	prod, prodRoot := loadProduction(t)
	enc, err := prod.Encode()
	if err != nil {
		t.Fatal(err)
	}
	entryField := func(path ...string) (get func(*Attestation) []byte, set func(*Attestation, []byte)) {
		// The last element names a base64 field, or "envelope" (text).
		walk := func(e map[string]any) map[string]any {
			for _, p := range path[:len(path)-1] {
				e = e[p].(map[string]any)
			}
			return e
		}
		leaf := path[len(path)-1]
		get = func(a *Attestation) []byte {
			var e map[string]any
			if err := json.Unmarshal(a.VerificationMaterial.TransparencyEntries[0], &e); err != nil {
				t.Fatal(err)
			}
			v := walk(e)[leaf].(string)
			if leaf == "envelope" {
				return []byte(v)
			}
			b, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		set = func(a *Attestation, b []byte) {
			editEntry(t, a, func(e map[string]any) {
				if leaf == "envelope" {
					walk(e)[leaf] = string(b)
				} else {
					walk(e)[leaf] = base64.StdEncoding.EncodeToString(b)
				}
			})
		}
		return get, set
	}
	type field struct {
		name string
		get  func(*Attestation) []byte
		set  func(*Attestation, []byte)
	}
	fields := []field{
		{"certificate", func(a *Attestation) []byte { return a.VerificationMaterial.Certificate },
			func(a *Attestation, b []byte) { a.VerificationMaterial.Certificate = b }},
		{"statement", func(a *Attestation) []byte { return a.Envelope.Statement },
			func(a *Attestation, b []byte) { a.Envelope.Statement = b }},
		{"signature", func(a *Attestation) []byte { return a.Envelope.Signature },
			func(a *Attestation, b []byte) { a.Envelope.Signature = b }},
	}
	for _, path := range [][]string{
		{"canonicalizedBody"},
		{"inclusionPromise", "signedEntryTimestamp"},
		{"inclusionProof", "checkpoint", "envelope"},
	} {
		get, set := entryField(path...)
		fields = append(fields, field{path[len(path)-1], get, set})
	}
	cp := string(fields[len(fields)-1].get(&prod))
	nameStart := strings.Index(cp, "\n\n\u2014 ") + len("\n\n\u2014 ")
	nameEnd := nameStart + strings.Index(cp[nameStart:], " ")

	flips := 0
	for _, f := range fields {
		n := len(f.get(&prod))
		for i := 0; i < n; i += 7 {
			a, err := Parse(enc)
			if err != nil {
				t.Fatal(err)
			}
			b := append([]byte(nil), f.get(&a)...)
			b[i] ^= 1
			f.set(&a, b)
			flips++
			if verifyAttestation(a, prodFile, prodDigest, prodRoot, nil) != nil {
				continue
			}
			if ref := referenceVerify(t, a, prodDigest, prodRoot); ref != nil {
				t.Errorf("%s byte %d: we accept what sigstore-go refuses: %v", f.name, i, ref)
			}
			if f.name != "envelope" || i < nameStart || i >= nameEnd {
				t.Errorf("%s byte %d: a flipped bit was accepted", f.name, i)
			}
		}
	}
	t.Logf("%d flips", flips)
}
