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
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
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
	// SimpleURL is the index's simple API root, used to confirm a file
	// that a retry was told already exists; "" when the index has none
	// we know of.
	SimpleURL string
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
	// Note explains a Skipped or Present outcome.
	Note string
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
		return res, redirected(f.Filename, c.URL, rerr)
	}
	if err != nil {
		return res, fmt.Errorf("upload: %s: %w", f.Filename, httpx.RedactError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		res.Outcome = Uploaded
		return res, nil
	}
	uerr := newError(f.Filename, c.URL, resp)
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

// fileExists decides what an "already exists" answer means: after a retry
// it may be our own earlier attempt that landed; with SkipExisting the
// file is skipped (and we say whether the index's copy is the same).
func (c *Client) fileExists(ctx context.Context, f *dist.File, opts Options, res Result, uerr *Error) (Result, error) {
	same, err := c.confirm(ctx, f)
	switch {
	case err == nil && same && res.Attempts > 1:
		res.Outcome = Present
		res.Note = "an earlier attempt was stored: the index lists this file with the same SHA-256"
		return res, nil
	case opts.SkipExisting:
		res.Outcome = Skipped
		switch {
		case err == nil && same:
			res.Note = "already on the index, identical (same SHA-256)"
		case err == nil:
			res.Note = "already on the index with DIFFERENT content (SHA-256 differs): the local file is not what users download"
		default:
			res.Note = "already on the index"
		}
		return res, nil
	}
	if err == nil && same {
		uerr.Hint = "the index already has this exact file (same SHA-256), so nothing is lost; pass --skip-existing to treat this as success"
	}
	return res, uerr
}

// redirected turns a refused redirect into the index's answer: an upload
// never follows one (the credentials and the file would go where the
// user did not say).
func redirected(file, url string, rerr *httpx.RedirectError) *Error {
	e := &Error{File: file, URL: url, StatusCode: rerr.StatusCode, Status: rerr.Status, Location: rerr.To}
	e.Hint = hintFor(e)
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
