package attest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"google.golang.org/protobuf/encoding/protojson"
)

// bundleMediaType is the Sigstore bundle version ToBundle makes; v0.3
// is the one whose verification material is a bare leaf certificate.
const bundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

// FromBundle converts a Sigstore bundle holding a DSSE-signed in-toto
// statement into a PEP 740 attestation: the leaf certificate, the first
// transparency log entry, the envelope's payload and its only signature.
// A bundle signed by a bare key, or whose envelope has other than one
// signature, has no attestation form.
func FromBundle(b *bundle.Bundle) (Attestation, error) {
	if b == nil || b.Bundle == nil {
		return Attestation{}, errors.New("attest: empty bundle")
	}
	vm := b.GetVerificationMaterial()
	var cert []byte
	switch {
	case vm.GetCertificate() != nil:
		cert = vm.GetCertificate().GetRawBytes()
	case len(vm.GetX509CertificateChain().GetCertificates()) > 0:
		// Bundles before v0.3 carry a chain; its first element is the leaf.
		cert = vm.GetX509CertificateChain().GetCertificates()[0].GetRawBytes()
	}
	if len(cert) == 0 {
		return Attestation{}, errors.New("attest: bundle has no signing certificate")
	}
	entries := vm.GetTlogEntries()
	if len(entries) == 0 {
		return Attestation{}, errors.New("attest: bundle has no transparency log entry")
	}
	entry, err := marshalEntry(entries[0])
	if err != nil {
		return Attestation{}, err
	}
	env := b.GetDsseEnvelope()
	if env == nil {
		return Attestation{}, errors.New("attest: bundle content is not a DSSE envelope")
	}
	if env.GetPayloadType() != InTotoPayloadType {
		return Attestation{}, fmt.Errorf("attest: envelope payload type is %q, not %s", env.GetPayloadType(), InTotoPayloadType)
	}
	if n := len(env.GetSignatures()); n != 1 {
		return Attestation{}, fmt.Errorf("attest: expected exactly one signature, got %d", n)
	}
	a := Attestation{
		Version: 1,
		VerificationMaterial: VerificationMaterial{
			Certificate:         cert,
			TransparencyEntries: []json.RawMessage{entry},
		},
		Envelope: Envelope{
			Statement: env.GetPayload(),
			Signature: env.GetSignatures()[0].GetSig(),
		},
	}
	return a, a.check()
}

// marshalEntry renders a log entry as pypi-attestations does: protobuf
// JSON with camelCase names, int64 as strings, bytes as base64. Go's
// protojson varies its whitespace on purpose, so the output is compacted
// to keep attestation files stable.
func marshalEntry(e *protorekor.TransparencyLogEntry) (json.RawMessage, error) {
	raw, err := protojson.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("attest: encoding transparency entry: %w", err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("attest: encoding transparency entry: %w", err)
	}
	return buf.Bytes(), nil
}

// ToBundle converts a back into a v0.3 Sigstore bundle for sigstore-go's
// verifier. Like pypi-attestations it uses the first transparency entry
// only; the entry must have an inclusion proof, as v0.3 requires.
func (a Attestation) ToBundle() (*bundle.Bundle, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	var entry protorekor.TransparencyLogEntry
	opts := protojson.UnmarshalOptions{DiscardUnknown: true}
	if err := opts.Unmarshal(a.VerificationMaterial.TransparencyEntries[0], &entry); err != nil {
		return nil, fmt.Errorf("attest: invalid transparency log entry: %w", err)
	}
	pb := &protobundle.Bundle{
		MediaType: bundleMediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_Certificate{
				Certificate: &protocommon.X509Certificate{RawBytes: a.VerificationMaterial.Certificate},
			},
			TlogEntries: []*protorekor.TransparencyLogEntry{&entry},
		},
		Content: &protobundle.Bundle_DsseEnvelope{
			DsseEnvelope: &protodsse.Envelope{
				Payload:     a.Envelope.Statement,
				PayloadType: InTotoPayloadType,
				Signatures:  []*protodsse.Signature{{Sig: a.Envelope.Signature}},
			},
		},
	}
	b, err := bundle.NewBundle(pb)
	if err != nil {
		return nil, fmt.Errorf("attest: converting to a Sigstore bundle: %w", err)
	}
	return b, nil
}
