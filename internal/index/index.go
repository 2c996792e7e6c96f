// Package index knows the index a run publishes to: its upload URL and,
// derived from it once, its website, simple API, trusted-publishing
// endpoints and whether PyPI's own rules apply. It is the only place in
// the product that knows PyPI's and TestPyPI's hosts.
package index

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/httpx"
)

// The upload endpoints of PyPI and TestPyPI.
const (
	PyPIUploadURL     = "https://upload.pypi.org/legacy/"
	TestPyPIUploadURL = "https://test.pypi.org/legacy/"
)

// Pages of PyPI's website that messages point to.
const (
	PyPIClassifiersURL = "https://pypi.org/classifiers/"
)

// Kind says which index a target is.
type Kind int

const (
	// Other is any index but PyPI and TestPyPI.
	Other Kind = iota
	// PyPI is pypi.org, uploaded to at upload.pypi.org.
	PyPI
	// TestPyPI is test.pypi.org.
	TestPyPI
)

// pypiHosts describes PyPI and TestPyPI, keyed by upload host.
var pypiHosts = map[string]struct {
	kind                   Kind
	name, website, files   string
	simple, audience, repo string
}{
	"upload.pypi.org": {PyPI, "PyPI", "https://pypi.org", "files.pythonhosted.org", "https://pypi.org/simple/", "pypi", "pypi"},
	"test.pypi.org":   {TestPyPI, "TestPyPI", "https://test.pypi.org", "test-files.pythonhosted.org", "https://test.pypi.org/simple/", "testpypi", "testpypi"},
}

// Named returns the upload URL of a built-in repository name ("pypi",
// "testpypi"), as twine knows them.
func Named(name string) (string, bool) {
	switch strings.ToLower(name) {
	case "pypi":
		return PyPIUploadURL, true
	case "testpypi":
		return TestPyPIUploadURL, true
	}
	return "", false
}

// Target is the index uploads go to.
type Target struct {
	// UploadURL is the legacy upload endpoint.
	UploadURL *url.URL
	// Kind is PyPI, TestPyPI or Other.
	Kind Kind
	// Insecure is plain http to a host that is not loopback, allowed
	// with --allow-insecure-http: worth a warning on every run.
	Insecure bool

	// allowInsecure is the option the target was parsed with, which a
	// check URL given later obeys too.
	allowInsecure bool
	// checkURL is a simple API root the user gave (--check-url): it
	// replaces the one derived from the upload URL.
	checkURL *url.URL
}

// Parse checks an upload URL and returns its target. Plain http is
// allowed only to loopback hosts; credentials and secrets do not belong
// in the URL, where logs would show them.
func Parse(raw string) (*Target, error) {
	return ParseWith(raw, Options{})
}

// Options relax Parse.
type Options struct {
	// AllowInsecureHTTP accepts plain http to any host but PyPI's and
	// TestPyPI's (an intranet index, a CI service container): the
	// credentials then cross the network in clear, which the run warns
	// about (Target.Insecure).
	AllowInsecureHTTP bool
}

// ParseWith is Parse with options.
func ParseWith(raw string, o Options) (*Target, error) {
	u, insecure, err := checkURL("repository URL", raw, o)
	if err != nil {
		return nil, err
	}
	t := &Target{UploadURL: u, Insecure: insecure, allowInsecure: o.AllowInsecureHTTP}
	if h, ok := pypiHosts[t.hostname()]; ok && u.Scheme == "https" {
		t.Kind = h.kind
	}
	return t, nil
}

