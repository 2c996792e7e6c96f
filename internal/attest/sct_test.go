package attest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// realMaterial is the verification material of the production
// attestation in testdata, read without the package's own parser.
type realMaterial struct {
	Certificate         []byte            `json:"certificate"`
	TransparencyEntries []json.RawMessage `json:"transparency_entries"`
}

func loadRealMaterial(t testing.TB) realMaterial {
	t.Helper()
	data, err := os.ReadFile("testdata/pypi_attestations-0.0.19.tar.gz.publish.attestation")
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		VerificationMaterial realMaterial `json:"verification_material"`
	}
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	return a.VerificationMaterial
}

func loadRealRoot(t testing.TB) *root.TrustedRoot {
	t.Helper()
	_, tr := loadProduction(t)
	return tr
}

// realLeafAndIssuer returns the production Fulcio leaf, the Fulcio
// intermediate that signed it and the root above that.
func realLeafAndIssuer(t testing.TB) (leaf, issuer, caRoot *x509.Certificate, tr *root.TrustedRoot) {
	t.Helper()
	tr = loadRealRoot(t)
	leaf, err := x509.ParseCertificate(loadRealMaterial(t).Certificate)
	if err != nil {
		t.Fatal(err)
	}
	for _, ca := range tr.FulcioCertificateAuthorities() {
		fca, ok := ca.(*root.FulcioCertificateAuthority)
		if !ok {
			continue
		}
		for _, c := range fca.Intermediates {
			if leaf.CheckSignatureFrom(c) == nil {
				return leaf, c, fca.Root, tr
			}
		}
	}
	t.Fatal("no Fulcio intermediate in the production root issued the leaf")
	return nil, nil, nil, nil
}

// sctExtensionValue returns the raw value of c's SCT list extension.
func sctExtensionValue(t testing.TB, c *x509.Certificate) []byte {
	t.Helper()
	for _, ext := range c.Extensions {
		if ext.Id.Equal(sctListExtensionOID) {
			return ext.Value
		}
	}
	t.Fatal("certificate has no SCT extension")
	return nil
}

// withLog returns logs with the one log in it changed by edit.
func withLog(logs map[string]*root.TransparencyLog, edit func(*root.TransparencyLog)) map[string]*root.TransparencyLog {
	out := map[string]*root.TransparencyLog{}
	for id, l := range logs {
		c := *l
		edit(&c)
		out[id] = &c
	}
	return out
}

func TestVerifyEmbeddedSCTProduction(t *testing.T) {
	leaf, issuer, caRoot, tr := realLeafAndIssuer(t)
	ctlogs := tr.CTLogs()
	scts, err := parseSCTList(sctExtensionValue(t, leaf))
	if err != nil || len(scts) != 1 {
		t.Fatalf("parseSCTList = %d SCTs, %v; want 1", len(scts), err)
	}
	sctTime := time.UnixMilli(int64(scts[0].timestamp))

	// The same certificate with the last byte of the SCT's signature
	// flipped: it parses, but the log never signed that.
	raw := bytes.Clone(leaf.Raw)
	value := sctExtensionValue(t, leaf)
	at := bytes.Index(raw, value)
	raw[at+len(value)-1] ^= 1
	badSig, err := x509.ParseCertificate(raw)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		leaf    *x509.Certificate
		issuer  *x509.Certificate
		ctlogs  map[string]*root.TransparencyLog
		wantErr string
	}{
		{"valid", leaf, issuer, ctlogs, ""},
		{"signature flipped", badSig, issuer, ctlogs, "signature invalid"},
		{"wrong issuer", leaf, caRoot, ctlogs, "signature invalid"},
		{"no logs", leaf, issuer, map[string]*root.TransparencyLog{}, "is from a trusted CT log"},
		{"nil logs", leaf, issuer, nil, "is from a trusted CT log"},
		{"log ended before", leaf, issuer, withLog(ctlogs, func(l *root.TransparencyLog) {
			l.ValidityPeriodEnd = sctTime.Add(-time.Millisecond)
		}), "after the log's validity period"},
		{"log started after", leaf, issuer, withLog(ctlogs, func(l *root.TransparencyLog) {
			l.ValidityPeriodStart = sctTime.Add(time.Millisecond)
		}), "before the log's validity period"},
		{"other hash", leaf, issuer, withLog(ctlogs, func(l *root.TransparencyLog) {
			l.SignatureHashFunc = crypto.SHA384
		}), "not the log's"},
		{"no SCT extension", issuer, caRoot, ctlogs, "no SCT extension"},
		{"nil issuer", leaf, nil, ctlogs, "missing certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, verifyEmbeddedSCT(tt.leaf, tt.issuer, tt.ctlogs), tt.wantErr)
		})
	}
}

