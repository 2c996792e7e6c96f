package distbuild

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/zipcheck"
)

func TestWheel(t *testing.T) {
	fn, b, err := Wheel("Foo.Bar", "01.0", Options{
		Tag:   "cp311-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64",
		Extra: map[string][]byte{"foo_bar/data.txt": []byte("data")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if fn != "foo_bar-1.0-cp311-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl" {
		t.Errorf("filename %q", fn)
	}
	a, err := zipcheck.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Framing(); err != nil {
		t.Fatal(err)
	}
	wheel, _ := a.ReadFile("foo_bar-1.0.dist-info/WHEEL", 1<<20)
	if !bytes.Contains(wheel, []byte("Tag: cp311-abi3-manylinux2014_x86_64\n")) || !bytes.Contains(wheel, []byte("Root-Is-Purelib: false")) {
		t.Errorf("WHEEL = %q", wheel)
	}
	record, _ := a.ReadFile("foo_bar-1.0.dist-info/RECORD", 1<<20)
	if !bytes.Contains(record, []byte("foo_bar/data.txt,sha256=")) || !bytes.HasSuffix(record, []byte("RECORD,,\n")) {
		t.Errorf("RECORD = %q", record)
	}
	_, again, _ := Wheel("Foo.Bar", "01.0", Options{
		Tag:   "cp311-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64",
		Extra: map[string][]byte{"foo_bar/data.txt": []byte("data")},
	})
	if !bytes.Equal(b, again) {
		t.Error("building twice gave different bytes")
	}
	_, bad, _ := Wheel("demo", "1.0", Options{DataDescriptor: true})
	if err := zipcheck.Check(bytes.NewReader(bad), int64(len(bad))); err == nil {
		t.Error("DataDescriptor wheel accepted")
	}
}

func TestWheelBadTag(t *testing.T) {
	if _, _, err := Wheel("demo", "1.0", Options{Tag: "py3-any"}); err == nil {
		t.Error("two-part tag accepted")
	}
}

// Index acceptance of sdists is tested in internal/pypitest; this checks
// the layout and that the bytes do not change between builds.
func TestSdist(t *testing.T) {
	fn, b, err := Sdist("Foo.Bar", "1.0.post0", Options{Extra: map[string][]byte{"data/x.txt": []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	if fn != "foo_bar-1.0.post0.tar.gz" {
		t.Errorf("filename %q", fn)
	}
	gz, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
	want := []string{"foo_bar-1.0.post0/", "foo_bar-1.0.post0/PKG-INFO", "foo_bar-1.0.post0/pyproject.toml",
		"foo_bar-1.0.post0/foo_bar/__init__.py", "foo_bar-1.0.post0/data/x.txt"}
	if !slices.Equal(names, want) {
		t.Errorf("members %q, want %q", names, want)
	}
	_, again, _ := Sdist("Foo.Bar", "1.0.post0", Options{Extra: map[string][]byte{"data/x.txt": []byte("x")}})
	if !bytes.Equal(b, again) {
		t.Error("building twice gave different bytes")
	}
}

func TestZip(t *testing.T) {
	b, err := Zip(File{"b.txt", []byte("b")}, File{"a.txt", bytes.Repeat([]byte("a"), 1000)})
	if err != nil {
		t.Fatal(err)
	}
	if err := zipcheck.Check(bytes.NewReader(b), int64(len(b))); err != nil {
		t.Fatalf("PyPI's framing rules refuse it: %v", err)
	}
	a, err := zipcheck.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"b.txt": "b", "a.txt": string(bytes.Repeat([]byte("a"), 1000))} {
		if got, err := a.ReadFile(name, 1<<20); err != nil || string(got) != want {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
}
