package attest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// maxSafeJSONInteger is the largest integer RFC 8785 writes exactly
// (2^53-1); Rekor's signer would have written a larger one lossily.
const maxSafeJSONInteger = 1<<53 - 1

// verifyLogEntry checks a Rekor v1 transparency log entry against the
// trusted Rekor logs (keyed by lowercase hex log ID): the log is known
// and was valid at the integrated time, the signed entry timestamp is
// the log's signature over the entry, the inclusion proof leads from the
// body to the proof's root hash, and the checkpoint is signed by the
// same log and states that tree size and root hash. Promise and proof
// are both required: the signed entry timestamp is what makes the
// integrated time trustworthy, and the proof what makes the entry
// public. It returns the integrated time.
//
// Errors have no package prefix: the caller says what was being verified.
func verifyLogEntry(e *protorekor.TransparencyLogEntry, logs map[string]*root.TransparencyLog) (time.Time, error) {
	if e == nil {
		return time.Time{}, errors.New("missing entry")
	}
	id := hex.EncodeToString(e.GetLogId().GetKeyId())
	log, ok := logs[id]
	if !ok || log == nil {
		return time.Time{}, fmt.Errorf("unknown log ID %q", id)
	}
	if len(e.CanonicalizedBody) == 0 {
		return time.Time{}, errors.New("empty body")
	}
	if e.IntegratedTime <= 0 || e.IntegratedTime > maxSafeJSONInteger {
		return time.Time{}, fmt.Errorf("integrated time %d out of range", e.IntegratedTime)
	}
	if e.LogIndex < 0 || e.LogIndex > maxSafeJSONInteger {
		return time.Time{}, fmt.Errorf("log index %d out of range", e.LogIndex)
	}
	t := time.Unix(e.IntegratedTime, 0).UTC()
	if !log.ValidityPeriodStart.IsZero() && t.Before(log.ValidityPeriodStart) ||
		!log.ValidityPeriodEnd.IsZero() && t.After(log.ValidityPeriodEnd) {
		return time.Time{}, fmt.Errorf("log %s was not valid at the integrated time %s", id, t.Format(time.RFC3339))
	}
	set, p := e.GetInclusionPromise().GetSignedEntryTimestamp(), e.GetInclusionProof()
	switch {
	case len(set) == 0 && p == nil:
		return time.Time{}, errors.New("no inclusion promise (signed entry timestamp) and no inclusion proof")
	case len(set) == 0:
		return time.Time{}, errors.New("no inclusion promise (signed entry timestamp)")
	case p == nil:
		return time.Time{}, errors.New("no inclusion proof")
	}
	if err := verifySET(e, id, set, log); err != nil {
		return time.Time{}, err
	}
	if err := verifyInclusion(e.CanonicalizedBody, p); err != nil {
		return time.Time{}, err
	}
	size, rootHash, err := verifyCheckpoint(p.GetCheckpoint().GetEnvelope(), log)
	if err != nil {
		return time.Time{}, fmt.Errorf("checkpoint: %w", err)
	}
	if size != uint64(p.TreeSize) {
		return time.Time{}, fmt.Errorf("checkpoint is for tree size %d, the proof for %d", size, p.TreeSize)
	}
	if !bytes.Equal(rootHash, p.RootHash) {
		return time.Time{}, fmt.Errorf("checkpoint root hash %x is not the proof's %x", rootHash, p.RootHash)
	}
	return t, nil
}

// verifySET checks set, the inclusion promise: the log's signature over
// the RFC 8785 form of body, integrated time, log ID and (global) log
// index.
func verifySET(e *protorekor.TransparencyLogEntry, id string, set []byte, log *root.TransparencyLog) error {
	// Keys sorted, integers below 2^53, and strings of base64 and hex
	// characters that need no escaping: this is the canonical form.
	payload := `{"body":"` + base64.StdEncoding.EncodeToString(e.CanonicalizedBody) +
		`","integratedTime":` + strconv.FormatInt(e.IntegratedTime, 10) +
		`,"logID":"` + id +
		`","logIndex":` + strconv.FormatInt(e.LogIndex, 10) + `}`
	if err := verifyLogSignature(log.PublicKey, log.SignatureHashFunc, []byte(payload), set); err != nil {
		return fmt.Errorf("signed entry timestamp: %w", err)
	}
	return nil
}

