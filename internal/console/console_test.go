package console

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/upload"
)

const zwsp = "\u200b"

func newUI(github, verbose bool) (*UI, *bytes.Buffer, *bytes.Buffer) {
	var out, errw bytes.Buffer
	return New(&out, &errw, github, verbose, nil), &out, &errw
}

// hostile are texts a server or a file could put in a message, each an
// attempt to make the runner take part of a line for a command.
var hostile = []string{
	"::error::pwned",
	"  ::error::pwned",
	"\t::warning::pwned",
	"ok\n::error::pwned",
	"ok\r\n::error::pwned",
	"ok\r::error::pwned",   // the runner ends a line at a lone CR
	"\u00a0::error::pwned", // String.TrimStart trims every Unicode blank
	"\v::error::pwned",
	"\f::add-mask::pwned",
	"\u2028::error::pwned",
	"\u3000::stop-commands::tok",
	"ok\r\u0085::error::pwned",
	"see ##[error]pwned",               // the legacy form counts anywhere in a line
	"##[add-mask]pwned",                //
	"a\n##[set-output name=x;]pwned",   //
	"ok\n\n  \t::set-output name=x::y", //
	"::error::a\n::error::b\r::error::c",
	"%0A::error::pwned", // an escape is data, not a line break, in plain text
}

// TestGitHubPlainLines: on GitHub no text printed as a plain line is a
// command to the runner; it reads the same to a person (only zero-width
// spaces are added, line breaks normalized); elsewhere text is left as is.
func TestGitHubPlainLines(t *testing.T) {
	for _, msg := range hostile {
		t.Run(fmt.Sprintf("%q", msg), func(t *testing.T) {
			u, out, _ := newUI(true, true)
			u.Printf("%s", msg)
			u.Debugf("%s", msg)
			if cmds := runnerCommands(out.String()); len(cmds) > 0 {
				t.Errorf("the runner runs %+v from %q", cmds, out.String())
			}
			// Control characters never reach the log (see
			// ghactions.ControlFree); the rest reads the same.
			want := strings.Join(runnerLines(ghactions.ControlFree(msg)), "\n")
			got := strings.TrimSuffix(strings.ReplaceAll(out.String(), zwsp, ""), "\n")
			if first, _, _ := strings.Cut(got, "\n  [verbose] "); first != want {
				t.Errorf("Printf printed %q, want %q plus zero-width spaces", out.String(), want)
			}

			u, out, _ = newUI(false, false)
			u.Printf("%s", msg)
			if out.String() != ghactions.ControlFree(msg)+"\n" {
				t.Errorf("outside GitHub Printf printed %q, want the text as is but for control characters", out.String())
			}
		})
	}
}

