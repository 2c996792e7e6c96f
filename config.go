package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

const (
	pypiUploadURL     = "https://upload.pypi.org/legacy/"
	testPyPIUploadURL = "https://test.pypi.org/legacy/"
)

// config is everything a run needs, resolved once from flags and the
// environment.
type config struct {
	User, Password string
	RepositoryURL  *url.URL
	PackagesDir    string
	Paths          []string
	VerifyMetadata bool
	SkipExisting   bool
	Verbose        bool
	PrintHash      bool
	Attestations   bool
	// AttestationsSet is true when the user asked for attestations
	// (rather than getting the default), which decides whether ignoring
	// them deserves a warning.
	AttestationsSet bool
	DryRun          bool
	Parallel        int
	Retries         int
	// RetryWait, when set, replaces the backoff between retries (tests
	// use milliseconds); from PYPI_PUBLISH_RETRY_WAIT.
	RetryWait time.Duration
	// PyPIRules applies PyPI's own rules (PEP 625 sdist names, platform
	// tags, no local versions) in preflight.
	PyPIRules bool
	// TrustedPublishing is auto, always or never.
	TrustedPublishing string
	// IDTokenFile holds an OIDC ID token from a CI we cannot ask.
	IDTokenFile string
	// AttestationsDir receives the signed attestations; "" is a new
	// temporary directory.
	AttestationsDir string
	// FulcioURL, RekorURL and TrustedRoot point signing at another
	// Sigstore (staging, private, tests); "" is production.
	FulcioURL, RekorURL, TrustedRoot string
	// GitHub is set when running as a GitHub Actions step: annotations,
	// step summary.
	GitHub bool
	// StepSummary is the path of $GITHUB_STEP_SUMMARY, or "".
	StepSummary string
	// Outputs is the path of $GITHUB_OUTPUT, or "": the action's outputs.
	Outputs string
}

// usageError means the command line or the inputs are wrong: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// setting is one input: a flag and the environment variables that can
// also set it, in order of precedence. The GitHub Action names come first:
// the runner exports every declared input of a Docker action as
// INPUT_<NAME> with hyphens kept.
type setting struct {
	flag       string
	env        []string
	deprecated map[string]string // env name -> the input to use instead
	boolean    bool
}

var settings = []setting{
	{flag: "user", env: []string{"INPUT_USER", "PYPI_PUBLISH_USER", "TWINE_USERNAME"}},
	{flag: "password", env: []string{"INPUT_PASSWORD", "PYPI_PUBLISH_PASSWORD", "TWINE_PASSWORD"}},
	{flag: "repository-url", env: []string{"INPUT_REPOSITORY-URL", "INPUT_REPOSITORY_URL", "PYPI_PUBLISH_REPOSITORY_URL", "TWINE_REPOSITORY_URL"},
		deprecated: map[string]string{"INPUT_REPOSITORY_URL": "repository-url"}},
	{flag: "repository", env: []string{"PYPI_PUBLISH_REPOSITORY"}},
	{flag: "packages-dir", env: []string{"INPUT_PACKAGES-DIR", "INPUT_PACKAGES_DIR", "PYPI_PUBLISH_PACKAGES_DIR"},
		deprecated: map[string]string{"INPUT_PACKAGES_DIR": "packages-dir"}},
	{flag: "verify-metadata", boolean: true, env: []string{"INPUT_VERIFY-METADATA", "INPUT_VERIFY_METADATA", "PYPI_PUBLISH_VERIFY_METADATA"},
		deprecated: map[string]string{"INPUT_VERIFY_METADATA": "verify-metadata"}},
	{flag: "skip-existing", boolean: true, env: []string{"INPUT_SKIP-EXISTING", "INPUT_SKIP_EXISTING", "PYPI_PUBLISH_SKIP_EXISTING"},
		deprecated: map[string]string{"INPUT_SKIP_EXISTING": "skip-existing"}},
	{flag: "verbose", boolean: true, env: []string{"INPUT_VERBOSE", "PYPI_PUBLISH_VERBOSE"}},
	{flag: "print-hash", boolean: true, env: []string{"INPUT_PRINT-HASH", "INPUT_PRINT_HASH", "PYPI_PUBLISH_PRINT_HASH"},
		deprecated: map[string]string{"INPUT_PRINT_HASH": "print-hash"}},
	{flag: "attestations", boolean: true, env: []string{"INPUT_ATTESTATIONS", "PYPI_PUBLISH_ATTESTATIONS"}},
	{flag: "dry-run", boolean: true, env: []string{"INPUT_DRY-RUN", "PYPI_PUBLISH_DRY_RUN"}},
	{flag: "parallel", env: []string{"INPUT_PARALLEL", "PYPI_PUBLISH_PARALLEL"}},
	{flag: "retries", env: []string{"PYPI_PUBLISH_RETRIES"}},
	{flag: "pypi-rules", env: []string{"PYPI_PUBLISH_PYPI_RULES"}},
	{flag: "trusted-publishing", env: []string{"INPUT_TRUSTED-PUBLISHING", "PYPI_PUBLISH_TRUSTED_PUBLISHING"}},
	{flag: "id-token-file", env: []string{"PYPI_PUBLISH_ID_TOKEN_FILE"}},
	{flag: "attestations-dir", env: []string{"INPUT_ATTESTATIONS-DIR", "PYPI_PUBLISH_ATTESTATIONS_DIR"}},
	{flag: "sigstore-fulcio-url", env: []string{"PYPI_PUBLISH_SIGSTORE_FULCIO_URL"}},
	{flag: "sigstore-rekor-url", env: []string{"PYPI_PUBLISH_SIGSTORE_REKOR_URL"}},
	{flag: "sigstore-trusted-root", env: []string{"PYPI_PUBLISH_SIGSTORE_TRUSTED_ROOT"}},
}

