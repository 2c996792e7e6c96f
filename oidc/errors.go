package oidc

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrNoProvider means the process does not run in a CI system this
// package knows and no explicit token was given.
var ErrNoProvider = errors.New("oidc: no ID token provider detected")

// ErrPermission matches every *PermissionError.
var ErrPermission = errors.New("oidc: the CI job may not request an ID token")

// ErrMalformedToken means what a provider returned is not a JWT with a
// JSON object payload.
var ErrMalformedToken = errors.New("oidc: malformed ID token")

// ErrAudienceMismatch means a token's aud claim is not exactly the
// audience that was asked for.
var ErrAudienceMismatch = errors.New("oidc: ID token audience mismatch")

// PermissionError means the CI was detected but the job is not set up to
// hand out ID tokens: GitHub without `permissions: id-token: write`, GitLab
// without an `id_tokens:` entry for the audience, Buildkite or CircleCI
// without their command-line tool.
type PermissionError struct {
	Provider string
	// Missing names what was absent: an environment variable or a command.
	Missing string
	// Help tells the user what to change, ready to print. For GitHub and
	// GitLab it contains the exact YAML to add.
	Help string
}

func (e *PermissionError) Error() string {
	return fmt.Sprintf("oidc: %s: cannot request an ID token: %s", e.Provider, e.Missing)
}

// Is lets errors.Is(err, ErrPermission) match.
func (e *PermissionError) Is(target error) bool { return target == ErrPermission }

// HTTPError is a non-success answer from a token service.
type HTTPError struct {
	Provider string
	// Op says which request failed ("token request", "access token request").
	Op         string
	StatusCode int
	// Body is the start of the answer (at most 64 KiB), with any
	// credential we sent replaced by [REDACTED].
	Body string
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("oidc: %s: %s failed: %d %s", e.Provider, e.Op, e.StatusCode, http.StatusText(e.StatusCode))
	if body := strings.TrimSpace(e.Body); body != "" {
		msg += ": " + clip(oneLine(body), 512)
	}
	return msg
}

// Temporary reports whether trying again may help: server errors and
// rate limiting.
func (e *HTTPError) Temporary() bool {
	return e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// clip shortens s to at most n bytes, on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
