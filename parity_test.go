package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/pypitest"
)

// TestTwineParity uploads the same real distributions with twine and with
// pypi-publish to two stand-in indexes and compares the forms field by
// field. It needs Debian's twine; .ci/twine-parity sets
// PYPI_PUBLISH_PARITY=1 (and installs twine), and then a missing twine is
// a failure, not a skip.
func TestTwineParity(t *testing.T) {
	if os.Getenv("PYPI_PUBLISH_PARITY") == "" {
		t.Skip("set PYPI_PUBLISH_PARITY=1 (as .ci/twine-parity does) to compare with real twine")
	}
	twine, err := exec.LookPath("twine")
	if err != nil {
		t.Fatal("twine not installed: run .ci/install-peers")
	}
	files := parityDists(t)
	t.Logf("comparing %d distributions: %v", len(files), names(files))

	twineIdx, twineURL := parityIndex(t)
	cmd := exec.Command(twine, append([]string{"upload", "--disable-progress-bar", "--non-interactive",
		"--repository-url", twineURL, "-u", "__token__", "-p", testToken}, files...)...)
	cmd.Env = append(os.Environ(), "TWINE_NON_INTERACTIVE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("twine upload: %v\n%s", err, out)
	}

	ourIdx, ourURL := parityIndex(t)
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string {
		if k == "PYPI_PUBLISH_PASSWORD" {
			return testToken
		}
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append([]string{"pypi-publish", "--repository-url", ourURL, "--pypi-rules", "never"}, files...)
	if err := run(ctx, args, getenv, &stdout, &stderr); err != nil {
		t.Fatalf("pypi-publish: %v\n%s%s", err, stdout.String(), stderr.String())
	}

	for _, path := range files {
		name := filepath.Base(path)
		theirs, ok1 := twineIdx.File(name)
		ours, ok2 := ourIdx.File(name)
		if !ok1 || !ok2 {
			t.Errorf("%s: stored by twine %v, by us %v", name, ok1, ok2)
			continue
		}
		if theirs.SHA256 != ours.SHA256 || theirs.Size != ours.Size {
			t.Errorf("%s: stored bytes differ", name)
		}
		for _, d := range compareForms(theirs.Form, ours.Form) {
			t.Errorf("%s: %s", name, d)
		}
	}
}

// parityDifferences are the fields where we knowingly differ from
// Debian's twine 4.0.2, with the reason.
var parityDifferences = map[string]string{
	// twine 4 sends the name as in the metadata; twine >= 6 and we send
	// setuptools' "safe name" (runs of characters outside [A-Za-z0-9.]
	// as "-"), which PyPI normalizes to the same project.
	"name": "safe name",
	// twine 4 sends License-File even before Metadata 2.4; twine 6 and we
	// drop it there, as PyPI would call it a field from a later version.
	"license_file": "dropped before 2.4",
}

// compareForms lists the differences between twine's form and ours,
// ignoring twine 4's empty placeholder fields (twine 6 stopped sending
// them; PyPI treats "" as absent).
func compareForms(theirs, ours map[string][]string) []string {
	var diffs []string
	keys := map[string]bool{}
	for k := range theirs {
		keys[k] = true
	}
	for k := range ours {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	slices.Sort(sorted)
	for _, k := range sorted {
		t, o := nonEmpty(theirs[k]), nonEmpty(ours[k])
		if slices.Equal(t, o) {
			continue
		}
		if _, ok := parityDifferences[k]; ok {
			continue
		}
		switch {
		case k == "provides_extras" && slices.Equal(t, nonEmpty(ours["provides_extra"])):
			// twine 4 (pkginfo) misnames provides_extra, which PyPI then
			// ignores as unknown; twine >= 6 and we send provides_extra.
			continue
		case k == "provides_extra" && slices.Equal(o, nonEmpty(theirs["provides_extras"])):
			continue
		case k == "pyversion" && len(t) == 0 && slices.Equal(o, []string{"source"}):
			// twine 4 sends an empty pyversion for sdists; twine >= 6.1
			// and we send "source", which PyPI asks for.
			continue
		}
		diffs = append(diffs, fmt.Sprintf("field %s: twine %q, pypi-publish %q", k, t, o))
	}
	return diffs
}

func nonEmpty(v []string) []string {
	var out []string
	for _, s := range v {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func parityIndex(t *testing.T) (*pypitest.Index, string) {
	idx := pypitest.NewIndex(pypitest.Options{})
	idx.AddToken(testToken)
	srv := httptest.NewServer(idx)
	t.Cleanup(func() { srv.Close(); idx.Close() })
	return idx, srv.URL + "/legacy/"
}

// parityDists are real distributions made by real tools: the sample
// project built now by Debian's python3 -m build (the copies shipped in
// testdata/dist when python3-build is missing), and Debian's pip and
// setuptools wheels.
func parityDists(t *testing.T) []string {
	files, _ := filepath.Glob("testdata/dist/*.whl")
	sdists, _ := filepath.Glob("testdata/dist/*.tar.gz")
	files = append(files, sdists...)
	if exec.Command("/usr/bin/python3", "-c", "import build").Run() == nil {
		src, out := t.TempDir(), t.TempDir()
		if err := os.CopyFS(src, os.DirFS("testdata/src/ppdemo")); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("/usr/bin/python3", "-m", "build", "--no-isolation", "--outdir", out, src)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("python3 -m build: %v\n%s", err, b)
		}
		files, _ = filepath.Glob(filepath.Join(out, "*"))
	}
	debian, _ := filepath.Glob("/usr/share/python-wheels/*.whl")
	return append(append(files, debian...), crlfWheel(t))
}

// crlfWheel is a wheel whose METADATA has CRLF line endings, as pip
// 23.2.1's has: its description must reach the index byte for byte.
func crlfWheel(t *testing.T) string {
	meta := strings.ReplaceAll("Metadata-Version: 2.1\nName: crlf-demo\nVersion: 1.0\nSummary: CRLF line ends\n"+
		"Description-Content-Type: text/markdown\n\n# Demo\n\nA body with\nseveral lines.\n", "\n", "\r\n")
	name, data, err := pypitest.BuildWheel("crlf-demo", "1.0", pypitest.DistOptions{Metadata: meta})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func names(paths []string) string {
	var n []string
	for _, p := range paths {
		n = append(n, filepath.Base(p))
	}
	return strings.Join(n, ", ")
}
