package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"github.com/pypi-publish/pypi-publish/internal/oidctest"
)

const (
	testSA      = "publisher@proj.iam.gserviceaccount.com"
	accessToken = "ya29.CANARY-access-token"
)

// fakeGoogle serves the metadata server under /computeMetadata/v1 and IAM
// credentials under /iam/v1, minting with iss.
type fakeGoogle struct {
	iss     *oidctest.Issuer
	iamFail int // status for generateIdToken, 0 = succeed
	// iamFailN, when set, limits iamFail to the first iamFailN requests.
	iamFailN int
	iamPaths []string
}

func (g *fakeGoogle) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const md = "/computeMetadata/v1/instance/service-accounts/default/"
	switch {
	case strings.HasPrefix(r.URL.Path, md) && r.Header.Get("Metadata-Flavor") != "Google":
		http.Error(w, "Missing Metadata-Flavor:Google header", http.StatusForbidden)
	case r.URL.Path == md+"identity":
		q := r.URL.Query()
		if q.Get("format") != "full" {
			http.Error(w, "want format=full", http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, g.iss.Mint(q.Get("audience"), oidctest.GoogleClaims("123-compute@developer.gserviceaccount.com")))
	case r.URL.Path == md+"token":
		if !strings.Contains(r.URL.Query().Get("scopes"), "cloud-platform") {
			http.Error(w, "want the cloud-platform scope", http.StatusBadRequest)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": accessToken, "expires_in": 3599, "token_type": "Bearer"})
	case strings.HasPrefix(r.URL.Path, "/iam/v1/projects/-/serviceAccounts/") && r.Method == http.MethodPost:
		g.iamPaths = append(g.iamPaths, r.URL.Path)
		if r.Header.Get("Authorization") != "Bearer "+accessToken {
			http.Error(w, "unauthenticated", http.StatusUnauthorized)
			return
		}
		if g.iamFail != 0 && (g.iamFailN == 0 || len(g.iamPaths) <= g.iamFailN) {
			// Echo the credential, as a careless error page might.
			http.Error(w, "permission denied for "+r.Header.Get("Authorization"), g.iamFail)
			return
		}
		var body struct {
			Audience     string `json:"audience"`
			IncludeEmail bool   `json:"includeEmail"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || !body.IncludeEmail {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"token": g.iss.Mint(body.Audience, oidctest.GoogleClaims(testSA))})
	default:
		http.NotFound(w, r)
	}
}

func googleSource(t *testing.T, g *fakeGoogle, e env, product string) *Source {
	t.Helper()
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	s := newSource(t, e)
	s.GoogleMetadataURL = srv.URL + "/computeMetadata/v1"
	s.IAMCredentialsURL = srv.URL + "/iam/v1/"
	if product != "" {
		s.DMIProductNamePath = filepath.Join(t.TempDir(), "product_name")
		if err := os.WriteFile(s.DMIProductNamePath, []byte(product), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func newGoogleIssuer() *oidctest.Issuer {
	iss := oidctest.NewIssuer()
	iss.SetURL("https://accounts.google.com")
	iss.SetBaseClaims(nil)
	return iss
}

func TestGoogleIdentity(t *testing.T) {
	for _, product := range []string{"Google\n", "Google Compute Engine\n"} {
		g := &fakeGoogle{iss: newGoogleIssuer()}
		tok, err := googleSource(t, g, env{}, product).Token(context.Background(), "pypi")
		if err != nil {
			t.Fatalf("product %q: %v", product, err)
		}
		if tok.Provider != Google || tok.Claims.Email != "123-compute@developer.gserviceaccount.com" || !tok.Claims.EmailVerified {
			t.Errorf("Token = %v, claims %+v", tok, tok.Claims)
		}
	}
}

func TestGoogleNotGoogle(t *testing.T) {
	g := &fakeGoogle{iss: newGoogleIssuer()}
	if p, err := googleSource(t, g, env{}, "Standard PC (Q35 + ICH9, 2009)\n").Detect(); !errors.Is(err, ErrNoProvider) {
		t.Errorf("Detect on another machine = %q, %v; want ErrNoProvider", p, err)
	}
}

func TestGoogleImpersonation(t *testing.T) {
	g := &fakeGoogle{iss: newGoogleIssuer()}
	tok, err := googleSource(t, g, env{"GOOGLE_SERVICE_ACCOUNT_NAME": testSA}, "").Token(context.Background(), "testpypi")
	if err != nil {
		t.Fatal(err)
	}
	if tok.Provider != Google || tok.Claims.Email != testSA || tok.Claims.Audience != "testpypi" {
		t.Errorf("Token = %v, claims %+v", tok, tok.Claims)
	}
	want := "/iam/v1/projects/-/serviceAccounts/" + testSA + ":generateIdToken"
	if len(g.iamPaths) != 1 || g.iamPaths[0] != want {
		t.Errorf("IAM requests %q, want [%q]", g.iamPaths, want)
	}
}

func TestGoogleImpersonationRefused(t *testing.T) {
	g := &fakeGoogle{iss: newGoogleIssuer(), iamFail: http.StatusForbidden}
	_, err := googleSource(t, g, env{"GOOGLE_SERVICE_ACCOUNT_NAME": testSA}, "").Token(context.Background(), "pypi")
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusForbidden || he.Provider != Google {
		t.Fatalf("Token = %v, want a 403 HTTPError", err)
	}
	if msg := fmt.Sprintf("%v %#v", err, err); strings.Contains(msg, accessToken) {
		t.Errorf("the access token leaked: %s", msg)
	}
	if !strings.Contains(err.Error(), testSA) {
		t.Errorf("error %q does not name the service account", err)
	}
}

func TestGoogleMetadataDown(t *testing.T) {
	s := newSource(t, env{"GOOGLE_SERVICE_ACCOUNT_NAME": testSA})
	s.GoogleMetadataURL = "http://127.0.0.1:1/computeMetadata/v1"
	if _, err := s.Token(context.Background(), "pypi"); err == nil || !strings.Contains(err.Error(), "oidc: google: access token request") {
		t.Errorf("Token = %v, want an access token request error", err)
	}
}

// TestGoogleIAMRetries: oidc sends generateIdToken once; a retrying
// client repeats it, body included, and only on a temporary failure.
func TestGoogleIAMRetries(t *testing.T) {
	tests := []struct {
		name         string
		retrying     bool
		status, n    int
		wantStatus   int // 0: success
		wantRequests int
	}{
		{"503, no retries", false, http.StatusServiceUnavailable, 1, http.StatusServiceUnavailable, 1},
		{"503 then success", true, http.StatusServiceUnavailable, 1, 0, 2},
		{"503 until retries run out", true, http.StatusServiceUnavailable, 0, http.StatusServiceUnavailable, 3},
		{"403 is not retried", true, http.StatusForbidden, 0, http.StatusForbidden, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &fakeGoogle{iss: newGoogleIssuer(), iamFail: tt.status, iamFailN: tt.n}
			s := googleSource(t, g, env{"GOOGLE_SERVICE_ACCOUNT_NAME": testSA}, "")
			if tt.retrying {
				s.HTTP = (&httpx.Config{Retries: 2, RetryWait: time.Millisecond}).Standard()
			}
			tok, err := s.Token(context.Background(), "pypi")
			var he *HTTPError
			switch {
			case tt.wantStatus == 0 && (err != nil || tok.Claims.Email != testSA):
				t.Errorf("Token = %v, %v; want a token for %s", tok, err, testSA)
			case tt.wantStatus != 0 && (!errors.As(err, &he) || he.StatusCode != tt.wantStatus):
				t.Errorf("Token = %v, want an HTTPError %d", err, tt.wantStatus)
			}
			if len(g.iamPaths) != tt.wantRequests {
				t.Errorf("%d IAM requests, want %d", len(g.iamPaths), tt.wantRequests)
			}
		})
	}
}