// checkErr fails unless err is nil (want "") or contains want.
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("err = %v, want nil", err)
	case want != "" && err == nil:
		t.Fatalf("err = nil, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("err = %v, want one containing %q", err, want)
	}
}

// ctFixture is a CA and a CT log, both with fresh keys.
type ctFixture struct {
	caKey  *ecdsa.PrivateKey
	ca     *x509.Certificate
	logKey crypto.Signer
	logID  [32]byte
	logs   map[string]*root.TransparencyLog
}

func newCTFixture(t *testing.T, logKey crypto.Signer) *ctFixture {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pkixKey, err := x509.MarshalPKIXPublicKey(logKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	id := sha256.Sum256(pkixKey)
	logs := map[string]*root.TransparencyLog{hex.EncodeToString(id[:]): {
		ID:                  id[:],
		ValidityPeriodStart: time.Now().Add(-time.Hour),
		HashFunc:            crypto.SHA256,
		PublicKey:           logKey.Public(),
		SignatureHashFunc:   crypto.SHA256,
	}}
	return &ctFixture{caKey: caKey, ca: ca, logKey: logKey, logID: id, logs: logs}
}

// leafTemplate is a Fulcio-like leaf; serial tells leaves apart.
func leafTemplate(serial int64, pub crypto.PublicKey) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		NotBefore:    time.Unix(1700000000, 0),
		NotAfter:     time.Unix(1700000600, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		ExtraExtensions: []pkix.Extension{
			{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}, Value: []byte("https://issuer.example")},
		},
		PublicKey: pub,
	}
}

