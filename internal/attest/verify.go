package attest

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/sigstore/sigstore-go/pkg/root"
)

// Verify checks a as PyPI does before accepting it for the file filename
// whose SHA-256 is sha256hex: the Rekor entry (signed entry timestamp,
// inclusion proof and checkpoint), the certificate chain up to a Fulcio
// CA of trusted at the time Rekor logged the signature, the
// certificate's SCT when trusted lists CT logs, the signature over the
// statement, the entry's record of that signature, the signer identity
// id, and finally the statement's subject (CheckSubject).
func Verify(a Attestation, filename, sha256hex string, trusted root.TrustedMaterial, id Identity) error {
	if trusted == nil {
		return errors.New("attest: no trusted root")
	}
	if err := id.check(); err != nil {
		return err
	}
	return verifyAttestation(a, filename, sha256hex, trusted, &id)
}

// verificationError marks a failed cryptographic or identity check, as
// opposed to a malformed argument.
func verificationError(format string, args ...any) error {
	return fmt.Errorf("attest: verification failed: "+format, args...)
}

// verifyAttestation is Verify with the identity check optional: Signer
// checks what it just made without knowing whom Fulcio would certify.
//
// Like pypi-attestations it uses the first transparency entry only, and
// like PyPI it requires Rekor v1's "dsse" entries with both a signed
// entry timestamp (the only proof of the signing time the attestation
// object can carry) and an inclusion proof.
func verifyAttestation(a Attestation, filename, sha256hex string, trusted root.TrustedMaterial, id *Identity) error {
	if err := a.check(); err != nil {
		return err
	}
	digest, err := hex.DecodeString(sha256hex)
	if err != nil || len(digest) != sha256.Size {
		return fmt.Errorf("attest: sha256 %q is not a hex SHA-256 digest", sha256hex)
	}
	sha256hex = hex.EncodeToString(digest) // lowercase, as statements have it
	leaf, err := x509.ParseCertificate(a.VerificationMaterial.Certificate)
	if err != nil {
		return verificationError("unreadable certificate: %w", err)
	}
	entry, err := decodeEntry(a.VerificationMaterial.TransparencyEntries[0])
	if err != nil {
		return err
	}
	if kv := entry.GetKindVersion(); kv.GetKind() != "dsse" || kv.GetVersion() != "0.0.1" {
		return verificationError("transparency entry is a %s %s entry, want dsse 0.0.1", kv.GetKind(), kv.GetVersion())
	}
	signedAt, err := verifyLogEntry(entry, trusted.RekorLogs())
	if err != nil {
		return verificationError("transparency log entry: %w", err)
	}
	chain, err := verifyChain(leaf, signedAt, trusted)
	if err != nil {
		return verificationError("%w", err)
	}
	if ctlogs := trusted.CTLogs(); len(ctlogs) > 0 {
		// A trust root without CT logs (a private or test Fulcio run
		// without one) cannot check SCTs; production's can and must.
		if err := verifyEmbeddedSCT(leaf, chain[1], ctlogs); err != nil {
			return verificationError("certificate transparency: %w", err)
		}
	}
	if err := verifySignature(leaf.PublicKey, pae(InTotoPayloadType, a.Envelope.Statement), a.Envelope.Signature); err != nil {
		return verificationError("envelope: %w", err)
	}
	if err := checkEntryBody(entry.GetCanonicalizedBody(), a); err != nil {
		return verificationError("transparency log entry: %w", err)
	}
	if !statementHasDigest(a.Envelope.Statement, sha256hex) {
		return verificationError("the statement has no subject with sha256 %s", sha256hex)
	}
	if id != nil {
		if err := id.verifyCertificate(leaf); err != nil {
			return err
		}
	}
	return CheckSubject(a, filename, sha256hex)
}

