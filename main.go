// Command pypi-publish publishes Python distributions (wheels and sdists)
// to PyPI or any index with the legacy upload API, after checking locally
// everything the index would refuse, so that a release is never left
// half-published.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/internal/settings"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = ""

// Exit codes, documented in README; 130 and 143 for SIGINT and SIGTERM.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

func main() {
	ctx, stop := interruptible(context.Background())
	err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	var sig *interrupted
	if errors.As(context.Cause(ctx), &sig) {
		// The summary above lists what reached the index; the files
		// uploaded are accepted again, so the same command finishes.
		fmt.Fprintf(os.Stderr, "pypi-publish: interrupted by %s; nothing more was sent. Run the same command again to finish the release.\n", sig.String())
		os.Exit(sig.code())
	}
	os.Exit(exitCode(err, os.Stderr))
}

// interrupted is the cause of a run's end by SIGINT or SIGTERM.
type interrupted struct{ sig os.Signal }

func (i *interrupted) Error() string  { return "interrupted by " + i.String() }
func (i *interrupted) String() string { return unix(i.sig) }

// code is the shell's convention: 128 + the signal's number.
func (i *interrupted) code() int {
	if i.sig == syscall.SIGTERM {
		return 143
	}
	return 130
}

func unix(sig os.Signal) string {
	if sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}

// interruptible returns a context canceled, with an *interrupted cause,
// by the first SIGINT or SIGTERM; a second one kills the process as
// usual.
func interruptible(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-sigs:
			cancel(&interrupted{s})
			signal.Stop(sigs)
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(sigs); cancel(nil) }
}

// exitCode is the one place errors become exit codes.
func exitCode(err error, stderr io.Writer) int {
	var uerr *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "pypi-publish: %v\nRun 'pypi-publish --help' for the flags and their environment variables.\n", err)
		return exitUsage
	case errors.Is(err, errReported):
		return exitFail
	default:
		fmt.Fprintf(stderr, "pypi-publish: %v\n", err)
		return exitFail
	}
}

// errReported is returned when the failure has already been explained to
// the user in full.
var errReported = errors.New("failed (reported above)")

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	a := &app{getenv: getenv, stdout: stdout, stderr: stderr, scrub: ghactions.NewScrubber(), readSecret: terminalPrompt(stderr)}
	if err := a.cli().RunContext(ctx, args); err != nil {
		return &cleanError{err: err, scrub: a.scrub}
	}
	return nil
}

// app is the command line: its environment, where it writes, and the
// secrets it must never print.
type app struct {
	getenv         func(string) string
	stdout, stderr io.Writer
	scrub          *ghactions.Scrubber
	// readSecret asks the user for a password at the terminal, without
	// echo; nil when stdin or stderr is not a terminal.
	readSecret func(prompt string) (string, error)
}

// terminalPrompt reads a secret from the terminal when stdin and stderr
// are both one; nil otherwise, so that a pipe or a log never waits for a
// human.
func terminalPrompt(stderr io.Writer) func(string) (string, error) {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || !term.IsTerminal(int(os.Stdin.Fd())) {
		return nil
	}
	return func(prompt string) (string, error) {
		fmt.Fprint(f, prompt)
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(f)
		return string(b), err
	}
}

// cleanError is an error whose text is printable: the run's secrets and
// control characters removed from whatever a server put in it.
type cleanError struct {
	err   error
	scrub *ghactions.Scrubber
}

func (e *cleanError) Error() string { return e.scrub.Clean(e.err.Error()) }
func (e *cleanError) Unwrap() error { return e.err }

