package dist

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const pkgInfo = "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nSummary: s\nLicense-File: LICENSE\n\nbody\n"

type tarEntry struct {
	name, body string
	typ        byte
}

func writeTarGz(t *testing.T, dir, filename string, entries []tarEntry) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		if e.typ != 0 {
			h.Typeflag = e.typ
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(e.body))
	}
	tw.Close()
	gz.Close()
	p := filepath.Join(dir, filename)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func problems(f *File) string {
	var s []string
	for _, p := range f.Problems {
		s = append(s, p.String())
	}
	return strings.Join(s, "\n")
}

func TestOpenSdist(t *testing.T) {
	good := []tarEntry{{name: "demo-1.0/", typ: tar.TypeDir}, {name: "demo-1.0/PKG-INFO", body: pkgInfo}, {name: "demo-1.0/LICENSE", body: "MIT"}}
	tests := []struct {
		name    string
		entries []tarEntry
		want    string // substring of the problems; "" = none
	}{
		{"good", good, ""},
		{"two top-level directories", append(good[:3:3], tarEntry{name: "other/x", body: "x"}), "Incorrect number of top-level directories in sdist (found 2: demo-1.0, other)"},
		{"no PKG-INFO", []tarEntry{{name: "demo-1.0/setup.py", body: "x"}}, "PKG-INFO not found at demo-1.0/PKG-INFO"},
		{"PKG-INFO too deep", []tarEntry{{name: "demo-1.0/src/PKG-INFO", body: pkgInfo}}, "PKG-INFO not found"},
		// Python's tarfile, with which twine and PyPI read sdists, takes
		// the last member of a name.
		{"PKG-INFO twice", append([]tarEntry{{name: "demo-1.0/PKG-INFO", body: "not metadata"}}, good...), ""},
		{"PKG-INFO twice, last one a link", append(good[:3:3], tarEntry{name: "demo-1.0/PKG-INFO", typ: tar.TypeSymlink}),
			"PKG-INFO at demo-1.0/PKG-INFO is not a regular file"},
		{"license file missing", good[:2], "License-File LICENSE does not exist in distribution file demo-1.0.tar.gz at demo-1.0/LICENSE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeTarGz(t, t.TempDir(), "demo-1.0.tar.gz", tt.entries)
			f, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			got := problems(f)
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("problems = %q, want %q", got, tt.want)
			}
			want, _ := HashFile(p)
			if f.Digests != want {
				t.Errorf("digests from the one-pass read %+v differ from HashFile %+v", f.Digests, want)
			}
			if tt.want == "" && (f.Metadata == nil || f.Metadata.Name != "demo" || f.PyVersion() != "source") {
				t.Errorf("metadata = %+v, pyversion %q", f.Metadata, f.PyVersion())
			}
		})
	}
}

// The sparse fixtures were made by GNU tar --sparse (pax and gnu formats)
// from a directory holding a 1 MiB file with no data blocks.
func TestOpenSparseTar(t *testing.T) {
	for _, fixture := range []string{"sparse-pax.tar.gz", "sparse-gnu.tar.gz"} {
		data, err := os.ReadFile(filepath.Join("testdata", fixture))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "demo-1.0.tar.gz")
		os.WriteFile(p, data, 0o644)
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := problems(f); !strings.Contains(got, "tar archive not accepted: Sparse members are not allowed.") {
			t.Errorf("%s: problems = %q", fixture, got)
		}
	}
}

func TestOpenCorruptGzip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "demo-1.0.tar.gz")
	os.WriteFile(p, []byte("\x1f\x8b\x08\x00garbage that is not deflate"), 0o644)
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := problems(f); !strings.Contains(got, "Invalid distribution file") {
		t.Errorf("problems = %q", got)
	}
	if f.Digests.SHA256 == "" || f.Size == 0 {
		t.Errorf("a corrupt file still gets its digests: %+v", f)
	}
}

func TestOpenTarBomb(t *testing.T) {
	// 200 MiB of zeros compresses to ~200 KiB: over the ratio, so reading
	// stops early instead of inflating it all.
	dir := t.TempDir()
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: "demo-1.0/zeros", Mode: 0o644, Size: 200 << 20, Typeflag: tar.TypeReg})
	zeros := make([]byte, 1<<20)
	for range 200 {
		tw.Write(zeros)
	}
	tw.Close()
	gz.Close()
	p := filepath.Join(dir, "demo-1.0.tar.gz")
	os.WriteFile(p, buf.Bytes(), 0o644)
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := problems(f); !strings.Contains(got, "inflates to more than") {
		t.Errorf("problems = %q", got)
	}
}

func TestOpenRealDistributions(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/dist/ppdemo-*")
	debian, _ := filepath.Glob("/usr/share/python-wheels/*.whl")
	for _, p := range append(paths, debian...) {
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := problems(f); got != "" || f.Metadata == nil {
			t.Errorf("%s: %s", f.Filename, got)
		}
	}
	if len(paths) != 2 {
		t.Errorf("sample dists missing from testdata/dist: %v", paths)
	}
}
