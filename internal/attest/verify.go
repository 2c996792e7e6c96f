package attest

import (
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"

	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
)

// Verify checks a as PyPI does before accepting it for the file filename
// whose SHA-256 is sha256hex: the signature over the statement, the
// certificate chain up to a Fulcio CA of trusted at the time Rekor
// logged the signature, the Rekor entry (signed entry timestamp and
// inclusion proof), the certificate's SCT when trusted lists CT logs,
// the signer identity id, and finally the statement's subject
// (CheckSubject).
func Verify(a Attestation, filename, sha256hex string, trusted root.TrustedMaterial, id Identity) error {
	if trusted == nil {
		return errors.New("attest: no trusted root")
	}
	if err := id.check(); err != nil {
		return err
	}
	return verifyAttestation(a, filename, sha256hex, trusted, &id)
}

// verifyAttestation is Verify with the identity check optional: Signer
// checks what it just made without knowing whom Fulcio would certify.
func verifyAttestation(a Attestation, filename, sha256hex string, trusted root.TrustedMaterial, id *Identity) error {
	b, err := a.ToBundle()
	if err != nil {
		return err
	}
	opts := []verify.VerifierOption{verify.WithTransparencyLog(1), verify.WithIntegratedTimestamps(1)}
	if len(trusted.CTLogs()) > 0 {
		// A trust root without CT logs (a private or test Fulcio run
		// without one) cannot check SCTs; production's can and must.
		opts = append(opts, verify.WithSignedCertificateTimestamps(1))
	}
	v, err := verify.NewVerifier(trusted, opts...)
	if err != nil {
		return fmt.Errorf("attest: %w", err)
	}
	digest, err := hex.DecodeString(sha256hex)
	if err != nil || len(digest) != 32 {
		return fmt.Errorf("attest: sha256 %q is not a hex SHA-256 digest", sha256hex)
	}
	policy := []verify.PolicyOption{verify.WithoutIdentitiesUnsafe()}
	if id != nil {
		ci, err := id.certificateIdentity()
		if err != nil {
			return err
		}
		policy = []verify.PolicyOption{verify.WithCertificateIdentity(ci)}
	}
	// The digest policy makes sigstore-go check that some subject of the
	// statement has this digest; CheckSubject below adds PyPI's rules.
	res, err := v.Verify(b, verify.NewPolicy(verify.WithArtifactDigest("sha256", digest), policy...))
	if err != nil {
		return fmt.Errorf("attest: verification failed: %w", err)
	}
	if id != nil && id.BuildConfig != "" {
		if err := id.checkBuildConfig(res.Signature.Certificate); err != nil {
			return err
		}
	}
	return CheckSubject(a, filename, sha256hex)
}

// Identity is the signer a verifier expects, read from the Fulcio
// certificate. Issuer is required; every other field left empty is not
// checked.
type Identity struct {
	// Issuer is the OIDC issuer the certificate was issued for.
	Issuer string
	// SAN is the exact subject alternative name, or SANRegex a regular
	// expression it must match. For GitHub Actions the SAN is the
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
	return nil
}

func (id Identity) certificateIdentity() (verify.CertificateIdentity, error) {
	sanRegex := id.SANRegex
	if id.SAN == "" && sanRegex == "" {
		// sigstore-go insists on a SAN criterion; the other fields pin
		// the publisher here, as in PyPI's policies.
		sanRegex = "^.+$"
	}
	san, err := verify.NewSANMatcher(id.SAN, sanRegex)
	if err != nil {
		return verify.CertificateIdentity{}, fmt.Errorf("attest: identity SAN pattern: %w", err)
	}
	iss, err := verify.NewIssuerMatcher(id.Issuer, "")
	if err != nil {
		return verify.CertificateIdentity{}, fmt.Errorf("attest: %w", err)
	}
	ci, err := verify.NewCertificateIdentity(san, iss, certificate.Extensions{SourceRepositoryURI: id.SourceRepositoryURI})
	if err != nil {
		return verify.CertificateIdentity{}, fmt.Errorf("attest: %w", err)
	}
	return ci, nil
}

func (id Identity) checkBuildConfig(c *certificate.Summary) error {
	if c == nil {
		return errors.New("attest: verification failed: no certificate to check the build config of")
	}
	got := c.BuildConfigURI
	for _, at := range []string{c.SourceRepositoryRef, c.SourceRepositoryDigest} {
		if at != "" && got == id.BuildConfig+"@"+at {
			return nil
		}
	}
	return fmt.Errorf("attest: verification failed: certificate build config URI %q is not %s@<ref or commit>", got, id.BuildConfig)
}
