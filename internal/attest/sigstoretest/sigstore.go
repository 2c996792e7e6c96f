// Package sigstoretest is an in-process Sigstore for tests: a Fulcio
// that issues code-signing certificates for OIDC tokens, a Rekor v1
// transparency log that takes dsse entries, and the trust root that
// verifies what they produce. Serve a Sigstore with httptest.NewServer
// and point both the Fulcio and the Rekor URL of a client at it.
//
// It speaks the wire protocols Sigstore clients use (Fulcio's
// POST /api/v2/signingCert, Rekor's POST /api/v1/log/entries and GET
// /api/v1/log/entries/{uuid}) and checks what real servers check: the
// token's audience, the proof of possession of the key, the DSSE
// signature against the certificate. Certificates carry the extensions
// Fulcio derives from GitHub and GitLab tokens, so identity policies can
// be tested. There is no CT log, so certificates have no SCT.
package sigstoretest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// Audience is the token audience the fake Fulcio requires, as Sigstore's
// public instance does.
const Audience = "sigstore"

// CertLifetime is how long certificates are valid unless SetCertLifetime
// says otherwise: ten minutes, like Fulcio's.
const CertLifetime = 10 * time.Minute

// Sigstore is a fake Fulcio and Rekor v1 behind one http.Handler. All
// methods are safe for concurrent use.
type Sigstore struct {
	ca  *authority
	log *transparencyLog

	mu           sync.Mutex
	url          string
	lifetime     time.Duration
	verifyToken  func(token string) (map[string]any, error)
	failPrefix   string
	failN        int
	failStatus   int
	certificates int
	latency      time.Duration
}

// New returns a Sigstore with fresh keys.
func New() (*Sigstore, error) {
	ca, err := newAuthority()
	if err != nil {
		return nil, fmt.Errorf("sigstoretest: %w", err)
	}
	log, err := newTransparencyLog()
	if err != nil {
		return nil, fmt.Errorf("sigstoretest: %w", err)
	}
	return &Sigstore{ca: ca, log: log, lifetime: CertLifetime, url: "https://sigstore.invalid"}, nil
}

// SetURL records where the Sigstore is served; it becomes the Fulcio and
// Rekor base URL in the trust root.
func (s *Sigstore) SetURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.url = strings.TrimSuffix(u, "/")
}

// SetCertLifetime changes the validity of certificates issued from now
// on; a short one makes a signer renew its certificate.
func (s *Sigstore) SetCertLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lifetime = d
}

// SetTokenVerifier replaces the token check. By default a token is
// decoded without checking its signature, and its aud must be Audience;
// a test holding the issuer's key can verify it for real.
func (s *Sigstore) SetTokenVerifier(verify func(token string) (map[string]any, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.verifyToken = verify
}

// SetLatency delays every answer by d, standing in for the round trip
// to a remote Sigstore in benchmarks.
func (s *Sigstore) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// FailNext makes the next n requests whose path starts with prefix fail
// with status ("/api/v2/" for Fulcio, "/api/v1/" for Rekor). Status 0
// drops the connection instead, a network error to the client.
func (s *Sigstore) FailNext(prefix string, n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failPrefix, s.failN, s.failStatus = prefix, n, status
}

// Certificates is how many certificates Fulcio has issued.
func (s *Sigstore) Certificates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.certificates
}

// Entries is how many entries the log holds.
func (s *Sigstore) Entries() int { return s.log.size() }

// TrustedRoot returns the trust root for this Sigstore: its Fulcio root
// and intermediate and its Rekor key, valid from an hour ago, with no CT
// log and no timestamp authority.
func (s *Sigstore) TrustedRoot() (*root.TrustedRoot, error) {
	s.mu.Lock()
	base := s.url
	s.mu.Unlock()
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01,
		[]root.CertificateAuthority{s.ca.certificateAuthority(base)},
		map[string]*root.TransparencyLog{},
		nil,
		s.log.trustedLogs(base),
	)
	if err != nil {
		return nil, fmt.Errorf("sigstoretest: %w", err)
	}
	return tr, nil
}

// TrustedRootJSON returns TrustedRoot as a trusted_root.json document.
func (s *Sigstore) TrustedRootJSON() ([]byte, error) {
	tr, err := s.TrustedRoot()
	if err != nil {
		return nil, err
	}
	return tr.MarshalJSON()
}

// ServeHTTP routes Fulcio's and Rekor's endpoints.
func (s *Sigstore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}
	if s.failing(r.URL.Path, w) {
		return
	}
	switch {
	case r.URL.Path == "/api/v2/signingCert":
		s.serveSigningCert(w, r)
	case r.URL.Path == "/api/v1/log/entries":
		s.log.serveCreate(w, r)
	case strings.HasPrefix(r.URL.Path, "/api/v1/log/entries/"):
		s.log.serveGet(w, r)
	default:
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
	}
}

// failing answers r with an injected failure, if one is due.
func (s *Sigstore) failing(path string, w http.ResponseWriter) bool {
	s.mu.Lock()
	due := s.failN > 0 && strings.HasPrefix(path, s.failPrefix)
	status := s.failStatus
	if due {
		s.failN--
	}
	s.mu.Unlock()
	if !due {
		return false
	}
	if status == 0 {
		dropConnection(w)
		return true
	}
	writeError(w, status, "injected failure")
	return true
}

func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// writeError answers in the {"code","message"} shape both Fulcio and
// Rekor use.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"code": status, "message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
