package upload

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/index"
)

// ErrTokenExpired matches an *Error saying the API token expired: a
// trusted-publishing token lives 15 minutes.
var ErrTokenExpired = errors.New("upload: token expired")

// ErrFileExists matches an *Error whose answer says the file may already
// exist: one of existsAnswers. Upload does not take the answer's word for
// it; it asks the simple API and compares digests.
var ErrFileExists = errors.New("upload: file already exists")

// ErrNotAnUpload matches an *Error for a success status whose body is an
// HTML page: a proxy's or single sign-on login page, not the index's
// answer.
var ErrNotAnUpload = errors.New("upload: the answer is a web page, not the index's")

// existsAnswers are how indexes say they already hold a file (their
// documentation, and twine's rules until pypa/twine#1251). They are only
// a hint: the texts change between versions and languages, and a 409 can
// have other causes.
var existsAnswers = []struct {
	status int
	text   string // lower case; "" for any text
}{
	{http.StatusConflict, ""},                     // pypiserver, devpi, Gitea/Forgejo, Azure Artifacts
	{http.StatusBadRequest, "already exist"},      // PyPI, TestPyPI, Google Artifact Registry
	{http.StatusForbidden, "already exist"},       // older Warehouse
	{http.StatusBadRequest, "updating asset"},     // Nexus: "Repository does not allow updating assets"
	{http.StatusForbidden, "overwrite artifact"},  // Artifactory: "… delete/overwrite artifact"
	{http.StatusBadRequest, "already been taken"}, // GitLab
}

// Error is an answer from the index that is not a success.
type Error struct {
	File       string
	URL        string
	StatusCode int
	// Status is the status line as received ("400 File already exists…").
	Status string
	// Message is the index's own explanation: the JSON "message", else a
	// reason phrase that says more than the standard one, else the start
	// of the body.
	Message string
	// Location is set for redirects.
	Location string
	// Hint says what to do, when we know.
	Hint string

	// answer is the reason phrase and the body's text, lower case: what
	// existsAnswers are looked for in (Message holds only one of them).
	answer string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "upload: %s: %s answered %d %s", e.File, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Location != "" {
		b.WriteString(" (Location: " + e.Location + ")")
	}
	if e.Hint != "" {
		b.WriteString("\n  hint: " + e.Hint)
	}
	return b.String()
}

// Is reports ErrFileExists for an answer that says the file may exist,
// ErrTokenExpired for an expired token and ErrNotAnUpload for a web page
// sent with a success status.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrTokenExpired:
		return e.StatusCode == http.StatusForbidden && strings.Contains(strings.ToLower(e.Message), "token is expired")
	case ErrNotAnUpload:
		return e.StatusCode >= 200 && e.StatusCode < 300
	case ErrFileExists:
		text := e.answer + " " + strings.ToLower(e.Message)
		for _, a := range existsAnswers {
			if e.StatusCode == a.status && strings.Contains(text, a.text) {
				return true
			}
		}
	}
	return false
}

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

func (c *Client) newError(file string, resp *http.Response) *Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &Error{File: file, URL: c.URL, StatusCode: resp.StatusCode, Status: resp.Status, Location: resp.Header.Get("Location")}
	e.Message = messageOf(resp, body)
	e.answer = strings.ToLower(resp.Status + " " + textOf(body))
	e.Hint = c.hintFor(e)
	return e
}

func messageOf(resp *http.Response, body []byte) string {
	// PyPI puts its message in the reason phrase (HTTP/1.1 only) and in
	// the body, where Pyramid prefixes it with a generic explanation.
	reason := strings.TrimSpace(strings.TrimPrefix(resp.Status, fmt.Sprint(resp.StatusCode)))
	if reason != "" && reason != http.StatusText(resp.StatusCode) {
		return clip(reason)
	}
	var j struct {
		Message string `json:"message"`
		Detail  string `json:"detail"` // RFC 9457 problem documents
	}
	if json.Unmarshal(body, &j) == nil {
		if m := firstNonEmpty(j.Message, j.Detail); m != "" {
			return clip(withoutExplanation(strings.Join(strings.Fields(m), " ")))
		}
	}
	return clip(withoutExplanation(textOf(body)))
}

// pyramidExplanations are the generic sentences Pyramid puts before the
// message in an error body; they say nothing the status does not.
var pyramidExplanations = []string{
	"The server could not comply with the request since it is either malformed or otherwise incorrect.",
	"Access was denied to this resource.",
}

func withoutExplanation(s string) string {
	s = strings.TrimPrefix(s, "400 Bad Request ")
	s = strings.TrimPrefix(s, "403 Forbidden ")
	for _, e := range pyramidExplanations {
		s = strings.TrimSpace(strings.TrimPrefix(s, e))
	}
	return s
}

var tagRE = regexp.MustCompile(`(?s)<(script|style|title)[^>]*>.*?</(script|style|title)>|<[^>]*>`)

// textOf turns an error page into one line of text.
func textOf(body []byte) string {
	s := string(body)
	if strings.Contains(s, "<") {
		s = html.UnescapeString(tagRE.ReplaceAllString(s, " "))
	}
	return strings.Join(strings.Fields(s), " ")
}

