package attest

import (
	"errors"
	"strings"
	"testing"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// A real attestation, made by pypi-attestations' own release workflow on
// GitHub Actions with production Sigstore and uploaded to PyPI. It pins
// interoperability: Load and Verify must accept what the
// Python tooling writes, offline, with the embedded trust root.
const (
	prodFile   = "pypi_attestations-0.0.19.tar.gz"
	prodDigest = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"
	prodRepo   = "trailofbits/pypi-attestations"
)

// loadProduction returns the real attestation and the embedded
// production trust root it verifies against.
func loadProduction(t testing.TB) (Attestation, *root.TrustedRoot) {
	t.Helper()
	a, err := Load("testdata/" + prodFile + Suffix)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ProductionTrustedRoot()
	if err != nil {
		t.Fatal(err)
	}
	return a, tr
}

func TestVerifyProductionAttestation(t *testing.T) {
	a, tr := loadProduction(t)
	tests := []struct {
		name     string
		filename string
		digest   string
		id       Identity
		wantErr  string
	}{
		{"publisher", prodFile, prodDigest, GitHubIdentity(prodRepo, "release.yml"), ""},
		{"exact SAN", prodFile, prodDigest, Identity{
			Issuer: GitHubIssuer,
			SAN:    "https://github.com/" + prodRepo + "/.github/workflows/release.yml@refs/tags/v0.0.19",
		}, ""},
		{"unnormalized name", "pypi-attestations-0.0.19.tar.gz", prodDigest, GitHubIdentity(prodRepo, "release.yml"), ""},
		{"other workflow", prodFile, prodDigest, GitHubIdentity(prodRepo, "ci.yml"), "build config URI"},
		{"other repository", prodFile, prodDigest, GitHubIdentity("octo-org/octo-repo", "release.yml"), "failed to verify certificate identity"},
		{"other issuer", prodFile, prodDigest, GitLabIdentity(prodRepo, ".gitlab-ci.yml"), "failed to verify certificate identity"},
		{"other version", "pypi_attestations-0.0.20.tar.gz", prodDigest, GitHubIdentity(prodRepo, "release.yml"), "subject does not match distribution name"},
		{"other digest", prodFile, strings.Repeat("ab", 32), GitHubIdentity(prodRepo, "release.yml"), "verification failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(a, tt.filename, tt.digest, tr, tt.id)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Verify: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Verify = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestVerifyProductionTampered(t *testing.T) {
	a, tr := loadProduction(t)
	a.Envelope.Signature[len(a.Envelope.Signature)-1] ^= 1
	err := Verify(a, prodFile, prodDigest, tr, GitHubIdentity(prodRepo, "release.yml"))
	var se *SubjectError
	if err == nil || errors.As(err, &se) {
		t.Fatalf("Verify of a tampered signature = %v, want a verification error", err)
	}
}
