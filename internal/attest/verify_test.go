package attest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/oidctest"
)

func TestVerifyRejects(t *testing.T) {
	f := newFixture(t)
	sub := subject("demo-1.0-py3-none-any.whl")
	good := signOne(t, f, sub)
	other := newFixture(t)
	repo := oidctest.DefaultRepository

	// clone deep-copies an attestation so each case tampers its own.
	clone := func() Attestation {
		enc, err := good.Encode()
		if err != nil {
			t.Fatal(err)
		}
		a, err := Parse(enc)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	tests := []struct {
		name     string
		tamper   func(*Attestation)
		filename string
		digest   string
		id       Identity
		trusted  bool // use the fixture's root; false uses another Sigstore's
		wantErr  string
		subject  bool // want a *SubjectError
	}{
		{name: "genuine", trusted: true},
		{name: "exact SAN", trusted: true, id: Identity{Issuer: GitHubIssuer,
			SAN: "https://github.com/" + repo + "/.github/workflows/release.yml@refs/tags/v1.0"}},
		{name: "SAN pattern", trusted: true, id: Identity{Issuer: GitHubIssuer, SANRegex: `https://github\.com/octo-org/octo-repo/\.github/workflows/release\.yml@.*`}},
		// The pattern must match the whole SAN, not a part of it.
		{name: "SAN pattern matching a part", trusted: true, id: Identity{Issuer: GitHubIssuer, SANRegex: `workflows/release\.yml`},
			wantErr: "does not match"},
		{name: "other file name", filename: "demo-2.0-py3-none-any.whl", trusted: true,
			wantErr: "subject does not match distribution name", subject: true},
		{name: "other digest", digest: strings.Repeat("00", 32), trusted: true,
			wantErr: "verification failed"},
		{name: "other repository", id: GitHubIdentity("octo-org/other", "release.yml"), trusted: true,
			wantErr: "failed to verify certificate identity"},
		{name: "other workflow", id: GitHubIdentity(repo, "ci.yml"), trusted: true,
			wantErr: "build config URI"},
		{name: "other issuer", id: GitLabIdentity(repo, ".gitlab-ci.yml"), trusted: true,
			wantErr: "failed to verify certificate identity"},
		{name: "other SAN", id: Identity{Issuer: GitHubIssuer, SAN: "https://github.com/x/y/.github/workflows/a.yml@refs/heads/main"}, trusted: true,
			wantErr: "failed to verify certificate identity"},
		{name: "other trust root", wantErr: "verification failed"},
		{name: "tampered signature", trusted: true, wantErr: "verification failed",
			tamper: func(a *Attestation) { a.Envelope.Signature[10] ^= 0x40 }},
		{name: "statement swapped for another file's", trusted: true, wantErr: "verification failed",
			filename: "demo-2.0-py3-none-any.whl", digest: subject("demo-2.0-py3-none-any.whl").SHA256,
			tamper: func(a *Attestation) { a.Envelope.Statement = Statement(subject("demo-2.0-py3-none-any.whl")) }},
		{name: "tampered certificate", trusted: true, wantErr: "verification failed",
			tamper: func(a *Attestation) {
				a.VerificationMaterial.Certificate[len(a.VerificationMaterial.Certificate)-3] ^= 1
			}},
		{name: "tampered log time", trusted: true, wantErr: "verification failed",
			tamper: func(a *Attestation) {
				editEntry(t, a, func(e map[string]any) { e["integratedTime"] = "1700000000" })
			}},
		{name: "log entry without promise or proof", trusted: true, wantErr: "inclusion proof",
			tamper: func(a *Attestation) {
				editEntry(t, a, func(e map[string]any) { delete(e, "inclusionPromise"); delete(e, "inclusionProof") })
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := clone()
			if tt.tamper != nil {
				tt.tamper(&a)
			}
			filename, digest, id := sub.Filename, sub.SHA256, f.identity()
			if tt.filename != "" {
				filename = tt.filename
			}
			if tt.digest != "" {
				digest = tt.digest
			}
			if tt.id.Issuer != "" {
				id = tt.id
			}
			trusted := other.trusted
			if tt.trusted {
				trusted = f.trusted
			}
			err := Verify(a, filename, digest, trusted, id)
			if tt.name == "genuine" || tt.name == "exact SAN" || tt.name == "SAN pattern" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Verify = %v, want error containing %q", err, tt.wantErr)
			}
			var se *SubjectError
			if errors.As(err, &se) != tt.subject {
				t.Fatalf("Verify = %v; SubjectError: %v, want %v", err, !tt.subject, tt.subject)
			}
		})
	}
}

