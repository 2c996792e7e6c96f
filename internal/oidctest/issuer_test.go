package oidctest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// serve starts iss on a loopback server for the test's lifetime.
func serve(t *testing.T, iss *Issuer) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(iss)
	t.Cleanup(srv.Close)
	iss.SetURL(srv.URL)
	return srv
}

func getToken(t *testing.T, iss *Issuer, query, auth string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, iss.URL()+"/token?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("GET /token: %d %q is not JSON", resp.StatusCode, b)
	}
	return resp.StatusCode, body
}

func TestTokenEndpoint(t *testing.T) {
	iss := NewIssuer()
	serve(t, iss)

	status, body := getToken(t, iss, "api-version=2.0&audience=pypi", "bearer "+iss.RequestToken())
	if status != http.StatusOK {
		t.Fatalf("GET /token = %d %v, want 200", status, body)
	}
	jwt, _ := body["value"].(string)
	claims, err := iss.Verify(jwt, "pypi")
	if err != nil {
		t.Fatalf("Verify(own token) = %v", err)
	}
	if body["count"] != 1.0 {
		t.Errorf("count = %v, want 1", body["count"])
	}
	for k, want := range map[string]any{
		"iss":              iss.URL(),
		"aud":              "pypi",
		"repository":       DefaultRepository,
		"job_workflow_ref": "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0",
		"ref":              "refs/tags/v1.0",
		"event_name":       "push",
	} {
		if claims[k] != want {
			t.Errorf("claim %s = %v, want %v", k, claims[k], want)
		}
	}
	if _, ok := claims["environment"]; ok {
		t.Errorf("default claims have an environment: %v", claims["environment"])
	}
	if got := iss.JTIs(); len(got) != 1 || got[0] != claims["jti"] {
		t.Errorf("JTIs() = %v, want [%v]", got, claims["jti"])
	}
}

func TestTokenEndpointRefusals(t *testing.T) {
	iss := NewIssuer()
	serve(t, iss)
	for _, auth := range []string{"", "bearer wrong", "Basic " + iss.RequestToken(), iss.RequestToken()} {
		status, body := getToken(t, iss, "audience=pypi", auth)
		if status != http.StatusUnauthorized {
			t.Errorf("Authorization %q: status %d, want 401", auth, status)
		}
		if msg, _ := body["message"].(string); strings.Contains(msg, iss.RequestToken()) {
			t.Errorf("401 body echoes the request token: %q", msg)
		}
	}
	if got := iss.Requests(); got != 4 {
		t.Errorf("Requests() = %d, want 4", got)
	}
	if got := iss.JTIs(); len(got) != 0 {
		t.Errorf("refused requests issued tokens: %v", got)
	}
}

func TestTokenDefaultAudience(t *testing.T) {
	iss := NewIssuer()
	serve(t, iss)
	_, body := getToken(t, iss, "api-version=2.0", "Bearer "+iss.RequestToken())
	if _, err := iss.Verify(body["value"].(string), "https://github.com/octo-org"); err != nil {
		t.Errorf("token without audience: %v", err)
	}
}

func TestFailNext(t *testing.T) {
	iss := NewIssuer()
	serve(t, iss)
	iss.FailNext(2, http.StatusServiceUnavailable)
	for range 2 {
		if status, _ := getToken(t, iss, "audience=pypi", "bearer "+iss.RequestToken()); status != http.StatusServiceUnavailable {
			t.Errorf("status %d, want 503", status)
		}
	}
	if status, _ := getToken(t, iss, "audience=pypi", "bearer "+iss.RequestToken()); status != http.StatusOK {
		t.Errorf("after the failures: status %d, want 200", status)
	}

	iss.FailNext(1, 0)
	if _, err := http.Get(iss.URL() + "/token"); err == nil {
		t.Error("FailNext(1, 0): the request succeeded, want a network error")
	}
	if got := iss.Requests(); got != 4 {
		t.Errorf("Requests() = %d, want 4", got)
	}
}

func TestDiscoveryAndJWKS(t *testing.T) {
	iss := NewIssuer()
	srv := serve(t, iss)
	var disc struct{ Issuer, JWKSURI string }
	get(t, srv.URL+"/.well-known/openid-configuration", &struct {
		Issuer  *string `json:"issuer"`
		JWKSURI *string `json:"jwks_uri"`
	}{&disc.Issuer, &disc.JWKSURI})
	if disc.Issuer != srv.URL || disc.JWKSURI != srv.URL+"/.well-known/jwks" {
		t.Errorf("discovery = %+v", disc)
	}
	var set struct{ Keys []jwk }
	get(t, disc.JWKSURI, &set)
	if len(set.Keys) != 1 || set.Keys[0].Kid != iss.KeyID() || set.Keys[0].Alg != "RS256" || set.Keys[0].rsaKey() == nil {
		t.Errorf("JWKS = %+v", set)
	}
}

func get(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

func TestClaimLayers(t *testing.T) {
	iss := NewIssuer()
	serve(t, iss)
	iss.SetClaims(map[string]any{"environment": "pypi", "repository_owner_id": nil})
	claims, err := iss.Verify(iss.Mint("pypi", map[string]any{"ref": "refs/heads/main"}), "pypi")
	if err != nil {
		t.Fatal(err)
	}
	if claims["environment"] != "pypi" || claims["ref"] != "refs/heads/main" {
		t.Errorf("overrides not applied: environment %v, ref %v", claims["environment"], claims["ref"])
	}
	if _, ok := claims["repository_owner_id"]; ok {
		t.Error("a nil override did not remove repository_owner_id")
	}

	iss.SetBaseClaims(GitLabClaims("group/sub/project"))
	iss.SetClaims(nil)
	claims, err = iss.Verify(iss.Mint("pypi", nil), "pypi")
	if err != nil {
		t.Fatal(err)
	}
	if claims["project_path"] != "group/sub/project" || claims["namespace_path"] != "group/sub" ||
		claims["ci_config_ref_uri"] != "gitlab.com/group/sub/project//.gitlab-ci.yml@refs/heads/main" {
		t.Errorf("GitLab claims = %v", claims)
	}
	if _, ok := claims["repository"]; ok {
		t.Error("GitLab base set still has GitHub's repository claim")
	}
	if jtis := iss.JTIs(); len(jtis) != 2 || jtis[0] == jtis[1] {
		t.Errorf("JTIs() = %v, want two different ones", jtis)
	}
}

func TestGoogleClaims(t *testing.T) {
	c := GoogleClaims("publisher@project.iam.gserviceaccount.com")
	if c["email_verified"] != true || c["email"] != "publisher@project.iam.gserviceaccount.com" {
		t.Errorf("GoogleClaims = %v", c)
	}
}

func TestTokenQueryKeepsAPIVersion(t *testing.T) {
	iss := NewIssuer()
	serve(t, iss)
	u, err := url.Parse(iss.TokenURL())
	if err != nil || u.Query().Get("api-version") == "" || u.Path != "/token" {
		t.Errorf("TokenURL() = %q", iss.TokenURL())
	}
}
