package attest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/attest/sigstoretest"
	"github.com/pypi-publish/pypi-publish/internal/oidctest"
	"github.com/sigstore/sigstore-go/pkg/root"
)

// fixture is an offline Sigstore (fake Fulcio and Rekor v1 on loopback)
// and a fake GitHub OIDC issuer whose tokens it verifies for real.
type fixture struct {
	sigstore *sigstoretest.Sigstore
	srv      *httptest.Server
	issuer   *oidctest.Issuer
	trusted  *root.TrustedRoot
	tokens   atomic.Int32
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	s, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.SetURL(srv.URL)
	iss := oidctest.NewIssuer()
	// Tokens claim GitHub's issuer without it being served: the fake
	// Fulcio checks them with the issuer's key directly.
	iss.SetURL(GitHubIssuer)
	s.SetTokenVerifier(func(tok string) (map[string]any, error) { return iss.Verify(tok, sigstoretest.Audience) })
	tr, err := s.TrustedRoot()
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{sigstore: s, srv: srv, issuer: iss, trusted: tr}
}

// signer returns a Signer wired to the fixture, verifying its output.
func (f *fixture) signer() *Signer {
	return &Signer{
		FulcioURL: f.srv.URL,
		RekorURL:  f.srv.URL,
		HTTP:      f.srv.Client(),
		IDToken: func(context.Context) (string, error) {
			f.tokens.Add(1)
			return f.issuer.Mint(sigstoretest.Audience, nil), nil
		},
		TrustedRoot: f.trusted,
	}
}

// identity is the publisher the fixture's tokens describe.
func (f *fixture) identity() Identity {
	return GitHubIdentity(oidctest.DefaultRepository, "release.yml")
}

// subject makes a distinct subject for a made-up file.
func subject(filename string) Subject {
	d := sha256.Sum256([]byte("contents of " + filename))
	return Subject{Filename: filename, SHA256: hex.EncodeToString(d[:])}
}

// wheels makes n subjects with distinct versions.
func wheels(n int) []Subject {
	subs := make([]Subject, n)
	for i := range subs {
		subs[i] = subject(fmt.Sprintf("demo-1.%d-py3-none-any.whl", i))
	}
	return subs
}

// signOne signs one subject with a fresh fixture.
func signOne(t *testing.T, f *fixture, sub Subject) Attestation {
	t.Helper()
	atts, err := f.signer().Sign(context.Background(), []Subject{sub})
	if err != nil {
		t.Fatal(err)
	}
	return atts[0]
}

func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o644) }

// editEntry changes a's first transparency entry through its JSON, the
// way a tampered file would.
func editEntry(t testing.TB, a *Attestation, edit func(map[string]any)) {
	t.Helper()
	var e map[string]any
	if err := json.Unmarshal(a.VerificationMaterial.TransparencyEntries[0], &e); err != nil {
		t.Fatal(err)
	}
	edit(e)
	raw, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	a.VerificationMaterial.TransparencyEntries = []json.RawMessage{raw}
}
