package attest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/attest/sigstoretest"
)

func TestSignRoundTrip(t *testing.T) {
	f := newFixture(t)
	subs := []Subject{
		subject("demo-1.0-py3-none-any.whl"),
		subject("demo-1.0.tar.gz"),
		subject("demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
	}
	atts, err := f.signer().Sign(context.Background(), subs)
	if err != nil {
		t.Fatal(err)
	}
	if len(atts) != len(subs) {
		t.Fatalf("Sign returned %d attestations for %d subjects", len(atts), len(subs))
	}
	if got := f.sigstore.Certificates(); got != 1 {
		t.Errorf("Fulcio issued %d certificates, want 1 for the batch", got)
	}
	if got := f.tokens.Load(); got != 1 {
		t.Errorf("IDToken called %d times, want 1", got)
	}
	if got := f.sigstore.Entries(); got != len(subs) {
		t.Errorf("Rekor holds %d entries, want %d", got, len(subs))
	}
	dir := t.TempDir()
	for i, a := range atts {
		sub := subs[i]
		if !bytes.Equal(a.Envelope.Statement, Statement(sub)) {
			t.Errorf("%s: statement %s, want %s", sub.Filename, a.Envelope.Statement, Statement(sub))
		}
		if !bytes.Equal(a.VerificationMaterial.Certificate, atts[0].VerificationMaterial.Certificate) {
			t.Errorf("%s: certificate differs from the first file's", sub.Filename)
		}
		if err := Verify(a, sub.Filename, sub.SHA256, f.trusted, f.identity()); err != nil {
			t.Errorf("Verify(%s): %v", sub.Filename, err)
		}
		// What is written is read back the same and still verifies.
		path, err := Write(dir, sub.Filename, a)
		if err != nil {
			t.Fatal(err)
		}
		if want := dir + "/" + sub.Filename + ".publish.attestation"; path != want {
			t.Errorf("Write path = %s, want %s", path, want)
		}
		back, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		enc1, _ := a.Encode()
		enc2, _ := back.Encode()
		if !bytes.Equal(enc1, enc2) {
			t.Errorf("%s: Load(Write(a)) encodes differently", sub.Filename)
		}
		if err := Verify(back, sub.Filename, sub.SHA256, f.trusted, f.identity()); err != nil {
			t.Errorf("Verify(Load(%s)): %v", path, err)
		}
	}
}

func TestSignKeepsOrderUnderConcurrency(t *testing.T) {
	f := newFixture(t)
	s := f.signer()
	s.Concurrency = 8
	subs := wheels(24)
	atts, err := s.Sign(context.Background(), subs)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range atts {
		if err := CheckSubject(a, subs[i].Filename, subs[i].SHA256); err != nil {
			t.Errorf("attestation %d: %v", i, err)
		}
	}
}

func TestSignRenewsExpiringCertificate(t *testing.T) {
	f := newFixture(t)
	// Shorter than certMargin: every file needs a fresh certificate.
	f.sigstore.SetCertLifetime(time.Minute)
	s := f.signer()
	s.Concurrency = 1
	subs := wheels(3)
	atts, err := s.Sign(context.Background(), subs)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.sigstore.Certificates(); got != 3 {
		t.Errorf("Fulcio issued %d certificates, want 3", got)
	}
	if got := f.tokens.Load(); got != 3 {
		t.Errorf("IDToken called %d times, want 3", got)
	}
	for i, a := range atts {
		if err := Verify(a, subs[i].Filename, subs[i].SHA256, f.trusted, f.identity()); err != nil {
			t.Errorf("Verify(%s): %v", subs[i].Filename, err)
		}
	}
}

func TestSignFailures(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(*fixture, *Signer)
		step     Step
		filename string
		wantText string
	}{
		{
			name: "ID token source fails",
			setup: func(_ *fixture, s *Signer) {
				s.IDToken = func(context.Context) (string, error) { return "", errors.New("id-token permission missing") }
			},
			step: StepIDToken, wantText: "id-token permission missing",
		},
		{
			name: "empty ID token",
			setup: func(_ *fixture, s *Signer) {
				s.IDToken = func(context.Context) (string, error) { return "", nil }
			},
			step: StepIDToken, wantText: "empty token",
		},
		{
			name:  "no ID token source",
			setup: func(_ *fixture, s *Signer) { s.IDToken = nil },
			step:  StepIDToken, wantText: "no ID token source",
		},
		{
			name:  "Fulcio server error",
			setup: func(f *fixture, _ *Signer) { f.sigstore.FailNext("/api/v2/", 1, http.StatusInternalServerError) },
			step:  StepFulcio, wantText: "the Fulcio server returned 500 Internal Server Error: {\"code\":500,\"message\":\"injected failure\"}",
		},
		{
			name: "Fulcio refuses the token audience",
			setup: func(f *fixture, s *Signer) {
				s.IDToken = func(context.Context) (string, error) { return f.issuer.Mint("pypi", nil), nil }
			},
			step: StepFulcio, wantText: "the Fulcio server returned 401 Unauthorized",
		},
		{
			name:  "Fulcio unreachable",
			setup: func(_ *fixture, s *Signer) { s.FulcioURL = closedURL(t) },
			step:  StepFulcio, wantText: "connection refused",
		},
		{
			name:  "Rekor server error",
			setup: func(f *fixture, _ *Signer) { f.sigstore.FailNext("/api/v1/", 1, http.StatusInternalServerError) },
			step:  StepRekor, filename: "demo-1.0-py3-none-any.whl", wantText: "500",
		},
		{
			name:  "Rekor drops the connection",
			setup: func(f *fixture, _ *Signer) { f.sigstore.FailNext("/api/v1/", 1, 0) },
			step:  StepRekor, filename: "demo-1.0-py3-none-any.whl", wantText: "/api/v1/log/entries",
		},
		{
			name:  "Rekor unreachable",
			setup: func(_ *fixture, s *Signer) { s.RekorURL = closedURL(t) },
			step:  StepRekor, filename: "demo-1.0-py3-none-any.whl", wantText: "connection refused",
		},
		{
			name: "result does not verify against the trust root",
			setup: func(_ *fixture, s *Signer) {
				other := newFixture(t)
				s.TrustedRoot = other.trusted
			},
			step: StepVerify, filename: "demo-1.0-py3-none-any.whl", wantText: "verification failed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			s := f.signer()
			tt.setup(f, s)
			atts, err := s.Sign(context.Background(), []Subject{subject("demo-1.0-py3-none-any.whl")})
			t.Log(err)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Sign = %v, %v; want an *Error", atts, err)
			}
			if e.Step != tt.step || e.Filename != tt.filename {
				t.Errorf("step, file = %q, %q; want %q, %q", e.Step, e.Filename, tt.step, tt.filename)
			}
			if !strings.Contains(err.Error(), tt.wantText) || !strings.Contains(err.Error(), string(tt.step)) {
				t.Errorf("error %q does not name %q and contain %q", err, tt.step, tt.wantText)
			}
			if atts != nil {
				t.Errorf("Sign returned attestations along with an error")
			}
		})
	}
}

