package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/pypitest"
)

// mkdist writes a wheel of NAME VERSION, and with sdist the sdist too.
func mkdist(args []string, sdist bool) error {
	fs := newFlags("mkdist")
	dir := fs.String("dir", "dist", "where to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("mkdist: want NAME VERSION")
	}
	name, version := fs.Arg(0), fs.Arg(1)
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	// A marker file makes each build's bytes differ from a file of the
	// same name uploaded before, which is what skip-existing is about.
	opts := pypitest.DistOptions{Extra: map[string][]byte{"standin.txt": []byte(time.Now().String())}}
	builders := []func(string, string, pypitest.DistOptions) (string, []byte, error){pypitest.BuildWheel}
	if sdist {
		builders = append(builders, pypitest.BuildSdist)
	}
	for _, build := range builders {
		filename, data, err := build(name, version, opts)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(*dir, filename), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// smallWheels writes N wheels benchpkgNN-1.0, each with 16 KiB of seeded
// random data, so the same N gives the same files.
func smallWheels(args []string) error {
	fs := newFlags("smallwheels")
	n := fs.Int("n", 40, "how many wheels")
	dir := fs.String("dir", "dists", "where to write them")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	for i := range *n {
		name := fmt.Sprintf("benchpkg%02d", i)
		// Metadata 2.1: Debian's twine 4.0.2 rejects newer versions.
		meta := fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: 1.0\nSummary: benchmark package %d\n\n# %s\n", name, i, name)
		filename, data, err := pypitest.BuildWheel(name, "1.0", pypitest.DistOptions{Metadata: meta,
			Extra: map[string][]byte{name + "/data.bin": randomBytes(uint64(i), 16<<10)}})
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(*dir, filename), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func randomBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{byte(seed)}).Read(b)
	return b
}

// bigWheel writes a wheel holding one stored member of size pseudo-random
// bytes, in two passes over a seeded generator (CRC and RECORD digest
// first, then the bytes), so memory stays flat however big it is.
func bigWheel(args []string, stdout io.Writer) error {
	fs := newFlags("bigwheel")
	size := fs.Int64("size", 1<<30, "bytes of payload")
	dir := fs.String("dir", ".", "where to write it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *size < 0 {
		return fmt.Errorf("bigwheel: -size %d is negative", *size)
	}
	payload := func() io.Reader { return io.LimitReader(rand.NewChaCha8([32]byte{42}), *size) }
	crc, sum := crc32.NewIEEE(), sha256.New()
	if _, err := io.Copy(io.MultiWriter(crc, sum), payload()); err != nil {
		return err
	}
	path := filepath.Join(*dir, "bigwheel-1.0-py3-none-any.whl")
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "bigwheel/payload.bin", Method: zip.Store,
		CRC32: crc.Sum32(), CompressedSize64: uint64(*size), UncompressedSize64: uint64(*size)})
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, payload()); err != nil {
		return err
	}
	record := fmt.Sprintf("bigwheel/payload.bin,sha256=%s,%d\n", base64.RawURLEncoding.EncodeToString(sum.Sum(nil)), *size)
	small := []struct{ name, body string }{
		{"bigwheel-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: bigwheel\nVersion: 1.0\nSummary: a big benchmark wheel\n\n"},
		{"bigwheel-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: standin\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
	}
	for _, s := range small {
		h := sha256.Sum256([]byte(s.body))
		record += fmt.Sprintf("%s,sha256=%s,%d\n", s.name, base64.RawURLEncoding.EncodeToString(h[:]), len(s.body))
	}
	small = append(small, struct{ name, body string }{"bigwheel-1.0.dist-info/RECORD", record + "bigwheel-1.0.dist-info/RECORD,,\n"})
	for _, s := range small {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: s.name, Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte(s.body)),
			CompressedSize64: uint64(len(s.body)), UncompressedSize64: uint64(len(s.body))})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, s.body); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, path)
	return nil
}
