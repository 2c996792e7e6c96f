package mint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
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