// issue signs tmpl with the CA, appending extra extensions; parent
// stands in for the CA certificate (one without a key ID makes a leaf
// with no authority key ID).
func (f *ctFixture) issue(t *testing.T, tmpl, parent *x509.Certificate, extra ...pkix.Extension) *x509.Certificate {
	t.Helper()
	c := *tmpl
	c.ExtraExtensions = append(append([]pkix.Extension(nil), tmpl.ExtraExtensions...), extra...)
	der, err := x509.CreateCertificate(rand.Reader, &c, parent, tmpl.PublicKey, f.caKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// sct signs an RFC 6962 v1 SCT for the precertificate whose TBS is tbs,
// encoded here with encoding/binary rather than the code under test.
func (f *ctFixture) sct(t *testing.T, logID [32]byte, ms uint64, tbs []byte) []byte {
	t.Helper()
	keyHash := sha256.Sum256(f.ca.RawSubjectPublicKeyInfo)
	var in []byte
	in = append(in, 0, 0)
	in = binary.BigEndian.AppendUint64(in, ms)
	in = binary.BigEndian.AppendUint16(in, 1)
	in = append(in, keyHash[:]...)
	in = append(in, byte(len(tbs)>>16), byte(len(tbs)>>8), byte(len(tbs)))
	in = append(in, tbs...)
	in = append(in, 0, 0) // no extensions
	d := sha256.Sum256(in)
	sig, err := f.logKey.Sign(rand.Reader, d[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	sigAlg := byte(3)
	if _, ok := f.logKey.(*rsa.PrivateKey); ok {
		sigAlg = 1
	}
	s := []byte{0}
	s = append(s, logID[:]...)
	s = binary.BigEndian.AppendUint64(s, ms)
	s = append(s, 0, 0, 4, sigAlg)
	s = binary.BigEndian.AppendUint16(s, uint16(len(sig)))
	return append(s, sig...)
}

// sctExtension wraps SCTs as the X.509 extension Fulcio adds.
func sctExtension(t *testing.T, scts ...[]byte) pkix.Extension {
	t.Helper()
	var list []byte
	for _, s := range scts {
		list = binary.BigEndian.AppendUint16(list, uint16(len(s)))
		list = append(list, s...)
	}
	value, err := asn1.Marshal(append(binary.BigEndian.AppendUint16(nil, uint16(len(list))), list...))
	if err != nil {
		t.Fatal(err)
	}
	return pkix.Extension{Id: sctListExtensionOID, Value: value}
}

func TestVerifyEmbeddedSCTSynthetic(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for _, lk := range []struct {
		name string
		key  crypto.Signer
	}{{"ECDSA log", ecKey}, {"RSA log", rsaKey}} {
		t.Run(lk.name, func(t *testing.T) {
			f := newCTFixture(t, lk.key)
			leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			now := uint64(time.Now().UnixMilli())
			tmpl := leafTemplate(42, leafKey.Public())
			pre := f.issue(t, tmpl, f.ca)
			other := f.issue(t, leafTemplate(43, leafKey.Public()), f.ca)
			good := f.sct(t, f.logID, now, pre.RawTBSCertificate)
			unknown := f.sct(t, [32]byte{1}, now, pre.RawTBSCertificate)

			// A leaf with no other extension, so removing the SCT list
			// removes the extensions field too.
			bare := &x509.Certificate{SerialNumber: big.NewInt(7), NotBefore: tmpl.NotBefore, NotAfter: tmpl.NotAfter, PublicKey: leafKey.Public()}
			noKeyID := &x509.Certificate{Subject: f.ca.Subject, PublicKey: f.ca.PublicKey}
			barePre := f.issue(t, bare, noKeyID)
			if len(barePre.Extensions) != 0 {
				t.Fatalf("bare leaf has %d extensions", len(barePre.Extensions))
			}

			tests := []struct {
				name    string
				leaf    *x509.Certificate
				wantErr string
			}{
				{"valid", f.issue(t, tmpl, f.ca, sctExtension(t, good)), ""},
				{"unknown log first", f.issue(t, tmpl, f.ca, sctExtension(t, unknown, good)), ""},
				{"only extension", f.issue(t, bare, noKeyID, sctExtension(t, f.sct(t, f.logID, now, barePre.RawTBSCertificate))), ""},
				{"bad SCT then good", f.issue(t, tmpl, f.ca, sctExtension(t, f.sct(t, f.logID, now, other.RawTBSCertificate), good)), ""},
				{"SCT of another certificate", f.issue(t, tmpl, f.ca, sctExtension(t, f.sct(t, f.logID, now, other.RawTBSCertificate))), "signature invalid"},
				{"only unknown log", f.issue(t, tmpl, f.ca, sctExtension(t, unknown)), "none of the certificate's 1 SCTs"},
				{"timestamp changed", f.issue(t, tmpl, f.ca, sctExtension(t, retime(good, now+1))), "signature invalid"},
				{"before log", f.issue(t, tmpl, f.ca, sctExtension(t, f.sct(t, f.logID, now-2*3600*1000, pre.RawTBSCertificate))), "before the log's validity period"},
				{"empty list", f.issue(t, tmpl, f.ca, sctExtension(t)), "empty SCT list"},
				{"no extension", pre, "no SCT extension"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					checkErr(t, verifyEmbeddedSCT(tt.leaf, f.ca, f.logs), tt.wantErr)
				})
			}
		})
	}
}

// retime returns an SCT with its timestamp replaced.
func retime(sct []byte, ms uint64) []byte {
	out := bytes.Clone(sct)
	binary.BigEndian.PutUint64(out[33:], ms)
	return out
}

func TestPrecertTBS(t *testing.T) {
	leaf, _, _, _ := realLeafAndIssuer(t)
	f := newCTFixture(t, mustECDSA(t))
	tmpl := leafTemplate(42, mustECDSA(t).Public())
	pre := f.issue(t, tmpl, f.ca)
	final := f.issue(t, tmpl, f.ca, sctExtension(t, f.sct(t, f.logID, 1, pre.RawTBSCertificate)))
	got, err := precertTBS(final.RawTBSCertificate)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, pre.RawTBSCertificate) {
		t.Errorf("precertTBS did not give back the TBS without the SCT list")
	}

	// x509 refuses to make or parse a certificate with a duplicate
	// extension, so this TBS is put together by hand.
	ext, err := asn1.Marshal(sctExtension(t, f.sct(t, f.logID, 1, pre.RawTBSCertificate)))
	if err != nil {
		t.Fatal(err)
	}
	twice := appendExtensions(t, pre.RawTBSCertificate, ext, ext)
	tests := []struct {
		name    string
		tbs     []byte
		wantErr string
	}{
		{"real", leaf.RawTBSCertificate, ""},
		{"no SCT list", pre.RawTBSCertificate, "has 0 SCT list extensions"},
		{"two SCT lists", twice, "has 2 SCT list extensions"},
		{"one SCT list by hand", appendExtensions(t, pre.RawTBSCertificate, ext), ""},
		{"trailing byte", append(bytes.Clone(leaf.RawTBSCertificate), 0), "malformed TBSCertificate"},
		{"truncated", leaf.RawTBSCertificate[:len(leaf.RawTBSCertificate)-1], "malformed TBSCertificate"},
		{"empty", nil, "malformed TBSCertificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := precertTBS(tt.tbs)
			checkErr(t, err, tt.wantErr)
		})
	}
}

// appendExtensions adds DER extensions at the end of tbs's extensions.
func appendExtensions(t *testing.T, tbs []byte, exts ...[]byte) []byte {
	t.Helper()
	extTag := cbasn1.Tag(3).Constructed().ContextSpecific()
	in := cryptobyte.String(tbs)
	var fields, head, wrapped, list cryptobyte.String
	if !in.ReadASN1(&fields, cbasn1.SEQUENCE) {
		t.Fatal("bad TBS")
	}
	for {
		var elem cryptobyte.String
		var tag cbasn1.Tag
		if !fields.ReadAnyASN1Element(&elem, &tag) {
			t.Fatal("bad TBS")
		}
		if tag == extTag {
			if !elem.ReadASN1(&wrapped, extTag) || !wrapped.ReadASN1(&list, cbasn1.SEQUENCE) {
				t.Fatal("bad TBS extensions")
			}
			break
		}
		head = append(head, elem...)
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(head)
		b.AddASN1(extTag, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddBytes(list)
				for _, e := range exts {
					b.AddBytes(e)
				}
			})
		})
	})
	return b.BytesOrPanic()
}

