package pypitest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"testing"

	"golang.org/x/crypto/blake2b"

	"github.com/pypi-publish/pypi-publish/internal/distbuild"
)

// token is the user-wide API token the test index accepts; deliberately
// not shaped like a real macaroon, so no scanner mistakes it for one.
const token = "pypi-stand-in-test-token"

// newIndex starts an index behind an HTTP/1.1 test server, with a
// user-wide token registered.
func newIndex(t *testing.T, opts Options) (*Index, *httptest.Server) {
	t.Helper()
	idx := NewIndex(opts)
	idx.AddToken(token)
	srv := httptest.NewServer(idx)
	t.Cleanup(func() {
		srv.Close()
		if err := idx.Close(); err != nil {
			t.Error(err)
		}
	})
	return idx, srv
}

// upload is one request to /legacy/, built part by part so that tests
// can break any of it.
type upload struct {
	fields      [][2]string
	filename    string
	content     []byte
	contentType string // of the content part; "-" sends none
	noContent   bool
	fileFields  []string // other fields sent as file parts
	auth        string   // Authorization header; default Basic __token__
	accept      string   // default application/json
	path        string   // default /legacy/
}

func digests(b []byte) (string, string, string) {
	s, m, k := sha256.Sum256(b), md5.Sum(b), blake2b.Sum256(b)
	return hex.EncodeToString(s[:]), hex.EncodeToString(m[:]), hex.EncodeToString(k[:])
}

// twineForm is what twine sends for a distribution.
func twineForm(name, version, filetype, filename string, content []byte) upload {
	sha, _, b2 := digests(content)
	pyversion := "py3"
	if filetype == "sdist" {
		pyversion = "source"
	}
	return upload{
		fields: [][2]string{
			{":action", "file_upload"}, {"protocol_version", "1"},
			{"metadata_version", "2.4"}, {"name", name}, {"version", version},
			{"summary", "A demo"}, {"filetype", filetype}, {"pyversion", pyversion},
			{"sha256_digest", sha}, {"blake2_256_digest", b2},
		},
		filename: filename, content: content,
	}
}

func wheelUpload(t *testing.T, name, version string) upload {
	t.Helper()
	fn, b, err := BuildWheel(name, version, DistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return twineForm(name, version, "bdist_wheel", fn, b)
}

func sdistUpload(t *testing.T, name, version string) upload {
	t.Helper()
	fn, b, err := BuildSdist(name, version, DistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return twineForm(name, version, "sdist", fn, b)
}

// set replaces (or adds) a field; del removes it.
func (u *upload) set(k, v string) {
	for i := range u.fields {
		if u.fields[i][0] == k {
			u.fields[i][1] = v
			return
		}
	}
	u.fields = append(u.fields, [2]string{k, v})
}

func (u *upload) del(k string) {
	out := u.fields[:0]
	for _, f := range u.fields {
		if f[0] != k {
			out = append(out, f)
		}
	}
	u.fields = out
}

// redigest recomputes the digests after the content changed.
func (u *upload) redigest() {
	sha, _, b2 := digests(u.content)
	u.set("sha256_digest", sha)
	u.set("blake2_256_digest", b2)
}

func (u upload) body() (io.Reader, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, f := range u.fields {
		w.WriteField(f[0], f[1])
	}
	for _, n := range u.fileFields {
		p, _ := w.CreateFormFile(n, n+".txt")
		p.Write([]byte("oops"))
	}
	if !u.noContent {
		h := textproto.MIMEHeader{}
		// FormatMediaType switches to RFC 2231 encoding for filenames
		// with control characters, which a raw header cannot carry.
		h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "content", "filename": u.filename}))
		switch u.contentType {
		case "":
			h.Set("Content-Type", "application/octet-stream")
		case "-":
		default:
			h.Set("Content-Type", u.contentType)
		}
		p, _ := w.CreatePart(h)
		p.Write(u.content)
	}
	w.Close()
	return &b, w.FormDataContentType()
}

// result is what a client sees of an answer.
type result struct {
	code   int
	status string // the whole status line after the protocol, e.g. "400 File already exists …"
	body   []byte
	header http.Header
}

// reason is the reason phrase alone.
func (r result) reason() string {
	if len(r.status) > 4 {
		return r.status[4:]
	}
	return ""
}

func send(t *testing.T, url string, u upload) result {
	t.Helper()
	body, ctype := u.body()
	path := u.path
	if path == "" {
		path = "/legacy/"
	}
	req, err := http.NewRequest(http.MethodPost, url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	switch u.auth {
	case "":
		req.SetBasicAuth("__token__", token)
	case "-":
	default:
		req.Header.Set("Authorization", u.auth)
	}
	switch u.accept {
	case "":
		req.Header.Set("Accept", "application/json")
	case "-":
	default:
		req.Header.Set("Accept", u.accept)
	}
	resp, b := roundTrip(t, req)
	return result{resp.StatusCode, resp.Status, b, resp.Header}
}

// roundTrip sends req without following redirects, as an upload client
// must, and reads the whole answer.
func roundTrip(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// jsonMessage decodes a Pyramid JSON error page.
func jsonMessage(t *testing.T, b []byte) (message, code, title string) {
	t.Helper()
	var v struct{ Message, Code, Title string }
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("body %q is not JSON: %v", b, err)
	}
	return v.Message, v.Code, v.Title
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// zipOf builds an archive PyPI's framing rules accept, from name/content
// pairs, for tests that need a wheel BuildWheel would not make.
func zipOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var members []distbuild.File
	for k := 0; k+1 < len(files); k += 2 {
		members = append(members, distbuild.File{Name: files[k], Data: []byte(files[k+1])})
	}
	b, err := distbuild.Zip(members...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// randomBytes returns n incompressible bytes (deterministic).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// tarGzOf builds a gzipped tar from name/content pairs.
func tarGzOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	for k := 0; k+1 < len(files); k += 2 {
		tw.WriteHeader(&tar.Header{Name: files[k], Mode: 0o644, Size: int64(len(files[k+1])), Typeflag: tar.TypeReg})
		tw.Write([]byte(files[k+1]))
	}
	tw.Close()
	gz.Close()
	return b.Bytes()
}

// inspectBytes runs the archive checks on b as if it were uploaded as fn.
func inspectBytes(t *testing.T, b []byte, fn string) *inspection {
	t.Helper()
	path := t.TempDir() + "/upload"
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	in := inspect(&spooled{path: path, size: int64(len(b))}, fn)
	t.Cleanup(in.close)
	return in
}
