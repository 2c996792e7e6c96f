package upload

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// ErrTokenExpired matches an *Error saying the API token expired: a
// trusted-publishing token lives 15 minutes.
var ErrTokenExpired = errors.New("upload: token expired")

// ErrFileExists matches an *Error whose answer says the file already
// exists: a 409, or a 400/403 saying "already exist(s)" (twine's rule).
var ErrFileExists = errors.New("upload: file already exists")

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

// Is reports ErrFileExists for an "already exists" answer and
// ErrTokenExpired for an expired token.
func (e *Error) Is(target error) bool {
	if target == ErrTokenExpired {
		return e.StatusCode == http.StatusForbidden && strings.Contains(strings.ToLower(e.Message), "token is expired")
	}
	if target != ErrFileExists {
		return false
	}
	if e.StatusCode == http.StatusConflict {
		return true
	}
	return (e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusForbidden) &&
		strings.Contains(strings.ToLower(e.Message), "already exist")
}

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

func newError(file, url string, resp *http.Response) *Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &Error{File: file, URL: url, StatusCode: resp.StatusCode, Status: resp.Status, Location: resp.Header.Get("Location")}
	e.Message = messageOf(resp, body)
	e.Hint = hintFor(e)
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

func hintFor(e *Error) string {
	msg := strings.ToLower(e.Message)
	switch {
	case e.StatusCode >= 300 && e.StatusCode < 400:
		if strings.HasSuffix(e.URL, "/legacy") {
			return "the upload URL needs its trailing slash: " + e.URL + "/"
		}
		return "uploads are not redirected (credentials and the file would go where you did not say): set --repository-url to the final upload URL"
	case errors.Is(e, ErrFileExists):
		return "a file with this name (or these exact bytes under another name) is already on the index, and filenames can never be reused, even after deletion: bump the version, or pass --skip-existing to skip files already uploaded"
	case strings.Contains(msg, "previously used by a file that has since been deleted"):
		return "filenames can never be reused: release a new version (or a post-release, e.g. 1.0.post1)"
	case strings.Contains(msg, "username/password authentication"):
		return "set the user to __token__ and the password to an API token, or use trusted publishing"
	case strings.Contains(msg, "invalid or non-existent authentication"):
		return "the token is wrong, revoked or for another index (PyPI and TestPyPI tokens differ); create a token at https://pypi.org/manage/account/token/"
	case strings.Contains(msg, "isn't allowed to upload to project"), strings.Contains(msg, "not valid for project"):
		return "the token is scoped to another project, or your account is not an owner or maintainer of this one"
	case strings.Contains(msg, "too similar to an existing project"), strings.Contains(msg, "isn't allowed"):
		return "PyPI will not register this name: choose another one in your project metadata"
	case strings.Contains(msg, "file too large"), strings.Contains(msg, "project size too large"), e.StatusCode == http.StatusRequestEntityTooLarge:
		return "request a larger limit: https://docs.pypi.org/project-management/storage-limits"
	case strings.Contains(msg, "token is expired"):
		return "the token expired during the upload; with trusted publishing, run again (a new token is minted)"
	case e.StatusCode == http.StatusTooManyRequests:
		return "the index is rate-limiting: wait and run again (already-uploaded files are accepted again or can be skipped with --skip-existing)"
	case e.StatusCode == http.StatusMethodNotAllowed || e.StatusCode == http.StatusNotFound:
		return "this is not a legacy upload endpoint; for PyPI it is https://upload.pypi.org/legacy/ and for TestPyPI https://test.pypi.org/legacy/"
	case e.StatusCode >= 500:
		return "the index failed; the retries ran out. Run again later: identical files already uploaded are accepted again"
	}
	return ""
}
