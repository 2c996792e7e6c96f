package trusted

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/internal/oidctest"
	"github.com/pypi-publish/pypi-publish/internal/pypitest"
	"github.com/pypi-publish/pypi-publish/mint"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// stand is a pypitest index and an oidctest GitHub token service on
// loopback, the index trusting the issuer, and a publisher for project
// "demo" of octo-org/octo-repo's release.yml.
type stand struct {
	idx    *pypitest.Index
	iss    *oidctest.Issuer
	srv    *httptest.Server // the index
	issSrv *httptest.Server

	mu   sync.Mutex
	jwts []string // every ID token the token service handed out
}

func newStand(t *testing.T) *stand {
	t.Helper()
	s := &stand{idx: pypitest.NewIndex(pypitest.Options{Audience: "pypi-standin"}), iss: oidctest.NewIssuer()}
	t.Cleanup(func() { s.idx.Close() })
	s.srv = httptest.NewServer(s.idx)
	t.Cleanup(s.srv.Close)
	s.issSrv = httptest.NewServer(http.HandlerFunc(s.serveIssuer))
	t.Cleanup(s.issSrv.Close)
	s.iss.SetURL(s.issSrv.URL)
	s.idx.TrustIssuer("github", s.issSrv.URL)
	s.idx.AddProject("demo")
	return s
}

// addPublisher registers the publisher that matches the issuer's tokens.
func (s *stand) addPublisher() {
	s.idx.AddPublisher(pypitest.Publisher{Kind: "github", Owner: "octo-org", Repository: "octo-repo", OwnerID: "1234567",
		Workflow: "release.yml", Projects: []string{"demo"}})
}

// serveIssuer passes requests to the issuer, noting the ID tokens it
// hands out: the secrets that must never be printed.
func (s *stand) serveIssuer(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	s.iss.ServeHTTP(rec, r)
	var answer struct{ Value string }
	if r.URL.Path == "/token" && json.Unmarshal(rec.Body.Bytes(), &answer) == nil && answer.Value != "" {
		s.mu.Lock()
		s.jwts = append(s.jwts, answer.Value)
		s.mu.Unlock()
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

func (s *stand) issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.jwts...)
}

func (s *stand) target(t *testing.T) *index.Target {
	t.Helper()
	tg, err := index.Parse(s.srv.URL + "/legacy/")
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// githubEnv is what a GitHub job with `id-token: write` sees.
func (s *stand) githubEnv() map[string]string {
	return map[string]string{
		"GITHUB_ACTIONS":                 "true",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": s.iss.RequestToken(),
		"ACTIONS_ID_TOKEN_REQUEST_URL":   s.iss.TokenURL(),
	}
}

func (s *stand) source(env map[string]string) *oidc.Source {
	return &oidc.Source{
		Getenv: func(k string) string { return env[k] },
		HTTP:   (&httpx.Config{Timeout: 10 * time.Second}).Once(),
		// No Google Cloud, whatever machine runs the tests.
		DMIProductNamePath: "/nonexistent",
	}
}

// session returns a session on GitHub, printing as on a runner into out.
func (s *stand) session(t *testing.T, env map[string]string) (*Session, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	tg := s.target(t)
	return &Session{
		Target: tg, Projects: []string{"demo"}, RetryWait: time.Millisecond,
		Source: s.source(env),
		Mint:   &mint.Client{BaseURL: tg.OIDCBase(), HTTP: (&httpx.Config{Timeout: 10 * time.Second}).Once()},
		UI:     console.New(&out, &out, true, true, ghactions.NewScrubber()),
	}, &out
}

// checkSecrets fails when a secret shows in out: an ID token (whole, or
// its signature), the runner's request token, or a minted token outside
// the one line that masks it.
func (s *stand) checkSecrets(t *testing.T, out string, minted ...string) {
	t.Helper()
	for _, jwt := range s.issued() {
		sig := jwt[strings.LastIndexByte(jwt, '.')+1:]
		if strings.Contains(out, jwt) || strings.Contains(out, sig) {
			t.Errorf("an ID token shows in the output:\n%s", out)
		}
	}
	if strings.Contains(out, s.iss.RequestToken()) {
		t.Errorf("the request token shows in the output:\n%s", out)
	}
	for _, tok := range minted {
		masks := 0
		for _, line := range strings.Split(out, "\n") {
			switch {
			case line == "::add-mask::"+tok:
				masks++
			case strings.Contains(line, tok):
				t.Errorf("the minted token shows outside its mask: %q", line)
			}
		}
		if masks != 1 {
			t.Errorf("the minted token is masked %d times, want once:\n%s", masks, out)
		}
	}
}
