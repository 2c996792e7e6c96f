// Command standin is the loopback world that the benchmarks (bench/run,
// bench/startup/run) and the action and container checks (.ci/act,
// .ci/container) run pypi-publish against, and the maker of the
// distributions they upload. One tool for all of them, so the stand-in
// index they measure and test against is the same.
//
// Usage:
//
//	standin serve [-token T] [-sink] [-env FILE] [-releases DIR] [-max-file-size BYTES]
//	    serves on 127.0.0.1, prints the index's base URL (upload to
//	    BASE/legacy/) and serves until interrupted:
//	      - a stand-in PyPI (internal/pypitest) that accepts the API
//	        token T and trusts a fake GitHub Actions OIDC issuer
//	        (internal/oidctest) for a trusted publisher of project ppdemo;
//	      - that issuer's token endpoint, for ACTIONS_ID_TOKEN_REQUEST_URL;
//	      - with -releases, a stand-in for GitHub's release downloads:
//	        DIR served at BASE/releases/download/<version>/<asset>;
//	      - BASE/_standin/state: what the index holds, as JSON, with the
//	        time the first upload request arrived (bench/startup's "first
//	        byte").
//	    -sink answers every other request with 200 after reading its body,
//	    to measure the client alone. -env writes the job's environment
//	    (E2E_INDEX_URL, E2E_STATE_URL, E2E_TOKEN, ACTIONS_ID_TOKEN_REQUEST_URL
//	    and _TOKEN, PYPI_PUBLISH_DOWNLOAD_BASE) as KEY=VALUE lines to FILE,
//	    atomically, once everything listens.
//	standin mkdist -dir D NAME VERSION
//	    a wheel and an sdist of NAME VERSION, whose bytes differ from any
//	    earlier build of the same name (for skip-existing)
//	standin mkwheel -dir D NAME VERSION
//	    the same, only the wheel
//	standin smallwheels -n N -dir D
//	    N small wheels (17 KiB, Metadata 2.1, which Debian's twine reads)
//	standin bigwheel -size BYTES -dir D
//	    one wheel of BYTES pseudo-random bytes, written streaming; prints
//	    its path
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: standin serve|mkdist|mkwheel|smallwheels|bigwheel [flags]")
		os.Exit(2)
	}
	err := run(os.Args[1], os.Args[2:], os.Stdout)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "standin:", err)
		os.Exit(1)
	}
}

// run carries out one subcommand, writing what it prints to out.
func run(cmd string, args []string, out io.Writer) error {
	switch cmd {
	case "serve":
		return serveUntilSignal(args, out)
	case "mkdist":
		return mkdist(args, true)
	case "mkwheel":
		return mkdist(args, false)
	case "smallwheels":
		return smallWheels(args)
	case "bigwheel":
		return bigWheel(args, out)
	}
	return fmt.Errorf("unknown command %q", cmd)
}

// newFlags returns a flag set whose errors come back to run instead of
// exiting, so that tests can call the subcommands.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	return fs
}

func serveUntilSignal(args []string, out io.Writer) error {
	// Subscribed before anything listens: a script that kills the
	// stand-in as soon as it printed its URL must not kill it unclean.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	w, err := serve(args)
	if err != nil {
		return err
	}
	defer w.Close()
	fmt.Fprintln(out, w.indexURL)
	<-sig
	return nil
}
