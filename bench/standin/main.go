// Command standin serves the stand-in index (internal/pypitest) on
// 127.0.0.1 for the benchmark scripts, and writes the distributions they
// upload.
//
//	standin serve [-token T] [-sink]    print the base URL, serve until killed
//	standin mkdists -n N -dir D         N small wheels with Metadata 2.1
//	standin mkwheel -size BYTES -dir D  one big wheel, written streaming
package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/pypi-publish/pypi-publish/internal/pypitest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: standin serve|mkdists|mkwheel [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "mkdists":
		err = mkdists(os.Args[2:])
	case "mkwheel":
		err = mkwheel(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "standin:", err)
		os.Exit(1)
	}
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	token := fs.String("token", "pypi-bench-token", "API token to accept")
	sink := fs.Bool("sink", false, "answer every POST with 200 after reading the body (measures the client alone)")
	fs.Parse(args)
	idx := pypitest.NewIndex(pypitest.Options{MaxFileSize: 4 << 30})
	defer idx.Close()
	idx.AddToken(*token)
	var h http.Handler = idx
	if *sink {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("http://%s\n", ln.Addr())
	go http.Serve(ln, h)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return nil
}

func mkdists(args []string) error {
	fs := flag.NewFlagSet("mkdists", flag.ExitOnError)
	n := fs.Int("n", 40, "how many wheels")
	dir := fs.String("dir", "dists", "where to write them")
	fs.Parse(args)
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

// mkwheel writes a wheel holding one stored member of size pseudo-random
// bytes, in two passes over a seeded generator (CRC and RECORD digest
// first, then the bytes), so memory stays flat however big it is.
func mkwheel(args []string) error {
	fs := flag.NewFlagSet("mkwheel", flag.ExitOnError)
	size := fs.Int64("size", 1<<30, "bytes of payload")
	dir := fs.String("dir", ".", "where to write it")
	fs.Parse(args)
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
		io.WriteString(w, s.body)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}
