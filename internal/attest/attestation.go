package attest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Suffix ends the name of an attestation file kept beside its
// distribution: "<dist>.publish.attestation", as gh-action-pypi-publish
// names them and twine uploads them.
const Suffix = ".publish.attestation"

// maxAttestation bounds what Parse accepts. Real attestations are about
// 10 KB; PyPI's whole upload request is limited far below this.
const maxAttestation = 1 << 20

// Attestation is PEP 740's attestation object. Its JSON encoding is the
// one pypi-attestations produces: the fields in this order, binary
// values in padded standard base64 without newlines, and the Rekor entry
// as protobuf JSON.
type Attestation struct {
	// Version is always 1.
	Version              int                  `json:"version"`
	VerificationMaterial VerificationMaterial `json:"verification_material"`
	Envelope             Envelope             `json:"envelope"`
}

// VerificationMaterial is what a verifier needs besides its trust root.
type VerificationMaterial struct {
	// Certificate is the DER of the Fulcio signing certificate.
	Certificate []byte `json:"certificate"`
	// TransparencyEntries holds at least one Rekor TransparencyLogEntry in
	// protobuf JSON (logIndex, logId, kindVersion, integratedTime,
	// inclusionPromise, inclusionProof, canonicalizedBody). Kept raw so
	// that an entry is passed on exactly as it was read or made.
	TransparencyEntries []json.RawMessage `json:"transparency_entries"`
}

// Envelope is a DSSE envelope reduced to what PEP 740 keeps: the payload
// type is implicitly application/vnd.in-toto+json and there is exactly
// one signature.
type Envelope struct {
	// Statement is the in-toto Statement JSON, the DSSE payload.
	Statement []byte `json:"statement"`
	// Signature is the signature over the DSSE pre-authentication
	// encoding of Statement.
	Signature []byte `json:"signature"`
}

// Parse decodes and checks the shape of one attestation object, as PyPI
// does before any cryptography: version 1, a certificate, at least one
// transparency entry (each a JSON object), a statement and a signature.
func Parse(data []byte) (Attestation, error) {
	var a Attestation
	if len(data) > maxAttestation {
		return a, fmt.Errorf("attest: attestation larger than %d bytes", maxAttestation)
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return Attestation{}, fmt.Errorf("attest: malformed attestation: %w", err)
	}
	if err := a.check(); err != nil {
		return Attestation{}, err
	}
	return a, nil
}

func (a Attestation) check() error {
	switch {
	case a.Version != 1:
		return fmt.Errorf("attest: unsupported attestation version %d (want 1)", a.Version)
	case len(a.VerificationMaterial.Certificate) == 0:
		return errors.New("attest: attestation has no certificate")
	case len(a.VerificationMaterial.TransparencyEntries) == 0:
		return errors.New("attest: attestation has no transparency entries")
	case len(a.Envelope.Statement) == 0:
		return errors.New("attest: attestation has no statement")
	case len(a.Envelope.Signature) == 0:
		return errors.New("attest: attestation has no signature")
	}
	for i, e := range a.VerificationMaterial.TransparencyEntries {
		if t := bytes.TrimLeft(e, " \t\r\n"); len(t) == 0 || t[0] != '{' {
			return fmt.Errorf("attest: transparency entry %d is not an object", i)
		}
	}
	return nil
}

// Load reads and parses an attestation file.
func Load(path string) (Attestation, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Attestation{}, fmt.Errorf("attest: %w", err)
	}
	a, err := Parse(data)
	if err != nil {
		return Attestation{}, fmt.Errorf("%w (%s)", err, path)
	}
	return a, nil
}

// Encode returns the compact JSON of a, without a trailing newline and
// without HTML escaping: byte for byte what pypi-attestations'
// model_dump_json writes for the same object.
func (a Attestation) Encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		return nil, fmt.Errorf("attest: encoding attestation: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Write stores a as dir/<filename>.publish.attestation, replacing a file
// of that name, and returns its path. filename is the distribution's
// base name; dir must exist.
func Write(dir, filename string, a Attestation) (string, error) {
	if filename == "" || filename == "." || filename == ".." || filename != filepath.Base(filename) {
		return "", fmt.Errorf("attest: %q is not a file name", filename)
	}
	data, err := a.Encode()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, filename+Suffix)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", fmt.Errorf("attest: %w", err)
	}
	return path, nil
}
