package pypitest

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

const cm = " See https://packaging.python.org/specifications/core-metadata for more information."

var explanations = map[int]string{
	400: "The server could not comply with the request since it is either malformed or otherwise incorrect.",
	403: "Access was denied to this resource.",
	410: "This resource is no longer available.  No forwarding address is given.",
	429: "The action could not be performed because there were too many requests by the client.",
}

// Builders of the requests in the checklist tables.
func wheel(t *testing.T) upload { return wheelUpload(t, "demo", "1.0") }

func sdist(t *testing.T) upload { return sdistUpload(t, "demo", "1.0") }

// with returns a builder that edits what mk builds.
func with(mk func(*testing.T) upload, edit func(*upload)) func(*testing.T) upload {
	return func(t *testing.T) upload {
		u := mk(t)
		edit(&u)
		return u
	}
}

// withZip uploads a hand-made zip under filename, as demo 1.0.
func withZip(filename string, files ...string) func(*testing.T) upload {
	return func(t *testing.T) upload {
		u := wheel(t)
		u.filename, u.content = filename, zipOf(t, files...)
		u.redigest()
		return u
	}
}

// withTar uploads a hand-made tar.gz as the sdist of demo 1.0.
func withTar(files ...string) func(*testing.T) upload {
	return func(t *testing.T) upload {
		u := sdist(t)
		u.content = tarGzOf(t, files...)
		u.redigest()
		return u
	}
}

// uploadFirst is a setup step that uploads what mk builds.
func uploadFirst(mk func(*testing.T) upload) func(*testing.T, *Index, string) {
	return func(t *testing.T, idx *Index, url string) {
		t.Helper()
		if r := send(t, url, mk(t)); r.code != 200 {
			t.Fatalf("setup upload: %s", r.status)
		}
	}
}

// checkCase is one row: a request and Warehouse's answer to it. In msg,
// @B2@ stands for the upload's blake2b-256 digest.
type checkCase struct {
	name  string
	opts  Options
	setup func(t *testing.T, idx *Index, url string)
	mk    func(*testing.T) upload
	code  int
	msg   string
}

// TestChecklist walks the upload rows of the stand-in checklist: each
// request must fail with Warehouse's status, reason phrase and JSON body,
// and store nothing.
func TestChecklist(t *testing.T) {
	tests := append(requestCases(), fileCases()...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx, srv := newIndex(t, tt.opts)
			if tt.setup != nil {
				tt.setup(t, idx, srv.URL)
			}
			before := len(idx.Files())
			u := tt.mk(t)
			_, _, b2 := digests(u.content)
			want := strings.ReplaceAll(tt.msg, "@B2@", b2)
			r := send(t, srv.URL, u)
			if r.code != tt.code || r.reason() != want {
				t.Fatalf("got %q\nwant %d %s", r.status, tt.code, want)
			}
			message, code, title := jsonMessage(t, r.body)
			if wantMsg := explanations[tt.code] + "\n\n\n" + want + "\n\n"; message != wantMsg {
				t.Errorf("JSON message = %q, want %q", message, wantMsg)
			}
			if code != r.status || title != http.StatusText(tt.code) {
				t.Errorf("JSON code, title = %q, %q; want %q, %q", code, title, r.status, http.StatusText(tt.code))
			}
			if n := len(idx.Files()); n != before {
				t.Errorf("a refused upload was stored: %d files, had %d", n, before)
			}
		})
	}
}

