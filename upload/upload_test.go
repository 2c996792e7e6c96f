package upload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"github.com/pypi-publish/pypi-publish/internal/index"
)

const canary = "pypi-CANARY-d0e7c1a2b3"

// testFile writes content to a temp file and describes it as the wheel
// demo-1.0-py3-none-any.whl.
func testFile(t *testing.T, content string) *dist.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo-1.0-py3-none-any.whl")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := dist.HashFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return &dist.File{
		Path: path, Filename: filepath.Base(path), Kind: dist.Wheel, Size: int64(len(content)), Digests: d,
		Wheel: dist.WheelName{Name: "demo", Version: "1.0", Python: "py3", ABI: "none", Platform: "any"},
		Metadata: &dist.Metadata{MetadataVersion: "2.4", Name: "Demo_Pkg", Version: "1.0",
			Fields: []dist.Field{
				{Name: "Metadata-Version", Value: "2.4"}, {Name: "Name", Value: "Demo_Pkg"}, {Name: "Version", Value: "1.0"},
				{Name: "Summary", Value: "A demo"}, {Name: "Classifier", Value: "Topic :: Utilities"},
				{Name: "Classifier", Value: "Programming Language :: Python :: 3"},
				{Name: "Project-URL", Value: "Source, https://example.org/src"},
				{Name: "Keywords", Value: "a,b"}, {Name: "License-File", Value: "LICENSE"},
			},
			Description: "# Demo\n"},
	}
}

func testClient(url string) *Client {
	target, err := index.Parse(url)
	if err != nil {
		panic(err)
	}
	hc := &httpx.Config{Retries: 3, RetryWait: time.Millisecond}
	return &Client{URL: url, Username: "__token__", Password: canary, SimpleURL: target.SimpleURL(), PyPI: true, HTTP: hc.Retrying()}
}

func TestUploadSendsTwinesForm(t *testing.T) {
	f := testFile(t, "wheel bytes")
	var got struct {
		fields        map[string][]string
		order         []string
		content       string
		ctype         string
		contentLength int64
		chunked       bool
		user, pass    string
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.contentLength = r.ContentLength
		got.chunked = len(r.TransferEncoding) > 0
		got.user, got.pass, _ = r.BasicAuth()
		mr, err := r.MultipartReader()
		if err != nil {
			t.Error(err)
			return
		}
		got.fields = map[string][]string{}
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(p)
			if p.FormName() == "content" {
				got.content, got.ctype = string(b), p.Header.Get("Content-Type")
				if p.FileName() != f.Filename {
					t.Errorf("content filename = %q", p.FileName())
				}
			} else {
				got.fields[p.FormName()] = append(got.fields[p.FormName()], string(b))
			}
			got.order = append(got.order, p.FormName())
		}
	}))
	defer srv.Close()

	res, err := testClient(srv.URL+"/legacy/").Upload(context.Background(), f, Options{})
	if err != nil || res.Outcome != Uploaded || res.Attempts != 1 {
		t.Fatalf("Upload = %+v, %v", res, err)
	}
	if got.chunked || got.contentLength <= int64(len("wheel bytes")) {
		t.Errorf("body not sent with a Content-Length: length %d, chunked %v", got.contentLength, got.chunked)
	}
	if got.user != "__token__" || got.pass != canary {
		t.Errorf("credentials = %q/%q", got.user, got.pass)
	}
	if got.content != "wheel bytes" || got.ctype != "application/octet-stream" {
		t.Errorf("content = %q (%s)", got.content, got.ctype)
	}
	want := map[string][]string{
		"metadata_version":  {"2.4"},
		"name":              {"Demo-Pkg"},
		"version":           {"1.0"},
		"summary":           {"A demo"},
		"description":       {"# Demo\n"},
		"classifiers":       {"Topic :: Utilities", "Programming Language :: Python :: 3"},
		"project_urls":      {"Source, https://example.org/src"},
		"keywords":          {"a,b"},
		"license_file":      {"LICENSE"},
		"pyversion":         {"py3"},
		"filetype":          {"bdist_wheel"},
		"sha256_digest":     {f.Digests.SHA256},
		"blake2_256_digest": {f.Digests.Blake2b256},
		"md5_digest":        {f.Digests.MD5},
		":action":           {"file_upload"},
		"protocol_version":  {"1"},
	}
	for k, v := range want {
		if fmt.Sprint(got.fields[k]) != fmt.Sprint(v) {
			t.Errorf("field %s = %q, want %q", k, got.fields[k], v)
		}
	}
	if len(got.fields) != len(want) {
		t.Errorf("fields sent: %v", got.order)
	}
	if got.order[len(got.order)-1] != "content" || got.order[0] != "metadata_version" {
		t.Errorf("field order = %v: want metadata first and content last, as twine", got.order)
	}
}

