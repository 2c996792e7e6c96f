package pypitest

import (
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/oidctest"
)

const (
	notFound    = "invalid-publisher: valid token, but no corresponding publisher (Publisher with matching claims was not found)"
	noPublisher = "invalid-publisher: valid token, but no corresponding publisher ("
	pydantic    = "invalid-payload: 1 validation error for TokenPayload\n"
)

// claims is a full GitHub claim set from iss for audience pypi, for
// tokens signed by hand.
func claims(iss *oidctest.Issuer) map[string]any {
	c := oidctest.GitHubClaims(oidctest.DefaultRepository)
	now := time.Now().Unix()
	c["iss"], c["aud"], c["iat"], c["exp"], c["jti"] = iss.URL(), "pypi", now, now+300, "hand-made"
	return c
}

// TestMintRefused runs every refusal of mint-token for a GitHub issuer
// and the publisher demoPublisher, one index per case.
func TestMintRefused(t *testing.T) {
	gh := startIssuer(t, nil)
	stranger := startIssuer(t, nil)
	wf := "octo-org/octo-repo/.github/workflows/release.yml"
	tests := []struct {
		name      string
		body      string // sent as is when set
		jwt       func() string
		publisher func(*Publisher) // changes demoPublisher; nil for none registered
		mode      string
		want      string
	}{
		{name: "not JSON", body: "not json", want: pydantic + "  Invalid JSON: expected ident at line 1 column 2 [type=json_invalid, input_value='not json', input_type=str]\n    For further information visit https://errors.pydantic.dev/2.12/v/json_invalid"},
		{name: "garbage", body: "{garbage}", want: pydantic + "  Invalid JSON: key must be a string at line 1 column 2 [type=json_invalid, input_value='{garbage}', input_type=str]\n    For further information visit https://errors.pydantic.dev/2.12/v/json_invalid"},
		{name: "empty body", body: "", want: pydantic + "  Invalid JSON: EOF while parsing a value at line 1 column 0 [type=json_invalid, input_value='', input_type=str]\n    For further information visit https://errors.pydantic.dev/2.12/v/json_invalid"},
		{name: "not an object", body: `["x"]`, want: pydantic + "  Input should be an object [type=model_type, input_value=['x'], input_type=list]\n    For further information visit https://errors.pydantic.dev/2.12/v/model_type"},
		{name: "no token", body: `{"jwt": "x", "n": 1.5}`, want: pydantic + "token\n  Field required [type=missing, input_value={'jwt': 'x', 'n': 1.5}, input_type=dict]\n    For further information visit https://errors.pydantic.dev/2.12/v/missing"},
		{name: "token not a string", body: `{"token": 12}`, want: pydantic + "token\n  Input should be a valid string [type=string_type, input_value=12, input_type=int]\n    For further information visit https://errors.pydantic.dev/2.12/v/string_type"},
		{name: "not a JWT", body: `{"token": "abc"}`, want: "invalid-payload: malformed JWT"},
		{name: "no iss", jwt: func() string {
			c := claims(gh)
			delete(c, "iss")
			return gh.SignJWT(map[string]any{"alg": "RS256", "kid": gh.KeyID()}, c)
		}, want: "invalid-payload: malformed JWT"},
		{name: "unknown issuer", jwt: func() string { return stranger.Mint("pypi", nil) },
			want: "invalid-payload: unknown trusted publishing issuer"},
		{name: "disabled", mode: TrustedPublishingDisabled, want: "not-enabled: github trusted publishing functionality not enabled"},
		{name: "wrong audience", jwt: func() string { return gh.Mint("testpypi", nil) }, want: "invalid-token: malformed or invalid token"},
		{name: "audience list", jwt: func() string { return gh.Mint("pypi", map[string]any{"aud": []string{"pypi"}}) },
			want: "invalid-token: malformed or invalid token"},
		{name: "expired beyond leeway", jwt: func() string {
			now := time.Now().Unix()
			return gh.Mint("pypi", map[string]any{"iat": now - 400, "nbf": now - 400, "exp": now - 31})
		}, want: "invalid-token: malformed or invalid token"},
		{name: "issued in the future", jwt: func() string {
			return gh.Mint("pypi", map[string]any{"iat": time.Now().Unix() + 120})
		}, want: "invalid-token: malformed or invalid token"},
		{name: "bad signature", jwt: func() string {
			jwt := gh.Mint("pypi", nil)
			k := strings.LastIndexByte(jwt, '.') + 20
			c := byte('A')
			if jwt[k] == 'A' {
				c = 'B'
			}
			return jwt[:k] + string(c) + jwt[k+1:]
		}, want: "invalid-token: malformed or invalid token"},
		{name: "unknown kid", jwt: func() string {
			return gh.SignJWT(map[string]any{"alg": "RS256", "kid": "other"}, claims(gh))
		}, want: "invalid-token: malformed or invalid token"},
		{name: "no publisher", want: notFound},
		{name: "other repository", publisher: func(p *Publisher) { p.Repository = "other-repo" }, want: notFound},
		{name: "owner renamed", publisher: func(p *Publisher) { p.Owner = "Octo-Org" }, want: notFound},
		{name: "owner id mismatch", publisher: func(p *Publisher) { p.OwnerID = "7654321" }, want: notFound},
		{name: "owner claim differs", jwt: func() string {
			return gh.Mint("pypi", map[string]any{"repository_owner": "someone"})
		}, publisher: func(*Publisher) {}, want: noPublisher + "Check failed for required claim 'repository_owner')"},
		{name: "missing owner id", jwt: func() string {
			return gh.Mint("pypi", map[string]any{"repository_owner_id": nil})
		}, publisher: func(*Publisher) {}, want: noPublisher + "Missing claim 'repository_owner_id')"},
		{name: "missing sha", jwt: func() string { return gh.Mint("pypi", map[string]any{"sha": nil}) },
			publisher: func(*Publisher) {}, want: noPublisher + "Missing claim 'sha')"},
		{name: "other workflow", publisher: func(p *Publisher) { p.Workflow = "publish.yml" }, want: notFound},
		{name: "reusable workflow", jwt: func() string {
			// The caller, workflow_ref, is the registered file; the
			// called one, job_workflow_ref, is what PyPI matches.
			return gh.Mint("pypi", map[string]any{"workflow_ref": wf + "@refs/tags/v1.0",
				"job_workflow_ref": "octo-org/shared/.github/workflows/build.yml@refs/heads/main"})
		}, publisher: func(*Publisher) {}, want: notFound},
		{name: "reusable workflow of the same name", jwt: func() string {
			return gh.Mint("pypi", map[string]any{"job_workflow_ref": "octo-org/shared/.github/workflows/release.yml@refs/heads/main"})
		}, publisher: func(*Publisher) {}, want: noPublisher + "The job_workflow_ref claim does not match, expecting one of ['" +
			wf + "@" + oidctest.DefaultSHA + "', '" + wf + "@refs/tags/v1.0'], got 'octo-org/shared/.github/workflows/release.yml@refs/heads/main')"},
		{name: "workflow at another ref", jwt: func() string {
			return gh.Mint("pypi", map[string]any{"job_workflow_ref": wf + "@refs/heads/main"})
		}, publisher: func(*Publisher) {}, want: noPublisher + "The job_workflow_ref claim does not match, expecting one of ['" +
			wf + "@" + oidctest.DefaultSHA + "', '" + wf + "@refs/tags/v1.0'], got '" + wf + "@refs/heads/main')"},
		{name: "no workflow file", jwt: func() string {
			return gh.Mint("pypi", map[string]any{"job_workflow_ref": "octo-org/octo-repo/.github/workflows/release@refs/tags/v1.0"})
		}, publisher: func(*Publisher) {}, want: noPublisher + "Could not job extract workflow filename from OIDC claims)"},
		{name: "empty ref and sha", jwt: func() string { return gh.Mint("pypi", map[string]any{"ref": "", "sha": ""}) },
			publisher: func(*Publisher) {}, want: noPublisher + "The ref and sha claims are empty)"},
		{name: "environment required", publisher: func(p *Publisher) { p.Environment = "pypi" }, want: notFound},
		{name: "other environment", jwt: func() string { return gh.Mint("pypi", map[string]any{"environment": "staging"}) },
			publisher: func(p *Publisher) { p.Environment = "pypi" }, want: notFound},
		{name: "pull_request_target", jwt: func() string {
			return gh.Mint("pypi", map[string]any{"event_name": "pull_request_target"})
		}, publisher: func(*Publisher) {}, want: noPublisher + "Publishing from a workflow invoked via 'pull_request_target' is not supported.)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx, srv := newIndex(t, Options{})
			idx.TrustIssuer("github", gh.URL())
			idx.AddProject("demo")
			if tt.publisher != nil || tt.mode != "" {
				p := demoPublisher()
				if tt.publisher != nil {
					tt.publisher(&p)
				}
				idx.AddPublisher(p)
			}
			if tt.mode != "" {
				idx.SetTrustedPublishing(tt.mode)
			}
			var a mintAnswer
			switch {
			case tt.jwt != nil:
				a = mintJWT(t, srv.URL, tt.jwt())
			case tt.body != "" || strings.HasPrefix(tt.name, "empty"):
				a = postMint(t, srv.URL, tt.body)
			default:
				a = mintJWT(t, srv.URL, gh.Mint("pypi", nil))
			}
			if got := a.errorText(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if a.Message != "Token request failed" || idx.MintedTokens() != 0 || len(idx.JTIs()) != 0 {
				t.Errorf("message %q, MintedTokens() = %d, JTIs() = %q", a.Message, idx.MintedTokens(), idx.JTIs())
			}
		})
	}
}