// verifyChain finds a Fulcio CA of trusted that issued leaf and was
// valid, with leaf, at the time Rekor logged the signature (Fulcio
// certificates live ten minutes; the log's timestamp proves the
// signature was made in them). It returns the chain, leaf first.
func verifyChain(leaf *x509.Certificate, at time.Time, trusted root.TrustedMaterial) ([]*x509.Certificate, error) {
	var firstErr error
	for _, ca := range trusted.FulcioCertificateAuthorities() {
		chains, err := ca.Verify(leaf, at)
		if err == nil && (len(chains) == 0 || len(chains[0]) < 2) {
			// A leaf that is its own root: no issuer to check an SCT against.
			err = errors.New("the certificate is not issued by a Fulcio CA")
		}
		if err == nil {
			return chains[0], nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = errors.New("no Fulcio certificate authority in the trusted root")
	}
	return nil, fmt.Errorf("certificate chain at %s: %w", at.UTC().Format(time.RFC3339), firstErr)
}

// dsseBody is the canonicalized body of a Rekor dsse v0.0.1 entry: what
// the log recorded about the envelope.
type dsseBody struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Spec       struct {
		PayloadHash struct {
			Algorithm string `json:"algorithm"`
			Value     string `json:"value"`
		} `json:"payloadHash"`
		Signatures []struct {
			Signature string `json:"signature"` // base64
			Verifier  string `json:"verifier"`  // base64 of a PEM certificate
		} `json:"signatures"`
	} `json:"spec"`
}

// checkEntryBody checks that the log entry records this attestation: the
// hash of its statement, its signature and its certificate. Without this
// a valid entry for any other signature would do. The envelope hash is
// not compared: it covers the envelope's JSON serialization, which the
// attestation object does not keep.
func checkEntryBody(body []byte, a Attestation) error {
	var b dsseBody
	if err := json.Unmarshal(body, &b); err != nil {
		return fmt.Errorf("body is not a dsse entry: %w", err)
	}
	if b.Kind != "dsse" || b.APIVersion != "0.0.1" {
		return fmt.Errorf("body is a %s %s entry, want dsse 0.0.1", b.Kind, b.APIVersion)
	}
	sum := sha256.Sum256(a.Envelope.Statement)
	if b.Spec.PayloadHash.Algorithm != "sha256" || b.Spec.PayloadHash.Value != hex.EncodeToString(sum[:]) {
		return errors.New("the logged payload hash is not the statement's")
	}
	if len(b.Spec.Signatures) != 1 {
		return fmt.Errorf("the entry records %d signatures, want 1", len(b.Spec.Signatures))
	}
	logged := b.Spec.Signatures[0]
	sig, err := base64.StdEncoding.DecodeString(logged.Signature)
	if err != nil || !bytes.Equal(sig, a.Envelope.Signature) {
		return errors.New("the logged signature is not the envelope's")
	}
	verifier, err := base64.StdEncoding.DecodeString(logged.Verifier)
	if err != nil {
		return errors.New("the logged verifier is not base64")
	}
	block, rest := pem.Decode(verifier)
	if block == nil || block.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 ||
		!bytes.Equal(block.Bytes, a.VerificationMaterial.Certificate) {
		return errors.New("the logged verifier is not the attestation's certificate")
	}
	return nil
}

// statementHasDigest reports whether some subject of the in-toto
// statement has the given SHA-256; CheckSubject adds PyPI's stricter
// rules.
func statementHasDigest(stmt []byte, sha256hex string) bool {
	var st statement
	if json.Unmarshal(stmt, &st) != nil {
		return false
	}
	for _, sub := range st.Subject {
		if sub.Digest["sha256"] == sha256hex {
			return true
		}
	}
	return false
}

// Identity is the signer a verifier expects, read from the Fulcio
// certificate. Issuer is required; every other field left empty is not
// checked.
type Identity struct {
	// Issuer is the OIDC issuer the certificate was issued for.
	Issuer string
	// SAN is the exact subject alternative name, or SANRegex a regular
	// expression the whole of it must match (it is anchored at both
	// ends, unlike cosign's --certificate-identity-regexp). For GitHub Actions the SAN is the
	// workflow that ran, https://github.com/<o>/<r>/.github/workflows/<f>@<ref>,
	// which for a reusable workflow lives in another repository.
	SAN, SANRegex string
	// SourceRepositoryURI is the repository the workload ran for,
	// e.g. https://github.com/<o>/<r>.
	SourceRepositoryURI string
	// BuildConfig is the top-level workflow without its "@ref" suffix,
	// e.g. https://github.com/<o>/<r>/.github/workflows/release.yml. The
	// certificate's build config URI must be BuildConfig@<ref> or
	// BuildConfig@<commit>, with the ref or commit the certificate also
	// records: PyPI's check for GitHub and GitLab publishers.
	BuildConfig string
}

