package oidc

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/oidctest"
)

func TestGitLabTokenVar(t *testing.T) {
	tests := []struct{ audience, want string }{
		{"pypi", "PYPI_ID_TOKEN"},
		{"testpypi", "TESTPYPI_ID_TOKEN"},
		{"sigstore", "SIGSTORE_ID_TOKEN"},
		{"my-index", "MY_INDEX_ID_TOKEN"},
		{"already_UPPER_9", "ALREADY_UPPER_9_ID_TOKEN"},
		{"http://test.audience", "HTTP___TEST_AUDIENCE_ID_TOKEN"},
		{"1pypi", "_PYPI_ID_TOKEN"},
		{"_1", "_1_ID_TOKEN"},
		{"é", "__ID_TOKEN"}, // one rune, one underscore, as in Python
		{"", "_ID_TOKEN"},
	}
	for _, tt := range tests {
		if got := GitLabTokenVar(tt.audience); got != tt.want {
			t.Errorf("GitLabTokenVar(%q) = %q, want %q", tt.audience, got, tt.want)
		}
	}
}

func TestGitLabIDTokensYAML(t *testing.T) {
	tests := []struct{ audience, want string }{
		{"pypi", "  id_tokens:\n    PYPI_ID_TOKEN:\n      aud: pypi\n"},
		{"testpypi", "  id_tokens:\n    TESTPYPI_ID_TOKEN:\n      aud: testpypi\n"},
		{"https://idx.example", "  id_tokens:\n    HTTPS___IDX_EXAMPLE_ID_TOKEN:\n      aud: \"https://idx.example\"\n"},
		{"true", "  id_tokens:\n    TRUE_ID_TOKEN:\n      aud: \"true\"\n"},
		{"1.5", "  id_tokens:\n    __5_ID_TOKEN:\n      aud: \"1.5\"\n"},
	}
	for _, tt := range tests {
		if got := GitLabIDTokensYAML(tt.audience); got != tt.want {
			t.Errorf("GitLabIDTokensYAML(%q) =\n%s\nwant\n%s", tt.audience, got, tt.want)
		}
	}
}

func TestGitLabToken(t *testing.T) {
	iss := oidctest.NewIssuer()
	iss.SetURL("https://gitlab.com")
	iss.SetBaseClaims(oidctest.GitLabClaims("group/sub/project"))
	e := env{"GITLAB_CI": "true", "TESTPYPI_ID_TOKEN": iss.Mint("testpypi", nil) + "\n"}
	tok, err := newSource(t, e).Token(context.Background(), "testpypi")
	if err != nil {
		t.Fatal(err)
	}
	c := tok.Claims
	if tok.Provider != GitLab || c.ProjectPath != "group/sub/project" || c.ConfigFile() != ".gitlab-ci.yml" ||
		c.Owner() != "group/sub" || c.RepoName() != "project" || c.RefPath != "refs/heads/main" {
		t.Errorf("Token = %v, claims %+v", tok, c)
	}
	if strings.HasSuffix(tok.JWT, "\n") {
		t.Error("the token keeps the variable's trailing newline")
	}
}

func TestGitLabMissingVariable(t *testing.T) {
	iss := oidctest.NewIssuer()
	// A token for another audience does not count.
	e := env{"GITLAB_CI": "true", "PYPI_ID_TOKEN": iss.Mint("pypi", nil)}
	_, err := newSource(t, e).Token(context.Background(), "testpypi")
	var pe *PermissionError
	if !errors.As(err, &pe) || !errors.Is(err, ErrPermission) {
		t.Fatalf("Token = %v, want a *PermissionError", err)
	}
	want := "  id_tokens:\n    TESTPYPI_ID_TOKEN:\n      aud: testpypi\n"
	if pe.Provider != GitLab || !strings.Contains(pe.Missing, "TESTPYPI_ID_TOKEN") ||
		!strings.Contains(pe.Help, ".gitlab-ci.yml") || !strings.HasSuffix(pe.Help, want) {
		t.Errorf("PermissionError = %+v, want Help ending in\n%s", pe, want)
	}
}

func TestGitLabWrongAudience(t *testing.T) {
	// The user declared PYPI_ID_TOKEN but with aud: testpypi.
	iss := oidctest.NewIssuer()
	e := env{"GITLAB_CI": "true", "PYPI_ID_TOKEN": iss.Mint("testpypi", nil)}
	_, err := newSource(t, e).Token(context.Background(), "pypi")
	if !errors.Is(err, ErrAudienceMismatch) || !strings.Contains(err.Error(), `aud is "testpypi", want "pypi"`) {
		t.Errorf("Token = %v, want an audience mismatch naming both", err)
	}
}
