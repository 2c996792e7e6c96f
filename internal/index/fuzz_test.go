package index

import (
	"net/url"
	"testing"
)

// FuzzParse: Parse never panics, and what it accepts is an http(s) URL
// with a host, no userinfo, and plain http only to loopback; everything
// derived from an accepted target stays on http(s).
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		PyPIUploadURL, TestPyPIUploadURL,
		"http://127.0.0.1:8080/legacy/", "http://[::1]:1/legacy", "https://example.org/repo/legacy",
		"https://u:p@upload.pypi.org/legacy/", "http://upload.pypi.org/legacy/", "ftp://x/",
		"https://:443/", "https:opaque", "//host/path", "%zz", "", " https://a/legacy/?q#f ",
		"https://example.org/a%2Fb/legacy/", "https://h/api/packages/o/pypi", "https://h/_packaging/f/pypi/upload/",
		"https://h.d.codeartifact.r.amazonaws.com/pypi/r/", "https://l-python.pkg.dev/p/r/", "https://h/u/i/",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		target, err := Parse(raw)
		if err != nil {
			if target != nil {
				t.Fatalf("Parse(%q) returned a target beside error %v", raw, err)
			}
			return
		}
		u := target.UploadURL
		if u.Scheme != "https" && u.Scheme != "http" {
			t.Fatalf("Parse(%q) accepted scheme %q", raw, u.Scheme)
		}
		if u.Hostname() == "" {
			t.Fatalf("Parse(%q) accepted a URL without a host", raw)
		}
		if u.User != nil {
			t.Fatalf("Parse(%q) accepted userinfo", raw)
		}
		if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
			t.Fatalf("Parse(%q) accepted plain http to %q", raw, u.Hostname())
		}
		if target.IsPyPI() && u.Scheme != "https" {
			t.Fatalf("Parse(%q) took plain http for %s", raw, target.Name())
		}
		// Nothing derived may panic, and the derived URLs are http(s).
		_ = target.Name() + target.Host() + target.Website() + target.String()
		_ = target.ProjectURL("demo", "1.0") + target.FileURL("0123456789", "f.whl")
		for _, derived := range []string{target.SimpleURL(), target.PublisherSite(), target.OIDCBase().String()} {
			if derived == "" {
				continue
			}
			d, err := url.Parse(derived)
			if err != nil || (d.Scheme != "https" && d.Scheme != "http") || d.User != nil {
				t.Fatalf("Parse(%q): derived URL %q is not a clean http(s) URL (%v)", raw, derived, err)
			}
		}
	})
}
