// Package config resolves the whole configuration of a publishing run,
// once, from the command line, the environment, the .pypirc file and a
// prompt: after Resolve nothing reads the environment.
package config

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/internal/pypirc"
	"github.com/pypi-publish/pypi-publish/internal/pyproject"
	"github.com/pypi-publish/pypi-publish/internal/settings"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// config is everything a run needs, resolved once from flags and the
// environment.
type Config struct {
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
	// CheckURL is the simple API root to ask which files the index
	// already has (--check-url, uv's); "" derives it from the target.
	CheckURL string
	// TLS is the TLS configuration of every client (--cert,
	// --client-cert); nil keeps Go's defaults.
	TLS *tls.Config
	// NoProgress turns the terminal's progress bars off.
	NoProgress bool
	// Warnings are about the inputs (deprecated names, odd values), to
	// be shown once the UI exists.
	Warnings []string
}

// Env is what resolving reads besides the command line: the
// environment, the run's secret scrubber (every credential it finds is
// added) and a way to ask for a password at the terminal (nil where
// nobody can answer).
type Env struct {
	Getenv     func(string) string
	Scrub      *ghactions.Scrubber
	ReadSecret func(prompt string) (string, error)
}

func usagef(format string, args ...any) error { return settings.Errorf(format, args...) }

// secretVariables hold credentials that must never be printed, whether
// or not this run uses them: a server could echo one it was sent.
var secretVariables = []string{
	"INPUT_PASSWORD", "PYPI_PUBLISH_PASSWORD", "TWINE_PASSWORD", "UV_PUBLISH_PASSWORD", "UV_PUBLISH_TOKEN",
	"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_RUNTIME_TOKEN", "GITHUB_TOKEN", oidc.EnvToken,
	oidc.GitLabTokenVar("pypi"), oidc.GitLabTokenVar("testpypi"), oidc.GitLabTokenVar("sigstore"),
}

// Resolve resolves the whole configuration of a publishing run: after
// it, nothing reads the environment.
func (a *Env) Resolve(c *cli.Context) (*Config, error) {
	getenv := a.Getenv
	l := &settings.Lookup{Flags: lineage{c}, Getenv: getenv}
	cfg := &Config{
		PackagesDir: strings.TrimSuffix(l.String("packages-dir", "dist"), "/"),
		Paths:       c.Args().Slice(),
		GitHub:      ghactions.FromEnv(getenv),
	}
	for _, name := range secretVariables {
		a.Scrub.Add(getenv(name))
	}
	if cfg.PackagesDir == "" {
		cfg.PackagesDir = "/"
	}
	if err := checkPaths(cfg.Paths); err != nil {
		return nil, err
	}
	allowInsecure, err := l.Bool("allow-insecure-http", false)
	if err != nil {
		return nil, err
	}
	var repo *pypirc.Repository
	var uvCheck string
	if cfg.Target, repo, uvCheck, err = a.target(l, index.Options{AllowInsecureHTTP: allowInsecure}); err != nil {
		return nil, err
	}
	if repo != nil {
		// Read from a file the user may not think of as holding secrets.
		a.Scrub.Add(repo.Password)
	}
	if cfg.User, cfg.Password, err = credentials(l, repo); err != nil {
		return nil, err
	}
	a.Scrub.AddUser(cfg.User)
	a.Scrub.Add(cfg.Password)
	if cfg.Target.Insecure {
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s is plain http (--allow-insecure-http): the credentials and the files cross the network unencrypted, readable and changeable by anyone on the way", httpx.Redact(cfg.Target.UploadURL)))
	}
	if uvCheck != "" {
		// uv checks an --index's files against its url.
		cfg.CheckURL = uvCheck
	}
	if raw, from, ok := l.Value("check-url"); ok {
		t, err := cfg.Target.WithSimpleURL(raw)
		if err != nil {
			return nil, usagef("%s: %v", from, err)
		}
		cfg.Target, cfg.CheckURL = t, t.SimpleURL()
		if u, perr := url.Parse(cfg.CheckURL); perr == nil && u.Scheme == "http" && !index.IsLoopback(u.Hostname()) && !cfg.Target.Insecure {
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s is plain http (--allow-insecure-http): what it answers can be changed on the way", httpx.Redact(u)))
		}
	}
	if cfg.TLS, err = tlsConfig(l, repo); err != nil {
		return nil, err
	}
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
		{"no-progress", false, &cfg.NoProgress},
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
	cfg.IDTokenFile = l.String("id-token-file", "")
	cfg.OIDC = a.OIDCSource(cfg.IDTokenFile)
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
	if err := a.promptPassword(cfg); err != nil {
		return nil, err
	}
	cfg.Warnings = append(l.Warnings, cfg.Warnings...)
	return cfg, nil
}