// ui is what a command shows the user.
func (a *app) ui(github, verbose bool) *console.UI {
	return console.New(a.stdout, a.stderr, github, verbose, a.scrub)
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func (a *app) cli() *cli.App {
	return &cli.App{
		Name:      "pypi-publish",
		Usage:     "check and upload Python distributions to PyPI or another index",
		UsageText: "pypi-publish [flags] [FILE|DIR|GLOB ...]   (default: the distributions in --packages-dir)",
		Version:   versionString(),
		Description: "Finds the wheels and sdists, checks everything the index would refuse before the first upload, " +
			"then uploads them through the legacy upload API with safe retries.\n\n" +
			"Every flag can also be set from the environment: the GitHub Action input names (INPUT_*), " +
			"PYPI_PUBLISH_* for other CI, and twine's TWINE_USERNAME/TWINE_PASSWORD/TWINE_REPOSITORY_URL. " +
			"A variable that is set but empty counts as unset.\n\n" +
			"Exit codes: 0 every file uploaded or skipped (or, with --dry-run, would be); " +
			"1 a check or an upload failed; 2 the command line or inputs are wrong.",
		Writer:          a.stdout,
		ErrWriter:       a.stderr,
		HideHelpCommand: true,
		// Without this, urfave/cli calls os.Exit itself for some errors and
		// exitCode never sees them.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &usageError{Msg: err.Error()}
		},
		Flags:    publishFlags(),
		Commands: []*cli.Command{a.uploadCommand(), a.claimsCommand(), a.verifyCommand()},
		Action:   a.publish,
	}
}

func init() {
	// -V, as twine and uv spell it: -v is --verbose there, and here.
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"V"}, Usage: "print the version"}
}

// publish is the publishing run, bare or as "upload".
func (a *app) publish(c *cli.Context) error {
	cfg, err := a.newConfig(c)
	if err != nil {
		return err
	}
	ui := a.ui(cfg.GitHub.Actions, cfg.Verbose)
	if cfg.NoProgress {
		ui.TTY = false
	}
	p := &publisher{cfg: cfg, ui: ui}
	return p.run(c.Context)
}

// uploadCommand is "pypi-publish upload [FILES]", twine's spelling: the
// bare command under another name, with the same flags.
func (a *app) uploadCommand() *cli.Command {
	return &cli.Command{
		Name:      "upload",
		Usage:     "the same as the bare command, for twine's muscle memory",
		UsageText: "pypi-publish upload [flags] [FILE|DIR|GLOB ...]",
		Flags:     publishFlags(),
		Action:    a.publish,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &usageError{Msg: err.Error()}
		},
	}
}

