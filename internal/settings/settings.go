// Package settings resolves the inputs of a run: each is a flag, or
// one of the environment variables that can also set it (the GitHub
// Action's inputs, PYPI_PUBLISH_*, twine's), in one order of precedence.
package settings

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// setting is one input: a flag and the environment variables that can
// also set it, in order of precedence. The GitHub Action names come first:
// the runner exports every declared input of a Docker action as
// INPUT_<NAME> with hyphens kept.
type Setting struct {
	Flag string
	Env  []string
	// Deprecated maps an environment name to the input to use instead.
	Deprecated map[string]string
}

// All are the inputs of the publish command.
var All = []Setting{
	{Flag: "user", Env: []string{"INPUT_USER", "PYPI_PUBLISH_USER", "TWINE_USERNAME", "UV_PUBLISH_USERNAME"}},
	{Flag: "password", Env: []string{"INPUT_PASSWORD", "PYPI_PUBLISH_PASSWORD", "TWINE_PASSWORD", "UV_PUBLISH_PASSWORD"}},
	// token is uv's: user __token__ and this password.
	{Flag: "token", Env: []string{"UV_PUBLISH_TOKEN"}},
	{Flag: "repository-url", Env: []string{"INPUT_REPOSITORY-URL", "INPUT_REPOSITORY_URL", "PYPI_PUBLISH_REPOSITORY_URL", "TWINE_REPOSITORY_URL", "UV_PUBLISH_URL"},
		Deprecated: map[string]string{"INPUT_REPOSITORY_URL": "repository-url"}},
	{Flag: "repository", Env: []string{"PYPI_PUBLISH_REPOSITORY", "TWINE_REPOSITORY"}},
	{Flag: "config-file", Env: []string{"PYPI_PUBLISH_CONFIG_FILE", "TWINE_CONFIG_FILE"}},
	{Flag: "check-url", Env: []string{"PYPI_PUBLISH_CHECK_URL", "UV_PUBLISH_CHECK_URL"}},
	// index is uv's: a [[tool.uv.index]] of ./pyproject.toml by name.
	{Flag: "index", Env: []string{"PYPI_PUBLISH_INDEX", "UV_PUBLISH_INDEX"}},
	// SSL_CERT_FILE last: Go's default trust store already honours it,
	// and the other three say more precisely what the user meant.
	{Flag: "cert", Env: []string{"PYPI_PUBLISH_CERT", "TWINE_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"}},
	{Flag: "client-cert", Env: []string{"PYPI_PUBLISH_CLIENT_CERT", "TWINE_CLIENT_CERT"}},
	{Flag: "allow-insecure-http", Env: []string{"PYPI_PUBLISH_ALLOW_INSECURE_HTTP"}},
	{Flag: "no-progress", Env: []string{"PYPI_PUBLISH_NO_PROGRESS", "UV_NO_PROGRESS"}},
	{Flag: "packages-dir", Env: []string{"INPUT_PACKAGES-DIR", "INPUT_PACKAGES_DIR", "PYPI_PUBLISH_PACKAGES_DIR"},
		Deprecated: map[string]string{"INPUT_PACKAGES_DIR": "packages-dir"}},
	{Flag: "verify-metadata", Env: []string{"INPUT_VERIFY-METADATA", "INPUT_VERIFY_METADATA", "PYPI_PUBLISH_VERIFY_METADATA"},
		Deprecated: map[string]string{"INPUT_VERIFY_METADATA": "verify-metadata"}},
	{Flag: "skip-existing", Env: []string{"INPUT_SKIP-EXISTING", "INPUT_SKIP_EXISTING", "PYPI_PUBLISH_SKIP_EXISTING"},
		Deprecated: map[string]string{"INPUT_SKIP_EXISTING": "skip-existing"}},
	{Flag: "verbose", Env: []string{"INPUT_VERBOSE", "PYPI_PUBLISH_VERBOSE"}},
	{Flag: "print-hash", Env: []string{"INPUT_PRINT-HASH", "INPUT_PRINT_HASH", "PYPI_PUBLISH_PRINT_HASH"},
		Deprecated: map[string]string{"INPUT_PRINT_HASH": "print-hash"}},
	{Flag: "attestations", Env: []string{"INPUT_ATTESTATIONS", "PYPI_PUBLISH_ATTESTATIONS"}},
	{Flag: "dry-run", Env: []string{"INPUT_DRY-RUN", "PYPI_PUBLISH_DRY_RUN"}},
	{Flag: "verify-only", Env: []string{"INPUT_VERIFY-ONLY", "PYPI_PUBLISH_VERIFY_ONLY"}},
	{Flag: "parallel", Env: []string{"INPUT_PARALLEL", "PYPI_PUBLISH_PARALLEL"}},
	{Flag: "retries", Env: []string{"PYPI_PUBLISH_RETRIES"}},
	{Flag: "timeout", Env: []string{"PYPI_PUBLISH_TIMEOUT"}},
	{Flag: "pypi-rules", Env: []string{"PYPI_PUBLISH_PYPI_RULES"}},
	{Flag: "trusted-publishing", Env: []string{"INPUT_TRUSTED-PUBLISHING", "PYPI_PUBLISH_TRUSTED_PUBLISHING"}},
	{Flag: "id-token-file", Env: []string{"PYPI_PUBLISH_ID_TOKEN_FILE"}},
	{Flag: "attestations-dir", Env: []string{"INPUT_ATTESTATIONS-DIR", "PYPI_PUBLISH_ATTESTATIONS_DIR"}},
	{Flag: "sigstore-fulcio-url", Env: []string{"PYPI_PUBLISH_SIGSTORE_FULCIO_URL"}},
	{Flag: "sigstore-rekor-url", Env: []string{"PYPI_PUBLISH_SIGSTORE_REKOR_URL"}},
	{Flag: "sigstore-trusted-root", Env: []string{"PYPI_PUBLISH_SIGSTORE_TRUSTED_ROOT"}},
}

