package mint

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/httpx"
)

const (
	jwtCanary   = "eyJhbGciOiJSUzI1NiJ9.eyJjYW5hcnkiOnRydWV9.c2lnbmF0dXJlQ0FOQVJZ"
	tokenCanary = "pypi-MINTED-CANARY-5f1e"
)

func client(t *testing.T, h http.HandlerFunc) *Client {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return &Client{BaseURL: u, HTTP: &http.Client{Timeout: 5 * time.Second}}
}

func TestAudience(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string
		errSub string
	}{
		{"pypi", 200, `{"audience":"pypi"}`, "pypi", ""},
		{"testpypi", 200, `{"audience":"testpypi"}`, "testpypi", ""},
		{"disabled", 403, `{"message":"Trusted publishing functionality not enabled"}`, "", "has trusted publishing disabled"},
		{"unsupported", 404, `404 Not Found`, "", "does not indicate trusted publishing support"},
		{"unexpected", 502, `<html>bad gateway</html>`, "", "responded with unexpected 502 Bad Gateway"},
		{"no audience", 200, `{}`, "", "the answer has no audience"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := client(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/_/oidc/audience" || r.Method != http.MethodGet {
					t.Errorf("%s %s", r.Method, r.URL.Path)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			got, err := c.Audience(context.Background())
			if tt.errSub != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errSub) {
					t.Fatalf("Audience() = %q, %v; want error %q", got, err, tt.errSub)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Audience() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestToken(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		errSub    []string
		temporary bool
		code      string
	}{
		{"ok", 200, fmt.Sprintf(`{"success":true,"token":%q,"expires":%d}`, tokenCanary, time.Now().Add(900*time.Second).Unix()), nil, false, ""},
		{"refused", 422, `{"message":"Token request failed","errors":[{"code":"invalid-publisher","description":"valid token, but no corresponding publisher (Publisher with matching claims was not found)"}]}`,
			[]string{"the server refused the request for the following reasons:", "* `invalid-publisher`: valid token, but no corresponding publisher (Publisher with matching claims was not found)"}, false, "invalid-publisher"},
		{"reused", 422, `{"message":"Token request failed","errors":[{"code":"invalid-reuse-token","description":"invalid token: already used"}]}`,
			[]string{"invalid-reuse-token"}, false, "invalid-reuse-token"},
		{"not JSON", 503, `<html>Service Unavailable</html>`, []string{"the index produced an unexpected\n503 Service Unavailable response."}, true, ""},
		{"ok without token", 200, `{"success":true}`, []string{"Token response error: the index gave us an invalid response."}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := client(t, func(w http.ResponseWriter, r *http.Request) {
				var req map[string]string
				if r.Method != http.MethodPost || r.URL.Path != "/_/oidc/mint-token" || json.NewDecoder(r.Body).Decode(&req) != nil || req["token"] != jwtCanary {
					t.Errorf("bad mint request %s %s %v", r.Method, r.URL.Path, req)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			tok, err := c.Token(context.Background(), jwtCanary)
			if tt.errSub == nil {
				if err != nil || tok.Value != tokenCanary || time.Until(tok.Expires) < 14*time.Minute {
					t.Fatalf("Token() = %v, %v", tok, err)
				}
				if s := fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok); strings.Contains(s, tokenCanary) {
					t.Errorf("formatting a Token prints it: %s", s)
				}
				return
			}
			var merr *Error
			if !errors.As(err, &merr) {
				t.Fatalf("Token() error = %v, want *Error", err)
			}
			for _, s := range tt.errSub {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if merr.Temporary() != tt.temporary {
				t.Errorf("Temporary() = %v", merr.Temporary())
			}
			if tt.code != "" && !merr.HasCode(tt.code) {
				t.Errorf("HasCode(%q) = false", tt.code)
			}
			if strings.Contains(err.Error(), jwtCanary) {
				t.Errorf("error leaks the JWT: %v", err)
			}
		})
	}
}

func TestNetworkErrorIsTemporaryAndSecretFree(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	c := &Client{BaseURL: u, HTTP: &http.Client{}}
	_, err := c.Token(context.Background(), jwtCanary)
	var merr *Error
	if !errors.As(err, &merr) || !merr.Temporary() || merr.StatusCode != 0 {
		t.Fatalf("Token() = %v; want a temporary *Error", err)
	}
	if strings.Contains(err.Error(), jwtCanary) {
		t.Errorf("error leaks the JWT: %v", err)
	}
}

func TestTemporary(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want bool
	}{
		{"no answer", &Error{Op: "mint", Err: io.ErrUnexpectedEOF}, true},
		{"stall", &Error{Op: "mint", Err: &httpx.TimeoutError{Host: "h", After: time.Second}}, true},
		{"refused redirect", &Error{Op: "mint", Err: &httpx.RedirectError{StatusCode: 301, From: "a", To: "b"}}, false},
		{"untrusted certificate", &Error{Op: "audience", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}, false},
		{"audience answer without audience", &Error{Op: "audience", StatusCode: 200, Status: "200 OK", Malformed: true, Err: errors.New("the answer has no audience")}, false},
		{"500", &Error{Op: "mint", StatusCode: 500}, true},
		{"503", &Error{Op: "audience", StatusCode: 503}, true},
		{"429", &Error{Op: "mint", StatusCode: 429}, true},
		{"422", &Error{Op: "mint", StatusCode: 422}, false},
		{"403", &Error{Op: "audience", StatusCode: 403}, false},
		{"200 without token", &Error{Op: "mint", StatusCode: 200}, false},
	}
	for _, tt := range tests {
		if got := tt.err.Temporary(); got != tt.want {
			t.Errorf("%s: Temporary() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestOneRequestPerCall: mint has no retry loop; the caller retries the
// whole exchange with a fresh JWT.
func TestOneRequestPerCall(t *testing.T) {
	var requests atomic.Int32
	c := client(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c.HTTP = (&httpx.Config{}).Once()
	if _, err := c.Audience(context.Background()); err == nil {
		t.Fatal("Audience succeeded")
	}
	if _, err := c.Token(context.Background(), jwtCanary); err == nil {
		t.Fatal("Token succeeded")
	}
	if n := requests.Load(); n != 2 {
		t.Errorf("%d requests for two calls, want 2", n)
	}
}

// TestRedirectNotFollowed: with the program's client, a redirected mint
// request is refused (the JWT never reaches the new address) and is not
// worth a new exchange.
func TestRedirectNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(target.Close)
	c := client(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+r.URL.Path, http.StatusPermanentRedirect)
	})
	c.HTTP = (&httpx.Config{}).Once()
	_, err := c.Token(context.Background(), jwtCanary)
	var merr *Error
	var rerr *httpx.RedirectError
	if !errors.As(err, &merr) || !errors.As(err, &rerr) {
		t.Fatalf("Token() = %v; want an *Error for a refused redirect", err)
	}
	if merr.Temporary() {
		t.Error("a refused redirect is Temporary")
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the redirect target got %d requests", n)
	}
	if strings.Contains(err.Error(), jwtCanary) {
		t.Errorf("error leaks the JWT: %v", err)
	}
}
