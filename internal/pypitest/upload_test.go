package pypitest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestUploadStoresFiles(t *testing.T) {
	idx, srv := newIndex(t, Options{})
	w := wheelUpload(t, "Demo.Pkg", "1.0.0")
	w.set("requires_python", ">=3.8")
	s := sdistUpload(t, "Demo.Pkg", "1.0")
	for _, u := range []upload{w, s} {
		if r := send(t, srv.URL, u); r.code != 200 {
			t.Fatalf("upload %s: %s", u.filename, r.status)
		}
	}
	files := idx.Files()
	if len(files) != 2 {
		t.Fatalf("Files() has %d entries, want 2", len(files))
	}
	sha, md, b2 := digests(w.content)
	got := files[0]
	if got.Project != "demo-pkg" || got.Version != "1.0.0" || got.Filename != "demo_pkg-1.0.0-py3-none-any.whl" ||
		got.Filetype != "bdist_wheel" || got.PyVersion != "py3" || got.SHA256 != sha || got.MD5 != md ||
		got.Blake2 != b2 || got.Size != int64(len(w.content)) || got.Content != nil {
		t.Errorf("wheel stored as %+v", got)
	}
	if !bytes.Contains(got.Metadata, []byte("Name: Demo.Pkg")) {
		t.Errorf("wheel METADATA = %q", got.Metadata)
	}
	if v := got.Form["requires_python"]; len(v) != 1 || v[0] != ">=3.8" {
		t.Errorf("Form[requires_python] = %q", v)
	}
	if order := strings.Join(got.FieldOrder, " "); !strings.HasPrefix(order, ":action protocol_version") || !strings.HasSuffix(order, "content") {
		t.Errorf("FieldOrder = %s", order)
	}
	// The sdist joins the release the wheel created: 1.0 == 1.0.0.
	if files[1].Version != "1.0.0" || files[1].PyVersion != "source" || files[1].Metadata != nil {
		t.Errorf("sdist stored as %+v", files[1])
	}
	if f, ok := idx.File("demo_pkg-1.0.tar.gz"); !ok || f.Filetype != "sdist" {
		t.Errorf("File(sdist) = %+v, %v", f, ok)
	}
}

func TestKeepContent(t *testing.T) {
	idx, srv := newIndex(t, Options{KeepContent: true})
	u := wheelUpload(t, "demo", "1.0")
	if r := send(t, srv.URL, u); r.code != 200 {
		t.Fatal(r.status)
	}
	if f, _ := idx.File(u.filename); !bytes.Equal(f.Content, u.content) {
		t.Errorf("Content differs from the upload")
	}
}

func TestIdenticalReupload(t *testing.T) {
	idx, srv := newIndex(t, Options{})
	u := wheelUpload(t, "demo", "1.0")
	for k := 0; k < 2; k++ {
		if r := send(t, srv.URL, u); r.code != 200 || r.status != "200 OK" {
			t.Fatalf("upload %d: %s", k, r.status)
		}
	}
	if n := len(idx.Files()); n != 1 {
		t.Errorf("Files() has %d entries after an identical re-upload, want 1", n)
	}
	if n := idx.Uploads(); n != 2 {
		t.Errorf("Uploads() = %d, want 2", n)
	}
}

// TestRealWheel uploads a wheel built by setuptools, which PyPI accepted.
func TestRealWheel(t *testing.T) {
	path := "/usr/share/python-wheels/setuptools-66.1.1-py3-none-any.whl"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skip(err)
	}
	_, srv := newIndex(t, Options{})
	if r := send(t, srv.URL, twineForm("setuptools", "66.1.1", "bdist_wheel", filepath.Base(path), b)); r.code != 200 {
		t.Fatal(r.status)
	}
}

func TestAuthorizationForms(t *testing.T) {
	tests := []struct {
		name string
		auth string
		code int
	}{
		{"basic", basic("__token__", token), 200},
		{"basic with spaces around the token", basic("__token__", "  "+token+"\n"), 200},
		{"token scheme", "token " + token, 200},
		{"bearer scheme", "Bearer " + token, 200},
		{"unknown scheme", "Digest " + token, 403},
		{"broken base64", "Basic !!!", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newIndex(t, Options{})
			u := wheelUpload(t, "demo", "1.0")
			u.auth = tt.auth
			if r := send(t, srv.URL, u); r.code != tt.code {
				t.Errorf("got %s, want %d", r.status, tt.code)
			}
		})
	}
}

func TestScopedToken(t *testing.T) {
	idx, srv := newIndex(t, Options{})
	idx.AddToken("pypi-scoped", "Demo")
	u := wheelUpload(t, "demo", "1.0")
	u.auth = basic("__token__", "pypi-scoped")
	// A project-scoped token cannot create the project it names.
	want := "403 Invalid API Token: project-scoped token is not valid for project: 'demo'"
	if r := send(t, srv.URL, u); r.status != want {
		t.Fatalf("new project: %s, want %s", r.status, want)
	}
	idx.AddProject("demo")
	if r := send(t, srv.URL, u); r.code != 200 {
		t.Fatal(r.status)
	}
}