func TestLicenseFileDroppedBefore24(t *testing.T) {
	f := testFile(t, "x")
	f.Metadata.MetadataVersion = "2.1"
	for _, fld := range Fields(f, "") {
		if fld.Name == "license_file" {
			t.Fatalf("license_file sent with Metadata-Version 2.1: %v", fld)
		}
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name         string
		answers      []int // status per attempt; 0 = drop the connection
		retryAfter   string
		wantAttempts int
		wantErr      bool
	}{
		{"503 then ok", []int{503, 200}, "", 2, false},
		{"502 twice then ok", []int{502, 502, 200}, "", 3, false},
		{"429 with Retry-After", []int{429, 200}, "1", 2, false},
		{"dropped connection", []int{0, 200}, "", 2, false},
		{"400 is final", []int{400, 200}, "", 1, true},
		{"403 is final", []int{403, 200}, "", 1, true},
		{"501 is final", []int{501, 200}, "", 1, true},
		{"retries run out", []int{500, 500, 500, 500, 500}, "", 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := testFile(t, strings.Repeat("z", 100_000))
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				status := tt.answers[min(i, len(tt.answers)-1)]
				if status == 0 {
					io.CopyN(io.Discard, r.Body, 1000)
					conn, _, _ := w.(http.Hijacker).Hijack()
					conn.Close()
					return
				}
				// Every attempt must carry the whole file.
				b, _ := io.ReadAll(r.Body)
				if !strings.Contains(string(b), strings.Repeat("z", 100_000)) {
					t.Errorf("attempt %d: body incomplete (%d bytes)", i+1, len(b))
				}
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(status)
			}))
			defer srv.Close()
			var retried []string
			res, err := testClient(srv.URL+"/legacy/").Upload(context.Background(), f, Options{
				OnRetry: func(attempt int, reason string) { retried = append(retried, reason) },
			})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Upload error = %v, wantErr %v", err, tt.wantErr)
			}
			if int(n.Load()) != tt.wantAttempts || res.Attempts != tt.wantAttempts {
				t.Errorf("server saw %d attempts, result says %d; want %d", n.Load(), res.Attempts, tt.wantAttempts)
			}
			if len(retried) != tt.wantAttempts-1 {
				t.Errorf("OnRetry called %d times (%v), want %d", len(retried), retried, tt.wantAttempts-1)
			}
			if err != nil && strings.Contains(err.Error(), canary) {
				t.Errorf("error leaks the token: %v", err)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		name    string
		pypi    bool
		handler http.HandlerFunc
		want    []string
		exists  bool
	}{
		{"JSON message", true, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			fmt.Fprint(w, `{"message": "Invalid value for sha256_digest. Error: Use a valid, hex-encoded, SHA256 message digest.", "code": "400 Bad Request"}`)
		}, []string{"answered 400 Bad Request: Invalid value for sha256_digest"}, false},
		{"file exists", true, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"message": "File already exists ('demo-1.0-py3-none-any.whl', with blake2_256 hash 'ab'). See https://pypi.org/help/#file-name-reuse for more information."}`)
		}, []string{"File already exists", "--skip-existing", "never be reused"}, true},
		{"409", true, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(409) }, []string{"409 Conflict"}, true},
		{"HTML page", true, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(403)
			fmt.Fprint(w, "<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1>Invalid or non-existent authentication information.</body></html>")
		}, []string{"Invalid or non-existent authentication information.", "token is wrong", index.PyPITokenPage}, false},
		{"redirect", true, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/legacy/", http.StatusPermanentRedirect)
		}, []string{"308", "/legacy/", "trailing slash"}, false},
		{"404 on PyPI", true, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) }, []string{index.PyPIUploadURL}, false},
		{"too large on PyPI", true, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(413) }, []string{index.PyPIStorageLimits}, false},

		// Other indexes: no PyPI policy, page or URL in the hints.
		{"Gitea 409", false, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(409)
			fmt.Fprint(w, "package file already exists\n")
		}, []string{"package file already exists", "already has a file of this name", "--skip-existing"}, true},
		{"Gitea 401", false, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(401)
			fmt.Fprint(w, "Failed to authenticate user\n")
		}, []string{"Failed to authenticate user", "refused the credentials"}, false},
		{"Warehouse's text elsewhere", false, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(403)
			fmt.Fprint(w, "Invalid or non-existent authentication information.")
		}, []string{"refused the credentials"}, false},
		{"404 elsewhere", false, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) }, []string{"not the index's upload endpoint"}, false},
		{"too large elsewhere", false, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(413) }, []string{"raise that limit"}, false},
		{"503 elsewhere", false, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(501) }, []string{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			c := testClient(srv.URL + "/legacy")
			c.PyPI = tt.pypi
			c.SimpleURL = "" // the hint before any lookup
			_, err := c.Upload(context.Background(), testFile(t, "x"), Options{})
			var uerr *Error
			if !errors.As(err, &uerr) {
				t.Fatalf("Upload error = %v, want *Error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if !tt.pypi {
				for _, pypiOnly := range []string{"pypi.org", "never be reused", "__token__", "PyPI"} {
					if strings.Contains(uerr.Hint, pypiOnly) {
						t.Errorf("hint for another index states PyPI's policy (%q): %s", pypiOnly, uerr.Hint)
					}
				}
			}
			if errors.Is(err, ErrFileExists) != tt.exists {
				t.Errorf("errors.Is(ErrFileExists) = %v", !tt.exists)
			}
			if strings.Contains(err.Error(), canary) {
				t.Errorf("error leaks the token")
			}
		})
	}
}

func TestTokenPageOfTarget(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(403)
		fmt.Fprint(w, "Invalid or non-existent authentication information.")
	}))
	defer srv.Close()
	c := testClient(srv.URL + "/legacy/")
	c.PyPI = true
	c.Target, _ = index.Parse(index.TestPyPIUploadURL)
	_, err := c.Upload(context.Background(), testFile(t, "x"), Options{})
	if err == nil || !strings.Contains(err.Error(), "https://test.pypi.org/manage/account/token/") {
		t.Errorf("error %v does not send to TestPyPI's token page", err)
	}
}

// TestExistsAnswers: the answers indexes give for a file they hold
// (indexes.md) say it may exist; other refusals do not.
func TestExistsAnswers(t *testing.T) {
	tests := []struct {
		index, status, body string
		exists              bool
	}{
		{"PyPI", "400 File already exists ('demo-1.0.tar.gz', with blake2_256 hash 'ab').", "", true},
		{"PyPI over HTTP/2", "400 Bad Request", `{"message": "File already exists ('demo-1.0.tar.gz')."}`, true},
		{"pypiserver", "409 Conflict", "", true},
		{"devpi", "409 Conflict", "demo-1.0.tar.gz already exists in non-volatile index", true},
		{"Gitea", "409 Conflict", "package file already exists", true},
		{"Azure Artifacts", "409 Conflict", `{"message": "The feed already contains 'demo 1.0'."}`, true},
		{"Google Artifact Registry", "400 Bad Request", "file demo-1.0.tar.gz already exists", true},
		{"Nexus", "400 Repository does not allow updating assets: pypi-hosted", "", true},
		{"Nexus, text in the body", "400 Bad Request", "Repository does not allow updating assets: pypi-hosted", true},
		{"Artifactory", "403 Forbidden", `{"errors": [{"status": 403, "message": "Not enough permissions to delete/overwrite artifact 'pypi-local:demo/1.0/demo-1.0.tar.gz' (user: 'ci' needs DELETE permission)."}]}`, true},
		{"GitLab", "400 Bad Request", `{"message": "Validation failed: File name has already been taken"}`, true},

		{"a plain 400", "400 Bad Request", "Invalid distribution file.", false},
		{"a plain 403", "403 Forbidden", "Access denied", false},
		{"401", "401 Unauthorized", "already exists", false},
		{"Nexus text with another status", "500 Internal Server Error", "does not allow updating assets", false},
	}
	for _, tt := range tests {
		t.Run(tt.index, func(t *testing.T) {
			code := 0
			fmt.Sscan(tt.status, &code)
			resp := &http.Response{StatusCode: code, Status: tt.status, Body: io.NopCloser(strings.NewReader(tt.body))}
			err := (&Client{URL: "https://index.example/"}).newError("demo-1.0.tar.gz", resp)
			if errors.Is(err, ErrFileExists) != tt.exists {
				t.Errorf("errors.Is(%v, ErrFileExists) = %v, want %v", err, !tt.exists, tt.exists)
			}
		})
	}
}

// existsServer answers uploads with "File already exists" after failing
// the first attempt, and lists the file on its simple API with sha.
func existsServer(t *testing.T, sha string, firstStatus int) (*httptest.Server, *atomic.Int32) {
	var uploads atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/legacy/", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if uploads.Add(1) == 1 && firstStatus != 0 {
			w.WriteHeader(firstStatus)
			return
		}
		w.WriteHeader(400)
		fmt.Fprint(w, `{"message": "File already exists ('demo-1.0-py3-none-any.whl', with blake2_256 hash 'ab')."}`)
	})
	mux.HandleFunc("/simple/demo-pkg/", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Accept"), "application/vnd.pypi.simple.v1+json,") {
			t.Errorf("simple API asked for %q, want PEP 691 JSON first", r.Header.Get("Accept"))
		}
		fmt.Fprintf(w, `{"meta":{"api-version":"1.4"},"name":"demo-pkg","files":[{"filename":"demo-1.0-py3-none-any.whl","hashes":{"sha256":%q}}]}`, sha)
	})
	return httptest.NewServer(mux), &uploads
}

func TestFileExistsConfirmedBySimpleAPI(t *testing.T) {
	f := testFile(t, "same bytes")
	other := sha256.Sum256([]byte("other bytes"))
	tests := []struct {
		name        string
		sha         string
		firstStatus int
		skip        bool
		outcome     Outcome
		note        string
		wantErr     bool
	}{
		{"retry landed earlier", f.Digests.SHA256, 503, false, Present, "earlier attempt", false},
		{"first answer exists, same bytes", f.Digests.SHA256, 0, false, 0, "", true},
		{"skip existing, identical", f.Digests.SHA256, 0, true, Skipped, "identical", false},
		{"skip existing, different", hex.EncodeToString(other[:]), 0, true, Skipped, "DIFFERENT", false},
		{"retry but different bytes", hex.EncodeToString(other[:]), 503, false, 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := existsServer(t, tt.sha, tt.firstStatus)
			defer srv.Close()
			res, err := testClient(srv.URL+"/legacy/").Upload(context.Background(), f, Options{SkipExisting: tt.skip})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Upload = %+v, %v; wantErr %v", res, err, tt.wantErr)
			}
			if err == nil && (res.Outcome != tt.outcome || !strings.Contains(res.Note, tt.note)) {
				t.Errorf("Upload = %+v; want %v with note %q", res, tt.outcome, tt.note)
			}
		})
	}
}

func TestCredentialsAskedPerUpload(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		_, pass, _ := r.BasicAuth()
		seen = append(seen, pass)
		if pass == "pypi-old" {
			w.WriteHeader(403)
			fmt.Fprint(w, `{"message": "Invalid API Token: token is expired"}`)
		}
	}))
	defer srv.Close()
	c := testClient(srv.URL + "/legacy/")
	next := []string{"pypi-old", "pypi-new"}
	c.Credentials = func(context.Context) (string, string, error) {
		p := next[0]
		next = next[1:]
		return "__token__", p, nil
	}
	f := testFile(t, "x")
	_, err := c.Upload(context.Background(), f, Options{})
	if !errors.Is(err, ErrTokenExpired) || errors.Is(err, ErrFileExists) {
		t.Fatalf("first upload: %v, want ErrTokenExpired", err)
	}
	if !strings.Contains(err.Error(), "expired") {
		t.Errorf("error %q", err)
	}
	if _, err := c.Upload(context.Background(), f, Options{}); err != nil {
		t.Fatalf("second upload: %v", err)
	}
	if strings.Join(seen, ",") != "pypi-old,pypi-new" {
		t.Errorf("server saw %v", seen)
	}
}

func TestMessageOf(t *testing.T) {
	tests := []struct {
		name, status, body, want string
	}{
		{"reason phrase", "403 Invalid or non-existent authentication information.", `{"message": "Access was denied to this resource.\n\n\nInvalid or non-existent authentication information.\n\n"}`, "Invalid or non-existent authentication information."},
		{"JSON over HTTP/2", "403 Forbidden", `{"message": "Access was denied to this resource.\n\n\nInvalid or non-existent authentication information.\n\n", "code": "403 Forbidden"}`, "Invalid or non-existent authentication information."},
		{"plain text", "400 Bad Request", "400 Bad Request\n\nThe server could not comply with the request since it is either malformed or otherwise incorrect.\n\nFile already exists.\n", "File already exists."},
		{"problem document", "422 Unprocessable Entity", `{"type": "about:blank", "detail": "bad form"}`, "bad form"},
		{"nothing", "502 Bad Gateway", "", ""},
	}
	for _, tt := range tests {
		code := 0
		fmt.Sscan(tt.status, &code)
		resp := &http.Response{StatusCode: code, Status: tt.status}
		if got := messageOf(resp, []byte(tt.body)); got != tt.want {
			t.Errorf("%s: messageOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestMaybeExists: an "already exists" answer from any index is decided
// by the simple API's digests (here Gitea's HTML page), never by its
// words alone.
func TestMaybeExists(t *testing.T) {
	f := testFile(t, "same bytes")
	other := sha256.Sum256([]byte("other bytes"))
	otherSHA := hex.EncodeToString(other[:])
	page := func(sha string) string {
		return `<!DOCTYPE html><html><body><a href="/files/demo-1.0-py3-none-any.whl` + sha + `">demo-1.0-py3-none-any.whl</a></body></html>`
	}
	tests := []struct {
		name        string
		simple      string // the project page; "404", "500", or "none" for no simple API
		firstStatus int    // answer to the first attempt; 0: "exists" at once
		skip        bool
		outcome     Outcome // 0: an error
		different   bool
		want        string // in the note, or the error
	}{
		{"identical, skip", page("#sha256=" + f.Digests.SHA256), 0, true, Skipped, false, "identical"},
		{"different, skip", page("#sha256=" + otherSHA), 0, true, Skipped, true, "DIFFERENT content (SHA-256 differs): the local file is not what users download (index " + otherSHA},
		{"no digest, skip", page(""), 0, true, Skipped, false, "lists the file without a digest, so whether it is identical is unknown"},
		{"no simple API, skip", "none", 0, true, Skipped, false, "knows no simple API for this index"},
		{"simple API fails, skip", "500", 0, true, Skipped, false, "could not be asked"},
		{"project unknown to the simple API, skip", "404", 0, true, Skipped, false, "answered 404 for demo-pkg: if that is not the index's simple API, give the right one with --check-url"},
		{"not listed, skip: not skipped", `<html><body><a href="/files/demo-0.9.tar.gz">demo-0.9.tar.gz</a></body></html>`, 0, true, 0, false, "does not list it, so it is not skipped"},
		{"identical, no skip", page("#sha256=" + f.Digests.SHA256), 0, false, 0, false, "already has this exact file"},
		{"different, no skip", page("#sha256=" + otherSHA), 0, false, 0, false, "SHA-256 " + otherSHA + " there, " + f.Digests.SHA256 + " here"},
		{"earlier attempt landed", page("#sha256=" + f.Digests.SHA256), 502, false, Present, false, "earlier attempt"},
		{"earlier attempt landed, skip", page("#sha256=" + f.Digests.SHA256), 502, true, Present, false, "earlier attempt"},
		{"retried, different", page("#sha256=" + otherSHA), 502, false, 0, false, "other content"},
		{"retried, no simple API", "none", 502, false, 0, false, "knows no simple API"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var uploads atomic.Int32
			mux := http.NewServeMux()
			mux.HandleFunc("/api/packages/alice/pypi", func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				if uploads.Add(1) == 1 && tt.firstStatus != 0 {
					w.WriteHeader(tt.firstStatus)
					return
				}
				w.WriteHeader(409)
				fmt.Fprint(w, "package file already exists\n")
			})
			mux.HandleFunc("/api/packages/alice/pypi/simple/demo-pkg/", func(w http.ResponseWriter, r *http.Request) {
				switch tt.simple {
				case "404":
					http.NotFound(w, r)
				case "500":
					w.WriteHeader(500)
				default:
					w.Header().Set("Content-Type", "text/html")
					fmt.Fprint(w, tt.simple)
				}
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()
			c := testClient(srv.URL + "/api/packages/alice/pypi")
			c.PyPI = false
			if tt.simple == "none" {
				c.SimpleURL = ""
			} else if c.SimpleURL != srv.URL+"/api/packages/alice/pypi/simple/" {
				t.Fatalf("SimpleURL = %q: Gitea's layout not known", c.SimpleURL)
			}
			res, err := c.Upload(context.Background(), f, Options{SkipExisting: tt.skip})
			if tt.outcome == 0 {
				if !errors.Is(err, ErrFileExists) || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("Upload = %+v, %v; want an error saying %q", res, err, tt.want)
				}
				if strings.Contains(err.Error(), "never be reused") {
					t.Errorf("PyPI's policy stated for Gitea: %v", err)
				}
				return
			}
			if err != nil || res.Outcome != tt.outcome || res.Different != tt.different || !strings.Contains(res.Note, tt.want) {
				t.Errorf("Upload = %+v, %v; want %v (different %v) with note %q", res, err, tt.outcome, tt.different, tt.want)
			}
		})
	}
}

// TestHTMLAnswer: a success status whose body is a web page (a proxy's
// or SSO login page) is not an upload unless the simple API shows the
// file; PyPI's own success (an empty text/html body) stays a success.
func TestHTMLAnswer(t *testing.T) {
	f := testFile(t, "same bytes")
	sso := "\n  <!DOCTYPE HTML>\n<Html><head><title>Sign in - Acme SSO</title></head><body>Log in</body></html>"
	tests := []struct {
		name, contentType, body string
		simple                  string // "none": no simple API
		outcome                 Outcome
		want                    string
		askedSimple             bool
	}{
		{"PyPI's success", "text/html; charset=UTF-8", "", "", Uploaded, "", false},
		{"a short text", "text/plain", "OK", "", Uploaded, "", false},
		{"JSON", "application/json", `{"ok": true, "note": "<html> is not at the start"}`, "", Uploaded, "", false},
		{"SSO page, file listed", "text/html", sso, `{"files":[{"filename":"demo-1.0-py3-none-any.whl","hashes":{"sha256":"` + f.Digests.SHA256 + `"}}]}`, Uploaded, "web page, but its simple API lists the file", true},
		{"SSO page, file not listed", "text/html", sso, `{"files":[]}`, 0, `titled "Sign in - Acme SSO"`, true},
		{"SSO page, other bytes listed", "text/html", sso, `{"files":[{"filename":"demo-1.0-py3-none-any.whl","hashes":{"sha256":"00"}}]}`, 0, "proxy or single sign-on", true},
		{"SSO page, no simple API", "text/html", sso, "none", 0, "whether the file reached the index is unknown", false},
		{"after comments", "text/html", "\ufeff<!-- proxy -->\n<?xml version=\"1.0\"?><html><body>Login</body></html>", "none", 0, "proxy", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked atomic.Bool
			mux := http.NewServeMux()
			mux.HandleFunc("/legacy/", func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", tt.contentType)
				fmt.Fprint(w, tt.body)
			})
			mux.HandleFunc("/simple/demo-pkg/", func(w http.ResponseWriter, r *http.Request) {
				asked.Store(true)
				w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
				fmt.Fprint(w, tt.simple)
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()
			c := testClient(srv.URL + "/legacy/")
			if tt.simple == "none" {
				c.SimpleURL = ""
			}
			res, err := c.Upload(context.Background(), f, Options{})
			if asked.Load() != tt.askedSimple {
				t.Errorf("simple API asked: %v, want %v", asked.Load(), tt.askedSimple)
			}
			if tt.outcome == 0 {
				if !errors.Is(err, ErrNotAnUpload) || errors.Is(err, ErrFileExists) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "proxy") {
					t.Fatalf("Upload = %+v, %v; want ErrNotAnUpload saying %q", res, err, tt.want)
				}
				return
			}
			if err != nil || res.Outcome != tt.outcome || !strings.Contains(res.Note, tt.want) {
				t.Errorf("Upload = %+v, %v; want %v with note %q", res, err, tt.outcome, tt.want)
			}
		})
	}
}