// Issuers of the CI identities PyPI accepts attestations from.
const (
	GitHubIssuer = "https://token.actions.githubusercontent.com"
	GitLabIssuer = "https://gitlab.com"
	GoogleIssuer = "https://accounts.google.com"
)

// GitHubIdentity is what PyPI checks for a GitHub trusted publisher:
// repository "owner/name" and workflow file name "release.yml".
func GitHubIdentity(repository, workflow string) Identity {
	repo := "https://github.com/" + repository
	return Identity{
		Issuer:              GitHubIssuer,
		SourceRepositoryURI: repo,
		BuildConfig:         repo + "/.github/workflows/" + workflow,
	}
}

// GitLabIdentity is what PyPI checks for a GitLab.com trusted publisher:
// project "namespace/project" and the path of its CI file, usually
// ".gitlab-ci.yml".
func GitLabIdentity(project, ciPath string) Identity {
	repo := "https://gitlab.com/" + project
	return Identity{
		Issuer:              GitLabIssuer,
		SourceRepositoryURI: repo,
		BuildConfig:         repo + "//" + ciPath,
	}
}

// GoogleIdentity is what PyPI checks for a Google service account.
func GoogleIdentity(email string) Identity {
	return Identity{Issuer: GoogleIssuer, SAN: email}
}

func (id Identity) check() error {
	if id.Issuer == "" {
		return errors.New("attest: identity has no issuer")
	}
	if id.SAN != "" && id.SANRegex != "" {
		return errors.New("attest: identity has both a SAN and a SAN pattern")
	}
	if _, err := regexp.Compile(id.SANRegex); err != nil {
		return fmt.Errorf("attest: identity SAN pattern: %w", err)
	}
	if id.SAN == "" && id.SANRegex == "" && id.SourceRepositoryURI == "" && id.BuildConfig == "" {
		// Any workload of the issuer would do: every GitHub repository.
		return errors.New("attest: identity names only an issuer; give a SAN, a SAN pattern, a repository or a build config")
	}
	return nil
}

// sanPattern compiles a SAN pattern to match the whole SAN, so that
// "https://github.com/o/r/.*" cannot be satisfied by a SAN that merely
// contains it (another repository's workflow on a branch so named).
func sanPattern(expr string) *regexp.Regexp {
	return regexp.MustCompile(`^(?:` + expr + `)$`)
}

// verifyCertificate checks the signer identity Fulcio recorded in leaf
// (whose chain is already verified) against id: the OIDC issuer, the
// SAN (exactly, or wholly matching the pattern), the source
// repository and the build config.
func (id Identity) verifyCertificate(leaf *x509.Certificate) error {
	c, err := certificate.SummarizeCertificate(leaf)
	if err != nil {
		return verificationError("failed to verify certificate identity: %w", err)
	}
	switch {
	case c.Issuer != id.Issuer:
		return verificationError("failed to verify certificate identity: issuer %q is not %q", c.Issuer, id.Issuer)
	case id.SAN != "" && c.SubjectAlternativeName != id.SAN:
		return verificationError("failed to verify certificate identity: SAN %q is not %q", c.SubjectAlternativeName, id.SAN)
	case id.SANRegex != "" && !sanPattern(id.SANRegex).MatchString(c.SubjectAlternativeName):
		return verificationError("failed to verify certificate identity: SAN %q does not match %q", c.SubjectAlternativeName, id.SANRegex)
	case id.SourceRepositoryURI != "" && c.SourceRepositoryURI != id.SourceRepositoryURI:
		return verificationError("failed to verify certificate identity: source repository %q is not %q", c.SourceRepositoryURI, id.SourceRepositoryURI)
	}
	if id.BuildConfig != "" {
		return id.checkBuildConfig(c)
	}
	return nil
}

func (id Identity) checkBuildConfig(c certificate.Summary) error {
	got := c.BuildConfigURI
	for _, at := range []string{c.SourceRepositoryRef, c.SourceRepositoryDigest} {
		if at != "" && got == id.BuildConfig+"@"+at {
			return nil
		}
	}
	return fmt.Errorf("attest: verification failed: certificate build config URI %q is not %s@<ref or commit>", got, id.BuildConfig)
}
