package dist

import (
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkHashFile measures the one-pass SHA-256 + MD5 + BLAKE2b-256 of
// a 64 MiB file (bench/README.md compares it with sha256sum).
func BenchmarkHashFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "blob")
	fh, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	const size = 64 << 20
	if _, err := io.CopyN(fh, rand.Reader, size); err != nil {
		b.Fatal(err)
	}
	fh.Close()
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		if _, err := HashFile(path); err != nil {
			b.Fatal(err)
		}
	}
}
