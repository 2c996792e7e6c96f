package attest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strconv"
)

// pae is DSSE's pre-authentication encoding, the bytes a DSSE signature
// covers: it binds the payload type, so that a signature over one kind
// of document cannot be passed off as one over another.
func pae(payloadType string, payload []byte) []byte {
	b := make([]byte, 0, 32+len(payloadType)+len(payload))
	b = append(b, "DSSEv1 "...)
	b = strconv.AppendInt(b, int64(len(payloadType)), 10)
	b = append(b, ' ')
	b = append(b, payloadType...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(payload)), 10)
	b = append(b, ' ')
	return append(b, payload...)
}

// signStatement signs statement as a DSSE in-toto envelope with key
// (ECDSA P-256 with SHA-256, as Sigstore clients do).
func signStatement(key *ecdsa.PrivateKey, statement []byte) (dsseEnvelope, error) {
	digest := sha256.Sum256(pae(InTotoPayloadType, statement))
	sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		return dsseEnvelope{}, err
	}
	return dsseEnvelope{
		PayloadType: InTotoPayloadType,
		Payload:     statement,
		Signatures:  []dsseSignature{{Sig: sig}},
	}, nil
}

// verifySignature checks the DSSE signature sig over message with the
// certificate's public key as PyPI does (sigstore-python): ECDSA with
// SHA-256, whatever the curve. An attestation signed otherwise would be
// refused on upload, so it is refused here too.
func verifySignature(pub crypto.PublicKey, message, sig []byte) error {
	if _, ok := pub.(*ecdsa.PublicKey); !ok {
		return fmt.Errorf("the certificate's key is %T; PyPI takes ECDSA signatures only", pub)
	}
	return verifyLogSignature(pub, crypto.SHA256, message, sig)
}