func TestErrorBodyFormats(t *testing.T) {
	const msg = "Unknown protocol version."
	tests := []struct {
		accept, ctype, body string
	}{
		{"*/*", "text/html; charset=UTF-8", "<html>\n <head>\n  <title>400 Unknown protocol version.</title>\n </head>\n <body>\n" +
			"  <h1>400 Unknown protocol version.</h1>\n  " + explanations[400] + "<br/><br/>\n" + msg + "\n\n\n </body>\n</html>"},
		{"-", "text/plain; charset=UTF-8", "400 " + msg + "\n\n" + explanations[400] + "\n\n\n" + msg + "\n\n"},
		{"application/json", "application/json", `{"message": "` + explanations[400] + `\n\n\n` + msg + `\n\n", "code": "400 ` + msg + `", "title": "Bad Request"}`},
		{"text/html;q=0.5, application/json", "application/json", ""},
		{"application/xml", "text/plain; charset=UTF-8", ""},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			_, srv := newIndex(t, Options{})
			u := wheelUpload(t, "demo", "1.0")
			u.set("protocol_version", "2")
			u.accept = tt.accept
			r := send(t, srv.URL, u)
			if r.reason() != msg || r.header.Get("Content-Type") != tt.ctype {
				t.Fatalf("got %q, %s", r.status, r.header.Get("Content-Type"))
			}
			if tt.body != "" && string(r.body) != tt.body {
				t.Errorf("body = %q\nwant %q", r.body, tt.body)
			}
		})
	}
}

// TestReasonPhraseLatin1: the status line only carries ISO-8859-1, the
// body keeps the message whole.
func TestReasonPhraseLatin1(t *testing.T) {
	_, srv := newIndex(t, Options{})
	u := sdistUpload(t, "demo", "1.0")
	if r := send(t, srv.URL, u); r.code != 200 {
		t.Fatal(r.status)
	}
	u.filename = "démo-€.tar.gz"
	r := send(t, srv.URL, u)
	_, _, b2 := digests(u.content)
	want := "File already exists ('démo-€.tar.gz', with blake2_256 hash '" + b2 + "'). See https://pypi.org/help/#file-name-reuse for more information."
	wantReason := strings.ReplaceAll(strings.ReplaceAll(want, "é", "\xe9"), "€", "?")
	if r.code != 400 || r.reason() != wantReason {
		t.Fatalf("got %q, want %q", r.status, wantReason)
	}
	msg, code, _ := jsonMessage(t, r.body)
	if !strings.Contains(msg, want) {
		t.Errorf("JSON message %q lacks %q", msg, want)
	}
	if wantCode := "400 " + strings.ReplaceAll(want, "€", "?"); code != wantCode {
		t.Errorf("JSON code %q, want %q", code, wantCode)
	}
	if !bytes.Contains(r.body, []byte(`d\u00e9mo-\u20ac.tar.gz`)) {
		t.Errorf("JSON body is not ASCII-escaped as Python writes it: %s", r.body)
	}
}

func TestOtherActions(t *testing.T) {
	_, srv := newIndex(t, Options{})
	u := wheelUpload(t, "demo", "1.0")
	u.del(":action")
	if r := send(t, srv.URL, u); r.code != 200 || !bytes.Contains(r.body, []byte("upload API")) {
		t.Errorf("no :action: %s %q", r.status, r.body)
	}
	u.path = "/legacy/?:action=file_upload"
	if r := send(t, srv.URL, u); r.code != 200 || len(r.body) != 0 {
		t.Errorf(":action in the query: %s", r.status)
	}
}