func settingFor(flag string) setting {
	for _, s := range settings {
		if s.flag == flag {
			return s
		}
	}
	panic("no setting for flag " + flag)
}

// envHelp is the " [$A, $B]" suffix of a flag's usage line.
func envHelp(flag string) string {
	names := settingFor(flag).env
	return " [$" + strings.Join(names, ", $") + "]"
}

// lookup returns a setting's value: the flag if given on the command line,
// else the first environment variable that is set and not empty (the
// runner exports unset inputs as empty strings, which must not count).
type lookup struct {
	c        *cli.Context
	getenv   func(string) string
	warnings []string
}

func (l *lookup) value(flag string) (string, string, bool) {
	if l.c.IsSet(flag) {
		return l.c.String(flag), "--" + flag, true
	}
	s := settingFor(flag)
	for _, name := range s.env {
		if v := l.getenv(name); v != "" {
			if instead, ok := s.deprecated[name]; ok {
				l.warnings = append(l.warnings, fmt.Sprintf("The inputs have been normalized to use kebab-case. Use `%s` instead.", instead))
			}
			return v, name, true
		}
	}
	return "", "", false
}

func (l *lookup) str(flag, def string) string {
	if v, _, ok := l.value(flag); ok {
		return v
	}
	return def
}

// boolean parses a boolean input. Action inputs (INPUT_*) follow the
// original action: anything but "false" is true, and we warn about values
// that are neither; flags and other variables must be a real boolean.
func (l *lookup) boolean(flag string, def bool) (bool, error) {
	if l.c.IsSet(flag) {
		return l.c.Bool(flag), nil
	}
	v, from, ok := l.value(flag)
	if !ok {
		return def, nil
	}
	lower := strings.ToLower(strings.TrimSpace(v))
	if strings.HasPrefix(from, "INPUT_") {
		if lower != "true" && lower != "false" {
			l.warnings = append(l.warnings, fmt.Sprintf("%s=%q is neither true nor false; taking it as true, as the original action does", from, v))
		}
		return lower != "false", nil
	}
	switch lower {
	case "1", "t", "true", "yes", "on":
		return true, nil
	case "0", "f", "false", "no", "off":
		return false, nil
	}
	return false, usagef("%s=%q: expected true or false", from, v)
}

func (l *lookup) integer(flag string, def, lo, hi int) (int, error) {
	v, from, ok := l.value(flag)
	if !ok {
		return def, nil
	}
	var n int
	if _, err := fmt.Sscan(strings.TrimSpace(v), &n); err != nil || n < lo || n > hi {
		return 0, usagef("%s=%q: expected a whole number from %d to %d", from, v, lo, hi)
	}
	return n, nil
}

