package dist

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/distbuild"
)

// FuzzOpen feeds arbitrary bytes to Open as a wheel, a .tar.gz sdist and
// a .zip sdist: whatever the bytes, Open must not panic, must hash them,
// and must report a problem or produce metadata.
func FuzzOpen(f *testing.F) {
	for _, build := range []func(string, string, distbuild.Options) (string, []byte, error){distbuild.Wheel, distbuild.Sdist} {
		_, data, err := build("demo", "1.0", distbuild.Options{})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, fixture := range []string{"sparse-pax.tar.gz", "sparse-gnu.tar.gz"} {
		if data, err := os.ReadFile(filepath.Join("testdata", fixture)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("\x1f\x8b\x08\x00"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"demo-1.0-py3-none-any.whl", "demo-1.0.tar.gz", "demo-1.0.zip"} {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			file, err := Open(p)
			if err != nil {
				t.Fatalf("%s: Open: %v", name, err)
			}
			if file.Digests.SHA256 == "" || file.Size != int64(len(data)) {
				t.Fatalf("%s: digests %+v for %d bytes", name, file.Digests, len(data))
			}
			if file.Metadata == nil && len(file.Problems) == 0 {
				t.Fatalf("%s: neither metadata nor a problem", name)
			}
		}
	})
}
