package oidc

import (
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/oidctest"
)

// jwtOf wraps a payload in a header and a signature nobody checks.
func jwtOf(payload string) string {
	return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
}

func TestUnverifiedClaimsGitHub(t *testing.T) {
	iss := oidctest.NewIssuer()
	iss.SetURL("https://token.actions.githubusercontent.com")
	iss.SetClaims(map[string]any{"environment": "release"})
	c, err := UnverifiedClaims(iss.Mint("pypi", nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Claims{
		Issuer:            "https://token.actions.githubusercontent.com",
		Subject:           "repo:octo-org/octo-repo:ref:refs/tags/v1.0",
		Audience:          "pypi",
		Repository:        "octo-org/octo-repo",
		RepositoryOwner:   "octo-org",
		RepositoryOwnerID: "1234567",
		RepositoryID:      "7654321",
		WorkflowRef:       "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0",
		JobWorkflowRef:    "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0",
		Ref:               "refs/tags/v1.0",
		RefType:           "tag",
		SHA:               oidctest.DefaultSHA,
		Environment:       "release",
		EventName:         "push",
		Actor:             "octocat",
	}
	got := c
	got.Raw, got.JTI, got.IssuedAt, got.Expires, got.NotBefore = nil, "", 0, 0, 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("UnverifiedClaims =\n%+v\nwant\n%+v", got, want)
	}
	if c.JTI == "" || c.IssuedAt == 0 || c.NotBefore != c.IssuedAt || c.Expires-c.IssuedAt != 300 {
		t.Errorf("jti %q iat %d nbf %d exp %d", c.JTI, c.IssuedAt, c.NotBefore, c.Expires)
	}
	if c.Raw["run_attempt"] != "1" {
		t.Errorf("Raw lacks unlisted claims: %v", c.Raw)
	}
	if c.Owner() != "octo-org" || c.RepoName() != "octo-repo" || c.WorkflowFile() != "release.yml" {
		t.Errorf("Owner %q RepoName %q WorkflowFile %q", c.Owner(), c.RepoName(), c.WorkflowFile())
	}
}

func TestUnverifiedClaimsTypes(t *testing.T) {
	tests := []struct {
		payload string
		check   func(Claims) bool
	}{
		{`{"iat": 1.7e9, "exp": 1700000000.9}`, func(c Claims) bool { return c.IssuedAt == 1_700_000_000 && c.Expires == 1_700_000_000 }},
		{`{"iat": "1700000000", "exp": 1e300, "nbf": -5}`, func(c Claims) bool { return c.IssuedAt == 0 && c.Expires == 0 && c.NotBefore == -5 }},
		{`{"email_verified": "true"}`, func(c Claims) bool { return !c.EmailVerified }},
		{`{"email_verified": true, "email": "a@b.c"}`, func(c Claims) bool { return c.EmailVerified && c.Email == "a@b.c" }},
		{`{"repository_owner_id": 1234}`, func(c Claims) bool { return c.RepositoryOwnerID == "" && c.Raw["repository_owner_id"] != nil }},
		{`{"aud": ["pypi"]}`, func(c Claims) bool { return c.Audience == "" }},
		{`{}`, func(c Claims) bool { return c.Raw != nil && len(c.Raw) == 0 }},
	}
	for _, tt := range tests {
		c, err := UnverifiedClaims(jwtOf(tt.payload))
		if err != nil || !tt.check(c) {
			t.Errorf("UnverifiedClaims(%s) = %+v, %v", tt.payload, c, err)
		}
	}
	// Padding is not in the JWT spec, but harmless.
	padded := "e30.eyJzdWIiOiJ4In0=.sig"
	if c, err := UnverifiedClaims(padded); err != nil || c.Subject != "x" {
		t.Errorf("padded payload: %+v, %v", c, err)
	}
}

func TestUnverifiedClaimsMalformed(t *testing.T) {
	tests := map[string]string{
		"empty":             "",
		"one part":          "abc",
		"two parts":         "abc.def",
		"four parts":        jwtOf(`{}`) + ".x",
		"bad base64":        "a.!!!.c",
		"array payload":     jwtOf(`["sub"]`),
		"null payload":      jwtOf(`null`),
		"string payload":    jwtOf(`"sub"`),
		"two objects":       jwtOf(`{}{}`),
		"truncated JSON":    jwtOf(`{"sub": "x"`),
		"too large":         jwtOf(`{"sub": "` + strings.Repeat("x", maxTokenSize) + `"}`),
		"standard base64":   "a." + base64.StdEncoding.EncodeToString([]byte(`{"a":"??>"}`)) + ".c",
		"payload separator": "a..c",
	}
	for name, jwt := range tests {
		_, err := UnverifiedClaims(jwt)
		if !errors.Is(err, ErrMalformedToken) {
			t.Errorf("%s: %v, want ErrMalformedToken", name, err)
			continue
		}
		if jwt != "" && len(jwt) > 8 && strings.Contains(err.Error(), jwt) {
			t.Errorf("%s: the error contains the token", name)
		}
	}
}

func TestWorkflowFile(t *testing.T) {
	tests := []struct{ ref, want string }{
		{"o/r/.github/workflows/release.yml@refs/tags/v1", "release.yml"},
		{"o/r/.github/workflows/release.yaml@refs/heads/main", "release.yaml"},
		{"o/r/.github/workflows/publish.yml@0123abcd", "publish.yml"},
		// Reusable workflow: the called file, in another repository.
		{"other/shared/.github/workflows/pypi.yml@refs/heads/main", "pypi.yml"},
		// "@" inside names: the longest run before an "@".
		{"o/r/.github/workflows/a@b.yml@refs/heads/main", "a@b.yml"},
		{"o/r/.github/workflows/a.yml@b.yml@refs/heads/main", "a.yml@b.yml"},
		// A ref that looks like a file does not win over the real one.
		{"o/r/.github/workflows/ok.yml@refs/heads/fake@x.yml", "ok.yml"},
		{"o/r/.github/workflows/x.yml.yml@refs/heads/main", "x.yml.yml"},
		// Nothing PyPI would accept.
		{"o/r/.github/workflows/release.json@refs/heads/main", ""},
		{"o/r/.github/workflows/.yml@refs/heads/main", ""},
		{"o/r/.github/workflows/@refs/heads/main", ""},
		{"o/r/.github/workflows/release.yml", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := (Claims{JobWorkflowRef: tt.ref}).WorkflowFile(); got != tt.want {
			t.Errorf("WorkflowFile(%q) = %q, want %q", tt.ref, got, tt.want)
		}
	}
	// workflow_ref is not what PyPI reads.
	c := Claims{WorkflowRef: "o/r/.github/workflows/caller.yml@refs/heads/main", JobWorkflowRef: "o/r/.github/workflows/called.yml@refs/heads/main"}
	if got := c.WorkflowFile(); got != "called.yml" {
		t.Errorf("WorkflowFile() = %q, want the called workflow", got)
	}
}

func TestConfigFile(t *testing.T) {
	tests := []struct{ uri, want string }{
		{"gitlab.com/ns/proj//.gitlab-ci.yml@refs/heads/main", ".gitlab-ci.yml"},
		{"gitlab.com/ns/sub/proj//ci/release.yaml@refs/tags/v1", "ci/release.yaml"},
		{"gitlab.example.com/ns/proj//a.yml@0123abcd", "a.yml"},
		{"gitlab.com/ns/proj//a.yml@refs/heads/x.yml@y", "a.yml@refs/heads/x.yml"},
		{"gitlab.com/ns/proj//a.txt@refs/heads/main", ""},
		{"gitlab.com/ns/proj//.yml@refs/heads/main", ""},
		{"gitlab.com/ns/proj//dir/.yml@refs/heads/main", ""},
		{"gitlab.com/ns/proj//@refs/heads/main", ""},
		{"gitlab.com/ns/proj/.gitlab-ci.yml@refs/heads/main", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := (Claims{CIConfigRefURI: tt.uri}).ConfigFile(); got != tt.want {
			t.Errorf("ConfigFile(%q) = %q, want %q", tt.uri, got, tt.want)
		}
	}
}

func TestOwnerRepoName(t *testing.T) {
	tests := []struct {
		c           Claims
		owner, name string
	}{
		{Claims{Repository: "octo/repo", RepositoryOwner: "octo"}, "octo", "repo"},
		{Claims{Repository: "octo/re/po"}, "octo", "re/po"},
		{Claims{Repository: "repo", RepositoryOwner: "octo"}, "octo", "repo"},
		{Claims{ProjectPath: "group/sub/project"}, "group/sub", "project"},
		{Claims{ProjectPath: "project", NamespacePath: "group"}, "group", "project"},
		{Claims{}, "", ""},
	}
	for _, tt := range tests {
		if o, n := tt.c.Owner(), tt.c.RepoName(); o != tt.owner || n != tt.name {
			t.Errorf("%+v: Owner, RepoName = %q, %q; want %q, %q", tt.c, o, n, tt.owner, tt.name)
		}
	}
}

func TestCheckAudience(t *testing.T) {
	tests := []struct {
		payload, audience string
		ok                bool
	}{
		{`{"aud": "pypi"}`, "pypi", true},
		{`{"aud": "pypi"}`, "PyPI", false},
		{`{"aud": ["pypi"]}`, "pypi", false},
		{`{"aud": ["pypi", "testpypi"]}`, "pypi", false},
		{`{"aud": 1}`, "pypi", false},
		{`{"aud": ""}`, "", false},
		{`{}`, "pypi", false},
	}
	for _, tt := range tests {
		_, err := check(jwtOf(tt.payload), tt.audience)
		if tt.ok != (err == nil) || err != nil && !errors.Is(err, ErrAudienceMismatch) {
			t.Errorf("check(%s, %q) = %v", tt.payload, tt.audience, err)
		}
	}
}