func newConfig(c *cli.Context, getenv func(string) string) (*config, []string, error) {
	l := &lookup{c: c, getenv: getenv}
	cfg := &config{
		User:        l.str("user", "__token__"),
		Password:    strings.TrimSpace(l.str("password", "")),
		PackagesDir: strings.TrimSuffix(l.str("packages-dir", "dist"), "/"),
		Paths:       c.Args().Slice(),
		GitHub:      getenv("GITHUB_ACTIONS") == "true",
		StepSummary: getenv("GITHUB_STEP_SUMMARY"),
		Outputs:     getenv("GITHUB_OUTPUT"),
	}
	if cfg.PackagesDir == "" {
		cfg.PackagesDir = "/"
	}
	var err error
	for _, b := range []struct {
		flag string
		def  bool
		dst  *bool
	}{
		{"verify-metadata", true, &cfg.VerifyMetadata},
		{"skip-existing", false, &cfg.SkipExisting},
		{"verbose", false, &cfg.Verbose},
		{"print-hash", false, &cfg.PrintHash},
		{"attestations", true, &cfg.Attestations},
		{"dry-run", false, &cfg.DryRun},
	} {
		if *b.dst, err = l.boolean(b.flag, b.def); err != nil {
			return nil, nil, err
		}
	}
	if _, _, ok := l.value("attestations"); ok {
		cfg.AttestationsSet = true
	}
	if cfg.Parallel, err = l.integer("parallel", 4, 1, 64); err != nil {
		return nil, nil, err
	}
	if cfg.Retries, err = l.integer("retries", 5, 0, 20); err != nil {
		return nil, nil, err
	}
	if v := getenv("PYPI_PUBLISH_RETRY_WAIT"); v != "" {
		if cfg.RetryWait, err = time.ParseDuration(v); err != nil || cfg.RetryWait < 0 {
			return nil, nil, usagef("PYPI_PUBLISH_RETRY_WAIT=%q: expected a duration such as 2s or 10ms", v)
		}
	}
	if cfg.RepositoryURL, err = repositoryURL(l); err != nil {
		return nil, nil, err
	}
	cfg.IDTokenFile = l.str("id-token-file", "")
	cfg.AttestationsDir = l.str("attestations-dir", "")
	cfg.FulcioURL = l.str("sigstore-fulcio-url", "")
	cfg.RekorURL = l.str("sigstore-rekor-url", "")
	cfg.TrustedRoot = l.str("sigstore-trusted-root", "")
	switch cfg.TrustedPublishing = strings.ToLower(l.str("trusted-publishing", "auto")); cfg.TrustedPublishing {
	case "auto", "always", "never":
	default:
		return nil, nil, usagef("--trusted-publishing=%q: expected auto, always or never", cfg.TrustedPublishing)
	}
	switch rules := strings.ToLower(l.str("pypi-rules", "auto")); rules {
	case "auto":
		cfg.PyPIRules = isPyPIHost(cfg.RepositoryURL.Hostname())
	case "always", "true":
		cfg.PyPIRules = true
	case "never", "false":
	default:
		return nil, nil, usagef("--pypi-rules=%q: expected auto, always or never", rules)
	}
	return cfg, l.warnings, nil
}

func repositoryURL(l *lookup) (*url.URL, error) {
	repoURL, urlFrom, haveURL := l.value("repository-url")
	repo, repoFrom, haveRepo := l.value("repository")
	urlFlag := haveURL && strings.HasPrefix(urlFrom, "--")
	repoFlag := haveRepo && strings.HasPrefix(repoFrom, "--")
	raw := pypiUploadURL
	switch {
	case urlFlag && repoFlag:
		return nil, usagef("give --repository-url or --repository, not both")
	case urlFlag || (haveURL && !repoFlag):
		raw = repoURL
	case haveRepo:
		switch strings.ToLower(repo) {
		case "pypi":
			raw = pypiUploadURL
		case "testpypi":
			raw = testPyPIUploadURL
		default:
			return nil, usagef("%s=%q: expected pypi or testpypi (or give --repository-url)", repoFrom, repo)
		}
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, usagef("repository URL %q: expected an http(s) URL such as %s", raw, pypiUploadURL)
	}
	if u.User != nil {
		return nil, usagef("repository URL: put credentials in --user/--password, not in the URL, where logs would show them")
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, usagef("repository URL %s uses plain http: credentials would cross the network unencrypted; use https (plain http is allowed only for loopback test indexes)", u.Redacted())
	}
	return u, nil
}

func isPyPIHost(host string) bool {
	return host == "pypi.org" || strings.HasSuffix(host, ".pypi.org")
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