func TestVerifyOtherProviders(t *testing.T) {
	tests := []struct {
		name   string
		issuer string
		claims map[string]any
		id     Identity
		wrong  Identity
	}{
		{"GitLab", GitLabIssuer, oidctest.GitLabClaims("group/sub/project"),
			GitLabIdentity("group/sub/project", ".gitlab-ci.yml"),
			GitLabIdentity("group/sub/project", "other.yml")},
		{"Google", GoogleIssuer, oidctest.GoogleClaims("publisher@project.iam.gserviceaccount.com"),
			GoogleIdentity("publisher@project.iam.gserviceaccount.com"),
			GoogleIdentity("someone@project.iam.gserviceaccount.com")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.issuer.SetURL(tt.issuer)
			f.issuer.SetBaseClaims(tt.claims)
			sub := subject("demo-1.0.tar.gz")
			a := signOne(t, f, sub)
			if err := Verify(a, sub.Filename, sub.SHA256, f.trusted, tt.id); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if err := Verify(a, sub.Filename, sub.SHA256, f.trusted, tt.wrong); err == nil {
				t.Fatal("Verify accepted the wrong identity")
			}
			if err := Verify(a, sub.Filename, sub.SHA256, f.trusted, f.identity()); err == nil {
				t.Fatal("Verify accepted a GitHub identity")
			}
		})
	}
}

func TestVerifyBadArguments(t *testing.T) {
	f := newFixture(t)
	sub := subject("demo-1.0.tar.gz")
	a := signOne(t, f, sub)
	tests := []struct {
		name   string
		digest string
		id     Identity
		noRoot bool
	}{
		{name: "no issuer", digest: sub.SHA256, id: Identity{SAN: "x"}},
		{name: "issuer only", digest: sub.SHA256, id: Identity{Issuer: GitHubIssuer}},
		{name: "SAN and pattern", digest: sub.SHA256, id: Identity{Issuer: GitHubIssuer, SAN: "x", SANRegex: "x"}},
		{name: "bad pattern", digest: sub.SHA256, id: Identity{Issuer: GitHubIssuer, SANRegex: "("}},
		{name: "bad digest", digest: "xyz", id: f.identity()},
		{name: "no trust root", digest: sub.SHA256, id: f.identity(), noRoot: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trusted := f.trusted
			var err error
			if tt.noRoot {
				err = Verify(a, sub.Filename, tt.digest, nil, tt.id)
			} else {
				err = Verify(a, sub.Filename, tt.digest, trusted, tt.id)
			}
			if err == nil {
				t.Fatal("Verify succeeded")
			}
		})
	}
}

// The fake's trust root round-trips through trusted_root.json, the file
// a verify-attestation command would be given.
func TestLoadTrustedRoot(t *testing.T) {
	f := newFixture(t)
	sub := subject("demo-1.0.tar.gz")
	a := signOne(t, f, sub)
	data, err := f.sigstore.TrustedRootJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/trusted_root.json"
	if err := writeFile(path, data); err != nil {
		t.Fatal(err)
	}
	tr, err := LoadTrustedRoot(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(a, sub.Filename, sub.SHA256, tr, f.identity()); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTrustedRoot(path + ".missing"); err == nil {
		t.Error("LoadTrustedRoot of a missing file succeeded")
	}
	prod, err := ProductionTrustedRoot()
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(a, sub.Filename, sub.SHA256, prod, f.identity()); err == nil {
		t.Error("a test attestation verified against the production root")
	}
	if !bytes.Contains(productionRoot, []byte("https://rekor.sigstore.dev")) {
		t.Error("embedded root does not name production Rekor")
	}
}

// A digest in capitals is the same digest.
func TestVerifyUppercaseDigest(t *testing.T) {
	f := newFixture(t)
	sub := subject("demo-1.0.tar.gz")
	a := signOne(t, f, sub)
	if err := Verify(a, sub.Filename, strings.ToUpper(sub.SHA256), f.trusted, f.identity()); err != nil {
		t.Fatal(err)
	}
}

// PyPI verifies DSSE signatures as ECDSA with SHA-256 only.
func TestVerifySignatureKeyTypes(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	msg := pae(InTotoPayloadType, []byte("{}"))
	if err := verifySignature(pub, msg, ed25519.Sign(priv, msg)); err == nil || !strings.Contains(err.Error(), "ECDSA") {
		t.Fatalf("an Ed25519 signature = %v, want a refusal naming ECDSA", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d384 := sha512.Sum384(msg)
	sig384, _ := ecdsa.SignASN1(rand.Reader, key, d384[:])
	if err := verifySignature(&key.PublicKey, msg, sig384); err == nil {
		t.Fatal("a P-384 signature over SHA-384 verified; PyPI hashes with SHA-256")
	}
	d256 := sha256.Sum256(msg)
	sig256, _ := ecdsa.SignASN1(rand.Reader, key, d256[:])
	if err := verifySignature(&key.PublicKey, msg, sig256); err != nil {
		t.Fatalf("a P-384 signature over SHA-256: %v", err)
	}
}