// OIDCSource finds this CI's ID tokens, for publishing and for the
// claims sub-command alike.
func (a *Env) OIDCSource(tokenFile string) *oidc.Source {
	if tokenFile == "" {
		tokenFile = a.Getenv("PYPI_PUBLISH_ID_TOKEN_FILE")
	}
	return &oidc.Source{Getenv: a.Getenv, TokenFile: tokenFile,
		// Test seams: a stand-in metadata server, and no DMI file, so that
		// a test run on Google Cloud is not taken for a publisher.
		GoogleMetadataURL:  a.Getenv("PYPI_PUBLISH_GOOGLE_METADATA_URL"),
		DMIProductNamePath: a.Getenv("PYPI_PUBLISH_DMI_PRODUCT_NAME_PATH")}
}

// lineage is the command line of "pypi-publish [flags] upload [flags]":
// a flag set after "upload" beats one set before it. For the bare
// command it is the context itself.
type lineage struct{ c *cli.Context }

func (l lineage) set(name string) *cli.Context {
	for _, c := range l.c.Lineage() {
		if c != nil && c.Command != nil && c.IsSet(name) {
			return c
		}
	}
	if l.c.IsSet(name) {
		return l.c
	}
	return nil
}

func (l lineage) IsSet(name string) bool { return l.set(name) != nil }

func (l lineage) String(name string) string {
	if c := l.set(name); c != nil {
		return c.String(name)
	}
	return l.c.String(name)
}

func (l lineage) Bool(name string) bool {
	if c := l.set(name); c != nil {
		return c.Bool(name)
	}
	return l.c.Bool(name)
}

// checkPaths refuses a file or directory named on the command line that
// does not exist, with one line rather than a stat error after the
// search began. Patterns (quoted, so the shell left them) are dist's.
func checkPaths(paths []string) error {
	for _, p := range paths {
		if strings.ContainsAny(p, "*?[") {
			continue
		}
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return usagef("%s: no such file or directory", p)
		}
	}
	return nil
}

// target is the index named by --repository-url, or by --repository in
// the .pypirc file (PyPI without either). As twine does, a URL ignores
// the file, and the command line beats the environment. repo is the
// .pypirc section used, if any.
func (a *Env) target(l *settings.Lookup, o index.Options) (t *index.Target, repo *pypirc.Repository, uvCheck string, err error) {
	repoURL, urlFrom, haveURL := l.Value("repository-url")
	name, nameFrom, haveName := l.Value("repository")
	urlFlag := haveURL && strings.HasPrefix(urlFrom, "--")
	nameFlag := haveName && strings.HasPrefix(nameFrom, "--")
	if ix, ixFrom, haveIx := l.Value("index"); haveIx {
		ixFlag := strings.HasPrefix(ixFrom, "--")
		switch {
		case ixFlag && (urlFlag || nameFlag), !ixFlag && (haveURL || haveName) && !urlFlag && !nameFlag:
			return nil, nil, "", usagef("give %s or a repository URL/name, not both", ixFrom)
		case ixFlag || (!urlFlag && !nameFlag):
			return uvIndex(ix, ixFrom, o)
		}
	}
	switch {
	case urlFlag && nameFlag:
		return nil, nil, "", usagef("give --repository-url or --repository, not both")
	case urlFlag || (haveURL && !nameFlag):
		t, err := index.ParseWith(repoURL, o)
		if err != nil {
			return nil, nil, "", &settings.Error{Msg: err.Error()}
		}
		return t, nil, "", nil
	case !haveName:
		name, nameFrom = "pypi", ""
	}
	file, path, err := a.pypirc(l)
	if err != nil {
		return nil, nil, "", err
	}
	found, ok := file.Repository(name)
	if !ok {
		return nil, nil, "", unknownRepository(file, path, name, nameFrom)
	}
	where := fmt.Sprintf("[%s] in %s", name, path)
	if path == "" {
		where = "repository " + name
	}
	if found.URL == "" {
		return nil, nil, "", usagef("%s has no repository = URL (the upload URL, such as %s)", where, index.PyPIUploadURL)
	}
	t, err = index.ParseWith(found.URL, o)
	if err != nil {
		return nil, nil, "", usagef("%s: %v", where, err)
	}
	return t, &found, "", nil
}