func TestGitHubPlainLinesExact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a :: b", "a :: b"},
		{"::error::x", ":" + zwsp + ":error::x"},
		{"  ::error::x", "  :" + zwsp + ":error::x"},
		{"ok\n::error::x", "ok\n:" + zwsp + ":error::x"},
		{"ok\r\n::error::x", "ok\n:" + zwsp + ":error::x"},
		{"ok\r::error::x", "ok\uFFFD::error::x"},
		{"see ##[error]x", "see ##" + zwsp + "[error]x"},
		{"ends with CR\r", "ends with CR\uFFFD"},
		{"red \x1b[31mALERT", "red \uFFFD[31mALERT"},
	}
	for _, tt := range tests {
		u, out, _ := newUI(true, false)
		u.Printf("%s", tt.in)
		if got := strings.TrimSuffix(out.String(), "\n"); got != tt.want {
			t.Errorf("Printf(%q) printed %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestAnnotations: on GitHub a warning, error or notice is exactly one
// command, whose message and properties the runner decodes back to what
// was given, whatever they hold; elsewhere it is a plain line on stderr.
func TestAnnotations(t *testing.T) {
	messages := append([]string{"simple", "100% done", "line one\nline two", "50%0A", "a::b", "x,y:z"}, hostile...)
	titles := []string{"", "Upload failed", "t: with, commas\nand ::error::lines %0A"}
	type emit struct {
		level string
		do    func(u *UI, title, msg string)
	}
	emits := []emit{
		{"warning", func(u *UI, title, msg string) { u.Warnf(title, "%s", msg) }},
		{"error", func(u *UI, title, msg string) { u.Errorf(title, "dist/a,b:c.whl", "%s", msg) }},
		{"notice", func(u *UI, _, msg string) { u.Noticef("%s", msg) }},
	}
	for _, e := range emits {
		for _, title := range titles {
			for _, msg := range messages {
				u, out, errw := newUI(true, false)
				e.do(u, title, msg)
				if errw.Len() > 0 {
					t.Errorf("%s on GitHub wrote to stderr: %q", e.level, errw.String())
				}
				if n := len(runnerLines(out.String())); n != 1 {
					t.Errorf("%s(%q) is %d lines to the runner: %q", e.level, msg, n, out.String())
				}
				cmds := runnerCommands(out.String())
				if len(cmds) != 1 {
					t.Errorf("%s(%q): the runner sees %d commands in %q", e.level, msg, len(cmds), out.String())
					continue
				}
				c := cmds[0]
				if c.name != e.level || c.data != ghactions.ControlFree(msg) {
					t.Errorf("%s(%q): the runner reads %s with data %q", e.level, msg, c.name, c.data)
				}
				if e.level != "notice" && c.props["title"] != ghactions.ControlFree(title) {
					t.Errorf("%s: title %q read back as %q", e.level, title, c.props["title"])
				}
				if e.level == "error" && c.props["file"] != "dist/a,b:c.whl" {
					t.Errorf("file read back as %q", c.props["file"])
				}
			}
		}
	}
}

func TestAnnotationsElsewhere(t *testing.T) {
	tests := []struct {
		name      string
		do        func(u *UI)
		out, errw string
	}{
		{"warning", func(u *UI) { u.Warnf("Careful", "it is %d", 3) }, "", "warning: Careful: it is 3\n"},
		{"warning without title", func(u *UI) { u.Warnf("", "bare") }, "", "warning: bare\n"},
		{"error", func(u *UI) { u.Errorf("Upload failed", "dist/x.whl", "no") }, "", "error: Upload failed: no\n"},
		{"notice", func(u *UI) { u.Noticef("Skipping %s", "x") }, "Skipping x\n", ""},
		{"mask prints nothing", func(u *UI) { u.Mask("s3cret") }, "", ""},
		{"debug is quiet", func(u *UI) { u.Debugf("hidden") }, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, out, errw := newUI(false, false)
			tt.do(u)
			if out.String() != tt.out || errw.String() != tt.errw {
				t.Errorf("stdout %q stderr %q, want %q and %q", out.String(), errw.String(), tt.out, tt.errw)
			}
		})
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		secret string
		want   []command // what the runner runs
	}{
		{"pypi-CANARY-mask-me", []command{{name: "add-mask", data: "pypi-CANARY-mask-me"}}},
		{"with%percent", []command{{name: "add-mask", data: "with%percent"}}},
		{"", nil},
	}
	for _, tt := range tests {
		u, out, errw := newUI(true, false)
		u.Mask(tt.secret)
		cmds := runnerCommands(out.String())
		if len(cmds) != len(tt.want) || errw.Len() > 0 {
			t.Errorf("Mask(%q): stdout %q stderr %q", tt.secret, out.String(), errw.String())
			continue
		}
		for i := range cmds {
			if cmds[i].name != tt.want[i].name || cmds[i].data != tt.want[i].data {
				t.Errorf("Mask(%q): runner reads %+v", tt.secret, cmds[i])
			}
		}
	}
}

func TestDebugf(t *testing.T) {
	u, out, _ := newUI(false, true)
	u.Debugf("GET %s", "/x")
	if out.String() != "  [verbose] GET /x\n" {
		t.Errorf("Debugf printed %q", out.String())
	}
}

// TestConcurrentLines: lines printed at once from many goroutines (the
// uploads) come out whole.
func TestConcurrentLines(t *testing.T) {
	u, out, _ := newUI(true, false)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			for j := range 50 {
				u.Printf("line %d-%d %s", i, j, strings.Repeat("x", 200))
				u.Warnf("w", "warn %d-%d", i, j)
			}
		})
	}
	wg.Wait()
	lines := runnerLines(out.String())
	if len(lines) != 2000 {
		t.Fatalf("%d lines, want 2000", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "line ") && !strings.HasPrefix(l, "::warning title=w::warn ") {
			t.Fatalf("mangled line %q", l)
		}
	}
}

func TestBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1, "1 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{10 * 1024, "10.0 KiB"},
		{1 << 20, "1.0 MiB"},
		{5<<20 + 512<<10, "5.5 MiB"},
		{1 << 30, "1.0 GiB"},
		{1 << 40, "1.0 TiB"},
		{1 << 50, "1.0 PiB"},
		{1 << 60, "1.0 EiB"},
		{1<<63 - 1, "8.0 EiB"},
	}
	for _, tt := range tests {
		if got := Bytes(tt.n); got != tt.want {
			t.Errorf("Bytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "s", 1: "", 2: "s"} {
		if got := Plural(n); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestProgressLines: in a log (no terminal) a file gets a line when it
// starts and one when it ends, saying how it ended.
func TestProgressLines(t *testing.T) {
	files := []*dist.File{{Filename: "a-1.0.tar.gz", Size: 2048}, {Filename: "a-1.0-py3-none-any.whl", Size: 10}}
	tests := []struct {
		name string
		res  upload.Result
		err  error
		want string
	}{
		{"uploaded", upload.Result{Outcome: upload.Uploaded, Attempts: 1}, nil, "Uploaded  a-1.0.tar.gz: 2.0 KiB in "},
		{"after retries", upload.Result{Outcome: upload.Uploaded, Attempts: 3, Note: "confirmed"}, nil, ", 3 attempts; confirmed)"},
		{"skipped", upload.Result{Outcome: upload.Skipped, Note: "already on the index"}, nil, "Skipped   a-1.0.tar.gz: already on the index"},
		{"failed", upload.Result{}, errors.New("boom"), "Failed    a-1.0.tar.gz after "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, out, errw := newUI(false, false)
			p := NewProgress(u, files)
			p.Start(0, false)
			p.Set(0, 1024)
			p.Finish(0, tt.res, tt.err)
			p.Close()
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if len(lines) != 2 || lines[0] != "Uploading a-1.0.tar.gz (2.0 KiB)" || !strings.Contains(lines[1], tt.want) {
				t.Errorf("printed %q, want a start line and one containing %q", out.String(), tt.want)
			}
			if errw.Len() > 0 {
				t.Errorf("no bar without a terminal, got %q", errw.String())
			}
		})
	}
}

// FuzzGitHubOutput: whatever the text, a plain line is no command to
// the runner and a warning is exactly one, carrying the text intact but
// for control characters.
func FuzzGitHubOutput(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		u, out, _ := newUI(true, false)
		u.Printf("%s", msg)
		if cmds := runnerCommands(out.String()); len(cmds) > 0 {
			t.Fatalf("Printf(%q): the runner runs %+v", msg, cmds)
		}
		u, out, _ = newUI(true, false)
		u.Warnf("title", "%s", msg)
		cmds := runnerCommands(out.String())
		if len(cmds) != 1 || cmds[0].name != "warning" || cmds[0].data != ghactions.ControlFree(msg) {
			t.Fatalf("Warnf(%q): the runner runs %+v", msg, cmds)
		}
	})
}
