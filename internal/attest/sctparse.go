package attest

import (
	encasn1 "encoding/asn1"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// The certificate's SCT list and TBS come from the attestation: these
// parsers take untrusted input, and are fuzzed.

// parseSCTList parses the value of the SCT list extension: a DER OCTET
// STRING holding a TLS-encoded SignedCertificateTimestampList.
func parseSCTList(value []byte) ([]signedCertificateTimestamp, error) {
	in := cryptobyte.String(value)
	var list cryptobyte.String
	if !in.ReadASN1(&list, asn1.OCTET_STRING) || !in.Empty() {
		return nil, errors.New("SCT extension is not a DER octet string")
	}
	var scts cryptobyte.String
	if !list.ReadUint16LengthPrefixed(&scts) || !list.Empty() {
		return nil, errors.New("malformed SCT list")
	}
	if scts.Empty() {
		return nil, errors.New("empty SCT list")
	}
	var out []signedCertificateTimestamp
	for !scts.Empty() {
		var raw cryptobyte.String
		if !scts.ReadUint16LengthPrefixed(&raw) || raw.Empty() {
			return nil, errors.New("malformed SCT list")
		}
		s, err := parseSCT(raw)
		if err != nil {
			return nil, fmt.Errorf("SCT %d: %w", len(out), err)
		}
		out = append(out, s)
	}
	return out, nil
}

func parseSCT(raw cryptobyte.String) (signedCertificateTimestamp, error) {
	var s signedCertificateTimestamp
	var version uint8
	if !raw.ReadUint8(&version) {
		return s, errors.New("truncated")
	}
	if version != 0 {
		return s, fmt.Errorf("unsupported version %d", int(version)+1)
	}
	var id, ext, sig []byte
	if !raw.ReadBytes(&id, len(s.logID)) ||
		!raw.ReadUint64(&s.timestamp) ||
		!raw.ReadUint16LengthPrefixed((*cryptobyte.String)(&ext)) ||
		!raw.ReadUint8(&s.hashAlg) ||
		!raw.ReadUint8(&s.sigAlg) ||
		!raw.ReadUint16LengthPrefixed((*cryptobyte.String)(&sig)) {
		return s, errors.New("truncated")
	}
	if !raw.Empty() {
		return s, errors.New("trailing bytes")
	}
	if len(sig) == 0 {
		return s, errors.New("empty signature")
	}
	copy(s.logID[:], id)
	s.extensions, s.signature = ext, sig
	return s, nil
}

// precertTBS rebuilds the TBSCertificate the CT log saw: the leaf's with
// the SCT list extension removed, and the extensions field dropped if
// nothing else is left in it.
func precertTBS(rawTBS []byte) ([]byte, error) {
	extTag := asn1.Tag(3).Constructed().ContextSpecific()
	in := cryptobyte.String(rawTBS)
	var tbs cryptobyte.String
	if !in.ReadASN1(&tbs, asn1.SEQUENCE) || !in.Empty() {
		return nil, errors.New("malformed TBSCertificate")
	}
	// Every field but the extensions, the last one, is kept verbatim.
	var head []byte
	var exts cryptobyte.String
	for !tbs.Empty() {
		var elem cryptobyte.String
		var tag asn1.Tag
		if !tbs.ReadAnyASN1Element(&elem, &tag) {
			return nil, errors.New("malformed TBSCertificate")
		}
		if tag == extTag {
			if !tbs.Empty() {
				return nil, errors.New("malformed TBSCertificate: fields after the extensions")
			}
			exts = elem
			break
		}
		head = append(head, elem...)
	}
	if exts == nil {
		return nil, errors.New("TBSCertificate has no extensions")
	}
	var wrapped, list cryptobyte.String
	if !exts.ReadASN1(&wrapped, extTag) || !wrapped.ReadASN1(&list, asn1.SEQUENCE) || !wrapped.Empty() {
		return nil, errors.New("malformed TBSCertificate extensions")
	}
	var kept []byte
	removed := 0
	for !list.Empty() {
		var ext, body cryptobyte.String
		var oid encasn1.ObjectIdentifier
		if !list.ReadASN1Element(&ext, asn1.SEQUENCE) {
			return nil, errors.New("malformed certificate extension")
		}
		inner := ext
		if !inner.ReadASN1(&body, asn1.SEQUENCE) || !body.ReadASN1ObjectIdentifier(&oid) {
			return nil, errors.New("malformed certificate extension")
		}
		if oid.Equal(sctListExtensionOID) {
			removed++
			continue
		}
		kept = append(kept, ext...)
	}
	if removed != 1 {
		return nil, fmt.Errorf("TBSCertificate has %d SCT list extensions, want 1", removed)
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(head)
		if len(kept) > 0 {
			b.AddASN1(extTag, func(b *cryptobyte.Builder) {
				b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(kept) })
			})
		}
	})
	out, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("encoding TBSCertificate: %w", err)
	}
	return out, nil
}
