package pypitest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"testing"
)

func TestInspectTar(t *testing.T) {
	sparse := func() []byte {
		// An old-style GNU sparse member ('S'), written by hand since
		// archive/tar will not write one.
		h := make([]byte, 512)
		copy(h, "demo-1.0/PKG-INFO")
		copy(h[100:], "0000644\x00")
		copy(h[124:], "00000000000\x00")
		copy(h[136:], "00000000000\x00")
		h[156] = 'S'
		copy(h[257:], "ustar  \x00")
		copy(h[483:], "00000000000\x00") // real size
		copy(h[148:], "        ")
		sum := 0
		for _, c := range h {
			sum += int(c)
		}
		copy(h[148:], fmt.Sprintf("%06o\x00 ", sum))
		var b bytes.Buffer
		gz := gzip.NewWriter(&b)
		gz.Write(h)
		gz.Write(make([]byte, 1024))
		gz.Close()
		return b.Bytes()
	}
	plainTar := func() []byte {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		tw.WriteHeader(&tar.Header{Name: "demo-1.0/PKG-INFO", Mode: 0o644, Typeflag: tar.TypeReg})
		tw.Close()
		return b.Bytes()
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"valid", tarGzOf(t, "demo-1.0/PKG-INFO", "x", "demo-1.0/setup.py", ""), ""},
		{"leading ./", tarGzOf(t, "./demo-1.0/PKG-INFO", "x", "./demo-1.0/a", ""), ""},
		{"single file", tarGzOf(t, "demo-1.0/PKG-INFO", "x"), "PKG-INFO not found at demo-1.0/PKG-INFO/PKG-INFO"},
		{"sparse member", sparse(), "tar archive not accepted: Sparse members are not allowed. See https://docs.pypi.org/archives for more information"},
		{"uncompressed tar", plainTar(), "None"},
		{"empty gzip", func() []byte { var b bytes.Buffer; gz := gzip.NewWriter(&b); gz.Close(); return b.Bytes() }(), "File is not a tarfile"},
		{"zip named .tar.gz", zipOf(t, "demo-1.0/PKG-INFO", "x"), "File is not a tarfile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := inspectBytes(t, tt.data, "demo-1.0.tar.gz").reason; got != tt.want {
				t.Errorf("reason %q, want %q", got, tt.want)
			}
		})
	}
}

// TestZipAndTar: a file can be both a tar (its first block) and a zip
// (its last bytes); PyPI refuses such polyglots.
func TestZipAndTar(t *testing.T) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	z := zipOf(t, "demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n")
	tw.WriteHeader(&tar.Header{Name: "payload", Mode: 0o644, Size: int64(len(z)), Typeflag: tar.TypeReg})
	tw.Write(z)
	tw.Flush()
	data := append(b.Bytes(), z...) // end with the zip so its end record is last
	if got := inspectBytes(t, data, "demo-1.0-py3-none-any.whl").reason; got != "File is both a zip and a tar file" {
		t.Errorf("reason %q", got)
	}
}
