package upload

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
)

// BenchmarkUploadStreaming uploads a 64 MiB file to a loopback sink. Its
// B/op shows that memory does not grow with the file: the body is
// streamed from disk, never buffered (bench/run does the same at 1 GiB
// and reports peak RSS).
func BenchmarkUploadStreaming(b *testing.B) {
	const size = 64 << 20
	path := filepath.Join(b.TempDir(), "big-1.0-py3-none-any.whl")
	fh, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := fh.Truncate(size); err != nil {
		b.Fatal(err)
	}
	fh.Close()
	f := &dist.File{Path: path, Filename: filepath.Base(path), Kind: dist.Wheel, Size: size,
		Metadata: &dist.Metadata{MetadataVersion: "2.1", Name: "big", Version: "1.0"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	c := &Client{URL: srv.URL + "/legacy/", Username: "__token__", Password: "pypi-x",
		HTTP: (&httpx.Config{}).Retrying()}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Upload(context.Background(), f, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
