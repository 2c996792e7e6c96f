package main

import (
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/internal/settings"
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
	// VerifyOnly rehearses against the real index: everything but
	// signing and sending files.
	VerifyOnly bool
	Parallel   int
	Retries    int
	// Timeout bounds every wait for a server, per attempt.
	Timeout time.Duration
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
type usageError = settings.Error

func usagef(format string, args ...any) error { return settings.Errorf(format, args...) }

// secretVariables hold credentials that must never be printed, whether
// or not this run uses them: a server could echo one it was sent.
var secretVariables = []string{
	"INPUT_PASSWORD", "PYPI_PUBLISH_PASSWORD", "TWINE_PASSWORD", "UV_PUBLISH_PASSWORD", "UV_PUBLISH_TOKEN",
	"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_RUNTIME_TOKEN", "GITHUB_TOKEN", oidc.EnvToken,
	oidc.GitLabTokenVar("pypi"), oidc.GitLabTokenVar("testpypi"), oidc.GitLabTokenVar("sigstore"),
}

// newConfig resolves the whole configuration of a publishing run: after
// it, nothing reads the environment.
func (a *app) newConfig(c *cli.Context) (*config, error) {
	getenv := a.getenv
	l := &settings.Lookup{Flags: c, Getenv: getenv}
	cfg := &config{
		User:        l.String("user", "__token__"),
		Password:    strings.TrimSpace(l.String("password", "")),
		PackagesDir: strings.TrimSuffix(l.String("packages-dir", "dist"), "/"),
		Paths:       c.Args().Slice(),
		GitHub:      ghactions.FromEnv(getenv),
	}
	a.scrub.AddUser(cfg.User)
	a.scrub.Add(cfg.Password)
	for _, name := range secretVariables {
		a.scrub.Add(getenv(name))
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
		{"verify-only", false, &cfg.VerifyOnly},
	} {
		if *b.dst, err = l.Bool(b.flag, b.def); err != nil {
			return nil, err
		}
	}
	if cfg.DryRun && cfg.VerifyOnly {
		return nil, usagef("give --dry-run (offline) or --verify-only (asks the index), not both")
	}
	if _, _, ok := l.Value("attestations"); ok {
		cfg.AttestationsSet = true
	}
	if cfg.Parallel, err = l.Int("parallel", 4, 1, 64); err != nil {
		return nil, err
	}
	if cfg.Retries, err = l.Int("retries", 5, 0, 20); err != nil {
		return nil, err
	}
	if cfg.Timeout, err = l.Duration("timeout", httpx.DefaultTimeout, time.Second, 24*time.Hour); err != nil {
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
	cfg.IDTokenFile = l.String("id-token-file", "")
	cfg.OIDC = a.oidcSource(cfg.IDTokenFile)
	cfg.AttestationsDir = l.String("attestations-dir", "")
	cfg.FulcioURL = l.String("sigstore-fulcio-url", "")
	cfg.RekorURL = l.String("sigstore-rekor-url", "")
	cfg.TrustedRoot = l.String("sigstore-trusted-root", "")
	switch cfg.TrustedPublishing = strings.ToLower(l.String("trusted-publishing", "auto")); cfg.TrustedPublishing {
	case "auto", "always", "never":
	default:
		return nil, usagef("--trusted-publishing=%q: expected auto, always or never", cfg.TrustedPublishing)
	}
	switch rules := strings.ToLower(l.String("pypi-rules", "auto")); rules {
	case "auto":
		cfg.PyPIRules = index.PyPIFamily(cfg.Target.UploadURL.Hostname())
	case "always", "true":
		cfg.PyPIRules = true
	case "never", "false":
	default:
		return nil, usagef("--pypi-rules=%q: expected auto, always or never", rules)
	}
	cfg.Warnings = l.Warnings
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
func target(l *settings.Lookup) (*index.Target, error) {
	repoURL, urlFrom, haveURL := l.Value("repository-url")
	repo, repoFrom, haveRepo := l.Value("repository")
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
		return nil, &usageError{Msg: err.Error()}
	}
	return t, nil
}
