package attest

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A resubmitted envelope (a retry whose first answer was lost) gets
// Rekor's 409 and the existing entry, not a failure.
func TestRekorConflictFetchesExistingEntry(t *testing.T) {
	f := newFixture(t)
	s := f.signer()
	creds, err := s.newCredentials()
	if err != nil {
		t.Fatal(err)
	}
	cred, err := creds.get(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	log, err := s.newRekor()
	if err != nil {
		t.Fatal(err)
	}
	env, err := signStatement(cred.key, Statement(subject("demo-1.0.tar.gz")))
	if err != nil {
		t.Fatal(err)
	}
	first, err := log.logDSSE(context.Background(), env, certificatePEM(cred.cert))
	if err != nil {
		t.Fatal(err)
	}
	again, err := log.logDSSE(context.Background(), env, certificatePEM(cred.cert))
	if err != nil {
		t.Fatalf("second submission: %v", err)
	}
	if f.sigstore.Entries() != 1 || again.GetLogIndex() != first.GetLogIndex() ||
		!bytes.Equal(again.GetCanonicalizedBody(), first.GetCanonicalizedBody()) {
		t.Fatalf("second submission gave entry %d of %d, want the first one (%d)", again.GetLogIndex(), f.sigstore.Entries(), first.GetLogIndex())
	}
	if _, err := verifyLogEntry(again, f.trusted.RekorLogs()); err != nil {
		t.Fatalf("fetched entry does not verify: %v", err)
	}
}

// What a Rekor or Fulcio that misbehaves answers is refused with a
// message saying what was wrong.
func TestSigstoreAnswersRefused(t *testing.T) {
	tests := []struct {
		name    string
		path    string // answered by the fake server
		status  int
		header  map[string]string
		body    string
		wantErr string
	}{
		{name: "Rekor two entries", path: entriesPath, status: 201, body: `{"a":{},"b":{}}`, wantErr: "2 entries"},
		{name: "Rekor not JSON", path: entriesPath, status: 201, body: `<html>`, wantErr: "unreadable Rekor answer"},
		{name: "Rekor log ID not hex", path: entriesPath, status: 201, body: `{"a":{"body":"e30=","logID":"zz"}}`, wantErr: "not hex"},
		{name: "Rekor without SET", path: entriesPath, status: 201,
			body: `{"a":{"body":"e30=","logID":"aa","verification":{"inclusionProof":{"rootHash":"aa"}}}}`, wantErr: "no signed entry timestamp"},
		{name: "Rekor without proof", path: entriesPath, status: 201,
			body: `{"a":{"body":"e30=","logID":"aa","verification":{"signedEntryTimestamp":"AQ=="}}}`, wantErr: "no inclusion proof"},
		{name: "Rekor refuses", path: entriesPath, status: 400, body: `{"code":400,"message":"bad entry"}`, wantErr: "the Rekor server returned 400 Bad Request: {\"code\":400"},
		{name: "Rekor conflict elsewhere", path: entriesPath, status: 409,
			header: map[string]string{"Location": "https://evil.example/api/v1/log/entries/aa"}, wantErr: "not an entry of this log"},
		{name: "Rekor answers another entry", path: entriesPath, status: 201,
			body:    `{"a":{"body":"eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiZHNzZSIsInNwZWMiOnt9fQ==","logID":"aa","verification":{"signedEntryTimestamp":"AQ==","inclusionProof":{"rootHash":"aa","checkpoint":"x"}}}}`,
			wantErr: "not the one submitted"},
		{name: "Rekor answer too large", path: entriesPath, status: 201, body: `"` + strings.Repeat("a", maxAnswer) + `"`, wantErr: "answer larger than"},
		{name: "Fulcio no certificate", path: "/api/v2/signingCert", status: 200, body: `{}`, wantErr: "holds no certificate"},
		{name: "Fulcio not PEM", path: "/api/v2/signingCert", status: 200,
			body: `{"signedCertificateEmbeddedSct":{"chain":{"certificates":["xyz"]}}}`, wantErr: "not PEM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != tt.path {
					f.sigstore.ServeHTTP(w, r)
					return
				}
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			defer bad.Close()
			s := f.signer()
			s.FulcioURL, s.RekorURL, s.HTTP = bad.URL, bad.URL, bad.Client()
			_, err := s.Sign(context.Background(), []Subject{subject("demo-1.0.tar.gz")})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Sign = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

// A Fulcio that certifies some other key is caught at once.
func TestFulcioCertifiesOtherKey(t *testing.T) {
	f := newFixture(t)
	other := newFixture(t)
	// Sign once with the other fixture to get a certificate for another key.
	a := signOne(t, other, subject("demo-1.0.tar.gz"))
	leaf, err := x509.ParseCertificate(a.VerificationMaterial.Certificate)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var resp fulcioResponse
		resp.Embedded = &fulcioChain{}
		resp.Embedded.Chain.Certificates = []string{string(certificatePEM(leaf.Raw))}
		_ = json.NewEncoder(w).Encode(resp)
	}))
	defer srv.Close()
	s := f.signer()
	s.FulcioURL = srv.URL
	if _, err := s.Sign(context.Background(), []Subject{subject("demo-1.0.tar.gz")}); err == nil || !strings.Contains(err.Error(), "another key") {
		t.Fatalf("Sign = %v, want a refusal of the certificate", err)
	}
}

// FuzzRekorAnswer feeds the Rekor answer parser arbitrary bytes: it may
// refuse them, never panic, and what it accepts encodes.
func FuzzRekorAnswer(f *testing.F) {
	f.Add([]byte(`{"a":{"body":"e30=","integratedTime":1,"logID":"aa","logIndex":2,"verification":{"inclusionProof":{"checkpoint":"x","hashes":["aa"],"logIndex":0,"rootHash":"aa","treeSize":1},"signedEntryTimestamp":"AQ=="}}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := parseRekorAnswer(data)
		if err != nil {
			return
		}
		if _, err := encodeEntry(e); err != nil {
			t.Fatalf("encodeEntry of a parsed answer: %v", err)
		}
	})
}

// The ID token is a bearer credential: it goes to Fulcio over https, or
// in clear only to this machine, and never after a query string.
func TestFulcioURLChecked(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://fulcio.sigstore.dev", true},
		{"https://fulcio.example/prefix/", true},
		{"http://127.0.0.1:5555", true},
		{"http://[::1]:5555", true},
		{"http://localhost:5555", true},
		{"http://fulcio.example", false},
		{"https://fulcio.example/?x=1", false},
		{"https://user:pw@fulcio.example", false},
		{"fulcio.example", false},
		{"ftp://fulcio.example", false},
	}
	for _, tt := range tests {
		s := &Signer{FulcioURL: tt.url}
		_, err := s.newCredentials()
		if (err == nil) != tt.ok {
			t.Errorf("Fulcio URL %q: err = %v, want ok=%v", tt.url, err, tt.ok)
		}
	}
	s := &Signer{FulcioURL: "http://fulcio.example", IDToken: func(context.Context) (string, error) {
		t.Fatal("a token was fetched for a clear-text Fulcio")
		return "", nil
	}}
	_, err := s.Sign(context.Background(), []Subject{subject("demo-1.0.tar.gz")})
	var e *Error
	if !errors.As(err, &e) || e.Step != StepFulcio || !strings.Contains(err.Error(), "unencrypted") {
		t.Fatalf("Sign with an http Fulcio = %v", err)
	}
}