// checkURL applies the rules every URL a run sends credentials or
// requests to obeys: http(s) with a host, no userinfo, no query or
// fragment, plain http only to loopback unless allowed (never to PyPI).
// what names the URL in errors ("repository URL", "check URL").
func checkURL(what, raw string, o Options) (*url.URL, bool, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	// Hostname, not Host: "https://:443/" has a Host and no host.
	if err != nil || u.Hostname() == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, false, fmt.Errorf("%s %s: expected an http(s) URL such as %s", what, shown(raw), PyPIUploadURL)
	}
	if u.User != nil {
		return nil, false, fmt.Errorf("%s: put credentials in --user/--password, not in the URL, where logs would show them", what)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, false, fmt.Errorf("%s %s has a query string or fragment: an index URL has neither, and what is there (often a secret) would be printed in every message that names the index; remove it", what, httpx.Redact(u))
	}
	insecure := u.Scheme == "http" && !IsLoopback(u.Hostname())
	if _, pypi := pypiHosts[strings.ToLower(u.Hostname())]; insecure && (!o.AllowInsecureHTTP || pypi || PyPIFamily(strings.ToLower(u.Hostname()))) {
		return nil, false, fmt.Errorf("%s %s uses plain http: credentials would cross the network unencrypted; use https (plain http is allowed for loopback test indexes, and for other hosts but PyPI's with --allow-insecure-http)", what, u.Redacted())
	}
	return u, insecure, nil
}

// shown is how an upload URL that was refused appears in the error: a
// mistyped scheme does not make a password or token in it fit to print.
func shown(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		if strings.ContainsAny(raw, "@?#") {
			return "(not a URL)"
		}
		return strconv.Quote(raw)
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	if u.Opaque != "" && strings.ContainsAny(u.Opaque, "@") {
		// "https:user:pass@host" parses with everything in Opaque.
		return "(not a URL)"
	}
	return strconv.Quote(u.String())
}

// hostname is the upload URL's host name, lower case: host names are
// case-insensitive, and PyPI is PyPI however it is spelled.
func (t *Target) hostname() string { return strings.ToLower(t.UploadURL.Hostname()) }

// IsPyPI reports whether the target is PyPI or TestPyPI.
func (t *Target) IsPyPI() bool { return t.Kind != Other }

// PyPIFamily reports whether host belongs to PyPI (*.pypi.org), whose
// upload rules apply there by default.
func PyPIFamily(host string) bool {
	host = strings.ToLower(host)
	return host == "pypi.org" || strings.HasSuffix(host, ".pypi.org")
}

// String is the upload URL.
func (t *Target) String() string { return t.UploadURL.String() }

// Host is the upload URL's host (with port).
func (t *Target) Host() string { return t.UploadURL.Host }

// Name is how messages call the index: PyPI, TestPyPI or its host.
func (t *Target) Name() string {
	if t.IsPyPI() {
		return pypiHosts[t.hostname()].name
	}
	return t.UploadURL.Host
}

// Website is the index's website (https://pypi.org), "" for other
// indexes, whose web pages we cannot know.
func (t *Target) Website() string {
	if t.IsPyPI() {
		return pypiHosts[t.hostname()].website
	}
	return ""
}

// PublisherSite is where trusted publishers are configured: the website
// of PyPI or TestPyPI, pypi.org for other *.pypi.org hosts, else the
// upload URL's origin (a Warehouse test deployment).
func (t *Target) PublisherSite() string {
	switch {
	case t.IsPyPI():
		return t.Website()
	case PyPIFamily(t.hostname()):
		return "https://pypi.org"
	}
	return t.origin()
}

// SimpleURL is the simple API root to check uploaded files against: the
// one given with WithSimpleURL, else PyPI's or TestPyPI's, else the one
// the upload URL's layout gives (see Layout); "" when the layout is not
// one we know, so that the caller says it cannot check rather than ask a
// guessed URL.
func (t *Target) SimpleURL() string {
	if t.checkURL != nil {
		return t.checkURL.String()
	}
	if t.IsPyPI() {
		return pypiHosts[t.hostname()].simple
	}
	simple, _ := t.derivedSimple()
	return simple
}

// Layout names the index whose URL layout the upload URL has ("Gitea or
// Forgejo", "devpi", …): what SimpleURL's answer rests on. "" when the
// layout is not known; "--check-url" when the user gave the simple API.
func (t *Target) Layout() string {
	switch {
	case t.checkURL != nil:
		return "--check-url"
	case t.IsPyPI():
		return t.Name()
	}
	_, name := t.derivedSimple()
	return name
}