// noConfigFile, as --config-file, reads no .pypirc: for a CI wrapper
// (the GitHub Action) that wants the inputs alone to decide.
const noConfigFile = "none"

// pypirc reads the .pypirc file: --config-file (or its variables), else
// ~/.pypirc if there is one. path is "" when no file was read.
func (a *Env) pypirc(l *settings.Lookup) (*pypirc.File, string, error) {
	path, from, explicit := l.Value("config-file")
	if explicit && path == noConfigFile {
		f, _ := pypirc.Parse(nil)
		return f, "", nil
	}
	if !explicit {
		// HOME as the environment given to the run has it, so that a
		// test or a wrapper decides; no HOME, no default file.
		home := a.Getenv("HOME")
		if home == "" {
			f, _ := pypirc.Parse(nil)
			return f, "", nil
		}
		path = filepath.Join(home, ".pypirc")
	} else if rest, ok := strings.CutPrefix(path, "~/"); ok && a.Getenv("HOME") != "" {
		path = filepath.Join(a.Getenv("HOME"), rest)
	}
	data, err := os.ReadFile(path)
	switch {
	case err != nil && !explicit && errors.Is(err, fs.ErrNotExist):
		f, _ := pypirc.Parse(nil)
		return f, "", nil
	case err != nil && explicit:
		return nil, "", usagef("%s=%q: %v", from, path, unwrapPath(err))
	case err != nil:
		return nil, "", fmt.Errorf("reading %s: %w", path, err)
	}
	f, err := pypirc.Parse(data)
	if err != nil {
		return nil, "", usagef("%s: %v", path, err)
	}
	return f, path, nil
}

// unwrapPath drops the path from an *fs.PathError, which the message
// names already.
func unwrapPath(err error) error {
	var perr *fs.PathError
	if errors.As(err, &perr) {
		return perr.Err
	}
	return err
}

// unknownRepository is the error for a repository name that is not in
// the .pypirc: it names what is there, and never falls back to PyPI.
func unknownRepository(f *pypirc.File, path, name, from string) error {
	msg := fmt.Sprintf("%s=%q: no such repository; known: %s", from, name, strings.Join(f.Names(), ", "))
	if path == "" {
		return usagef("%s (others are read from ~/.pypirc or --config-file, and none was found)", msg)
	}
	for _, s := range f.Unlisted() {
		if s == name {
			return usagef("%s; %s has a [%s] section, but its [distutils] index-servers does not list it, so it is ignored (as twine does): add it there", msg, path, name)
		}
	}
	return usagef("%s (from %s)", msg, path)
}

// credentials resolves the user and password: a flag beats a variable,
// which beats the .pypirc section. A token (--token, UV_PUBLISH_TOKEN)
// is the password of user __token__; given beside a password or
// another user at the same level, it is a contradiction.
func credentials(l *settings.Lookup, repo *pypirc.Repository) (user, password string, err error) {
	level := func(from string, ok bool) int {
		switch {
		case !ok:
			return 0
		case strings.HasPrefix(from, "--"):
			return 3
		}
		return 2
	}
	user, userFrom, haveUser := l.Value("user")
	password, passFrom, havePass := l.Value("password")
	password = strings.TrimSpace(password)
	userLevel, passLevel := level(userFrom, haveUser), level(passFrom, havePass)
	if repo != nil {
		if userLevel == 0 && repo.Username != "" {
			user, userLevel = repo.Username, 1
		}
		if passLevel == 0 && repo.Password != "" {
			password, passLevel = strings.TrimSpace(repo.Password), 1
		}
	}
	if token, tokenFrom, ok := l.Value("token"); ok {
		tokenLevel := level(tokenFrom, ok)
		switch {
		case passLevel == tokenLevel:
			return "", "", usagef("give %s or %s, not both: a token is the password of user __token__", tokenFrom, passFrom)
		case userLevel >= tokenLevel && user != "__token__":
			return "", "", usagef("%s is a token, the password of user __token__, but %s sets the user %q", tokenFrom, userFrom, user)
		case tokenLevel > passLevel:
			user, password = "__token__", strings.TrimSpace(token)
		}
	}
	if user == "" {
		user = "__token__"
	}
	return user, password, nil
}

