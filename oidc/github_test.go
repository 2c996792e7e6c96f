package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"github.com/pypi-publish/pypi-publish/internal/oidctest"
)

func TestGitHubToken(t *testing.T) {
	iss := serveIssuer(t)
	tok, err := newSource(t, gitHubEnv(iss)).Token(context.Background(), "pypi")
	if err != nil {
		t.Fatalf("Token = %v", err)
	}
	if tok.Provider != GitHub || tok.Claims.Repository != oidctest.DefaultRepository || tok.Claims.WorkflowFile() != "release.yml" {
		t.Errorf("Token = %v, claims %+v", tok, tok.Claims)
	}
	if _, err := iss.Verify(tok.JWT, "pypi"); err != nil {
		t.Errorf("the issuer refuses its own token: %v", err)
	}
	if n := iss.Requests(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestGitHubAudienceMergedIntoQuery(t *testing.T) {
	tests := []struct {
		name, query string
	}{
		{"api-version", "?api-version=2.0"},
		{"no query", ""},
		{"audience already there", "?audience=other&api-version=2.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss := oidctest.NewIssuer()
			var got url.Values
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.URL.Query()
				iss.ServeHTTP(w, r)
			}))
			defer srv.Close()
			iss.SetURL(srv.URL)
			e := gitHubEnv(iss)
			e["ACTIONS_ID_TOKEN_REQUEST_URL"] = srv.URL + "/token" + tt.query
			if _, err := newSource(t, e).Token(context.Background(), "test pypi&x=1"); err != nil {
				t.Fatal(err)
			}
			if a := got["audience"]; len(a) != 1 || a[0] != "test pypi&x=1" {
				t.Errorf("audience = %q, want exactly [\"test pypi&x=1\"]", a)
			}
			if strings.Contains(tt.query, "api-version") && got.Get("api-version") != "2.0" {
				t.Errorf("api-version lost: query %v", got)
			}
			if got.Has("x") {
				t.Errorf("audience not escaped: query %v", got)
			}
		})
	}
}

func TestGitHubPermission(t *testing.T) {
	for _, missing := range []string{"ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"} {
		t.Run(missing, func(t *testing.T) {
			e := env{"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:1/token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "rt-0123456789"}
			delete(e, missing)
			_, err := newSource(t, e).Token(context.Background(), "pypi")
			var pe *PermissionError
			if !errors.Is(err, ErrPermission) || !errors.As(err, &pe) {
				t.Fatalf("Token = %v, want a *PermissionError", err)
			}
			if pe.Provider != GitHub || !strings.Contains(pe.Missing, missing) || !strings.Contains(pe.Help, "permissions:\n    id-token: write\n") {
				t.Errorf("PermissionError = %+v", pe)
			}
			if want := "oidc: github: cannot request an ID token: " + missing + " is not set"; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Error() = %q, want it to start with %q", err, want)
			}
		})
	}
}