// WithSimpleURL returns a copy of t whose simple API is raw (uv's
// --check-url), checked as the upload URL is: http(s), no credentials,
// query or fragment, plain http only to loopback unless the target was
// parsed with AllowInsecureHTTP, and never to PyPI's hosts.
func (t *Target) WithSimpleURL(raw string) (*Target, error) {
	u, _, err := checkURL("check URL", raw, Options{AllowInsecureHTTP: t.allowInsecure})
	if err != nil {
		return nil, err
	}
	c := *t
	c.checkURL = u
	return &c, nil
}

// layout is how one index lays out its upload URL and simple API. match
// gets the lower-case host and the segments of the escaped path (no
// empty ones: trailing slashes do not matter) and returns the segments
// of the simple API root, or false.
type layout struct {
	name  string
	match func(host string, segs []string) ([]string, bool)
}

// layouts are tried in order: the specific shapes before the loose ones
// (devpi's /USER/INDEX/ and pypiserver's root match many URLs, so they
// come last and refuse segments that belong to other shapes). The
// shapes come from each index's documentation; Gitea's was checked
// against Gitea 1.26 (.ci/gitea-index).
var layouts = []layout{
	// Warehouse (PyPI's software) and indexes that copy its URLs.
	{"Warehouse", suffix(1, func(s []string) bool { return s[0] == "legacy" }, true)},
	// /api/packages/OWNER/pypi
	{"Gitea or Forgejo", suffix(4, func(s []string) bool { return s[0] == "api" && s[1] == "packages" && s[3] == "pypi" }, false)},
	// /api/v4/projects/ID/packages/pypi (ID may be an escaped path).
	{"GitLab", suffix(6, func(s []string) bool {
		return s[0] == "api" && s[1] == "v4" && s[2] == "projects" && s[4] == "packages" && s[5] == "pypi"
	}, false)},
	// /_packaging/FEED/pypi/upload (dev.azure.com, visualstudio.com and
	// Azure DevOps Server alike).
	{"Azure Artifacts", suffix(4, func(s []string) bool { return s[0] == "_packaging" && s[2] == "pypi" && s[3] == "upload" }, true)},
	// [/artifactory]/api/pypi/REPO
	{"Artifactory", suffix(3, func(s []string) bool { return s[0] == "api" && s[1] == "pypi" }, false)},
	// [/nexus]/repository/REPO
	{"Nexus Repository", suffix(2, func(s []string) bool { return s[0] == "repository" }, false)},
	// DOMAIN-OWNER.d.codeartifact.REGION.amazonaws.com/pypi/REPO
	{"AWS CodeArtifact", func(host string, segs []string) ([]string, bool) {
		ok := strings.HasSuffix(host, ".amazonaws.com") && strings.Contains(host, ".d.codeartifact.") &&
			len(segs) == 2 && segs[0] == "pypi"
		return append(segs[:len(segs):len(segs)], "simple"), ok
	}},
	// LOCATION-python.pkg.dev/PROJECT/REPO
	{"Google Artifact Registry", func(host string, segs []string) ([]string, bool) {
		ok := strings.HasSuffix(host, "-python.pkg.dev") && len(segs) == 2
		return append(segs[:len(segs):len(segs)], "simple"), ok
	}},
	// /USER/INDEX: two segments that are neither devpi's own routes
	// (+simple, +api) nor words other layouts use.
	{"devpi", func(host string, segs []string) ([]string, bool) {
		ok := len(segs) == 2 && !notDevpi[strings.ToLower(segs[0])] && !notDevpi[strings.ToLower(segs[1])] &&
			!strings.HasPrefix(segs[0], "+") && !strings.HasPrefix(segs[1], "+")
		return append(segs[:len(segs):len(segs)], "+simple"), ok
	}},
	// pypiserver uploads to its root.
	{"pypiserver", func(host string, segs []string) ([]string, bool) {
		return []string{"simple"}, len(segs) == 0
	}},
}

// notDevpi are path segments that say a two-segment URL is not devpi's
// /USER/INDEX/ (devpi's root/pypi is a read-only mirror of PyPI).
var notDevpi = map[string]bool{"api": true, "legacy": true, "upload": true, "simple": true, "pypi": true, "packages": true, "repository": true}

