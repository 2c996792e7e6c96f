package oidc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	all := env{
		EnvToken:                      "x.y.z",
		"GITHUB_ACTIONS":              "true",
		"GITLAB_CI":                   "true",
		"GOOGLE_SERVICE_ACCOUNT_NAME": "sa@p.iam.gserviceaccount.com",
		"BUILDKITE":                   "true",
		"CIRCLECI":                    "true",
	}
	// Remove the detectors one by one, in priority order.
	order := []struct{ key, want string }{
		{EnvToken, File},
		{"GITHUB_ACTIONS", GitHub},
		{"GITLAB_CI", GitLab},
		{"GOOGLE_SERVICE_ACCOUNT_NAME", Google},
		{"BUILDKITE", Buildkite},
		{"CIRCLECI", CircleCI},
	}
	for _, o := range order {
		got, err := newSource(t, all).Detect()
		if err != nil || got != o.want {
			t.Errorf("with %v: Detect() = %q, %v; want %q", keys(all), got, err, o.want)
		}
		delete(all, o.key)
	}
	if got, err := newSource(t, all).Detect(); !errors.Is(err, ErrNoProvider) {
		t.Errorf("empty environment: Detect() = %q, %v; want ErrNoProvider", got, err)
	}
}

func keys(e env) []string {
	var k []string
	for key := range e {
		k = append(k, key)
	}
	return k
}

func TestDetectDMI(t *testing.T) {
	tests := []struct {
		product string
		want    string
	}{
		{"Google\n", Google},
		{"Google Compute Engine\n", Google},
		{"  Google Compute Engine  ", Google},
		{"Google Cloud", ""},
		{"Amazon EC2\n", ""},
		{"", ""},
	}
	for _, tt := range tests {
		s := newSource(t, env{"BUILDKITE": "true"})
		s.DMIProductNamePath = filepath.Join(t.TempDir(), "product_name")
		if err := os.WriteFile(s.DMIProductNamePath, []byte(tt.product), 0o644); err != nil {
			t.Fatal(err)
		}
		want := tt.want
		if want == "" {
			want = Buildkite
		}
		if got, _ := s.Detect(); got != want {
			t.Errorf("product %q: Detect() = %q, want %q", tt.product, got, want)
		}
	}
}

func TestTokenFormattingHidesJWT(t *testing.T) {
	tok := Token{Provider: GitHub, JWT: "eyJhbGciOi.SECRET.sig", Claims: Claims{Issuer: "https://token.actions.githubusercontent.com"}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		if s := fmt.Sprintf(verb, tok); strings.Contains(s, "SECRET") {
			t.Errorf("%s shows the JWT: %s", verb, s)
		}
	}
	if s := fmt.Sprintf("%v", []Token{tok}); strings.Contains(s, "SECRET") {
		t.Errorf("a slice of tokens shows the JWT: %s", s)
	}
}

func TestTrust(t *testing.T) {
	for p, want := range map[string]bool{GitHub: true, GitLab: true, Google: true, File: true, Buildkite: false, CircleCI: false} {
		if got := TrustedByPyPI(p); got != want {
			t.Errorf("TrustedByPyPI(%q) = %v", p, got)
		}
	}
	for p, want := range map[string]bool{GitHub: true, Google: true, Buildkite: true, CircleCI: true, GitLab: false, File: false} {
		if got := Refreshable(p); got != want {
			t.Errorf("Refreshable(%q) = %v", p, got)
		}
	}
	for iss, want := range map[string]bool{
		"https://token.actions.githubusercontent.com":  true,
		"https://gitlab.com":                           true,
		"https://accounts.google.com":                  true,
		"https://agent.buildkite.com":                  false,
		"https://oidc.circleci.com/org/0000":           false,
		"https://token.actions.githubusercontent.com/": false,
	} {
		if got := KnownPyPIIssuer(iss); got != want {
			t.Errorf("KnownPyPIIssuer(%q) = %v", iss, got)
		}
	}
}