// verifyInclusion checks that p leads from body's RFC 6962 leaf hash to
// p.RootHash. p.LogIndex is the index in the log shard, not the global
// one the signed entry timestamp covers.
func verifyInclusion(body []byte, p *protorekor.InclusionProof) error {
	if p.LogIndex < 0 || p.TreeSize <= 0 || p.LogIndex >= p.TreeSize {
		return fmt.Errorf("inclusion proof index %d out of range for tree size %d", p.LogIndex, p.TreeSize)
	}
	if len(p.RootHash) != sha256.Size {
		return fmt.Errorf("inclusion proof root hash is %d bytes, want %d", len(p.RootHash), sha256.Size)
	}
	for i, h := range p.Hashes {
		if len(h) != sha256.Size {
			return fmt.Errorf("inclusion proof hash %d is %d bytes, want %d", i, len(h), sha256.Size)
		}
	}
	leaf := rfc6962.DefaultHasher.HashLeaf(body)
	err := proof.VerifyInclusion(rfc6962.DefaultHasher, uint64(p.LogIndex), uint64(p.TreeSize), leaf, p.Hashes, p.RootHash)
	var mismatch proof.RootMismatchError
	if errors.As(err, &mismatch) {
		return fmt.Errorf("inclusion proof leads to root hash %x, not %x", mismatch.CalculatedRoot, p.RootHash)
	}
	if err != nil {
		return fmt.Errorf("inclusion proof: %w", err)
	}
	return nil
}

// verifyLogSignature checks sig, made by a transparency log with key
// pub over msg: ECDSA (ASN.1) and RSA PKCS #1 v1.5 over msg's digest
// with hash (SHA-256 when zero), Ed25519 over msg itself.
func verifyLogSignature(pub crypto.PublicKey, hash crypto.Hash, msg, sig []byte) error {
	if hash == 0 {
		hash = crypto.SHA256
	}
	digest := func() ([]byte, error) {
		switch hash {
		case crypto.SHA256, crypto.SHA384, crypto.SHA512:
			if !hash.Available() {
				break
			}
			h := hash.New()
			h.Write(msg)
			return h.Sum(nil), nil
		}
		return nil, fmt.Errorf("unsupported hash %v", hash)
	}
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		d, err := digest()
		if err != nil {
			return err
		}
		if !usableECDSAKey(k) || !ecdsa.VerifyASN1(k, d, sig) {
			return errors.New("invalid ECDSA signature")
		}
	case *rsa.PublicKey:
		d, err := digest()
		if err != nil {
			return err
		}
		if k == nil || k.N == nil {
			return errors.New("bad RSA key")
		}
		if err := rsa.VerifyPKCS1v15(k, hash, d, sig); err != nil {
			return fmt.Errorf("invalid RSA signature: %w", err)
		}
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize || !ed25519.Verify(k, msg, sig) {
			return errors.New("invalid Ed25519 signature")
		}
	default:
		return fmt.Errorf("unsupported log key type %T", pub)
	}
	return nil
}

// usableECDSAKey reports whether k is a point on a curve crypto/ecdsa
// supports. Keys come parsed from the trust root and always are; the check
// is for a hand-made root, whose zero or half-filled key VerifyASN1 would
// panic on. PublicKey.Bytes validates the point without reading the
// deprecated coordinates here, but it too panics on a coordinate left nil,
// which only such a hand-made key has: that panic means "not usable".
func usableECDSAKey(k *ecdsa.PublicKey) (ok bool) {
	if k == nil || k.Curve == nil {
		return false
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, err := k.Bytes()
	return err == nil
}
