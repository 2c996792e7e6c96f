package pypitest

import (
	"strings"
	"testing"
)

// TestPendingPublisher: a pending publisher's first match creates the
// project for the user who registered it.
func TestPendingPublisher(t *testing.T) {
	gh := startIssuer(t, nil)
	pending := func(name string) Publisher {
		p := demoPublisher()
		p.Projects, p.Pending = nil, name
		return p
	}
	t.Run("creates the project", func(t *testing.T) {
		idx, srv := newIndex(t, Options{})
		idx.TrustIssuer("github", gh.URL())
		idx.AddPublisher(pending("New.Proj"))
		other := demoPublisher()
		other.Workflow, other.Projects, other.Pending = "other.yml", nil, "new-proj"
		idx.AddPublisher(other) // made void by the project's creation
		tok := mustMint(t, srv.URL, gh.Mint("pypi", nil))
		if r := uploadWith(t, srv.URL, tok, "new.proj", "1.0"); r.code != 200 {
			t.Fatalf("upload to the new project: %s", r.status)
		}
		if r := uploadWith(t, srv.URL, tok, "something-else", "1.0"); r.code != 400 ||
			!strings.HasPrefix(r.reason(), "Non-user identities cannot create new projects.") {
			t.Errorf("upload under another name: %s", r.status)
		}
		// The registering user owns it; the publisher is now an ordinary one.
		if r := uploadWith(t, srv.URL, token, "new.proj", "1.1"); r.code != 200 {
			t.Errorf("owner's upload: %s", r.status)
		}
		tok = mustMint(t, srv.URL, gh.Mint("pypi", nil))
		if r := uploadWith(t, srv.URL, tok, "new.proj", "1.2"); r.code != 200 {
			t.Errorf("upload with a second token: %s", r.status)
		}
		a := mintJWT(t, srv.URL, gh.Mint("pypi", map[string]any{"job_workflow_ref": "octo-org/octo-repo/.github/workflows/other.yml@refs/tags/v1.0"}))
		if a.errorText() != notFound {
			t.Errorf("the other pending publisher: %s", a.errorText())
		}
	})
	tests := []struct {
		name, project, pending, want string
	}{
		{"project exists", "demo", "Demo", "invalid-pending-publisher: valid token, but project already exists"},
		{"standard library name", "", "os", "invalid-payload: The name 'os' isn't allowed (conflict with Python Standard Library module name). See https://pypi.org/help/#project-name for more information."},
		{"too similar", "demo-1", "demo.l", "invalid-payload: The name 'demo.l' is too similar to an existing project. See https://pypi.org/help/#project-name for more information."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx, srv := newIndex(t, Options{NewProjectLimit: 1})
			idx.TrustIssuer("github", gh.URL())
			if tt.project != "" {
				idx.AddProject(tt.project)
			}
			idx.AddPublisher(pending(tt.pending))
			if a := mintJWT(t, srv.URL, gh.Mint("pypi", nil)); a.errorText() != tt.want {
				t.Errorf("got  %s\nwant %s", a.errorText(), tt.want)
			}
		})
	}
	t.Run("no rate limit", func(t *testing.T) {
		idx, srv := newIndex(t, Options{NewProjectLimit: 1})
		idx.TrustIssuer("github", gh.URL())
		if r := send(t, srv.URL, wheelUpload(t, "first", "1.0")); r.code != 200 {
			t.Fatalf("user's upload: %s", r.status)
		}
		idx.AddPublisher(pending("second"))
		mustMint(t, srv.URL, gh.Mint("pypi", nil))
	})
}