// publishFlags are the flags of a publishing run, new each call: the
// bare command and "upload" each parse their own.
func publishFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Value: "__token__", Usage: "username; __token__ for API tokens" + settings.EnvHelp("user")},
		&cli.StringFlag{Name: "password", Aliases: []string{"p"}, Usage: "API token (pypi-…) or password; never printed" + settings.EnvHelp("password")},
		&cli.StringFlag{Name: "repository-url", Value: index.PyPIUploadURL, Usage: "legacy upload endpoint" + settings.EnvHelp("repository-url")},
		&cli.StringFlag{Name: "repository", Aliases: []string{"r"}, Usage: "a repository of the .pypirc file (pypi and testpypi are built in), instead of --repository-url" + settings.EnvHelp("repository")},
		&cli.StringFlag{Name: "token", Aliases: []string{"t"}, Usage: "API token: user __token__ with this password (uv's --token); never printed" + settings.EnvHelp("token")},
		&cli.StringFlag{Name: "config-file", Usage: "the .pypirc file to read --repository from (default: ~/.pypirc; none reads no file)" + settings.EnvHelp("config-file")},
		&cli.StringFlag{Name: "check-url", Usage: "simple API root to ask which files the index already has, before uploading (uv's --check-url)" + settings.EnvHelp("check-url")},
		&cli.StringFlag{Name: "cert", Usage: "CA bundle (PEM) to trust instead of the system's, for every HTTPS connection" + settings.EnvHelp("cert")},
		&cli.StringFlag{Name: "client-cert", Usage: "PEM file with a client certificate and its private key, for indexes that require mutual TLS" + settings.EnvHelp("client-cert")},
		&cli.BoolFlag{Name: "allow-insecure-http", Usage: "allow a plain http:// index other than PyPI's (credentials cross the network in clear; warned about on every run)" + settings.EnvHelp("allow-insecure-http")},
		&cli.BoolFlag{Name: "no-progress", Aliases: []string{"disable-progress-bar"}, Usage: "no progress bars on the terminal" + settings.EnvHelp("no-progress")},
		&cli.StringFlag{Name: "packages-dir", Aliases: []string{"d"}, Value: "dist", Usage: "directory holding the distributions" + settings.EnvHelp("packages-dir")},
		&cli.BoolFlag{Name: "verify-metadata", Value: true, Usage: "check the metadata's content before uploading (archive and filename checks always run)" + settings.EnvHelp("verify-metadata")},
		&cli.BoolFlag{Name: "skip-existing", Usage: "skip files the index already has instead of failing" + settings.EnvHelp("skip-existing")},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log each request and answer (never credentials), and the digests" + settings.EnvHelp("verbose")},
		&cli.BoolFlag{Name: "print-hash", Usage: "print the SHA256, MD5 and BLAKE2-256 of each file" + settings.EnvHelp("print-hash")},
		&cli.BoolFlag{Name: "attestations", Value: true, Usage: "sign each file with Sigstore and upload PEP 740 attestations (with trusted publishing to PyPI or TestPyPI)" + settings.EnvHelp("attestations")},
		&cli.StringFlag{Name: "attestations-dir", Usage: "where to save the signed attestations (default: a new temporary directory)" + settings.EnvHelp("attestations-dir")},
		&cli.StringFlag{Name: "sigstore-fulcio-url", Usage: "Fulcio to get signing certificates from (default: production Sigstore)" + settings.EnvHelp("sigstore-fulcio-url")},
		&cli.StringFlag{Name: "sigstore-rekor-url", Usage: "Rekor v1 transparency log (default: production Sigstore)" + settings.EnvHelp("sigstore-rekor-url")},
		&cli.StringFlag{Name: "sigstore-trusted-root", Usage: "trusted_root.json to check signatures against (default: production Sigstore's, for production URLs)" + settings.EnvHelp("sigstore-trusted-root")},
		&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "find, check and hash, print the plan, upload nothing" + settings.EnvHelp("dry-run")},
		&cli.BoolFlag{Name: "verify-only", Usage: "rehearse against the real index: checks, trusted-publishing exchange (the token is revoked at once), which files it already has; upload and sign nothing" + settings.EnvHelp("verify-only")},
		&cli.IntFlag{Name: "parallel", Aliases: []string{"j"}, Value: 4, Usage: "upload up to N files at once after the first" + settings.EnvHelp("parallel")},
		&cli.IntFlag{Name: "retries", Value: 5, Usage: "retries of a failed request: connection errors, 429 and 5xx" + settings.EnvHelp("retries")},
		&cli.StringFlag{Name: "timeout", Value: "5m", Usage: "the longest wait for a server once a request is sent, per attempt (no byte moving either way); a timed-out request is retried" + settings.EnvHelp("timeout")},
		&cli.StringFlag{Name: "trusted-publishing", Value: "auto", Usage: "mint a token from the CI's OIDC identity: auto (when the user is __token__ and no password is given), always or never" + settings.EnvHelp("trusted-publishing")},
		&cli.StringFlag{Name: "id-token-file", Usage: "file holding an OIDC ID token, for a CI pypi-publish cannot ask (or set PYPI_PUBLISH_ID_TOKEN to the token)" + settings.EnvHelp("id-token-file")},
		&cli.StringFlag{Name: "pypi-rules", Value: "auto", Usage: "apply PyPI's own rules (PEP 625 names, platform tags, no local versions): auto (for *.pypi.org), always or never" + settings.EnvHelp("pypi-rules")},
	}
}

// userAgent names us to every server.
func userAgent() string { return "pypi-publish/" + versionString() }
