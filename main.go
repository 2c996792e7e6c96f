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

	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/settings"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = ""

// usageError means the command line or the inputs are wrong: exit code 2.
type usageError = settings.Error

func usagef(format string, args ...any) error { return settings.Errorf(format, args...) }

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
	a := &app{env: &config.Env{Getenv: getenv, Scrub: ghactions.NewScrubber(), ReadSecret: terminalPrompt(stderr)}, stdout: stdout, stderr: stderr}
	if err := a.cli().RunContext(ctx, args); err != nil {
		return &cleanError{err: err, scrub: a.env.Scrub}
	}
	return nil
}

// app is the command line: its environment (with the secrets it must
// never print) and where it writes.
type app struct {
	env            *config.Env
	stdout, stderr io.Writer
}

// getenv reads the environment the app was given.
func (a *app) getenv(name string) string { return a.env.Getenv(name) }

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
	return console.New(a.stdout, a.stderr, github, verbose, a.env.Scrub)
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
		Flags:    config.Flags(),
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
	cfg, err := a.env.Resolve(c)
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
		Flags:     config.Flags(),
		Action:    a.publish,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &usageError{Msg: err.Error()}
		},
	}
}

// userAgent names us to every server.
func userAgent() string { return "pypi-publish/" + versionString() }
