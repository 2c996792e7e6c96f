package pypitest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/oidctest"
)

// startIssuer serves a fake OIDC issuer whose tokens start from base
// (GitHub's claims for octo-org/octo-repo when nil).
func startIssuer(t *testing.T, base map[string]any) *oidctest.Issuer {
	t.Helper()
	iss := oidctest.NewIssuer()
	if base != nil {
		iss.SetBaseClaims(base)
	}
	srv := httptest.NewServer(iss)
	t.Cleanup(srv.Close)
	iss.SetURL(srv.URL)
	return iss
}

// demoPublisher matches the default GitHub claims, for project demo.
func demoPublisher() Publisher {
	return Publisher{Kind: "github", Owner: "octo-org", Repository: "octo-repo", OwnerID: "1234567",
		Workflow: "release.yml", Projects: []string{"demo"}}
}

// mintAnswer is what a client sees of a mint-token answer.
type mintAnswer struct {
	code    int
	body    []byte
	Success bool
	Token   string
	Expires int64
	Message string
	Errors  []struct{ Code, Description string }
}

// errorText is "<code>: <description>" of a 422, or the status.
func (a mintAnswer) errorText() string {
	if a.code != http.StatusUnprocessableEntity || len(a.Errors) != 1 {
		return http.StatusText(a.code) + " " + string(a.body)
	}
	return a.Errors[0].Code + ": " + a.Errors[0].Description
}

func postMint(t *testing.T, url, body string) mintAnswer {
	t.Helper()
	resp, err := http.Post(url+"/_/oidc/mint-token", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := mintAnswer{code: resp.StatusCode}
	if a.body, err = io.ReadAll(resp.Body); err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(a.body, &a); err != nil {
			t.Fatalf("mint answer %q: %v", a.body, err)
		}
	}
	return a
}

func mintJWT(t *testing.T, url, jwt string) mintAnswer {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"token": jwt})
	return postMint(t, url, string(b))
}

// mustMint mints a token, failing the test otherwise.
func mustMint(t *testing.T, url, jwt string) string {
	t.Helper()
	a := mintJWT(t, url, jwt)
	if a.code != http.StatusOK || !a.Success || !strings.HasPrefix(a.Token, "pypi-") {
		t.Fatalf("mint: %d %s", a.code, a.body)
	}
	return a.Token
}

// uploadWith uploads a wheel of name 1.0 with an API token.
func uploadWith(t *testing.T, url, token, name, version string) result {
	t.Helper()
	u := wheelUpload(t, name, version)
	u.auth = basic("__token__", token)
	return send(t, url, u)
}

// clock is a settable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
