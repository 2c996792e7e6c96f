// Package upload sends distributions to an index through the legacy upload
// API (the multipart form twine sends), streaming each file from disk,
// retrying only what is safe to retry, and turning the index's answers into
// errors that say what happened and what to do.
package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"github.com/pypi-publish/pypi-publish/internal/index"
)

// Outcome is what became of one file.
type Outcome int

const (
	// Uploaded means the index accepted the file.
	Uploaded Outcome = iota + 1
	// Skipped means the index already had a file of that name and
	// SkipExisting was set.
	Skipped
	// Present means a retry was told the file exists and the index's
	// simple API shows the same bytes: an earlier attempt landed.
	Present
)

func (o Outcome) String() string {
	switch o {
	case Uploaded:
		return "uploaded"
	case Skipped:
		return "skipped"
	case Present:
		return "uploaded (confirmed on the index after a retry)"
	}
	return "failed"
}

// Client uploads to one legacy upload endpoint.
type Client struct {
	// URL is the upload endpoint, e.g. https://upload.pypi.org/legacy/.
	URL string
	// Username and Password are sent as HTTP Basic credentials
	// ("__token__" and the API token for PyPI).
	Username, Password string
	// Credentials, when set, replaces Username and Password and is asked
	// before each file: a trusted-publishing token expires after 15
	// minutes and is minted again while a long release uploads.
	Credentials func(ctx context.Context) (username, password string, err error)
	// SimpleURL is the index's simple API root (index.Target.SimpleURL),
	// asked whenever an answer says a file may already exist, or is not
	// the index's; "" when the index has none we know of, and then the
	// run says it could not check.
	SimpleURL string
	// PyPI says PyPI's upload policies apply (PyPI, TestPyPI, or PyPI's
	// rules asked for): hints then state them (file names are never
	// reused, token scopes, size limits). Other indexes differ: Gitea
	// takes a deleted version's file name again.
	PyPI bool
	// Target, when set, is the index; hints take PyPI's pages from it
	// (TestPyPI's token page for TestPyPI).
	Target *index.Target
	// HTTP sends the requests; its policy (retries, redirects, timeouts)
	// is httpx's.
	HTTP *retryablehttp.Client
}

// Options are per-upload settings.
type Options struct {
	// SkipExisting treats "file already exists" answers as skipped files,
	// as twine --skip-existing does.
	SkipExisting bool
	// Attestations is the JSON array of PEP 740 attestations, or "".
	Attestations string
	// OnRetry, when set, is told each time an attempt failed and another
	// follows, with why.
	OnRetry func(attempt int, reason string)
	// Progress, when set, is called with the bytes of the file sent so
	// far in the current attempt (it restarts at 0 on a retry).
	Progress func(sent int64)
}

// Result describes a finished upload.
type Result struct {
	Outcome  Outcome
	Attempts int
	Elapsed  time.Duration
	// Note explains a Skipped or Present outcome, or an Uploaded one
	// that had to be confirmed.
	Note string
	// Different is set for a file skipped because the index holds a file
	// of that name with other content: what users download is not the
	// local file, worth a warning.
	Different bool
	// IndexSHA256 is the digest the index's simple API lists for the
	// file, when it was asked and lists one.
	IndexSHA256 string
}

// Upload sends f. A returned error is an *Error for an answer from the
// index, or a transport error after the retries ran out.
func (c *Client) Upload(ctx context.Context, f *dist.File, opts Options) (Result, error) {
	start := time.Now()
	fm, err := newForm(f, opts.Attestations)
	if err != nil {
		return Result{}, err
	}
	obs := &httpx.Observer{OnRetry: opts.OnRetry}
	ctx = httpx.Observe(ctx, obs)
	body := func() (io.Reader, error) {
		fh, err := os.Open(f.Path)
		if err != nil {
			return nil, fmt.Errorf("upload: %w", err)
		}
		if opts.Progress != nil {
			opts.Progress(0)
		}
		return &bodyReader{
			Reader: io.MultiReader(
				bytes.NewReader(fm.head),
				&progressReader{r: io.LimitReader(fh, f.Size), report: opts.Progress},
				bytes.NewReader(fm.tail)),
			file: fh,
			n:    fm.length(f.Size),
		}, nil
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, c.URL, retryablehttp.ReaderFunc(body))
	if err != nil {
		return Result{}, fmt.Errorf("upload: %s: %w", f.Filename, err)
	}
	req.ContentLength = fm.length(f.Size)
	req.Header.Set("Content-Type", fm.contentType)
	// JSON carries PyPI's message over HTTP/2 too, where the reason phrase
	// that holds it in HTTP/1.1 does not exist.
	req.Header.Set("Accept", "application/json;q=0.9, text/plain;q=0.8, text/html;q=0.7")
	user, pass, err := c.auth(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("upload: %s: %w", f.Filename, err)
	}
	req.SetBasicAuth(user, pass)

	resp, err := c.HTTP.Do(req)
	res := Result{Attempts: max(obs.Attempts(), 1), Elapsed: time.Since(start)}
	var rerr *httpx.RedirectError
	if errors.As(err, &rerr) {
		return res, c.redirected(f.Filename, rerr)
	}
	if err != nil {
		return res, fmt.Errorf("upload: %s: %w", f.Filename, httpx.RedactError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, htmlSniff))
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		if isHTMLPage(head) {
			return c.notAnUpload(ctx, f, res, resp, head)
		}
		res.Outcome = Uploaded
		return res, nil
	}
	uerr := c.newError(f.Filename, resp)
	if errors.Is(uerr, ErrFileExists) {
		return c.fileExists(ctx, f, opts, res, uerr)
	}
	return res, uerr
}