// For returns the setting of a flag.
func For(flag string) Setting {
	for _, s := range All {
		if s.Flag == flag {
			return s
		}
	}
	panic("no setting for flag " + flag)
}

// EnvHelp is the " [$A, $B]" suffix of a flag's usage line.
func EnvHelp(flag string) string {
	names := For(flag).Env
	return " [$" + strings.Join(names, ", $") + "]"
}

// Lookup returns a setting's value: the flag if given on the command
// line, else the first environment variable that is set and not empty
// (the runner exports unset inputs as empty strings, which must not
// count).
type Lookup struct {
	Flags  Flags
	Getenv func(string) string
	// Warnings collects what deserves a warning about the inputs
	// (deprecated names, doubtful values).
	Warnings []string
}

// Flags is the command line, as urfave/cli's Context gives it.
type Flags interface {
	IsSet(name string) bool
	String(name string) string
	Bool(name string) bool
}

// Error is a wrong input: exit code 2.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Errorf returns an *Error.
func Errorf(format string, args ...any) error {
	return &Error{fmt.Sprintf(format, args...)}
}

// Value is the raw value of flag and where it came from ("--flag" or the
// variable's name); ok is false when it is not set.
func (l *Lookup) Value(flag string) (string, string, bool) {
	if l.Flags.IsSet(flag) {
		return l.Flags.String(flag), "--" + flag, true
	}
	s := For(flag)
	for _, name := range s.Env {
		if v := l.Getenv(name); v != "" {
			if instead, ok := s.Deprecated[name]; ok {
				l.Warnings = append(l.Warnings, fmt.Sprintf("The inputs have been normalized to use kebab-case. Use `%s` instead.", instead))
			}
			return v, name, true
		}
	}
	return "", "", false
}

// String is the value of flag, or def.
func (l *Lookup) String(flag, def string) string {
	if v, _, ok := l.Value(flag); ok {
		return v
	}
	return def
}

// Bool parses a boolean input. Action inputs (INPUT_*) follow the
// original action: anything but "false" is true, and we warn about values
// that are neither; flags and other variables must be a real boolean.
func (l *Lookup) Bool(flag string, def bool) (bool, error) {
	if l.Flags.IsSet(flag) {
		return l.Flags.Bool(flag), nil
	}
	v, from, ok := l.Value(flag)
	if !ok {
		return def, nil
	}
	lower := strings.ToLower(strings.TrimSpace(v))
	if strings.HasPrefix(from, "INPUT_") {
		if lower != "true" && lower != "false" {
			l.Warnings = append(l.Warnings, fmt.Sprintf("%s=%q is neither true nor false; taking it as true, as the original action does", from, v))
		}
		return lower != "false", nil
	}
	switch lower {
	case "1", "t", "true", "yes", "on":
		return true, nil
	case "0", "f", "false", "no", "off":
		return false, nil
	}
	return false, Errorf("%s=%q: expected true or false", from, v)
}

// Int parses a whole number from lo to hi; anything else in the value
// (5x, 1e3, 0x10) is an error, not a number read up to where it stops.
func (l *Lookup) Int(flag string, def, lo, hi int) (int, error) {
	v, from, ok := l.Value(flag)
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo || n > hi {
		return 0, Errorf("%s=%q: expected a whole number from %d to %d", from, v, lo, hi)
	}
	return n, nil
}

// Duration parses a Go duration (90s, 5m, 1h30m) from lo to hi.
func (l *Lookup) Duration(flag string, def, lo, hi time.Duration) (time.Duration, error) {
	v, from, ok := l.Value(flag)
	if !ok {
		return def, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < lo || d > hi {
		return 0, Errorf("%s=%q: expected a duration from %s to %s, such as 90s or 5m", from, v, lo, hi)
	}
	return d, nil
}

// ciVariables are set by CI systems (and their runners' shells): a run
// that sees one never waits for a human at a terminal.
var ciVariables = []string{
	"CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "CIRCLECI", "TRAVIS", "JENKINS_URL", "TF_BUILD",
	"BITBUCKET_BUILD_NUMBER", "TEAMCITY_VERSION", "CODEBUILD_BUILD_ID", "APPVEYOR", "DRONE", "WOODPECKER_CI",
	"GITEA_ACTIONS", "SEMAPHORE",
}

// InCI reports whether the environment looks like a CI job: one of the
// variables CI systems set is not empty (CI=false counts as not CI).
func InCI(getenv func(string) string) bool {
	for _, name := range ciVariables {
		v := getenv(name)
		if v != "" && !(name == "CI" && strings.EqualFold(v, "false")) {
			return true
		}
	}
	return false
}
