package trusted

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/internal/oidctest"
	"github.com/pypi-publish/pypi-publish/mint"
	"github.com/pypi-publish/pypi-publish/oidc"
)

func parseTarget(t *testing.T, raw string) *index.Target {
	t.Helper()
	tg, err := index.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// eventFile writes a GitHub event payload.
func eventFile(t *testing.T, payload string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(path, []byte(payload), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExplainPermission: a job that may not request an ID token is told
// why: from a fork's pull request, that no workflow setting helps;
// otherwise, the permission to add.
func TestExplainPermission(t *testing.T) {
	s := newStand(t)
	// GitHub without the request token: the real permission error.
	_, permErr := s.source(map[string]string{"GITHUB_ACTIONS": "true"}).Token(t.Context(), "pypi")
	var perr *oidc.PermissionError
	if !errors.As(permErr, &perr) {
		t.Fatalf("no permission error: %v", permErr)
	}
	fork := eventFile(t, `{"pull_request": {"head": {"repo": {"fork": true}}}}`)
	sameRepo := eventFile(t, `{"pull_request": {"head": {"repo": {"fork": false}}}}`)
	const forkText = "The workflow was run from a pull request on a fork"
	tests := []struct {
		name string
		env  ghactions.Env
		fork bool
	}{
		{"pull request from a fork", ghactions.Env{Actions: true, EventName: "pull_request", EventPath: fork}, true},
		{"pull request in the repository", ghactions.Env{Actions: true, EventName: "pull_request", EventPath: sameRepo}, false},
		{"a push, whatever the payload", ghactions.Env{Actions: true, EventName: "push", EventPath: fork}, false},
		{"no event file", ghactions.Env{Actions: true, EventName: "pull_request", EventPath: filepath.Join(t.TempDir(), "none")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Explain(permErr, Context{Target: parseTarget(t, "https://upload.pypi.org/legacy/"), GitHub: tt.env})
			msg := err.Error()
			if !strings.HasPrefix(msg, "OpenID Connect token retrieval failed: ") {
				t.Errorf("message %q", msg)
			}
			if strings.Contains(msg, forkText) != tt.fork || strings.Contains(msg, perr.Help) == tt.fork {
				t.Errorf("fork=%v, got:\n%s", tt.fork, msg)
			}
			if !errors.Is(err, oidc.ErrPermission) {
				t.Error("the explanation does not wrap the permission error")
			}
		})
	}
}

func TestExplain(t *testing.T) {
	tg := parseTarget(t, "https://upload.pypi.org/legacy/")
	iss := oidctest.NewIssuer()
	iss.SetURL("https://token.actions.githubusercontent.com")
	claims, err := oidc.UnverifiedClaims(iss.Mint("pypi", nil))
	if err != nil {
		t.Fatal(err)
	}
	reuse := &mint.Error{Op: "mint", Domain: "upload.pypi.org", StatusCode: 422, Status: "422 Unprocessable Entity",
		Reasons: []mint.Reason{{Code: "invalid-reuse-token", Description: "invalid token: already used"}}}
	tests := []struct {
		name     string
		err      error
		provider string
		want     []string
		not      []string
	}{
		{"no provider", oidc.ErrNoProvider, "", []string{"this environment provides none", "--id-token-file", oidc.EnvToken, "--password"}, nil},
		{"audience", &mint.Error{Op: "audience", Domain: "x.example", StatusCode: 403}, "", []string{"trusted publishing disabled"}, []string{"Wait a few minutes"}},
		{"server error", &mint.Error{Op: "mint", Domain: "x.example", StatusCode: 503, Status: "503 Service Unavailable"}, "github",
			[]string{"Wait a few minutes and try again"}, []string{"configuration error"}},
		{"reused token, GitLab", reuse, "gitlab", []string{"run the job again", "configuration error"}, nil},
		{"reused token, GitHub gives new ones", reuse, "github", []string{"configuration error"}, []string{"run the job again"}},
		{"refused, with the claims", &exchangeError{err: reuse, claims: &claims}, "github",
			[]string{"Owner:             octo-org", "https://pypi.org/manage/project/demo/settings/publishing/"}, nil},
		{"anything else", errors.New("boom"), "", []string{"boom"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Explain(tt.err, Context{Target: tg, Projects: []string{"demo"}, Provider: tt.provider})
			var terr *Error
			if !errors.As(err, &terr) || !errors.Is(err, tt.err) {
				t.Errorf("Explain returned %T, not wrapping the error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("lacks %q:\n%s", w, err)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(err.Error(), w) {
					t.Errorf("has %q:\n%s", w, err)
				}
			}
		})
	}
}

func TestDiagnose(t *testing.T) {
	claimsOf := func(base, extra map[string]any) oidc.Claims {
		iss := oidctest.NewIssuer()
		iss.SetURL("https://issuer.example")
		iss.SetBaseClaims(base)
		c, err := oidc.UnverifiedClaims(iss.Mint("pypi", extra))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	github := oidctest.GitHubClaims("octo-org/octo-repo")
	reusable := map[string]any{"job_workflow_ref": "octo-org/shared/.github/workflows/publish.yml@refs/heads/main"}
	tests := []struct {
		name   string
		claims oidc.Claims
		target string
		site   string
		want   []string
		query  map[string]string // of the project link
	}{
		{"GitHub on PyPI, with an environment", claimsOf(github, map[string]any{"environment": "release"}), "https://upload.pypi.org/legacy/", "https://pypi.org",
			[]string{"Owner:             octo-org\n", "Repository name:   octo-repo\n", "Workflow name:     release.yml ", "Environment name:  release "},
			map[string]string{"provider": "github", "owner": "octo-org", "repository": "octo-repo", "workflow_filename": "release.yml", "environment": "release"}},
		{"no environment", claimsOf(github, nil), "https://test.pypi.org/legacy/", "https://test.pypi.org",
			[]string{"Environment name:  (leave empty", "This job runs in no GitHub environment"},
			map[string]string{"provider": "github", "workflow_filename": "release.yml", "environment": ""}},
		{"a reusable workflow is named by job_workflow_ref", claimsOf(github, reusable), "https://upload.pypi.org/legacy/", "https://pypi.org",
			[]string{"Workflow name:     publish.yml "}, map[string]string{"workflow_filename": "publish.yml"}},
		{"a claim missing", claimsOf(github, map[string]any{"repository_owner_id": nil}), "https://upload.pypi.org/legacy/", "https://pypi.org",
			[]string{"repository_owner_id: MISSING"}, nil},
		{"another index links to its own site", claimsOf(github, nil), "http://127.0.0.1:9999/legacy/", "http://127.0.0.1:9999",
			nil, map[string]string{"owner": "octo-org"}},
		{"GitLab", claimsOf(oidctest.GitLabClaims("grp/sub/proj"), nil), "https://upload.pypi.org/legacy/", "https://pypi.org",
			[]string{"Namespace:                  grp/sub\n", "Project name:               proj\n", "Top-level pipeline file:    .gitlab-ci.yml\n"},
			map[string]string{"provider": "gitlab", "namespace": "grp/sub", "project": "proj"}},
		{"Google", claimsOf(oidctest.GoogleClaims("sa@p.iam.gserviceaccount.com"), nil), "https://upload.pypi.org/legacy/", "https://pypi.org",
			[]string{"Email:    sa@p.iam.gserviceaccount.com\n"}, map[string]string{"provider": "google", "email": "sa@p.iam.gserviceaccount.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diagnose(tt.claims, parseTarget(t, tt.target), []string{"demo", "other"})
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			var links []*url.URL
			for _, line := range strings.Split(got, "\n") {
				if l := strings.TrimSpace(line); strings.HasPrefix(l, tt.site+"/manage/") {
					u, err := url.Parse(l)
					if err != nil {
						t.Fatal(err)
					}
					links = append(links, u)
				}
			}
			// One per project, then the pending publisher's.
			if len(links) != 3 || links[0].Path != "/manage/project/demo/settings/publishing/" ||
				links[1].Path != "/manage/project/other/settings/publishing/" || links[2].Path != "/manage/account/publishing/" {
				t.Fatalf("links %v:\n%s", links, got)
			}
			if links[2].Query().Get("project_name") != "demo" {
				t.Errorf("pending link %s", links[2])
			}
			for k, v := range tt.query {
				q := links[0].Query()
				if _, set := q[k]; q.Get(k) != v || (v == "" && set) {
					t.Errorf("link %s: %s=%q, want %q", links[0], k, q.Get(k), v)
				}
			}
		})
	}
}

func TestMagicLinks(t *testing.T) {
	gh := ghactions.Env{Actions: true, Repository: "octo-org/octo-repo", RepositoryOwner: "octo-org",
		WorkflowRef: "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0"}
	tests := []struct {
		name     string
		target   string
		gh       ghactions.Env
		projects []string
		want     []string
	}{
		{"PyPI", "https://upload.pypi.org/legacy/", gh, []string{"demo", "other"}, []string{
			"- https://pypi.org/manage/project/demo/settings/publishing/?owner=octo-org&provider=github&repository=octo-repo&workflow_filename=release.yml",
			"- https://pypi.org/manage/project/other/settings/publishing/?",
		}},
		{"TestPyPI", "https://test.pypi.org/legacy/", gh, []string{"demo"}, []string{"- https://test.pypi.org/manage/project/demo/"}},
		{"outside a workflow", "https://upload.pypi.org/legacy/", ghactions.Env{}, []string{"demo"}, nil},
		{"no workflow ref", "https://upload.pypi.org/legacy/", ghactions.Env{Repository: "o/r", RepositoryOwner: "o"}, []string{"demo"}, nil},
	}
	for _, tt := range tests {
		got := MagicLinks(parseTarget(t, tt.target), tt.gh, tt.projects)
		if len(tt.want) == 0 && got != "" {
			t.Errorf("%s: %q, want nothing", tt.name, got)
		}
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: lacks %q:\n%s", tt.name, w, got)
			}
		}
	}
}

// TestClaims: the claims command prints the claims and the publisher,
// never the ID token, and warns about an issuer PyPI does not trust.
func TestClaims(t *testing.T) {
	s := newStand(t)
	sess, out := s.session(t, s.githubEnv())
	err := Claims(t.Context(), sess.Source, "pypi", Context{Target: parseTarget(t, "https://upload.pypi.org/legacy/"), Projects: []string{"demo"}}, sess.UI)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		`OIDC ID token from github for audience "pypi" (issuer ` + s.issSrv.URL + ")",
		"::warning title=Untrusted issuer::PyPI does not trust the issuer " + s.issSrv.URL,
		"  repository:            octo-org/octo-repo\n",
		"  Owner:             octo-org\n",
	} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("lacks %q:\n%s", w, out)
		}
	}
	s.checkSecrets(t, out.String())

	// Without permission: the explained error, and nothing printed.
	out.Reset()
	err = Claims(t.Context(), s.source(map[string]string{"GITHUB_ACTIONS": "true"}), "pypi", Context{Target: s.target(t)}, sess.UI)
	var terr *Error
	if !errors.As(err, &terr) || !strings.Contains(err.Error(), "id-token: write") || out.Len() > 0 {
		t.Errorf("error %v, output %q", err, out)
	}
}