// closedURL is the URL of a server that no longer listens.
func closedURL(t *testing.T) string {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return srv.URL
}

// TestSignErrorHidesToken: a Fulcio that echoes the request back must not
// get the token into the error, however the error is printed or unwrapped.
func TestSignErrorHidesToken(t *testing.T) {
	const canary = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjYW5hcnkiLCJhdWQiOiJzaWdzdG9yZSJ9.c2VjcmV0LWNhbmFyeQ"
	// Padding puts the echoed token before, across and after the point
	// where the error message cuts a long answer short.
	for _, pad := range []int{0, 4032, 5000} {
		t.Run(fmt.Sprintf("pad=%d", pad), func(t *testing.T) {
			echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, strings.Repeat(".", pad)+"bad request from "+r.Header.Get("Authorization"), http.StatusBadRequest)
			}))
			defer echo.Close()
			s := &Signer{
				FulcioURL: echo.URL, RekorURL: echo.URL, HTTP: echo.Client(),
				IDToken: func(context.Context) (string, error) { return canary, nil },
			}
			_, err := s.Sign(context.Background(), []Subject{subject("demo-1.0.tar.gz")})
			if err == nil {
				t.Fatal("Sign succeeded against an echoing server")
			}
			for e := err; e != nil; e = errors.Unwrap(e) {
				for _, part := range strings.Split(canary, ".") {
					if strings.Contains(e.Error(), part[:12]) {
						t.Fatalf("error chain reveals part of the token: %v", e)
					}
				}
			}
			if !strings.Contains(err.Error(), "Fulcio") || pad < 5000 && !strings.Contains(err.Error(), "[redacted]") {
				t.Errorf("error = %v, want the Fulcio step with the token redacted", err)
			}
		})
	}
}

func TestSignRejectsBadSubjects(t *testing.T) {
	tests := []Subject{
		{Filename: "", SHA256: strings.Repeat("a", 64)},
		{Filename: "dir/demo-1.0.tar.gz", SHA256: strings.Repeat("a", 64)},
		{Filename: "demo-1.0.tar.gz", SHA256: "abc"},
		{Filename: "demo-1.0.tar.gz", SHA256: strings.Repeat("A", 64)},
		{Filename: "demo-1.0.tar.gz", SHA256: strings.Repeat("g", 64)},
	}
	for _, sub := range tests {
		s := &Signer{IDToken: func(context.Context) (string, error) {
			t.Fatal("IDToken called for an invalid subject")
			return "", nil
		}}
		if _, err := s.Sign(context.Background(), []Subject{sub}); err == nil {
			t.Errorf("Sign(%+v) succeeded", sub)
		}
	}
}

func TestSignNothing(t *testing.T) {
	s := &Signer{}
	atts, err := s.Sign(context.Background(), nil)
	if err != nil || atts != nil {
		t.Fatalf("Sign(nil) = %v, %v; want nil, nil", atts, err)
	}
}

func TestSignCanceled(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.signer().Sign(ctx, wheels(3))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Sign with a canceled context = %v, want context.Canceled", err)
	}
}

// The default token check of the fake Fulcio (no key, audience only)
// is what end-to-end tests without a real issuer key rely on.
func TestSignWithUnverifiedTokens(t *testing.T) {
	f := newFixture(t)
	f.sigstore.SetTokenVerifier(nil)
	sub := subject("demo-1.0.tar.gz")
	a := signOne(t, f, sub)
	if err := Verify(a, sub.Filename, sub.SHA256, f.trusted, f.identity()); err != nil {
		t.Fatal(err)
	}
	_ = sigstoretest.Audience
}
