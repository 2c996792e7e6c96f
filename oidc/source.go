package oidc

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"time"
)

// Provider names, as returned by Source.Detect and stored in Token.Provider.
const (
	GitHub    = "github"
	GitLab    = "gitlab"
	Google    = "google"
	Buildkite = "buildkite"
	CircleCI  = "circleci"
	// File is an explicit token: Source.TokenFile or PYPI_PUBLISH_ID_TOKEN.
	File = "file"
)

// EnvToken is the environment variable that may hold an ID token itself,
// for CI systems this package cannot query.
const EnvToken = "PYPI_PUBLISH_ID_TOKEN"

// Default endpoints of Google Cloud.
const (
	DefaultGoogleMetadataURL  = "http://metadata.google.internal/computeMetadata/v1"
	DefaultIAMCredentialsURL  = "https://iamcredentials.googleapis.com/v1"
	DefaultDMIProductNamePath = "/sys/class/dmi/id/product_name"
)

// Source finds the ambient ID token. The zero value works in production;
// tests replace the environment, endpoints and command runner.
type Source struct {
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// HTTP is used for GitHub and Google. Each request is sent to it
	// once: its retries and timeouts are the caller's (the program passes
	// httpx's retrying client). nil means a client with a 30 s timeout
	// and no retries.
	HTTP *http.Client
	// GoogleMetadataURL defaults to DefaultGoogleMetadataURL.
	GoogleMetadataURL string
	// IAMCredentialsURL defaults to DefaultIAMCredentialsURL.
	IAMCredentialsURL string
	// DMIProductNamePath defaults to DefaultDMIProductNamePath.
	DMIProductNamePath string
	// LookPath finds buildkite-agent and circleci; nil means exec.LookPath.
	LookPath func(string) (string, error)
	// Run runs a command and returns its standard output; nil runs it with
	// os/exec.
	Run func(ctx context.Context, name string, args ...string) ([]byte, error)
	// TokenFile, when set, names a file holding the ID token; it takes
	// precedence over everything else.
	TokenFile string
}

// Token is an ID token and what it claims.
type Token struct {
	Provider string
	// JWT is the token itself: a credential, never to be printed or logged.
	JWT string
	// Claims are decoded without verification, for diagnostics only.
	Claims Claims
}

// String keeps the JWT out of anything formatted with %v or %s.
func (t Token) String() string {
	return fmt.Sprintf("oidc.Token{Provider: %q, JWT: [REDACTED], iss: %q, sub: %q}", t.Provider, t.Claims.Issuer, t.Claims.Subject)
}

// GoString does the same for %#v.
func (t Token) GoString() string { return t.String() }

// TrustedByPyPI reports whether PyPI accepts tokens from the provider's
// issuer. Buildkite and CircleCI tokens work with Sigstore and other
// indexes but pypi.org refuses them. An explicit token may come from
// anywhere, so the index has the last word: see KnownPyPIIssuer.
func TrustedByPyPI(provider string) bool {
	switch provider {
	case Buildkite, CircleCI:
		return false
	}
	return true
}

// Refreshable reports whether asking the provider again yields a new
// token, with a new jti. GitLab and explicit tokens are fixed for the
// whole job, so once PyPI has seen one (it refuses a reused jti), a retry
// of the exchange cannot succeed with it.
func Refreshable(provider string) bool {
	switch provider {
	case GitLab, File:
		return false
	}
	return true
}

// pypiIssuers are the issuers pypi.org trusts out of the box; self-managed
// GitLab instances need an issuer registered by a PyPI administrator.
var pypiIssuers = map[string]bool{
	"https://token.actions.githubusercontent.com":        true,
	"https://gitlab.com":                                 true,
	"https://accounts.google.com":                        true,
	"https://platform.activestate.com/api/v1/oauth/oidc": true,
}

// KnownPyPIIssuer reports whether iss is one of the issuers pypi.org
// trusts for every account.
func KnownPyPIIssuer(iss string) bool { return pypiIssuers[iss] }

// Detect reports which provider Token would use, without contacting it:
// an explicit token, then GitHub, GitLab, Google, Buildkite and CircleCI.
func (s *Source) Detect() (string, error) {
	switch {
	case s.TokenFile != "" || s.getenv(EnvToken) != "":
		return File, nil
	case s.getenv("GITHUB_ACTIONS") != "":
		return GitHub, nil
	case s.getenv("GITLAB_CI") != "":
		return GitLab, nil
	case s.onGoogle():
		return Google, nil
	case s.getenv("BUILDKITE") != "":
		return Buildkite, nil
	case s.getenv("CIRCLECI") != "":
		return CircleCI, nil
	}
	return "", ErrNoProvider
}

// Token gets an ID token for audience from the detected provider and
// checks that it is a JWT whose aud claim is exactly audience.
func (s *Source) Token(ctx context.Context, audience string) (Token, error) {
	provider, err := s.Detect()
	if err != nil {
		return Token{}, err
	}
	var jwt string
	switch provider {
	case File:
		jwt, err = s.explicitToken()
	case GitHub:
		jwt, err = s.github(ctx, audience)
	case GitLab:
		jwt, err = s.gitlab(audience)
	case Google:
		jwt, err = s.google(ctx, audience)
	case Buildkite:
		jwt, err = s.buildkite(ctx, audience)
	case CircleCI:
		jwt, err = s.circleci(ctx, audience)
	}
	if err != nil {
		return Token{}, err
	}
	claims, err := check(jwt, audience)
	if err != nil {
		return Token{}, fmt.Errorf("oidc: %s: %w", provider, err)
	}
	return Token{Provider: provider, JWT: jwt, Claims: claims}, nil
}

func (s *Source) getenv(key string) string {
	if s.Getenv == nil {
		return os.Getenv(key)
	}
	return s.Getenv(key)
}

func (s *Source) httpClient() *http.Client {
	if s.HTTP == nil {
		return &http.Client{Timeout: 30 * time.Second}
	}
	return s.HTTP
}

func (s *Source) lookPath(name string) (string, error) {
	if s.LookPath == nil {
		return exec.LookPath(name)
	}
	return s.LookPath(name)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
