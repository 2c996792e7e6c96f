package pypitest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// get fetches a URL without following redirects.
func get(t *testing.T, url, accept string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return roundTrip(t, req)
}

// published uploads a wheel and an sdist of demo 1.0 and returns them.
func published(t *testing.T, opts Options) (*Index, string, upload, upload) {
	t.Helper()
	idx, srv := newIndex(t, opts)
	w := wheelUpload(t, "Demo", "1.0")
	w.set("requires_python", ">=3.8")
	s := sdistUpload(t, "Demo", "1.0")
	s.set("requires_python", ">=3.8")
	for _, u := range []upload{w, s} {
		if r := send(t, srv.URL, u); r.code != 200 {
			t.Fatal(r.status)
		}
	}
	return idx, srv.URL, w, s
}

func TestSimpleHTML(t *testing.T) {
	idx, url, w, s := published(t, Options{})
	resp, body := get(t, url+"/simple/demo/", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /simple/demo/: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	wf, _ := idx.File(w.filename)
	wsha, _, wb2 := digests(w.content)
	ssha, _, _ := digests(s.content)
	msum := sha256.Sum256(wf.Metadata)
	msha := hex.EncodeToString(msum[:])
	wantWheel := `<a href="` + url + "/packages/" + wb2[:2] + "/" + wb2[2:4] + "/" + wb2[4:] + "/demo-1.0-py3-none-any.whl#sha256=" + wsha +
		`" data-requires-python="&gt;=3.8" data-dist-info-metadata="sha256=` + msha + `" data-core-metadata="sha256=` + msha +
		`">demo-1.0-py3-none-any.whl</a>`
	for _, want := range []string{
		`<meta name="pypi:repository-version" content="1.4">`,
		wantWheel,
		"/demo-1.0.tar.gz#sha256=" + ssha + `" data-requires-python="&gt;=3.8">demo-1.0.tar.gz</a>`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %s\n%s", want, body)
		}
	}
	if resp.Header.Get("X-PyPI-Last-Serial") == "" {
		t.Error("no X-PyPI-Last-Serial header")
	}
}

func TestSimpleJSON(t *testing.T) {
	_, url, w, s := published(t, Options{})
	resp, body := get(t, url+"/simple/demo/", "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01")
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.pypi.simple.v1+json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var page struct {
		Meta     map[string]any
		Name     string
		Versions []string
		Files    []struct {
			Filename       string
			URL            string
			Hashes         map[string]string
			RequiresPython string `json:"requires-python"`
			Size           int64
			UploadTime     string `json:"upload-time"`
			CoreMetadata   any    `json:"core-metadata"`
			Provenance     any
		}
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatal(err)
	}
	if page.Meta["api-version"] != "1.4" || page.Name != "demo" || len(page.Versions) != 1 || page.Versions[0] != "1.0" || len(page.Files) != 2 {
		t.Fatalf("page = %+v", page)
	}
	// Files come sorted by filename within a version ('-' sorts before '.').
	wheel, sdist := page.Files[0], page.Files[1]
	ssha, _, _ := digests(s.content)
	wsha, _, _ := digests(w.content)
	if sdist.Filename != "demo-1.0.tar.gz" || sdist.Hashes["sha256"] != ssha || sdist.CoreMetadata != false ||
		sdist.RequiresPython != ">=3.8" || !strings.HasSuffix(sdist.UploadTime, "Z") || sdist.Provenance != nil {
		t.Errorf("sdist entry = %+v", sdist)
	}
	if wheel.Hashes["sha256"] != wsha || wheel.Size != int64(len(w.content)) {
		t.Errorf("wheel entry = %+v", wheel)
	}
	if m, ok := wheel.CoreMetadata.(map[string]any); !ok || len(m["sha256"].(string)) != 64 {
		t.Errorf("wheel core-metadata = %v", wheel.CoreMetadata)
	}
}

func TestSimpleRedirectsAndMisses(t *testing.T) {
	_, url, _, _ := published(t, Options{})
	for _, p := range []string{"/simple/Demo/", "/simple/demo", "/simple/DEMO"} {
		resp, _ := get(t, url+p, "")
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/simple/demo/" {
			t.Errorf("GET %s: %s, Location %q", p, resp.Status, resp.Header.Get("Location"))
		}
	}
	resp, body := get(t, url+"/simple/nothing/", "")
	if resp.StatusCode != 404 || strings.TrimSpace(string(body)) != "404 Not Found" {
		t.Errorf("unknown project: %s %q", resp.Status, body)
	}
	resp, body = get(t, url+"/simple/", "")
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`href="/simple/demo/"`)) {
		t.Errorf("index: %s %q", resp.Status, body)
	}
}

func TestJSONAPI(t *testing.T) {
	_, url, w, _ := published(t, Options{})
	resp, body := get(t, url+"/pypi/Demo/json", "")
	var page struct {
		Info     map[string]any
		Releases map[string][]struct {
			Filename    string
			Digests     map[string]string
			PackageType string
		}
		URLs []struct{ Filename, URL string }
	}
	if err := json.Unmarshal(body, &page); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%s %v %s", resp.Status, err, body)
	}
	sha, md, b2 := digests(w.content)
	if page.Info["version"] != "1.0" || page.Info["name"] != "Demo" || len(page.Releases["1.0"]) != 2 || len(page.URLs) != 2 {
		t.Fatalf("page = %+v", page)
	}
	rf := page.Releases["1.0"][0]
	if rf.Digests["sha256"] != sha || rf.Digests["md5"] != md || rf.Digests["blake2b_256"] != b2 || rf.PackageType != "bdist_wheel" {
		t.Errorf("release file = %+v", rf)
	}
	resp, body = get(t, url+"/pypi/nothing/json", "")
	if resp.StatusCode != 404 || string(body) != `{"message": "Not Found"}` {
		t.Errorf("unknown project: %s %s", resp.Status, body)
	}
	if resp, _ := get(t, url+"/pypi/demo/1.0/json", ""); resp.StatusCode != 200 {
		t.Errorf("version page: %s", resp.Status)
	}
}

func TestDownloads(t *testing.T) {
	idx, url, w, _ := published(t, Options{KeepContent: true})
	wf, _ := idx.File(w.filename)
	_, _, b2 := digests(w.content)
	fileURL := url + "/packages/" + b2[:2] + "/" + b2[2:4] + "/" + b2[4:] + "/" + w.filename
	if resp, body := get(t, fileURL, ""); resp.StatusCode != 200 || !bytes.Equal(body, w.content) {
		t.Errorf("download: %s, %d bytes", resp.Status, len(body))
	}
	if resp, body := get(t, fileURL+".metadata", ""); resp.StatusCode != 200 || !bytes.Equal(body, wf.Metadata) {
		t.Errorf("metadata: %s %q", resp.Status, body)
	}
	if resp, _ := get(t, url+"/integrity/demo/1.0/"+w.filename+"/provenance", ""); resp.StatusCode != 404 {
		t.Errorf("provenance without attestations: %s", resp.Status)
	}
}

func TestDownloadsNeedKeepContent(t *testing.T) {
	_, url, w, _ := published(t, Options{})
	_, _, b2 := digests(w.content)
	if resp, _ := get(t, url+"/packages/"+b2[:2]+"/"+b2[2:4]+"/"+b2[4:]+"/"+w.filename, ""); resp.StatusCode != 404 {
		t.Errorf("download without KeepContent: %s", resp.Status)
	}
}
