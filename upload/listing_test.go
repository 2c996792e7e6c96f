package upload

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/dist"
)

// giteaPage is a project page as Gitea 1.26 serves it: HTML only, hrefs
// relative to the API, digests in #sha256= fragments.
const giteaPage = `<!DOCTYPE html>
<html>
	<head><title>Links for demo</title></head>
	<body>
		<h1>Links for demo</h1>
		<a href="/api/packages/octo/pypi/files/demo/1.0/demo-1.0-py3-none-any.whl#sha256=%s" data-requires-python="&gt;=3.9">demo-1.0-py3-none-any.whl</a><br/>
		<a href='../files/demo/1.0/demo-1.0.tar.gz#sha256=ABCDEF'>demo-1.0.tar.gz</a>
		<A HREF=https://cdn.example/x/Gitea.MD_Demo-1.2.0-py3-none-any.whl>Gitea.MD_Demo-1.2.0-py3-none-any.whl</A>
		<a href="demo-2.0%%2Bcpu.tar.gz">demo-2.0+cpu.tar.gz</a>
	</body>
</html>`

func TestListingFormats(t *testing.T) {
	f := testFile(t, "same bytes")
	sha := f.Digests.SHA256
	tests := []struct {
		name, contentType, body string
		status                  int
		want                    Listing
	}{
		{"PEP 691 JSON", "application/vnd.pypi.simple.v1+json",
			fmt.Sprintf(`{"meta":{"api-version":"1.1"},"name":"demo","files":[{"filename":"demo-1.0-py3-none-any.whl","url":"x","hashes":{"sha256":"%s"}},{"filename":"demo-1.0.tar.gz","url":"y","hashes":{}}]}`, strings.ToUpper(sha)),
			200, Listing{"demo-1.0-py3-none-any.whl": sha, "demo-1.0.tar.gz": ""}},
		{"JSON sent as text", "text/plain", `{"files":[{"filename":"a.whl","hashes":{"sha256":"aa"}}]}`, 200, Listing{"a.whl": "aa"}},
		{"PEP 503 HTML (Gitea)", "text/html; charset=utf-8", fmt.Sprintf(giteaPage, sha), 200, Listing{
			"demo-1.0-py3-none-any.whl":            sha,
			"demo-1.0.tar.gz":                      "abcdef",
			"Gitea.MD_Demo-1.2.0-py3-none-any.whl": "",
			"demo-2.0+cpu.tar.gz":                  "",
		}},
		{"unknown project", "text/html", "Not Found", 404, Listing{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/api/packages/octo/pypi/simple/demo/" {
					t.Errorf("asked %s", r.URL.Path)
				}
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			defer srv.Close()
			c := testClient(srv.URL + "/api/packages/octo/pypi")
			c.SimpleURL = srv.URL + "/api/packages/octo/pypi/simple/"
			got, err := c.Listing(t.Context(), "Demo")
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Listing = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestListingCredentialsOnlyToUploadHost(t *testing.T) {
	var sawAuth []string
	simple := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawAuth = append(sawAuth, r.Header.Get("Authorization"))
		fmt.Fprint(w, `{"files":[]}`)
	}))
	defer simple.Close()
	// Same host: a private index's simple API needs the credentials.
	c := testClient(simple.URL + "/legacy/")
	if _, err := c.Listing(t.Context(), "demo"); err != nil {
		t.Fatal(err)
	}
	// Another host (PyPI's simple API is pypi.org, uploads go to
	// upload.pypi.org): no credentials.
	u, _ := url.Parse(simple.URL)
	c = testClient("http://localhost:" + u.Port() + "/legacy/")
	c.SimpleURL = simple.URL + "/simple/"
	if _, err := c.Listing(t.Context(), "demo"); err != nil {
		t.Fatal(err)
	}
	if len(sawAuth) != 2 || sawAuth[0] == "" || sawAuth[1] != "" {
		t.Errorf("Authorization headers seen: %q; want one for the upload host, none for another", sawAuth)
	}
}

func TestPrecheck(t *testing.T) {
	same := testFile(t, "same bytes")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<a href="demo-1.0-py3-none-any.whl#sha256=%s">x</a>`, same.Digests.SHA256)
	}))
	defer srv.Close()
	c := testClient(srv.URL + "/legacy/")
	other := testFile(t, "other bytes")
	checks, err := c.Precheck(t.Context(), []*dist.File{same, other})
	if err != nil {
		t.Fatal(err)
	}
	if checks[0].State != Same || checks[1].State != Different || checks[1].IndexSHA256 != same.Digests.SHA256 {
		t.Errorf("Precheck = %+v", checks)
	}
	c.SimpleURL = ""
	if _, err := c.Precheck(t.Context(), []*dist.File{same}); err != ErrNoSimpleAPI {
		t.Errorf("without a simple API: %v", err)
	}
}

func FuzzParseHTMLListing(f *testing.F) {
	f.Add(fmt.Sprintf(giteaPage, "00"))
	f.Add(`<a href="x.whl#sha256=00">x</a><a href='y.tar.gz'>y</a><a href=z>z</a>`)
	base, _ := url.Parse("https://example.org/simple/demo/")
	f.Fuzz(func(t *testing.T, page string) {
		for name, sum := range parseHTMLListing([]byte(page), base) {
			if name == "" {
				t.Fatalf("empty filename from %q", page)
			}
			if sum != strings.ToLower(sum) {
				t.Fatalf("digest %q not lower-case", sum)
			}
		}
	})
}
