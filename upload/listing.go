package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"mime"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
)

// maxListing bounds a project page: PyPI's largest are a few MiB.
const maxListing = 32 << 20

// ErrNoSimpleAPI means the client knows no simple API to ask.
var ErrNoSimpleAPI = errors.New("no simple API known for this index")

// Listing is what an index's simple API lists of a project: filename →
// SHA-256 (lower-case hex; "" when the index gives none).
type Listing map[string]string

// Listing asks the simple API which files a project has, as PEP 691 JSON
// or PEP 503 HTML (whichever the index serves; Gitea serves only HTML). A
// project the index does not know is an empty listing. Credentials go
// only to the host of the upload URL: PyPI's simple API is public and on
// another host.
func (c *Client) Listing(ctx context.Context, project string) (Listing, error) {
	l, _, err := c.listing(ctx, project)
	return l, err
}

// listing is Listing that also tells whether the project page exists.
func (c *Client) listing(ctx context.Context, project string) (Listing, bool, error) {
	root := c.SimpleURL
	if root == "" {
		return nil, false, ErrNoSimpleAPI
	}
	u := strings.TrimSuffix(root, "/") + "/" + dist.NormalizeName(project) + "/"
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Accept", "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1")
	if sameHost(u, c.URL) {
		user, pass, err := c.auth(ctx)
		if err != nil {
			return nil, false, err
		}
		req.SetBasicAuth(user, pass)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, false, fmt.Errorf("upload: simple API: %w", httpx.RedactError(err))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return Listing{}, false, nil
	case resp.StatusCode != http.StatusOK:
		return nil, false, fmt.Errorf("upload: simple API %s answered %s", u, resp.Status)
	}
	body, truncated, err := httpx.ReadCapped(resp.Body, maxListing)
	if err != nil {
		return nil, false, fmt.Errorf("upload: simple API %s: %w", u, err)
	}
	if truncated {
		return nil, false, fmt.Errorf("upload: simple API %s: page larger than %d MiB", u, maxListing>>20)
	}
	// The Content-Type decides; a JSON body sent as text (some indexes
	// and proxies) is still JSON.
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if strings.Contains(ct, "json") || bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		l, err := parseJSONListing(body)
		return l, err == nil, err
	}
	return parseHTMLListing(body, resp.Request.URL), true, nil
}

func parseJSONListing(body []byte) (Listing, error) {
	var page struct {
		Files []struct {
			Filename string            `json:"filename"`
			Hashes   map[string]string `json:"hashes"`
		} `json:"files"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, fmt.Errorf("upload: simple API page is not PEP 691 JSON: %w", err)
	}
	l := Listing{}
	for _, f := range page.Files {
		l[f.Filename] = strings.ToLower(f.Hashes["sha256"])
	}
	return l, nil
}

// anchor finds the links of a PEP 503 page; the page is the index's, so
// nothing more than its anchors is trusted.
var anchor = regexp.MustCompile(`(?is)<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>(.*?)</a\s*>`)

// parseHTMLListing reads a PEP 503 page: each file is an anchor whose
// href ends in the filename, with a #sha256=<hex> fragment when the index
// gives a digest.
func parseHTMLListing(body []byte, base *url.URL) Listing {
	l := Listing{}
	for _, m := range anchor.FindAllSubmatch(body, -1) {
		href := html.UnescapeString(string(m[1]) + string(m[2]) + string(m[3]))
		u, err := url.Parse(href)
		if err != nil {
			continue
		}
		if base != nil {
			u = base.ResolveReference(u)
		}
		name, err := url.PathUnescape(path.Base(u.EscapedPath()))
		if err != nil || name == "" || name == "." || name == "/" {
			name = strings.TrimSpace(html.UnescapeString(string(m[4])))
		}
		sum := ""
		if algo, hex, ok := strings.Cut(u.Fragment, "="); ok && strings.EqualFold(algo, "sha256") {
			sum = strings.ToLower(hex)
		}
		if name != "" {
			l[name] = sum
		}
	}
	return l
}

// State is what the index holds under a file's name.
type State int

const (
	// Absent: the index lists no file of that name.
	Absent State = iota
	// Same: the index has this exact file (same SHA-256).
	Same
	// Different: the index has a file of that name with other content.
	Different
	// Unknown: the index lists the name without a digest.
	Unknown
)

func (s State) String() string {
	return [...]string{"absent", "same", "different", "listed without a digest"}[s]
}

// Check is what the index holds of one local file.
type Check struct {
	File  *dist.File
	State State
	// IndexSHA256 is the digest the index lists, when it lists one.
	IndexSHA256 string
}

// Precheck asks the simple API, before anything is uploaded, what the
// index already holds of each file: one request per project.
func (c *Client) Precheck(ctx context.Context, files []*dist.File) ([]Check, error) {
	pages := map[string]Listing{}
	out := make([]Check, len(files))
	for i, f := range files {
		project := dist.NormalizeName(f.Name())
		l, ok := pages[project]
		if !ok {
			var err error
			if l, err = c.Listing(ctx, project); err != nil {
				return nil, err
			}
			pages[project] = l
		}
		out[i] = checkOf(l, f)
	}
	return out, nil
}

// checkOf is what a listing holds of f.
func checkOf(l Listing, f *dist.File) Check {
	c := Check{File: f, State: Absent}
	sum, listed := l[f.Filename]
	switch {
	case !listed:
	case sum == "":
		c.State = Unknown
	case strings.EqualFold(sum, f.Digests.SHA256):
		c.State, c.IndexSHA256 = Same, sum
	default:
		c.State, c.IndexSHA256 = Different, sum
	}
	return c
}