// requestCases are refusals decided from the request alone: credentials,
// form fields and core metadata.
func requestCases() []checkCase {
	return []checkCase{
		{name: "field sent as a file", mk: with(wheel, func(u *upload) { u.fileFields = []string{"summary"} }),
			code: 400, msg: "summary: Should not be a tuple."},
		{name: "no credentials", mk: with(wheel, func(u *upload) { u.auth = "-" }),
			code: 403, msg: "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information."},
		{name: "unknown token", mk: with(wheel, func(u *upload) { u.auth = basic("__token__", "pypi-unknown") }),
			code: 403, msg: "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information."},
		{name: "token without pypi- prefix", setup: func(t *testing.T, idx *Index, _ string) { idx.AddToken("secret") },
			mk:   with(wheel, func(u *upload) { u.auth = basic("__token__", "secret") }),
			code: 403, msg: "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information."},
		{name: "test.pypi.org help links", opts: Options{Host: "test.pypi.org"}, mk: with(wheel, func(u *upload) { u.auth = "-" }),
			code: 403, msg: "Invalid or non-existent authentication information. See https://test.pypi.org/help/#invalid-auth for more information."},
		{name: "username and password", mk: with(wheel, func(u *upload) { u.auth = basic("alice", "hunter2") }),
			code: 403, msg: "Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted Publishers instead. See https://pypi.org/help/#apitoken and https://pypi.org/help/#trusted-publishers"},
		{name: "protocol version", mk: with(wheel, func(u *upload) { u.set("protocol_version", "2") }),
			code: 400, msg: "Unknown protocol version."},
		{name: "bad name", mk: with(wheel, func(u *upload) { u.set("name", "-demo") }),
			code: 400, msg: "'-demo' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'." + cm},
		{name: "long bad name", mk: with(wheel, func(u *upload) { u.set("name", strings.Repeat("a", 40)+"!"+strings.Repeat("b", 40)) }),
			code: 400, msg: "'" + strings.Repeat("a", 30) + "..." + strings.Repeat("b", 30) + "' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'." + cm},
		{name: "missing name", mk: with(wheel, func(u *upload) { u.del("name") }),
			code: 400, msg: "'' is an invalid value for Name. Error: This field is required." + cm},
		{name: "unknown filetype", mk: with(wheel, func(u *upload) { u.set("filetype", "bdist_egg") }),
			code: 400, msg: "Invalid value for filetype. Error: Use a known file type."},
		{name: "wheel without pyversion", mk: with(wheel, func(u *upload) { u.del("pyversion") }),
			code: 400, msg: "Invalid value for pyversion. Error: Python version is required for binary distribution uploads."},
		{name: "sdist pyversion", mk: with(sdist, func(u *upload) { u.set("pyversion", "py3") }),
			code: 400, msg: "Invalid value for pyversion. Error: Use 'source' as Python version for an sdist."},
		{name: "no digest", mk: with(wheel, func(u *upload) { u.del("sha256_digest"); u.del("blake2_256_digest") }),
			code: 400, msg: "Error: Include at least one message digest."},
		{name: "bad sha256", mk: with(wheel, func(u *upload) { u.set("sha256_digest", "xyz") }),
			code: 400, msg: "Invalid value for sha256_digest. Error: Use a valid, hex-encoded, SHA256 message digest."},
		{name: "bad blake2", mk: with(wheel, func(u *upload) { u.set("blake2_256_digest", "xyz") }),
			code: 400, msg: "Invalid value for blake2_256_digest. Error: Use a valid, hex-encoded, BLAKE2 message digest."},
		{name: "unknown metadata version", mk: with(wheel, func(u *upload) { u.set("metadata_version", "3.0") }),
			code: 400, msg: "'3.0' is not a valid metadata version." + cm},
		{name: "missing metadata version", mk: with(wheel, func(u *upload) { u.del("metadata_version") }),
			code: 400, msg: "None is not a valid metadata version." + cm},
		{name: "missing version", mk: with(wheel, func(u *upload) { u.del("version") }),
			code: 400, msg: "'version' is a required field." + cm},
		{name: "invalid version", mk: with(wheel, func(u *upload) { u.set("version", "1.0-foo") }),
			code: 400, msg: "'1.0-foo' is invalid for 'version'." + cm},
		{name: "summary on two lines", mk: with(wheel, func(u *upload) { u.set("summary", "a\nb") }),
			code: 400, msg: "'summary' must be a single line." + cm},
		{name: "summary too long", mk: with(wheel, func(u *upload) { u.set("summary", strings.Repeat("é", 513)) }),
			code: 400, msg: "'summary' field must be 512 characters or less." + cm},
		{name: "field newer than the metadata version", mk: with(wheel, func(u *upload) {
			u.set("metadata_version", "2.1")
			u.set("license_expression", "MIT")
		}), code: 400, msg: "license-expression introduced in metadata version 2.4, not 2.1." + cm},
		{name: "description content type", mk: with(wheel, func(u *upload) { u.set("description_content_type", "text/html") }),
			code: 400, msg: "'description-content-type' must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not 'text/html'." + cm},
		{name: "markdown variant", mk: with(wheel, func(u *upload) { u.set("description_content_type", "text/markdown; variant=Fancy") }),
			code: 400, msg: "valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not 'Fancy'." + cm},
		{name: "project URL label too long", mk: with(wheel, func(u *upload) {
			u.set("project_urls", strings.Repeat("L", 33)+", https://example.com")
		}), code: 400, msg: "'" + strings.Repeat("L", 33) + "' must be 32 characters or less." + cm},
		{name: "project URL not http", mk: with(wheel, func(u *upload) { u.set("project_urls", "Home, ftp://example.com") }),
			code: 400, msg: "'ftp://example.com' is not a valid url." + cm},
		{name: "single-value field twice", mk: with(wheel, func(u *upload) { u.fields = append(u.fields, [2]string{"summary", "again"}) }),
			code: 400, msg: "'summary' has invalid data." + cm},
		{name: "bad requires-python", mk: with(wheel, func(u *upload) { u.set("requires_python", ">=3.8,<<4") }),
			code: 400, msg: "'>=3.8,<<4' is invalid for 'requires-python'." + cm},
		{name: "dynamic name", mk: with(wheel, func(u *upload) { u.set("dynamic", "Name") }),
			code: 400, msg: "'name' is not allowed as a dynamic field." + cm},
		{name: "private classifier", mk: with(wheel, func(u *upload) { u.set("classifiers", "Private :: Do Not Upload") }),
			code: 400, msg: "'Private :: Do Not Upload' is not a valid classifier." + cm},
		{name: "license file outside", mk: with(wheel, func(u *upload) { u.set("license_file", "../LICENSE") }),
			code: 400, msg: "'../LICENSE' is invalid for 'license-file', parent directory indicators are not allowed." + cm},
		{name: "local version", mk: with(wheel, func(u *upload) { u.set("version", "1.0+ubuntu-1") }),
			code: 400, msg: "The use of local versions in '1.0+ubuntu.1' is not allowed. See https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers for more information."},
		{name: "no content", mk: with(wheel, func(u *upload) { u.noContent = true }),
			code: 400, msg: "Upload payload does not have a file."},
	}
}

// steppingClock moves 15 days forward at every reading, so that the
// release made by one upload is old at the next.
func steppingClock() func() time.Time {
	var mu = make(chan struct{}, 1)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu <- struct{}{}
		defer func() { <-mu }()
		now = now.Add(15 * 24 * time.Hour)
		return now
	}
}

func TestRedirectLegacy(t *testing.T) {
	_, srv := newIndex(t, Options{})
	u := wheelUpload(t, "demo", "1.0")
	u.path = "/legacy"
	r := send(t, srv.URL, u)
	want := "An upload was attempted to /legacy but the expected upload URL is /legacy/ (with a trailing slash)"
	if r.code != 308 || r.reason() != want || r.header.Get("Location") != "/legacy/" {
		t.Fatalf("got %q, Location %q", r.status, r.header.Get("Location"))
	}
	if msg, _, _ := jsonMessage(t, r.body); !strings.Contains(msg, want) {
		t.Errorf("JSON message %q lacks the reason", msg)
	}
}