// tlsConfig builds the clients' TLS configuration from --cert and
// --client-cert, or the .pypirc section's ca_cert and client_cert.
func tlsConfig(l *settings.Lookup, repo *pypirc.Repository) (*tls.Config, error) {
	ca, caFrom, _ := l.Value("cert")
	client, clientFrom, _ := l.Value("client-cert")
	if repo != nil {
		if ca == "" && repo.CACert != "" {
			ca, caFrom = repo.CACert, "ca_cert in ["+repo.Name+"]"
		}
		if client == "" && repo.ClientCert != "" {
			client, clientFrom = repo.ClientCert, "client_cert in ["+repo.Name+"]"
		}
	}
	c, err := httpx.TLSConfig(ca, client)
	if err != nil {
		from := caFrom
		if client != "" && !strings.HasPrefix(err.Error(), "CA bundle") {
			from = clientFrom
		}
		return nil, usagef("%s: %v", from, err)
	}
	return c, nil
}

// promptPassword asks for the password at the terminal, as twine and uv
// do, when a run needs one and has none: only with a terminal on stdin
// and stderr (a.ReadSecret is nil otherwise), never in CI, where a
// prompt is a hang (twine #224, #334), and never when trusted
// publishing applies.
func (a *Env) promptPassword(cfg *Config) error {
	if a.ReadSecret == nil || cfg.Password != "" || cfg.DryRun || settings.InCI(a.Getenv) {
		return nil
	}
	switch cfg.TrustedPublishing {
	case "always":
		return nil
	case "auto":
		if _, err := cfg.OIDC.Detect(); err == nil && cfg.User == "__token__" {
			return nil
		}
	}
	what := "API token"
	if cfg.User != "__token__" {
		what = "password of " + cfg.User
	}
	pw, err := a.ReadSecret(fmt.Sprintf("Enter your %s for %s: ", what, cfg.Target.Name()))
	if err != nil {
		return fmt.Errorf("reading the password: %w", err)
	}
	cfg.Password = strings.TrimSpace(pw)
	a.Scrub.Add(cfg.Password)
	if cfg.Password == "" {
		return usagef("no password entered")
	}
	return nil
}

// uvIndex is the target of `--index NAME`: the [[tool.uv.index]] table of
// that name in ./pyproject.toml, whose publish-url is uploaded to and
// whose url is checked for existing files, as uv does.
func uvIndex(name, from string, o index.Options) (*index.Target, *pypirc.Repository, string, error) {
	data, err := os.ReadFile("pyproject.toml")
	if err != nil {
		return nil, nil, "", usagef("%s=%q: no pyproject.toml to find the index in (%v)", from, name, unwrapPath(err))
	}
	indexes, err := pyproject.UVIndexes(data)
	if err != nil {
		return nil, nil, "", usagef("%s=%q: %v", from, name, err)
	}
	ix, ok := pyproject.Find(indexes, name)
	if !ok {
		var names []string
		for _, i := range indexes {
			names = append(names, i.Name)
		}
		known := "it has no [[tool.uv.index]] tables"
		if len(names) > 0 {
			known = "its [[tool.uv.index]] names are " + strings.Join(names, ", ")
		}
		return nil, nil, "", usagef("%s=%q: pyproject.toml has no index of that name: %s", from, name, known)
	}
	if ix.PublishURL == "" {
		return nil, nil, "", usagef("%s=%q: the [[tool.uv.index]] table at pyproject.toml:%d has no publish-url (the upload URL)", from, name, ix.Line)
	}
	t, err := index.ParseWith(ix.PublishURL, o)
	if err != nil {
		return nil, nil, "", usagef("pyproject.toml:%d: publish-url: %v", ix.Line, err)
	}
	if ix.URL != "" {
		if t, err = t.WithSimpleURL(ix.URL); err != nil {
			return nil, nil, "", usagef("pyproject.toml:%d: url: %v", ix.Line, err)
		}
	}
	return t, nil, t.SimpleURL(), nil
}
