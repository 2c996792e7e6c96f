// Package console is what the user sees: results and progress on stdout,
// warnings and errors on stderr, and on GitHub Actions annotations
// through workflow commands. Every line is made safe for the runner.
package console

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/pypi-publish/pypi-publish/internal/ghactions"
)

// UI writes to the user. It is safe for concurrent use.
type UI struct {
	mu  sync.Mutex
	out io.Writer
	err io.Writer
	// GitHub makes warnings and errors annotations and guards every
	// line against workflow-command injection.
	GitHub bool
	// Verbose prints Debugf lines.
	Verbose bool
	// TTY is set when stderr is a terminal: progress bars instead of
	// start and end lines.
	TTY bool
	// Scrub removes the run's secrets and control characters from every
	// line; nil removes only control characters.
	Scrub *ghactions.Scrubber
}

// New returns a UI over stdout and stderr.
func New(stdout, stderr io.Writer, github, verbose bool, scrub *ghactions.Scrubber) *UI {
	u := &UI{out: stdout, err: stderr, GitHub: github, Verbose: verbose, Scrub: scrub}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		u.TTY = true
	}
	return u
}

// Stderr is where progress bars are drawn.
func (u *UI) Stderr() io.Writer { return u.err }

// Printf prints a line of output.
func (u *UI) Printf(format string, args ...any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.line(u.out, fmt.Sprintf(format, args...))
}

// Clean is text as it may be printed: without secrets or control
// characters. The job summary and outputs go through it too.
func (u *UI) Clean(s string) string {
	return u.Scrub.Clean(s) // a nil Scrubber removes control characters only
}

func (u *UI) line(w io.Writer, s string) {
	s = u.Clean(s)
	if u.GitHub {
		s = ghactions.Line(s)
	}
	fmt.Fprintln(w, s)
}

// Debugf prints a line only with --verbose.
func (u *UI) Debugf(format string, args ...any) {
	if u.Verbose {
		u.Printf("  [verbose] "+format, args...)
	}
}

// Warnf prints a warning; on GitHub, a warning annotation.
func (u *UI) Warnf(title, format string, args ...any) {
	u.annotate("warning", title, "", fmt.Sprintf(format, args...))
}

// Errorf prints an error about file (or none); on GitHub, an error
// annotation.
func (u *UI) Errorf(title, file, format string, args ...any) {
	u.annotate("error", title, file, fmt.Sprintf(format, args...))
}

// Noticef prints a notice; on GitHub, a notice annotation.
func (u *UI) Noticef(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.GitHub {
		fmt.Fprintln(u.out, ghactions.Command("notice", u.Clean(msg)))
		return
	}
	u.line(u.out, msg)
}

// Secret makes secret unprintable: it and its encodings are removed
// from every later line.
func (u *UI) Secret(secret string) {
	u.Scrub.Add(secret)
}

// Mask is Secret, and on GitHub tells the runner to hide secret in every
// later line of the log, including other steps'.
func (u *UI) Mask(secret string) {
	u.Secret(secret)
	if !u.GitHub || secret == "" {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	fmt.Fprintln(u.out, ghactions.Command("add-mask", secret))
}

func (u *UI) annotate(level, title, file, msg string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.GitHub {
		fmt.Fprintln(u.out, ghactions.Command(level, u.Clean(msg), "file", u.Clean(file), "title", u.Clean(title)))
		return
	}
	prefix := level
	if title != "" {
		prefix += ": " + title
	}
	u.line(u.err, prefix+": "+msg)
}

// Bytes prints a size in IEC units, as the progress bars do.
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// Plural is "s" unless n is 1.
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// SlowAfter is how long a wait goes unmentioned.
var SlowAfter = 5 * time.Second

// Waiting says what the run waits for when a wait lasts longer than
// SlowAfter, so a slow server never looks like a hang; call the returned
// function when the wait is over.
func (u *UI) Waiting(format string, args ...any) (done func()) {
	what := fmt.Sprintf(format, args...)
	start := time.Now()
	t := time.AfterFunc(SlowAfter, func() {
		u.Printf("Waiting for %s (%s so far; every wait ends after the --timeout)", what, time.Since(start).Round(time.Second))
	})
	return func() { t.Stop() }
}
