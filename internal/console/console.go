// Package console is what the user sees: results and progress on stdout,
// warnings and errors on stderr, and on GitHub Actions annotations
// through workflow commands. Every line is made safe for the runner.
package console

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"unicode"

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
}

// New returns a UI over stdout and stderr.
func New(stdout, stderr io.Writer, github, verbose bool) *UI {
	u := &UI{out: stdout, err: stderr, GitHub: github, Verbose: verbose}
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

func (u *UI) line(w io.Writer, s string) {
	if u.GitHub {
		s = ghactions.Line(runnerSafe(s))
	}
	fmt.Fprintln(w, s)
}

// runnerLineBreaks are where the runner ends a line: it reads output
// with .NET's ReadLine, for which a lone "\r" ends one too.
var runnerLineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// runnerSafe makes text no workflow command to the runner, which takes
// a line for one when it starts with "::" after any Unicode blanks
// (String.TrimStart, not only spaces and tabs), or when it holds the
// legacy "##[name]" anywhere. Both get a zero-width space, which reads
// the same to a person; line breaks become the ones the runner sees.
func runnerSafe(s string) string {
	// A last "\r" and the newline printed after it are one line break.
	lines := strings.Split(runnerLineBreaks.Replace(strings.TrimSuffix(s, "\r")), "\n")
	for i, l := range lines {
		if rest := strings.TrimLeftFunc(l, unicode.IsSpace); strings.HasPrefix(rest, "::") {
			l = l[:len(l)-len(rest)] + ":\u200b" + rest[1:]
		}
		lines[i] = strings.ReplaceAll(l, "##[", "##\u200b[")
	}
	return strings.Join(lines, "\n")
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
		fmt.Fprintln(u.out, ghactions.Command("notice", msg))
		return
	}
	u.line(u.out, msg)
}

// Mask tells the runner to hide secret in every later line of the log.
// Nothing happens elsewhere: a secret is never printed.
func (u *UI) Mask(secret string) {
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
		fmt.Fprintln(u.out, ghactions.Command(level, msg, "file", file, "title", title))
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