func TestURLEncodedForm(t *testing.T) {
	_, srv := newIndex(t, Options{})
	sha, _, _ := digests(nil)
	body := ":action=file_upload&name=demo&version=1.0&metadata_version=2.4&filetype=sdist&sha256_digest=" + sha
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/legacy/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("__token__", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Status != "400 Upload payload does not have a file." {
		t.Errorf("got %q", resp.Status)
	}
}

func TestRequestLogHasNoSecrets(t *testing.T) {
	idx, srv := newIndex(t, Options{})
	send(t, srv.URL, wheelUpload(t, "demo", "1.0"))
	log := idx.Requests()
	if len(log) != 1 || log[0].Method != "POST" || log[0].Path != "/legacy/" || log[0].Status != 200 || log[0].Username != "__token__" {
		t.Errorf("Requests() = %+v", log)
	}
	if s := fmt.Sprintf("%+v", log); strings.Contains(s, token) {
		t.Errorf("the token leaked into the request log: %s", s)
	}
}

func TestConcurrentUploads(t *testing.T) {
	idx, srv := newIndex(t, Options{})
	const n = 12
	var wg sync.WaitGroup
	codes := make([]int, 2*n)
	for k := 0; k < n; k++ {
		u := wheelUpload(t, "demo", fmt.Sprintf("1.%d", k))
		for j := 0; j < 2; j++ { // every file twice: one stores, one is a no-op
			wg.Add(1)
			go func(slot int) {
				defer wg.Done()
				codes[slot] = send(t, srv.URL, u).code
			}(2*k + j)
		}
	}
	wg.Wait()
	for k, c := range codes {
		if c != 200 {
			t.Errorf("upload %d: status %d", k, c)
		}
	}
	if got := len(idx.Files()); got != n {
		t.Errorf("Files() has %d entries, want %d", got, n)
	}
	if got := idx.Uploads(); got != 2*n {
		t.Errorf("Uploads() = %d, want %d", got, 2*n)
	}
}

// TestTrustedPublisher covers the paths only trusted-publishing tokens
// reach, through the package-internal hook that creates them.
func TestTrustedPublisher(t *testing.T) {
	pub := publisher{Kind: "GitHub", Repository: "octo/demo", Workflow: "release.yml"}
	statement := func(name, sha string) string {
		b, _ := json.Marshal(map[string]any{"_type": "https://in-toto.io/Statement/v1",
			"subject":       []any{map[string]any{"name": name, "digest": map[string]string{"sha256": sha}}},
			"predicateType": predicatePublish, "predicate": nil})
		return base64.StdEncoding.EncodeToString(b)
	}
	attest := func(statements ...string) string {
		var list []any
		for _, s := range statements {
			list = append(list, map[string]any{"version": 1,
				"verification_material": map[string]any{"certificate": "MIIB", "transparency_entries": []any{map[string]any{}}},
				"envelope":              map[string]any{"statement": s, "signature": "c2ln"}})
		}
		b, _ := json.Marshal(list)
		return string(b)
	}
	const bad = "Invalid attestations supplied during upload: "
	const failed = bad + "Could not verify the uploaded artifact using the included attestation: Verification failed: "
	tests := []struct {
		name     string
		projects []string
		existing bool
		attest   func(fn, sha string) string
		code     int
		msg      string
	}{
		{name: "cannot create projects", code: 400, msg: "Non-user identities cannot create new projects. This was probably caused by successfully using a pending publisher but specifying the project name incorrectly (either in the publisher or in your project's metadata). Please ensure that both match. See: https://docs.pypi.org/trusted-publishers/troubleshooting/"},
		{name: "other project", projects: []string{"other"}, existing: true, code: 403,
			msg: "Invalid API Token: OIDC scoped token is not valid for project 'demo'"},
		{name: "upload", projects: []string{"demo"}, existing: true, code: 200},
		{name: "attested", projects: []string{"demo"}, existing: true, code: 200,
			attest: func(fn, sha string) string { return attest(statement(fn, sha)) }},
		{name: "empty attestations", projects: []string{"demo"}, existing: true, code: 400,
			attest: func(string, string) string { return "[]" },
			msg:    bad + "Malformed attestations: an empty attestation set is not permitted"},
		{name: "three attestations", projects: []string{"demo"}, existing: true, code: 400,
			attest: func(fn, sha string) string { s := statement(fn, sha); return attest(s, s, s) },
			msg:    bad + "A maximum of 2 attestations per file are supported"},
		{name: "other subject", projects: []string{"demo"}, existing: true, code: 400,
			attest: func(fn, sha string) string { return attest(statement("other-1.0-py3-none-any.whl", sha)) },
			msg:    failed + "subject does not match distribution name: other-1.0-py3-none-any.whl != demo-1.0-py3-none-any.whl"},
		{name: "other digest", projects: []string{"demo"}, existing: true, code: 400,
			attest: func(fn, sha string) string { return attest(statement(fn, strings.Repeat("0", 64))) },
			msg:    failed + "subject does not match distribution digest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx, srv := newIndex(t, Options{})
			idx.addPublisherToken("pypi-minted", pub, tt.projects...)
			if tt.existing {
				idx.AddProject("demo")
			}
			u := wheelUpload(t, "demo", "1.0")
			u.auth = basic("__token__", "pypi-minted")
			sha, _, _ := digests(u.content)
			if tt.attest != nil {
				u.set("attestations", tt.attest(u.filename, sha))
			}
			r := send(t, srv.URL, u)
			if r.code != tt.code || (tt.code != 200 && r.reason() != tt.msg) {
				t.Fatalf("got %q\nwant %d %s", r.status, tt.code, tt.msg)
			}
			if tt.name != "attested" {
				return
			}
			resp, err := http.Get(srv.URL + "/integrity/demo/1.0/" + u.filename + "/provenance")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var prov struct {
				Version            int
				AttestationBundles []struct {
					Publisher    map[string]any
					Attestations []any
				} `json:"attestation_bundles"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&prov); err != nil || resp.StatusCode != 200 ||
				len(prov.AttestationBundles) != 1 || prov.AttestationBundles[0].Publisher["repository"] != "octo/demo" {
				t.Errorf("provenance: %d %+v %v", resp.StatusCode, prov, err)
			}
		})
	}
}
