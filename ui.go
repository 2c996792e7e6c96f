package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"
)

// ui writes what the user sees. Progress lines and results go to stdout;
// warnings, errors and progress bars to stderr. On GitHub Actions,
// warnings and errors are also workflow commands (annotations).
type ui struct {
	mu      sync.Mutex
	out     io.Writer
	err     io.Writer
	github  bool
	verbose bool
	// tty is set when stderr is a terminal: progress bars instead of
	// start and end lines.
	tty bool
}

func newUI(stdout, stderr io.Writer, cfg *config) *ui {
	u := &ui{out: stdout, err: stderr, github: cfg.GitHub, verbose: cfg.Verbose}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		u.tty = true
	}
	return u
}

func (u *ui) printf(format string, args ...any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	fmt.Fprintf(u.out, format+"\n", args...)
}

func (u *ui) debugf(format string, args ...any) {
	if u.verbose {
		u.printf("  [verbose] "+format, args...)
	}
}

func (u *ui) warnf(title, format string, args ...any) {
	u.annotate("warning", title, "", fmt.Sprintf(format, args...))
}

func (u *ui) errorf(title, file, format string, args ...any) {
	u.annotate("error", title, file, fmt.Sprintf(format, args...))
}

func (u *ui) noticef(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if u.github {
		u.mu.Lock()
		defer u.mu.Unlock()
		fmt.Fprintf(u.out, "::notice::%s\n", escapeData(msg))
		return
	}
	u.printf("%s", msg)
}

func (u *ui) annotate(level, title, file, msg string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.github {
		var props []string
		if file != "" {
			props = append(props, "file="+escapeProperty(file))
		}
		if title != "" {
			props = append(props, "title="+escapeProperty(title))
		}
		p := ""
		if len(props) > 0 {
			p = " " + strings.Join(props, ",")
		}
		fmt.Fprintf(u.out, "::%s%s::%s\n", level, p, escapeData(msg))
		return
	}
	prefix := level
	if title != "" {
		prefix += ": " + title
	}
	fmt.Fprintf(u.err, "%s: %s\n", prefix, msg)
}

func (u *ui) group(title string) {
	if u.github {
		u.printf("::group::%s", escapeData(title))
	}
}

func (u *ui) endGroup() {
	if u.github {
		u.printf("::endgroup::")
	}
}

// escapeData and escapeProperty encode a workflow command's message and
// properties as the runner decodes them (newlines become %0A).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// humanBytes prints sizes in IEC units, as the progress bars do.
func humanBytes(n int64) string {
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