func mustECDSA(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParseSCTListRejects(t *testing.T) {
	leaf, _, _, _ := realLeafAndIssuer(t)
	real := sctExtensionValue(t, leaf)
	// real is 04 7a | 00 78 | 00 76 | <SCT of 0x76 bytes>.
	wrap := func(list []byte) []byte {
		v, _ := asn1.Marshal(list)
		return v
	}
	inner := real[2:]
	tests := []struct {
		name    string
		value   []byte
		wantErr string
	}{
		{"real", real, ""},
		{"not an octet string", inner, "not a DER octet string"},
		{"trailing byte after octet string", append(bytes.Clone(real), 0), "not a DER octet string"},
		{"trailing byte in list", wrap(append(bytes.Clone(inner), 0)), "malformed SCT list"},
		{"list length too long", wrap(append([]byte{0, 0x79}, inner[2:]...)), "malformed SCT list"},
		{"empty list", wrap([]byte{0, 0}), "empty SCT list"},
		{"empty SCT", wrap([]byte{0, 2, 0, 0}), "malformed SCT list"},
		{"version 2", wrap(append([]byte{0, 0x78, 0, 0x76, 1}, inner[5:]...)), "unsupported version 2"},
		{"trailing byte in SCT", wrap(append(append([]byte{0, 0x79, 0, 0x77}, inner[4:]...), 0)), "trailing bytes"},
		{"truncated SCT", wrap(append([]byte{0, 0x77, 0, 0x75}, inner[4:len(inner)-1]...)), "truncated"},
		{"empty signature", wrap(append([]byte{0, 0x31, 0, 0x2f}, make([]byte, 0x2f)...)), "empty signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseSCTList(tt.value)
			checkErr(t, err, tt.wantErr)
		})
	}
}

func FuzzParseSCTList(f *testing.F) {
	leaf, err := x509.ParseCertificate(loadRealMaterial(f).Certificate)
	if err != nil {
		f.Fatal(err)
	}
	for _, ext := range leaf.Extensions {
		if ext.Id.Equal(sctListExtensionOID) {
			f.Add(ext.Value)
		}
	}
	f.Add([]byte{4, 4, 0, 2, 0, 0})
	f.Fuzz(func(t *testing.T, value []byte) {
		scts, err := parseSCTList(value)
		if err == nil && len(scts) == 0 {
			t.Fatal("parseSCTList accepted an empty list")
		}
		for _, s := range scts {
			if len(s.signature) == 0 {
				t.Fatal("parseSCTList accepted an empty signature")
			}
		}
	})
}
