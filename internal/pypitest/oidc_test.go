package pypitest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAudience(t *testing.T) {
	const disabled = `{"message":"Trusted publishing functionality not enabled"}`
	tests := []struct {
		name, host, mode, method string
		code                     int
		body                     string
	}{
		{name: "pypi", method: "GET", code: 200, body: `{"audience": "pypi"}`},
		{name: "testpypi", host: "test.pypi.org", method: "GET", code: 200, body: `{"audience": "testpypi"}`},
		{name: "on again", mode: TrustedPublishingOn, method: "GET", code: 200, body: `{"audience": "pypi"}`},
		{name: "disabled", mode: TrustedPublishingDisabled, method: "GET", code: 403, body: disabled},
		{name: "absent", mode: TrustedPublishingAbsent, method: "GET", code: 404},
		{name: "post", method: "POST", code: 405},
		{name: "post while disabled", mode: TrustedPublishingDisabled, method: "POST", code: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx, srv := newIndex(t, Options{Host: tt.host})
			if tt.mode != "" {
				idx.SetTrustedPublishing(tt.mode)
			}
			req, _ := http.NewRequest(tt.method, srv.URL+"/_/oidc/audience", nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.code || (tt.body != "" && string(b) != tt.body) {
				t.Errorf("%s: %d %s, want %d %s", tt.method, resp.StatusCode, b, tt.code, tt.body)
			}
			if tt.body != "" && resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
			}
		})
	}
}