func (c *Client) auth(ctx context.Context) (string, string, error) {
	if c.Credentials != nil {
		return c.Credentials(ctx)
	}
	return c.Username, c.Password, nil
}

// fileExists decides what an "already exists" answer means, by the
// simple API's digests rather than the answer's words: after a retry it
// may be our own earlier attempt that landed; with SkipExisting the file
// is skipped, saying whether the index's copy is the same, or that it
// could not be told. A file the simple API does not list is not skipped:
// the release would lack it.
func (c *Client) fileExists(ctx context.Context, f *dist.File, opts Options, res Result, uerr *Error) (Result, error) {
	chk, err := c.lookup(ctx, f)
	if err == nil {
		res.IndexSHA256 = chk.IndexSHA256
	}
	switch {
	case err == nil && chk.State == Same && res.Attempts > 1:
		res.Outcome = Present
		res.Note = "an earlier attempt was stored: the index lists this file with the same SHA-256"
		return res, nil
	case err == nil && chk.State == Absent:
	case opts.SkipExisting:
		res.Outcome = Skipped
		switch {
		case err == nil && chk.State == Same:
			res.Note = "already on the index, identical (same SHA-256)"
		case err == nil && chk.State == Different:
			res.Different = true
			res.Note = fmt.Sprintf("already on the index with DIFFERENT content (SHA-256 differs): the local file is not what users download (index %s, local %s)", chk.IndexSHA256, f.Digests.SHA256)
		default:
			res.Note = "the index says it already has a file of this name; " + unknownWhy(err)
		}
		return res, nil
	}
	uerr.Hint = c.existsHint(chk, err)
	return res, uerr
}

// htmlSniff is how much of a success answer is looked at for a web page.
const htmlSniff = 1 << 10

// isHTMLPage reports whether the start of an answer is a web page: markup
// (not JSON or text that quotes a tag) with an html element or doctype in
// its first KiB, after whatever comments or XML declaration come first.
// PyPI's own success answer is an empty body sent as text/html, so the
// body decides, not the Content-Type.
func isHTMLPage(head []byte) bool {
	h := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n"))
	return bytes.HasPrefix(h, []byte("<")) &&
		(bytes.Contains(h, []byte("<html")) || bytes.Contains(h, []byte("<!doctype html")))
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title`)

// notAnUpload handles a success status with a web page for a body: a
// proxy or single sign-on page that answered instead of the index, which
// may not have seen the file. Only the simple API can tell; without one
// that lists the file with the same digest, it is a failure.
func (c *Client) notAnUpload(ctx context.Context, f *dist.File, res Result, resp *http.Response, head []byte) (Result, error) {
	chk, err := c.lookup(ctx, f)
	if err == nil && chk.State == Same {
		res.Outcome = Uploaded
		res.IndexSHA256 = chk.IndexSHA256
		res.Note = "the index answered with a web page, but its simple API lists the file with the same SHA-256"
		return res, nil
	}
	e := &Error{File: f.Filename, URL: c.URL, StatusCode: resp.StatusCode, Status: resp.Status,
		Message: "the answer is a web page, not an upload result"}
	if m := titleRE.FindSubmatch(head); m != nil {
		if t := textOf(m[1]); t != "" {
			e.Message += fmt.Sprintf(" (titled %q)", clip(t))
		}
	}
	checked := "the index's simple API does not list the file with this SHA-256"
	switch {
	case errors.Is(err, ErrNoSimpleAPI):
		checked = "whether the file reached the index is unknown, as no simple API is known to ask (give one with --check-url)"
	case err != nil:
		checked = fmt.Sprintf("whether the file reached the index is unknown, as its simple API could not be asked: %v", err)
	}
	e.Hint = "a proxy or single sign-on (SSO) login page in front of the index probably answered instead of the index; " + checked +
		". Check that --repository-url reaches the index itself and that the credentials get past the proxy"
	return res, e
}

// redirected turns a refused redirect into the index's answer: an upload
// never follows one (the credentials and the file would go where the
// user did not say).
func (c *Client) redirected(file string, rerr *httpx.RedirectError) *Error {
	e := &Error{File: file, URL: c.URL, StatusCode: rerr.StatusCode, Status: rerr.Status, Location: rerr.To}
	e.Hint = c.hintFor(e)
	return e
}

// bodyReader is one attempt's body: it has the length retryablehttp needs
// to set Content-Length (no chunked uploads) and closes the file.
type bodyReader struct {
	io.Reader
	file *os.File
	n    int64
}

func (b *bodyReader) Len() int     { return int(b.n) }
func (b *bodyReader) Close() error { return b.file.Close() }

type progressReader struct {
	r      io.Reader
	sent   int64
	report func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.sent += int64(n)
	if p.report != nil && n > 0 {
		p.report(p.sent)
	}
	return n, err
}
