package attest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
	"golang.org/x/crypto/cryptobyte"
)

// sctListExtensionOID is the X.509 extension in which Fulcio embeds the
// SCTs the CT log returned for its precertificate (RFC 6962 §3.3).
var sctListExtensionOID = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 2}

// TLS 1.2 algorithm codes (RFC 5246 §7.4.1.4.1) as SCTs carry them.
const (
	tlsHashSHA256  = 4
	tlsHashSHA384  = 5
	tlsSigRSA      = 1
	tlsSigECDSA    = 3
	sctPrecertType = 1 // LogEntryType precert_entry
)

// signedCertificateTimestamp is an RFC 6962 v1 SCT.
type signedCertificateTimestamp struct {
	logID      [32]byte
	timestamp  uint64 // milliseconds since the Unix epoch
	extensions []byte
	hashAlg    uint8
	sigAlg     uint8
	signature  []byte
}

// verifyEmbeddedSCT checks that leaf carries, in its SCT list extension,
// at least one RFC 6962 v1 SCT from a log in ctlogs (keyed by lowercase
// hex of the log ID) whose signature verifies over the precertificate
// entry rebuilt from leaf and issuer, and whose timestamp falls inside
// the log's validity period (a zero end is open). SCTs from unknown logs
// are skipped. Errors have no package prefix: the caller says what was
// being verified.
func verifyEmbeddedSCT(leaf, issuer *x509.Certificate, ctlogs map[string]*root.TransparencyLog) error {
	if leaf == nil || issuer == nil {
		return errors.New("missing certificate")
	}
	var value []byte
	found := 0
	for _, ext := range leaf.Extensions {
		if ext.Id.Equal(sctListExtensionOID) {
			value = ext.Value
			found++
		}
	}
	switch {
	case found == 0:
		return errors.New("certificate has no SCT extension")
	case found > 1:
		return errors.New("certificate has more than one SCT extension")
	}
	scts, err := parseSCTList(value)
	if err != nil {
		return err
	}
	// Rebuilt only once an SCT from a trusted log turns up, so that a
	// certificate without one gets that error rather than a TBS one.
	var tbs []byte
	issuerKeyHash := sha256.Sum256(issuer.RawSubjectPublicKeyInfo)
	var firstErr error
	for _, s := range scts {
		id := hex.EncodeToString(s.logID[:])
		log, ok := ctlogs[id]
		if !ok || log == nil {
			continue
		}
		if tbs == nil {
			if tbs, err = precertTBS(leaf.RawTBSCertificate); err != nil {
				return err
			}
		}
		err := s.verify(log, issuerKeyHash, tbs)
		if err == nil {
			return nil
		}
		if firstErr == nil {
			firstErr = fmt.Errorf("SCT from CT log %s: %w", id, err)
		}
	}
	if firstErr == nil {
		return fmt.Errorf("none of the certificate's %d SCTs is from a trusted CT log", len(scts))
	}
	return firstErr
}

// verify checks s as the log would have signed it for the precertificate
// whose TBS (SCT extension removed) is tbs.
func (s *signedCertificateTimestamp) verify(log *root.TransparencyLog, issuerKeyHash [32]byte, tbs []byte) error {
	if s.timestamp > math.MaxInt64 {
		return fmt.Errorf("timestamp %d out of range", s.timestamp)
	}
	t := time.UnixMilli(int64(s.timestamp))
	if !log.ValidityPeriodStart.IsZero() && t.Before(log.ValidityPeriodStart) {
		return fmt.Errorf("timestamp %s is before the log's validity period", t.UTC().Format(time.RFC3339))
	}
	if !log.ValidityPeriodEnd.IsZero() && t.After(log.ValidityPeriodEnd) {
		return fmt.Errorf("timestamp %s is after the log's validity period", t.UTC().Format(time.RFC3339))
	}
	hash := log.SignatureHashFunc
	if hash == 0 {
		hash = crypto.SHA256
	}
	// The SCT names its algorithms; they must be the ones the trust root
	// gives for the log, not whatever the certificate claims.
	var wantHash, wantSig uint8
	switch hash {
	case crypto.SHA256:
		wantHash = tlsHashSHA256
	case crypto.SHA384:
		wantHash = tlsHashSHA384
	default:
		return fmt.Errorf("unsupported log hash %v", hash)
	}
	switch log.PublicKey.(type) {
	case *ecdsa.PublicKey:
		wantSig = tlsSigECDSA
	case *rsa.PublicKey:
		wantSig = tlsSigRSA
	default:
		return fmt.Errorf("unsupported CT log key type %T", log.PublicKey)
	}
	if s.hashAlg != wantHash || s.sigAlg != wantSig {
		return fmt.Errorf("signature algorithm (%d, %d) is not the log's (%d, %d)", s.hashAlg, s.sigAlg, wantHash, wantSig)
	}
	signed, err := s.signedData(issuerKeyHash, tbs)
	if err != nil {
		return err
	}
	if err := verifyLogSignature(log.PublicKey, hash, signed, s.signature); err != nil {
		return fmt.Errorf("signature invalid: %w", err)
	}
	return nil
}

// signedData is the digitally-signed struct of RFC 6962 §3.2 for a
// precert_entry.
func (s *signedCertificateTimestamp) signedData(issuerKeyHash [32]byte, tbs []byte) ([]byte, error) {
	b := cryptobyte.NewBuilder(nil)
	b.AddUint8(0) // sct_version v1
	b.AddUint8(0) // signature_type certificate_timestamp
	b.AddUint64(s.timestamp)
	b.AddUint16(sctPrecertType)
	b.AddBytes(issuerKeyHash[:])
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(tbs) })
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.extensions) })
	out, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("encoding signed data: %w", err)
	}
	return out, nil
}
