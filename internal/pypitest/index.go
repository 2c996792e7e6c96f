// Package pypitest is a stand-in for PyPI (Warehouse) that runs inside a
// test: an http.Handler serving the legacy upload API (POST /legacy/), the
// Simple and JSON read APIs, the uploaded files themselves, and trusted
// publishing (GET /_/oidc/audience, POST /_/oidc/mint-token and
// /_/oidc/burn-token), which
// verifies ID tokens against the JWKS of the issuers a test trusts.
//
// It checks an upload in the order Warehouse does and refuses it with
// Warehouse's words, put where Warehouse puts them: in the HTTP reason
// phrase (so the status line reads "400 File already exists (…)") and in a
// Pyramid-style error page. Tests can inspect what was stored, and inject
// the faults a real upload meets (5xx answers from the CDN, dropped
// connections, slow answers).
//
// Use it with httptest.NewServer, which speaks HTTP/1.1: the custom reason
// phrases are written on a hijacked connection, which HTTP/2 does not
// allow (the stand-in then falls back to the standard phrase).
package pypitest

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
)

// Options configures an Index. The zero value is PyPI with a 100 MiB file
// limit and contents not kept.
type Options struct {
	// Host is "pypi.org" (the default) or "test.pypi.org"; it appears in
	// the help URLs of error messages.
	Host string
	// Audience is the OIDC audience the index announces and expects;
	// "" is PyPI's for Host. A stand-in served anywhere but PyPI's hosts
	// needs its own: pypi-publish sends a "pypi" token only to PyPI.
	Audience string
	// KeepContent keeps uploaded bytes in memory, so tests can compare
	// them and the files can be downloaded. When false only sizes and
	// digests are kept, which lets benchmarks upload gigabytes.
	KeepContent bool
	// MaxFileSize is the per-file limit; 0 means PyPI's 100 MiB.
	MaxFileSize int64
	// MaxProjectSize is the limit on a project's total size; 0 means
	// PyPI's 10 GiB.
	MaxProjectSize int64
	// NewProjectLimit caps how many projects the user may create (PyPI
	// allows a few a day; the count includes failed uploads). 0 means no
	// limit.
	NewProjectLimit int
	// Now is the clock, for upload times and the 14-day rule; nil means
	// time.Now.
	Now func() time.Time
	// Username is the account owning user-wide tokens and the projects
	// added with AddProject; "" means "pypitest".
	Username string
}

// File is a stored distribution file.
type File struct {
	Project   string // normalized project name
	Version   string // the release's version, normalized
	Filename  string
	Filetype  string // "sdist" or "bdist_wheel"
	PyVersion string // "source" for sdists
	SHA256    string // lowercase hex
	MD5       string
	Blake2    string // blake2b-256
	Size      int64
	Content   []byte // nil unless Options.KeepContent

	// Form holds every non-file form field as received, values in order.
	Form map[string][]string
	// FieldOrder lists the names of all parts (including "content") in
	// the order received.
	FieldOrder []string
	// Attestations is the raw attestations field, "" if none was sent.
	Attestations string
	// Metadata is the wheel's METADATA file, served as <file>.metadata;
	// nil for sdists.
	Metadata   []byte
	UploadTime time.Time
}

// RequestLog records one request the Index answered.
type RequestLog struct {
	Method   string
	Path     string
	Status   int    // 0 when the connection was dropped on purpose
	Username string // the Basic auth username as sent; never a password or token
}

// Index is the stand-in. Its methods are safe for concurrent use.
type Index struct {
	opts Options
	// aud replaces opts.Audience once SetAudience is called.
	aud atomic.Pointer[string]
	// noBurn makes burn-token absent (404).
	noBurn atomic.Bool

	mu       sync.Mutex
	projects map[string]*project // by normalized name
	files    []*storedFile       // every stored file, in upload order
	deleted  map[string]bool     // filenames of deleted files, never reusable
	tokens   map[string]*identity
	created  map[string]int // projects created per user
	uploads  int
	requests []RequestLog
	faults   []fault
	delay    time.Duration
	serial   int
	tmpDir   string
	tp       trust // trusted publishing, see oidc.go
}

type project struct {
	name       string // display name, as last uploaded
	normalized string
	owner      string
	releases   []*release
	size       int64
	serial     int
}

type release struct {
	version        string // normalized, as first uploaded
	parsed         pep440.Version
	created        time.Time
	summary        string
	requiresPython string
	files          []*storedFile
}

type storedFile struct {
	File
	requiresPython string
	metadataSHA256 string
	provenance     []byte // PEP 740 provenance object, nil without attestations
}

// identity is who an upload authenticates as. API tokens belong to a user;
// trusted-publishing tokens belong to a publisher and no user.
type identity struct {
	user      string
	projects  []string // normalized names a scoped token may upload to; nil means any
	publisher *publisher
	// notBefore and expires bound a minted token's life (its Expiration
	// caveat); zero for tokens that never expire.
	notBefore, expires time.Time
}

// publisher is the identity of a trusted publisher as a token carries it,
// what provenance objects name.
type publisher struct {
	Kind        string // "GitHub", "GitLab" or "Google"
	Repository  string // GitHub "owner/name", GitLab "namespace/project"
	Workflow    string // GitHub workflow file, GitLab CI file path
	Environment string
	Email       string // Google
}

// NewIndex returns an empty index.
func NewIndex(opts Options) *Index {
	if opts.Host == "" {
		opts.Host = "pypi.org"
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = 100 << 20
	}
	if opts.MaxProjectSize <= 0 {
		opts.MaxProjectSize = 10 << 30
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Username == "" {
		opts.Username = "pypitest"
	}
	return &Index{
		opts:     opts,
		projects: map[string]*project{},
		deleted:  map[string]bool{},
		tokens:   map[string]*identity{},
		created:  map[string]int{},
	}
}

// ServeHTTP routes a request to the upload or read APIs.
func (i *Index) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w}
	defer func() {
		user, _, _ := r.BasicAuth()
		i.mu.Lock()
		i.requests = append(i.requests, RequestLog{Method: r.Method, Path: r.URL.Path, Status: rec.status, Username: user})
		i.mu.Unlock()
	}()
	p := r.URL.Path
	switch {
	case p == "/legacy/":
		i.serveLegacy(rec, r)
	case p == "/legacy":
		if r.Method != http.MethodPost {
			http.NotFound(rec, r)
			return
		}
		io.Copy(io.Discard, r.Body) // answer only once the upload is in, as PyPI's proxy does
		rec.Header().Set("Location", "/legacy/")
		i.refuse(rec, r, http.StatusPermanentRedirect,
			"An upload was attempted to /legacy but the expected upload URL is /legacy/ (with a trailing slash)")
	case p == "/simple" || strings.HasPrefix(p, "/simple/"):
		i.serveSimple(rec, r)
	case strings.HasPrefix(p, "/pypi/"):
		i.serveJSON(rec, r)
	case strings.HasPrefix(p, "/packages/"):
		i.serveFile(rec, r)
	case strings.HasPrefix(p, "/integrity/"):
		i.serveProvenance(rec, r)
	case p == "/_/oidc/audience":
		i.serveAudience(rec, r)
	case p == "/_/oidc/mint-token" || p == "/_/oidc/github/mint-token":
		i.serveMint(rec, r)
	case p == "/_/oidc/burn-token":
		i.serveBurn(rec, r)
	default:
		http.NotFound(rec, r)
	}
}

// helpURL expands Warehouse's help links for the configured host.
func (i *Index) helpURL(anchor string) string {
	return "See https://" + i.opts.Host + "/help/#" + anchor + " for more information."
}