func clip(s string) string {
	const most = 1000
	if len(s) > most {
		return s[:most] + "…"
	}
	return s
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// hintFor says what to do about an answer. PyPI's policies (file names
// are never reused, tokens and their scopes, size limits) are stated only
// when they apply (Client.PyPI); other indexes get hints that hold for
// any index.
func (c *Client) hintFor(e *Error) string {
	msg := strings.ToLower(e.Message)
	switch {
	case e.StatusCode >= 300 && e.StatusCode < 400:
		if strings.HasSuffix(e.URL, "/legacy") {
			return "the upload URL needs its trailing slash: " + e.URL + "/"
		}
		return "uploads are not redirected (credentials and the file would go where you did not say): set --repository-url to the final upload URL"
	case errors.Is(e, ErrFileExists):
		// Upload words it anew once the simple API was asked.
		return c.existsBase()
	case strings.Contains(msg, "token is expired"):
		return "the token expired during the upload; with trusted publishing, run again (a new token is minted)"
	case c.PyPI:
		if h := c.pypiHint(e, msg); h != "" {
			return h
		}
	case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden:
		return "the index refused the credentials: check the user name and the password or token for " + hostOf(e.URL) + ", and that they may upload to this repository"
	case e.StatusCode == http.StatusRequestEntityTooLarge:
		return "the file is larger than the index (or a proxy in front of it) accepts: raise that limit"
	case e.StatusCode == http.StatusMethodNotAllowed || e.StatusCode == http.StatusNotFound:
		return "this is not the index's upload endpoint: check --repository-url against the index's documentation"
	}
	switch {
	case e.StatusCode == http.StatusTooManyRequests:
		return "the index is rate-limiting: wait and run again (files already uploaded can be skipped with --skip-existing)"
	case e.StatusCode >= 500 && c.PyPI:
		return "the index failed; the retries ran out. Run again later: identical files already uploaded are accepted again"
	case e.StatusCode >= 500:
		return "the index failed; the retries ran out. Run again later, with --skip-existing if some files were uploaded"
	}
	return ""
}

// pypiHint knows PyPI's answers and policies.
func (c *Client) pypiHint(e *Error, msg string) string {
	switch {
	case strings.Contains(msg, "previously used by a file that has since been deleted"):
		return "filenames can never be reused: release a new version (or a post-release, e.g. 1.0.post1)"
	case strings.Contains(msg, "username/password authentication"):
		return "set the user to __token__ and the password to an API token, or use trusted publishing"
	case strings.Contains(msg, "invalid or non-existent authentication"):
		return "the token is wrong, revoked or for another index (PyPI and TestPyPI tokens differ); create a token at " + c.tokenPage()
	case strings.Contains(msg, "isn't allowed to upload to project"), strings.Contains(msg, "not valid for project"):
		return "the token is scoped to another project, or your account is not an owner or maintainer of this one"
	case strings.Contains(msg, "too similar to an existing project"), strings.Contains(msg, "isn't allowed"):
		return "PyPI will not register this name: choose another one in your project metadata"
	case strings.Contains(msg, "file too large"), strings.Contains(msg, "project size too large"), e.StatusCode == http.StatusRequestEntityTooLarge:
		return "request a larger limit: " + index.PyPIStorageLimits
	case e.StatusCode == http.StatusMethodNotAllowed || e.StatusCode == http.StatusNotFound:
		return "this is not a legacy upload endpoint; for PyPI it is " + index.PyPIUploadURL + " and for TestPyPI " + index.TestPyPIUploadURL
	}
	return ""
}

// tokenPage is where the target's API tokens are made: TestPyPI's for
// TestPyPI, else PyPI's.
func (c *Client) tokenPage() string {
	if c.Target != nil && c.Target.TokenPage() != "" {
		return c.Target.TokenPage()
	}
	return index.PyPITokenPage
}

// existsHint says what to do about an "already exists" answer, given
// what the simple API said of the file (err: it could not be asked).
func (c *Client) existsHint(chk Check, err error) string {
	switch {
	case err == nil && chk.State == Same:
		return "the index already has this exact file (same SHA-256), so nothing is lost; pass --skip-existing to treat this as success"
	case err == nil && chk.State == Different:
		there := fmt.Sprintf("the index has a file of this name with other content (SHA-256 %s there, %s here)", chk.IndexSHA256, localSHA(chk))
		if c.PyPI {
			return there + ", and filenames can never be reused, even after deletion: bump the version (--skip-existing would skip it and keep the index's copy)"
		}
		return there + ": bump the version, or remove the file on the index if it allows that (--skip-existing would skip it and keep the index's copy)"
	case err == nil && chk.State == Absent:
		if c.PyPI {
			return "the index refused the file as existing, but its simple API does not list it, so it is not skipped: PyPI also refuses a file whose exact bytes it holds under another name"
		}
		return "the index refused the file as existing, but its simple API does not list it, so it is not skipped: the index may refuse it for another reason (a version it holds other files of, for one); look at the project on the index"
	}
	return c.existsBase() + " (" + unknownWhy(err) + ")"
}

// existsBase is the hint for "already exists" before the simple API was
// asked, or when it could not tell.
func (c *Client) existsBase() string {
	if c.PyPI {
		return "a file with this name (or these exact bytes under another name) is already on the index, and filenames can never be reused, even after deletion: bump the version, or pass --skip-existing to skip files already uploaded"
	}
	return "the index says it already has a file of this name: bump the version, or pass --skip-existing to skip files already uploaded"
}

// unknownWhy says why whether the index's copy is identical is unknown.
func unknownWhy(err error) string {
	switch {
	case err == nil:
		return "its simple API lists the file without a digest, so whether it is identical is unknown"
	case errors.Is(err, ErrNoSimpleAPI):
		return "pypi-publish knows no simple API for this index to compare SHA-256 digests with; give one with --check-url"
	case errors.Is(err, errNotListed):
		return fmt.Sprintf("whether it is identical is unknown, as %v: if that is not the index's simple API, give the right one with --check-url", err)
	}
	return fmt.Sprintf("its simple API could not be asked, so whether it is identical is unknown: %v", err)
}

func localSHA(chk Check) string {
	if chk.File == nil {
		return "?"
	}
	return chk.File.Digests.SHA256
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return "the index"
}
