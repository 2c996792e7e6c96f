package report

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/upload"
)

func withProblems(f *dist.File, ps ...dist.Problem) *dist.File {
	g := *f
	g.Problems = append(append([]dist.Problem(nil), f.Problems...), ps...)
	return &g
}

func TestProblems(t *testing.T) {
	ok := build(t, "a", "1.0", false)
	errA := dist.Problem{Field: "Version", Message: "bad"}
	warn := dist.Problem{Message: "meh", Warning: true}
	tests := []struct {
		files []*dist.File
		want  string
	}{
		{[]*dist.File{ok}, "0 problems in 0 of 1 file"},
		{[]*dist.File{withProblems(ok, errA)}, "1 problem in 1 of 1 file"},
		{[]*dist.File{withProblems(ok, warn)}, "0 problems in 0 of 1 file"},
		{[]*dist.File{withProblems(ok, errA, errA), ok, withProblems(ok, errA, warn)}, "3 problems in 2 of 3 files"},
		{nil, "0 problems in 0 of 0 files"},
	}
	for _, tt := range tests {
		if got := Problems(tt.files); got != tt.want {
			t.Errorf("Problems = %q, want %q", got, tt.want)
		}
	}
}

func TestPrintPreflight(t *testing.T) {
	good := build(t, "a", "1.0", false)
	bad := withProblems(build(t, "b", "2.0", true),
		dist.Problem{Field: "Summary", Message: "too long", Hint: "shorten it", Warning: true},
		dist.Problem{Field: "Version", Message: "Invalid version: '1.0+local'", Hint: "drop the local part"},
		dist.Problem{Message: "archive: zip bomb"})
	tests := []struct {
		github bool
		want   []string
	}{
		{false, []string{
			"Checked 2 distributions:",
			fmt.Sprintf("  ok    %s  (wheel, a 1.0, %s)", good.Filename, console.Bytes(good.Size)),
			fmt.Sprintf("  FAIL  %s  (sdist, b 2.0, %s)", bad.Filename, console.Bytes(bad.Size)),
			"warning: " + bad.Filename + ": Summary: too long\n  hint: shorten it",
			"error: " + bad.Filename + ": Version: Invalid version: '1.0+local'\n  hint: drop the local part",
			"error: " + bad.Filename + ": archive: zip bomb",
		}},
		{true, []string{
			"::warning title=" + bad.Filename + "::Summary: too long%0A  hint: shorten it",
			"::error file=" + strings.ReplaceAll(bad.Path, ":", "%3A") + ",title=" + bad.Filename + "::Version: Invalid version: '1.0+local'%0A  hint: drop the local part",
		}},
	}
	for _, tt := range tests {
		u, out, errw := newUI(tt.github)
		PrintPreflight(u, []*dist.File{good, bad})
		all := out.String() + errw.String()
		for _, w := range tt.want {
			if !strings.Contains(all, w) {
				t.Errorf("github=%v: output lacks %q:\n%s", tt.github, w, all)
			}
		}
	}
}

func TestPrintHashes(t *testing.T) {
	f := build(t, "a", "1.0", false)
	rel := *f
	rel.Path = filepath.Base(f.Path) // a path relative to the working directory
	u, out, _ := newUI(false)
	PrintHashes(u, []*dist.File{f, &rel})
	abs, _ := filepath.Abs(rel.Path)
	want := "Showing hash values of files to be uploaded:\n" +
		f.Path + "\n\nSHA256: " + f.Digests.SHA256 + "\nMD5: " + f.Digests.MD5 + "\nBLAKE2-256: " + f.Digests.Blake2b256 + "\n\n" +
		abs + "\n\nSHA256: " + f.Digests.SHA256 + "\nMD5: " + f.Digests.MD5 + "\nBLAKE2-256: " + f.Digests.Blake2b256 + "\n\n"
	if out.String() != want {
		t.Errorf("PrintHashes printed\n%q\nwant\n%q", out.String(), want)
	}
}

func TestPrintPlan(t *testing.T) {
	w, s := build(t, "a", "1.0", false), build(t, "a", "1.0", true)
	tests := []struct {
		files []*dist.File
		last  string
	}{
		{[]*dist.File{w}, fmt.Sprintf("Dry run: 1 file, %s, would be uploaded; nothing was sent.", console.Bytes(w.Size))},
		{[]*dist.File{w, s}, fmt.Sprintf("Dry run: 2 files, %s, would be uploaded; nothing was sent.", console.Bytes(w.Size+s.Size))},
	}
	for _, tt := range tests {
		u, out, _ := newUI(false)
		PrintPlan(u, target(t, pypiUpload), tt.files)
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != len(tt.files)+2 || lines[0] != "Would upload to https://upload.pypi.org/legacy/:" || lines[len(lines)-1] != tt.last {
			t.Errorf("PrintPlan printed:\n%s", out.String())
			continue
		}
		for i, f := range tt.files {
			want := fmt.Sprintf("  %s  %s  sha256=%s  (%d form fields)", f.Filename, console.Bytes(f.Size), f.Digests.SHA256, len(upload.Fields(f, "")))
			if lines[i+1] != want {
				t.Errorf("line %q, want %q", lines[i+1], want)
			}
		}
	}
}
