package dist

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func touch(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(dir, n)
		if strings.HasSuffix(n, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func bases(paths []string) string {
	var b []string
	for _, p := range paths {
		b = append(b, filepath.Base(p))
	}
	return strings.Join(b, " ")
}

func TestFindDirectory(t *testing.T) {
	dir := t.TempDir()
	touch(t, dir, "b-1.0.tar.gz", "b-1.0-py3-none-any.whl", "a-1.0.tar.gz", "a-1.0-py3-none-any.whl",
		"a-1.0.tar.gz.publish.attestation", "SHA256SUMS", "a-1.0-py3-none-any.whl.asc", "old.egg", "a.dist-info/", "notes.txt")
	found, err := Find(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := bases(found.Paths), "a-1.0-py3-none-any.whl b-1.0-py3-none-any.whl a-1.0.tar.gz b-1.0.tar.gz"; got != want {
		t.Errorf("Paths = %s, want %s (wheels first, then sdists, by name)", got, want)
	}
	var skipped []string
	for _, s := range found.Skipped {
		skipped = append(skipped, filepath.Base(s.Path)+": "+s.Reason)
	}
	for _, want := range []string{
		"SHA256SUMS: a checksum file",
		"a-1.0.tar.gz.publish.attestation: an attestation",
		"a-1.0-py3-none-any.whl.asc: a signature",
		"old.egg: an egg",
		"a.dist-info: a directory",
		"notes.txt: not a wheel (.whl) or sdist (.tar.gz)",
	} {
		if !strings.Contains(strings.Join(skipped, "\n"), want) {
			t.Errorf("Skipped = %q, missing %q", skipped, want)
		}
	}
}

func TestFindArgs(t *testing.T) {
	dir := t.TempDir()
	touch(t, dir, "a-1.0.tar.gz", "a-1.0-py3-none-any.whl", "SHA256SUMS")
	// Shell-expanded globs name strays too: they are skipped, not refused;
	// a path named twice is taken once.
	found, err := Find("ignored", []string{filepath.Join(dir, "a-1.0.tar.gz"), filepath.Join(dir, "SHA256SUMS"), filepath.Join(dir, "*.whl"), filepath.Join(dir, "a-1.0.tar.gz")})
	if err != nil {
		t.Fatal(err)
	}
	if got := bases(found.Paths); got != "a-1.0-py3-none-any.whl a-1.0.tar.gz" {
		t.Errorf("Paths = %s", got)
	}
	if len(found.Skipped) != 1 {
		t.Errorf("Skipped = %v", found.Skipped)
	}
	if _, err := Find("x", []string{filepath.Join(dir, "*.zip")}); !errors.Is(err, ErrNoDistributions) {
		t.Errorf("glob matching nothing: %v", err)
	}
	if _, err := Find("x", []string{filepath.Join(dir, "missing.whl")}); err == nil {
		t.Error("missing file: no error")
	}
	if found, err := Find("x", []string{dir}); err != nil || len(found.Paths) != 2 {
		t.Errorf("directory argument: %v, %v", found, err)
	}
}

func TestFindNothing(t *testing.T) {
	dir := t.TempDir()
	_, err := Find(filepath.Join(dir, "dist"), nil)
	if !errors.Is(err, ErrNoDistributions) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing dir: %v", err)
	}
	touch(t, dir, "SHA256SUMS", "x.asc")
	_, err = Find(dir, nil)
	if !errors.Is(err, ErrNoDistributions) || !strings.Contains(err.Error(), "found only SHA256SUMS, x.asc") {
		t.Errorf("strays only: %v", err)
	}
	empty := t.TempDir()
	if _, err := Find(empty, nil); err == nil || !strings.Contains(err.Error(), "it is empty") {
		t.Errorf("empty dir: %v", err)
	}
}
