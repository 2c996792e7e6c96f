package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// config is everything a run needs, resolved once from flags and the
// environment.
type config struct {
	User, Password string
	// Target is the index uploads go to.
	Target         *index.Target
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
	// GitHub describes the GitHub Actions run, if this is one:
	// annotations, step summary, outputs.
	GitHub ghactions.Env
	// OIDC finds this CI's ID tokens.
	OIDC *oidc.Source
	// Warnings are about the inputs (deprecated names, odd values), to
	// be shown once the UI exists.
	Warnings []string
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

// newConfig resolves the whole configuration of a publishing run: after
// it, nothing reads the environment.
func (a *app) newConfig(c *cli.Context) (*config, error) {
	getenv := a.getenv
	l := &lookup{c: c, getenv: getenv}
	cfg := &config{
		User:        l.str("user", "__token__"),
		Password:    strings.TrimSpace(l.str("password", "")),
		PackagesDir: strings.TrimSuffix(l.str("packages-dir", "dist"), "/"),
		Paths:       c.Args().Slice(),
		GitHub:      ghactions.FromEnv(getenv),
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
			return nil, err
		}
	}
	if _, _, ok := l.value("attestations"); ok {
		cfg.AttestationsSet = true
	}
	if cfg.Parallel, err = l.integer("parallel", 4, 1, 64); err != nil {
		return nil, err
	}
	if cfg.Retries, err = l.integer("retries", 5, 0, 20); err != nil {
		return nil, err
	}
	if v := getenv("PYPI_PUBLISH_RETRY_WAIT"); v != "" {
		if cfg.RetryWait, err = time.ParseDuration(v); err != nil || cfg.RetryWait < 0 {
			return nil, usagef("PYPI_PUBLISH_RETRY_WAIT=%q: expected a duration such as 2s or 10ms", v)
		}
	}
	if cfg.Target, err = target(l); err != nil {
		return nil, err
	}
	cfg.IDTokenFile = l.str("id-token-file", "")
	cfg.OIDC = a.oidcSource(cfg.IDTokenFile)
	cfg.AttestationsDir = l.str("attestations-dir", "")
	cfg.FulcioURL = l.str("sigstore-fulcio-url", "")
	cfg.RekorURL = l.str("sigstore-rekor-url", "")
	cfg.TrustedRoot = l.str("sigstore-trusted-root", "")
	switch cfg.TrustedPublishing = strings.ToLower(l.str("trusted-publishing", "auto")); cfg.TrustedPublishing {
	case "auto", "always", "never":
	default:
		return nil, usagef("--trusted-publishing=%q: expected auto, always or never", cfg.TrustedPublishing)
	}
	switch rules := strings.ToLower(l.str("pypi-rules", "auto")); rules {
	case "auto":
		cfg.PyPIRules = index.PyPIFamily(cfg.Target.UploadURL.Hostname())
	case "always", "true":
		cfg.PyPIRules = true
	case "never", "false":
	default:
		return nil, usagef("--pypi-rules=%q: expected auto, always or never", rules)
	}
	cfg.Warnings = l.warnings
	return cfg, nil
}

// oidcSource finds this CI's ID tokens, for publishing and for the
// claims sub-command alike.
func (a *app) oidcSource(tokenFile string) *oidc.Source {
	if tokenFile == "" {
		tokenFile = a.getenv("PYPI_PUBLISH_ID_TOKEN_FILE")
	}
	return &oidc.Source{Getenv: a.getenv, TokenFile: tokenFile,
		// Test seams: a stand-in metadata server, and no DMI file, so that
		// a test run on Google Cloud is not taken for a publisher.
		GoogleMetadataURL:  a.getenv("PYPI_PUBLISH_GOOGLE_METADATA_URL"),
		DMIProductNamePath: a.getenv("PYPI_PUBLISH_DMI_PRODUCT_NAME_PATH")}
}

// target is the index named by --repository-url or --repository.
func target(l *lookup) (*index.Target, error) {
	repoURL, urlFrom, haveURL := l.value("repository-url")
	repo, repoFrom, haveRepo := l.value("repository")
	urlFlag := haveURL && strings.HasPrefix(urlFrom, "--")
	repoFlag := haveRepo && strings.HasPrefix(repoFrom, "--")
	raw := index.PyPIUploadURL
	switch {
	case urlFlag && repoFlag:
		return nil, usagef("give --repository-url or --repository, not both")
	case urlFlag || (haveURL && !repoFlag):
		raw = repoURL
	case haveRepo:
		var ok bool
		if raw, ok = index.Named(repo); !ok {
			return nil, usagef("%s=%q: expected pypi or testpypi (or give --repository-url)", repoFrom, repo)
		}
	}
	t, err := index.Parse(raw)
	if err != nil {
		return nil, &usageError{err.Error()}
	}
	return t, nil
}