// suffix matches paths whose last n segments satisfy ok; the simple API
// is the path with "simple" appended, or replacing the last segment
// (legacy/ → simple/, upload/ → simple/).
func suffix(n int, ok func([]string) bool, replaceLast bool) func(string, []string) ([]string, bool) {
	return func(_ string, segs []string) ([]string, bool) {
		if len(segs) < n || !ok(segs[len(segs)-n:]) {
			return nil, false
		}
		out := append([]string(nil), segs...)
		if replaceLast {
			out = out[:len(out)-1]
		}
		return append(out, "simple"), true
	}
}

// derivedSimple is the simple API root the upload URL's layout gives,
// and the layout's name.
func (t *Target) derivedSimple() (string, string) {
	// The escaped path, so that an escaped slash in a private index's
	// path (GitLab's group%2Fproject) stays escaped.
	var segs []string
	for _, s := range strings.Split(t.UploadURL.EscapedPath(), "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	for _, l := range layouts {
		simple, ok := l.match(t.hostname(), segs)
		if !ok {
			continue
		}
		u, err := url.Parse(t.origin() + "/" + strings.Join(simple, "/") + "/")
		if err != nil {
			return "", ""
		}
		return u.String(), l.name
	}
	return "", ""
}

// TokenPage is where API tokens for the index are made: PyPI's or
// TestPyPI's page (they are separate accounts), "" for other indexes.
func (t *Target) TokenPage() string {
	if !t.IsPyPI() {
		return ""
	}
	return t.Website() + "/manage/account/token/"
}

// PyPITokenPage is PyPI's TokenPage, for messages that have no target.
const PyPITokenPage = "https://pypi.org/manage/account/token/"

// PyPIStorageLimits is where PyPI explains its file and project size
// limits and how to ask for more.
const PyPIStorageLimits = "https://docs.pypi.org/project-management/storage-limits"

// ProjectURL is the release page of name (normalized) and version on
// PyPI or TestPyPI; "" elsewhere.
func (t *Target) ProjectURL(name, version string) string {
	if !t.IsPyPI() {
		return ""
	}
	return fmt.Sprintf("%s/project/%s/%s/", t.Website(), name, version)
}

// FileURL is where PyPI serves an uploaded file: its path comes from the
// BLAKE2b-256 digest. "" for other indexes.
func (t *Target) FileURL(blake2b256, filename string) string {
	if !t.IsPyPI() || len(blake2b256) < 5 {
		return ""
	}
	host := pypiHosts[t.hostname()].files
	return fmt.Sprintf("https://%s/packages/%s/%s/%s/%s", host, blake2b256[:2], blake2b256[2:4], blake2b256[4:], url.PathEscape(filename))
}

// ErrForeignAudience is an index asking for an ID token whose audience
// belongs to another index.
var ErrForeignAudience = errors.New("ID token audience belongs to another index")

// reservedAudiences are the audiences only PyPI and TestPyPI may get: an
// ID token for one lets whoever holds it mint an API token for the
// user's projects there.
var reservedAudiences = map[string]Kind{"pypi": PyPI, "testpypi": TestPyPI}

// CheckAudience refuses an ID token audience that belongs to an index
// other than the target: any server can answer /_/oidc/audience with
// "pypi", and the token it would get is as good as a PyPI API token.
func (t *Target) CheckAudience(aud string) error {
	owner, reserved := reservedAudiences[aud]
	if !reserved || owner == t.Kind {
		return nil
	}
	name := "PyPI"
	if owner == TestPyPI {
		name = "TestPyPI"
	}
	return fmt.Errorf("%w: %s asks for an ID token with the audience %q, which belongs to %s; "+
		"whoever holds such a token can publish to your %s projects, so pypi-publish sends it only to %s's upload URL. "+
		"Check the repository URL; to publish to %s, use --repository %s",
		ErrForeignAudience, t.UploadURL.Host, aud, name, name, name, name, aud)
}

// OIDCBase is the scheme and host serving the trusted-publishing routes
// (/_/oidc/audience, mint-token, burn-token): the upload host on PyPI.
func (t *Target) OIDCBase() *url.URL {
	return &url.URL{Scheme: t.UploadURL.Scheme, Host: t.UploadURL.Host}
}

func (t *Target) origin() string {
	return t.UploadURL.Scheme + "://" + t.UploadURL.Host
}

// IsLoopback reports whether host is localhost or a loopback address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