func TestMintRoutes(t *testing.T) {
	idx, srv := newIndex(t, Options{})
	resp, err := http.Get(srv.URL + "/_/oidc/mint-token")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET mint-token: %s, Allow %q", resp.Status, resp.Header.Get("Allow"))
	}
	idx.SetTrustedPublishing(TrustedPublishingAbsent)
	for _, path := range []string{"/_/oidc/mint-token", "/_/oidc/github/mint-token"} {
		resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(`{"token":"x"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("%s without trusted publishing: %s", path, resp.Status)
		}
	}
}

// TestMintAndUpload is the happy path: audience, mint, upload with the
// minted token (attestations allowed), and a request log without secrets.
func TestMintAndUpload(t *testing.T) {
	idx, srv := newIndex(t, Options{})
	gh := startIssuer(t, nil)
	idx.TrustIssuer("github", gh.URL())
	idx.AddProject("demo")
	idx.AddPublisher(demoPublisher())

	if resp, err := http.Get(srv.URL + "/_/oidc/audience"); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	jwt := gh.Mint("pypi", nil)
	before := time.Now().Unix()
	a := mintJWT(t, srv.URL, jwt)
	if a.code != 200 || !a.Success || !strings.HasPrefix(a.Token, "pypi-") ||
		a.Expires < before+900 || a.Expires > time.Now().Unix()+900 {
		t.Fatalf("mint: %d %s", a.code, a.body)
	}
	if !strings.HasPrefix(string(a.body), `{"success": true, "token": "pypi-`) {
		t.Errorf("body %s is not in Warehouse's shape", a.body)
	}
	if idx.MintedTokens() != 1 || fmt.Sprint(idx.JTIs()) != fmt.Sprint(gh.JTIs()) {
		t.Errorf("MintedTokens() = %d, JTIs() = %q; want 1, %q", idx.MintedTokens(), idx.JTIs(), gh.JTIs())
	}

	u := wheelUpload(t, "demo", "1.0")
	u.auth = basic("__token__", a.Token)
	sha, _, _ := digests(u.content)
	u.set("attestations", attestationList(u.filename, sha))
	if r := send(t, srv.URL, u); r.code != 200 {
		t.Fatalf("upload with the minted token: %s", r.status)
	}
	resp, err := http.Get(srv.URL + "/integrity/demo/1.0/" + u.filename + "/provenance")
	if err != nil {
		t.Fatal(err)
	}
	prov, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(prov), `{"claims":null,"environment":null,"kind":"GitHub","repository":"octo-org/octo-repo","workflow":"release.yml"}`) {
		t.Errorf("provenance %s does not name the publisher", prov)
	}

	// The GitHub-specific alias mints too.
	b, _ := json.Marshal(map[string]string{"token": gh.Mint("pypi", nil)})
	resp, err = http.Post(srv.URL+"/_/oidc/github/mint-token", "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("alias: %s", resp.Status)
	}

	want := []string{"GET /_/oidc/audience 200", "POST /_/oidc/mint-token 200", "POST /legacy/ 200",
		"GET /integrity/demo/1.0/" + u.filename + "/provenance 200", "POST /_/oidc/github/mint-token 200"}
	var got []string
	for _, l := range idx.Requests() {
		got = append(got, fmt.Sprintf("%s %s %d", l.Method, l.Path, l.Status))
		if s := fmt.Sprintf("%+v", l); strings.Contains(s, jwt) || strings.Contains(s, a.Token) {
			t.Errorf("request log %s holds a secret", s)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Requests():\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// attestationList is a well-formed PEP 740 attestation list for a file.
func attestationList(filename, sha string) string {
	st, _ := json.Marshal(map[string]any{"_type": "https://in-toto.io/Statement/v1",
		"subject":       []any{map[string]any{"name": filename, "digest": map[string]string{"sha256": sha}}},
		"predicateType": predicatePublish, "predicate": nil})
	b, _ := json.Marshal([]any{map[string]any{"version": 1,
		"verification_material": map[string]any{"certificate": "MIIB", "transparency_entries": []any{map[string]any{}}},
		"envelope":              map[string]any{"statement": base64.StdEncoding.EncodeToString(st), "signature": "c2ln"}}})
	return string(b)
}

// TestMintedTokenCaveats checks the minted token's scope and lifetime,
// with the index's clock under the test's control.
func TestMintedTokenCaveats(t *testing.T) {
	clk := &clock{t: time.Now()}
	idx, srv := newIndex(t, Options{Now: clk.now})
	gh := startIssuer(t, nil)
	idx.TrustIssuer("github", gh.URL())
	idx.AddProject("demo")
	idx.AddProject("other")
	p := demoPublisher()
	p.Projects = []string{"demo", "later"}
	idx.AddPublisher(p)
	idx.SetTokenLifetime(time.Minute)

	a := mintJWT(t, srv.URL, gh.Mint("pypi", nil))
	if a.code != 200 || a.Expires != clk.now().Add(time.Minute).Unix() {
		t.Fatalf("mint: %d %s, want expires %d", a.code, a.body, clk.now().Add(time.Minute).Unix())
	}
	// A project linked later is not in the token: PyPI scopes it by ID.
	idx.AddProject("later")
	tests := []struct {
		name, project, version string
		after                  time.Duration
		code                   int
		msg                    string
	}{
		{"linked project", "demo", "1.0", 0, 200, ""},
		{"unlinked project", "other", "1.0", 0, 403, "Invalid API Token: OIDC scoped token is not valid for project 'other'"},
		{"project created after minting", "later", "1.0", 0, 403, "Invalid API Token: OIDC scoped token is not valid for project 'later'"},
		{"new project", "brand-new", "1.0", 0, 400, "Non-user identities cannot create new projects. This was probably caused by successfully using a pending publisher but specifying the project name incorrectly (either in the publisher or in your project's metadata). Please ensure that both match. See: https://docs.pypi.org/trusted-publishers/troubleshooting/"},
		{"last second", "demo", "1.1", 59 * time.Second, 200, ""},
		{"expired", "demo", "1.2", time.Second, 403, "Invalid API Token: token is expired"},
		{"expired, unlinked project", "other", "1.2", 0, 403, "Invalid API Token: OIDC scoped token is not valid for project 'other'"},
	}
	for _, tt := range tests {
		clk.add(tt.after)
		r := uploadWith(t, srv.URL, a.Token, tt.project, tt.version)
		if r.code != tt.code || (tt.msg != "" && r.reason() != tt.msg) {
			t.Errorf("%s: %s, want %d %s", tt.name, r.status, tt.code, tt.msg)
		}
	}
	// A fresh token works again, for the default 15 minutes.
	idx.SetTokenLifetime(0)
	a = mintJWT(t, srv.URL, gh.Mint("pypi", nil))
	if a.Expires != clk.now().Unix()+900 {
		t.Errorf("expires %d, want now+900 = %d", a.Expires, clk.now().Unix()+900)
	}
	if r := uploadWith(t, srv.URL, a.Token, "demo", "1.2"); r.code != 200 {
		t.Errorf("upload with a fresh token: %s", r.status)
	}
}

// TestMintFaults: a failure before processing leaves the JWT usable; one
// after the jti was recorded burns it, so a client must get a fresh one.
func TestMintFaults(t *testing.T) {
	idx, srv := newIndex(t, Options{})
	gh := startIssuer(t, nil)
	idx.TrustIssuer("github", gh.URL())
	idx.AddProject("demo")
	idx.AddPublisher(demoPublisher())

	idx.FailMint(2, http.StatusBadGateway)
	jwt := gh.Mint("pypi", nil)
	for k := 0; k < 2; k++ {
		if a := mintJWT(t, srv.URL, jwt); a.code != 502 || !strings.Contains(string(a.body), "Error 502 Bad Gateway") {
			t.Fatalf("FailMint attempt %d: %d %s", k, a.code, a.body)
		}
	}
	if len(idx.JTIs()) != 0 || idx.MintedTokens() != 0 {
		t.Errorf("after FailMint: JTIs() = %q, MintedTokens() = %d", idx.JTIs(), idx.MintedTokens())
	}
	mustMint(t, srv.URL, jwt)

	idx.FailMintAfterClaim(1)
	jwt = gh.Mint("pypi", nil)
	if a := mintJWT(t, srv.URL, jwt); a.code != 503 {
		t.Fatalf("FailMintAfterClaim: %d %s", a.code, a.body)
	}
	if a := mintJWT(t, srv.URL, jwt); a.errorText() != "invalid-reuse-token: invalid token: already used" {
		t.Errorf("retry with the same JWT: %s", a.errorText())
	}
	mustMint(t, srv.URL, gh.Mint("pypi", nil))
	if got := idx.JTIs(); len(got) != 3 || idx.MintedTokens() != 2 || fmt.Sprint(got) != fmt.Sprint(gh.JTIs()) {
		t.Errorf("JTIs() = %q, MintedTokens() = %d; want the issuer's %q, 2", got, idx.MintedTokens(), gh.JTIs())
	}
}

func TestMintReplay(t *testing.T) {
	idx, srv := newIndex(t, Options{})
	gh := startIssuer(t, nil)
	idx.TrustIssuer("github", gh.URL())
	idx.AddProject("demo")
	idx.AddPublisher(demoPublisher())
	jwt := gh.Mint("pypi", nil)
	mustMint(t, srv.URL, jwt)
	if a := mintJWT(t, srv.URL, jwt); a.errorText() != "invalid-reuse-token: invalid token: already used" {
		t.Errorf("replay: %s", a.errorText())
	}
	if len(idx.JTIs()) != 1 || idx.MintedTokens() != 1 {
		t.Errorf("JTIs() = %q, MintedTokens() = %d", idx.JTIs(), idx.MintedTokens())
	}
}