// TestMintMatches covers tokens that must be accepted, for each kind of
// publisher.
func TestMintMatches(t *testing.T) {
	gh := startIssuer(t, nil)
	gl := startIssuer(t, oidctest.GitLabClaims("octo-group/octo-project"))
	gc := startIssuer(t, oidctest.GoogleClaims("release@octo.iam.gserviceaccount.com"))
	gitlab := Publisher{Kind: "gitlab", ProjectPath: "octo-group/octo-project", ConfigFile: ".gitlab-ci.yml", Projects: []string{"demo"}}
	google := Publisher{Kind: "google", Email: "release@octo.iam.gserviceaccount.com", Projects: []string{"demo"}}
	with := func(p Publisher, f func(*Publisher)) Publisher { f(&p); return p }
	wf := "octo-org/octo-repo/.github/workflows/release.yml"
	tests := []struct {
		name       string
		publishers []Publisher
		jwt        func() string
		want       string // "" for success
	}{
		{name: "github", publishers: []Publisher{demoPublisher()}},
		{name: "github, within leeway", publishers: []Publisher{demoPublisher()}, jwt: func() string {
			now := time.Now().Unix()
			return gh.Mint("pypi", map[string]any{"iat": now - 400, "nbf": now - 400, "exp": now - 10})
		}},
		{name: "github, ref by sha", publishers: []Publisher{demoPublisher()}, jwt: func() string {
			return gh.Mint("pypi", map[string]any{"job_workflow_ref": wf + "@" + oidctest.DefaultSHA})
		}},
		{name: "github, environment ignoring case", publishers: []Publisher{with(demoPublisher(), func(p *Publisher) { p.Environment = "PyPI" })},
			jwt: func() string { return gh.Mint("pypi", map[string]any{"environment": "PYPI"}) }},
		{name: "github, any environment", publishers: []Publisher{demoPublisher()},
			jwt: func() string { return gh.Mint("pypi", map[string]any{"environment": "staging"}) }},
		{name: "gitlab", publishers: []Publisher{gitlab}, jwt: func() string { return gl.Mint("pypi", nil) }},
		{name: "gitlab, environment", publishers: []Publisher{with(gitlab, func(p *Publisher) { p.Environment = "production" })},
			jwt: func() string { return gl.Mint("pypi", map[string]any{"environment": "production"}) }},
		{name: "gitlab, environment case", publishers: []Publisher{with(gitlab, func(p *Publisher) { p.Environment = "production" })},
			jwt:  func() string { return gl.Mint("pypi", map[string]any{"environment": "Production"}) },
			want: noPublisher + "Check failed for optional claim 'environment')"},
		{name: "gitlab, other config file", publishers: []Publisher{with(gitlab, func(p *Publisher) { p.ConfigFile = "ci/release.yml" })},
			jwt: func() string { return gl.Mint("pypi", nil) }, want: notFound},
		{name: "gitlab, project path case", publishers: []Publisher{with(gitlab, func(p *Publisher) { p.ProjectPath = "Octo-Group/Octo-Project" })},
			jwt: func() string { return gl.Mint("pypi", nil) },
			want: noPublisher + "The ci_config_ref_uri claim does not match, expecting one of " +
				"['gitlab.com/Octo-Group/Octo-Project//.gitlab-ci.yml@" + oidctest.DefaultSHA + "', " +
				"'gitlab.com/Octo-Group/Octo-Project//.gitlab-ci.yml@refs/heads/main'], " +
				"got 'gitlab.com/octo-group/octo-project//.gitlab-ci.yml@refs/heads/main')"},
		{name: "gitlab, no ref_path", publishers: []Publisher{gitlab},
			jwt:  func() string { return gl.Mint("pypi", map[string]any{"ref_path": ""}) },
			want: noPublisher + "The ref_path and sha claims are empty)"},
		{name: "gitlab, missing project_path", publishers: []Publisher{gitlab},
			jwt:  func() string { return gl.Mint("pypi", map[string]any{"project_path": nil}) },
			want: noPublisher + "Missing claim 'project_path')"},
		{name: "google", publishers: []Publisher{google}, jwt: func() string { return gc.Mint("pypi", nil) }},
		{name: "google, subject", publishers: []Publisher{with(google, func(p *Publisher) { p.Subject = "112233445566778899000" })},
			jwt: func() string { return gc.Mint("pypi", nil) }},
		{name: "google, other subject", publishers: []Publisher{with(google, func(p *Publisher) { p.Subject = "1" })},
			jwt: func() string { return gc.Mint("pypi", nil) }, want: notFound},
		{name: "google, other email", publishers: []Publisher{with(google, func(p *Publisher) { p.Email = "x@octo.iam.gserviceaccount.com" })},
			jwt: func() string { return gc.Mint("pypi", nil) }, want: notFound},
		{name: "google, unverified email", publishers: []Publisher{google},
			jwt:  func() string { return gc.Mint("pypi", map[string]any{"email_verified": "true"}) },
			want: noPublisher + "Check failed for required claim 'email_verified')"},
		{name: "google, no email_verified", publishers: []Publisher{google},
			jwt:  func() string { return gc.Mint("pypi", map[string]any{"email_verified": nil}) },
			want: noPublisher + "Missing claim 'email_verified')"},
		{name: "kinds do not mix", publishers: []Publisher{gitlab, google}, want: notFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx, srv := newIndex(t, Options{})
			idx.TrustIssuer("github", gh.URL())
			idx.TrustIssuer("gitlab", gl.URL())
			idx.TrustIssuer("google", gc.URL())
			idx.AddProject("demo")
			for _, p := range tt.publishers {
				idx.AddPublisher(p)
			}
			jwt := gh.Mint("pypi", nil)
			if tt.jwt != nil {
				jwt = tt.jwt()
			}
			a := mintJWT(t, srv.URL, jwt)
			if tt.want != "" {
				if got := a.errorText(); got != tt.want {
					t.Errorf("got  %s\nwant %s", got, tt.want)
				}
				return
			}
			if a.code != 200 {
				t.Fatalf("mint: %s", a.errorText())
			}
			if r := uploadWith(t, srv.URL, a.Token, "demo", "1.0"); r.code != 200 {
				t.Errorf("upload: %s", r.status)
			}
			if a := mintJWT(t, srv.URL, jwt); a.errorText() != "invalid-reuse-token: invalid token: already used" {
				t.Errorf("replay: %s", a.errorText())
			}
		})
	}
}
