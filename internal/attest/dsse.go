package attest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
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

// verifySignature checks sig over message with a certificate's public
// key, hashing as Sigstore clients do for the key's type: SHA-384 for
// P-384, SHA-512 for P-521, SHA-256 otherwise (Ed25519 signs message
// itself).
func verifySignature(pub crypto.PublicKey, message, sig []byte) error {
	hash := crypto.SHA256
	if k, ok := pub.(*ecdsa.PublicKey); ok && k.Curve != nil {
		switch k.Curve.Params().BitSize {
		case 384:
			hash = crypto.SHA384
		case 521:
			hash = crypto.SHA512
		}
	}
	return verifyLogSignature(pub, hash, message, sig)
}