// TestGitHubOneRequestPerCall: oidc sends each request once, whatever
// the answer; the caller's client and exchange loop decide about
// retries, the latter from HTTPError.Temporary.
func TestGitHubOneRequestPerCall(t *testing.T) {
	tests := []struct {
		name          string
		status        int // 0 drops the connection
		wantStatus    int // 0: a transport error
		wantTemporary bool
	}{
		{"502", http.StatusBadGateway, http.StatusBadGateway, true},
		{"503", http.StatusServiceUnavailable, http.StatusServiceUnavailable, true},
		{"429", http.StatusTooManyRequests, http.StatusTooManyRequests, true},
		{"dropped connection", 0, 0, false},
		{"403", http.StatusForbidden, http.StatusForbidden, false},
		{"404", http.StatusNotFound, http.StatusNotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss := serveIssuer(t)
			iss.FailNext(10, tt.status)
			_, err := newSource(t, gitHubEnv(iss)).Token(context.Background(), "pypi")
			var he *HTTPError
			switch {
			case err == nil:
				t.Fatal("Token succeeded")
			case tt.wantStatus == 0 && errors.As(err, &he):
				t.Errorf("Token = %v, want a transport error", err)
			case tt.wantStatus != 0 && (!errors.As(err, &he) || he.StatusCode != tt.wantStatus):
				t.Errorf("Token = %v, want an HTTPError %d", err, tt.wantStatus)
			case he != nil && he.Temporary() != tt.wantTemporary:
				t.Errorf("Temporary() = %v, want %v", he.Temporary(), tt.wantTemporary)
			}
			if n := iss.Requests(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

// TestGitHubRetryingClient: with the program's retrying client as
// Source.HTTP, transient failures are retried by the client, and only by
// it: 1 + Retries requests at most.
func TestGitHubRetryingClient(t *testing.T) {
	const retries = 3
	tests := []struct {
		name         string
		failures     int
		status       int
		wantStatus   int // 0: success
		wantRequests int
	}{
		{"502 then success", 2, http.StatusBadGateway, 0, 3},
		{"dropped connection then success", 1, 0, 0, 2},
		{"429 then success", 1, http.StatusTooManyRequests, 0, 2},
		{"503 until retries run out", 10, http.StatusServiceUnavailable, http.StatusServiceUnavailable, 1 + retries},
		{"403 is not retried", 1, http.StatusForbidden, http.StatusForbidden, 1},
		{"404 is not retried", 1, http.StatusNotFound, http.StatusNotFound, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss := serveIssuer(t)
			iss.FailNext(tt.failures, tt.status)
			src := newSource(t, gitHubEnv(iss))
			src.HTTP = (&httpx.Config{Retries: retries, RetryWait: time.Millisecond}).Standard()
			tok, err := src.Token(context.Background(), "pypi")
			var he *HTTPError
			switch {
			case tt.wantStatus == 0 && err != nil:
				t.Errorf("Token = %v, want success", err)
			case tt.wantStatus == 0 && tok.JWT == "":
				t.Error("empty token")
			case tt.wantStatus != 0 && (!errors.As(err, &he) || he.StatusCode != tt.wantStatus):
				t.Errorf("Token = %v, want an HTTPError %d", err, tt.wantStatus)
			}
			if n := iss.Requests(); n != tt.wantRequests {
				t.Errorf("%d requests, want %d", n, tt.wantRequests)
			}
		})
	}
}

func TestGitHubCancelled(t *testing.T) {
	iss := serveIssuer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newSource(t, gitHubEnv(iss)).Token(ctx, "pypi"); err == nil {
		t.Fatal("Token succeeded with a cancelled context")
	}
	if n := iss.Requests(); n != 0 {
		t.Errorf("%d requests with a cancelled context", n)
	}
}

// answering serves every request with status and body.
func answering(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/token?api-version=2.0"
}

func TestGitHubBadAnswers(t *testing.T) {
	iss := oidctest.NewIssuer()
	iss.SetURL("https://token.actions.githubusercontent.com")
	tests := []struct {
		name   string
		status int
		body   string
		want   error  // matched with errors.Is when set
		substr string // else the error must contain this
	}{
		{"not JSON", 200, "<html>", nil, "malformed or incomplete JSON"},
		{"no value", 200, `{"count": 1}`, nil, "malformed or incomplete JSON"},
		{"value not a string", 200, `{"value": 5}`, nil, "malformed or incomplete JSON"},
		{"not a JWT", 200, `{"value": "abc"}`, ErrMalformedToken, ""},
		{"payload not JSON", 200, `{"value": "a.bm90IGpzb24.c"}`, ErrMalformedToken, ""},
		{"audience mismatch", 200, `{"value": "` + iss.Mint("testpypi", nil) + `"}`, ErrAudienceMismatch, ""},
		{"audience list", 200, `{"value": "` + iss.Mint("pypi", map[string]any{"aud": []string{"pypi"}}) + `"}`, ErrAudienceMismatch, ""},
		{"no audience", 200, `{"value": "` + iss.Mint("pypi", map[string]any{"aud": nil}) + `"}`, ErrAudienceMismatch, ""},
		{"huge answer", 200, `{"value": "` + strings.Repeat("a", maxSuccessBody) + `"}`, nil, "larger than"},
		{"500 body shown", 500, `{"message": "runtime unavailable"}`, nil, "500 Internal Server Error: {\"message\": \"runtime unavailable\"}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env{"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "rt-0123456789", "ACTIONS_ID_TOKEN_REQUEST_URL": answering(t, tt.status, tt.body)}
			_, err := newSource(t, e).Token(context.Background(), "pypi")
			if err == nil {
				t.Fatal("Token succeeded")
			}
			if tt.want != nil && !errors.Is(err, tt.want) || tt.want == nil && !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("Token = %v, want %v %q", err, tt.want, tt.substr)
			}
			if strings.Contains(err.Error(), "eyJ") {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
}

func TestGitHubErrorBodyBounded(t *testing.T) {
	e := env{"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "rt-0123456789", "ACTIONS_ID_TOKEN_REQUEST_URL": answering(t, 400, strings.Repeat("x", 1<<20))}
	_, err := newSource(t, e).Token(context.Background(), "pypi")
	var he *HTTPError
	if !errors.As(err, &he) {
		t.Fatalf("Token = %v, want an HTTPError", err)
	}
	if len(he.Body) != maxErrorBody || len(err.Error()) > 1024 {
		t.Errorf("body kept %d bytes, message %d bytes; want %d and a short message", len(he.Body), len(err.Error()), maxErrorBody)
	}
}

// TestGitHubRequestTokenNeverShown plants a canary request token and
// provokes every failure we can; the canary must never reach an error.
func TestGitHubRequestTokenNeverShown(t *testing.T) {
	const canary = "CANARY-ghrt-9f8e7d6c5b4a"
	echo := func(status int) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// A misbehaving proxy that echoes the request.
			w.WriteHeader(status)
			fmt.Fprintf(w, "Authorization: %s\n", r.Header.Get("Authorization"))
		}))
		t.Cleanup(srv.Close)
		return srv.URL + "/token?api-version=2.0"
	}
	dropped := oidctest.NewIssuer()
	srv := httptest.NewServer(dropped)
	t.Cleanup(srv.Close)
	dropped.FailNext(100, 0)

	urls := map[string]string{
		"echoed in a 500":  echo(500),
		"echoed in a 401":  echo(401),
		"echoed in a 200":  echo(200),
		"connection drops": srv.URL + "/token",
		"nothing listens":  "http://127.0.0.1:1/token",
		"bad URL":          "http://[::1/token",
		"token in the URL": "http://127.0.0.1:1/" + canary,
	}
	for name, u := range urls {
		t.Run(name, func(t *testing.T) {
			e := env{"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": canary, "ACTIONS_ID_TOKEN_REQUEST_URL": u}
			_, err := newSource(t, e).Token(context.Background(), "pypi")
			if err == nil {
				t.Fatal("Token succeeded")
			}
			if msg := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(msg, canary) {
				t.Errorf("the request token leaked: %s", msg)
			}
		})
	}
}
