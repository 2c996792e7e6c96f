// Package mint exchanges a CI's OIDC ID token for a short-lived PyPI API
// token through the index's trusted publishing endpoints
// (/_/oidc/audience and /_/oidc/mint-token). It never logs: the minted
// token is only ever a return value, and no error carries it or the JWT.
package mint

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/httpx"
)

// Client talks to one index's trusted publishing endpoints.
type Client struct {
	// BaseURL is the scheme and host of the upload URL
	// (https://upload.pypi.org): PyPI serves the OIDC routes on the upload
	// host. Tests use a loopback http:// URL.
	BaseURL *url.URL
	// HTTP must not retry a mint request: PyPI records a JWT's jti before
	// answering, so a re-sent JWT can only fail as already used. Callers
	// retry the whole exchange with a fresh JWT instead.
	HTTP *http.Client
}

// Token is a minted API token.
type Token struct {
	Value   string
	Expires time.Time
}

// String hides the token, so that a stray %v cannot print it.
func (t Token) String() string {
	return "mint.Token{expires " + t.Expires.UTC().Format(time.RFC3339) + "}"
}

// GoString hides the token from %#v.
func (t Token) GoString() string { return t.String() }

// Reason is one entry of a refused mint's "errors" list.
type Reason struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// Error is a failed audience or mint request.
type Error struct {
	// Op is "audience" or "mint".
	Op     string
	Domain string
	// StatusCode is 0 when no answer came (a network error, in Err).
	StatusCode int
	Status     string
	// Reasons are the codes PyPI gave for refusing a mint.
	Reasons []Reason
	// Malformed is set when the answer was not the JSON PyPI sends.
	Malformed bool
	Err       error
}

func (e *Error) Error() string {
	switch {
	case e.Err != nil:
		return fmt.Sprintf("%s request to %s failed: %v", e.Op, e.Domain, e.Err)
	case e.Op == "audience" && e.StatusCode == http.StatusForbidden:
		return fmt.Sprintf("audience retrieval failed: repository at %s has trusted publishing disabled", e.Domain)
	case e.Op == "audience" && e.StatusCode == http.StatusNotFound:
		return fmt.Sprintf("audience retrieval failed: repository at %s does not indicate trusted publishing support", e.Domain)
	case e.Op == "audience":
		return fmt.Sprintf("audience retrieval failed: repository at %s responded with unexpected %s", e.Domain, e.Status)
	case e.StatusCode == http.StatusOK:
		return "Token response error: the index gave us an invalid response."
	case e.Malformed || len(e.Reasons) == 0:
		return fmt.Sprintf("Token request failed: the index produced an unexpected\n%s response.", e.Status)
	}
	var b strings.Builder
	b.WriteString("Token request failed: the server refused the request for the following reasons:\n")
	for _, r := range e.Reasons {
		fmt.Fprintf(&b, "\n* `%s`: %s", r.Code, r.Description)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether trying the exchange again (with a fresh JWT)
// may succeed: no answer at all, or a server error. Not a refused
// redirect or an untrusted certificate, which say the same every time,
// nor a 200 answer that is not what PyPI sends.
func (e *Error) Temporary() bool {
	if e.Err != nil {
		var rerr *httpx.RedirectError
		var cerr *tls.CertificateVerificationError
		return e.StatusCode == 0 && !errors.As(e.Err, &rerr) && !errors.As(e.Err, &cerr)
	}
	return e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests
}

// HasCode reports whether PyPI refused the mint with this error code.
func (e *Error) HasCode(code string) bool {
	for _, r := range e.Reasons {
		if r.Code == code {
			return true
		}
	}
	return false
}

// maxBody bounds what is read from either endpoint.
const maxBody = 64 << 10

// Audience returns the audience the index expects in ID tokens ("pypi",
// "testpypi").
func (c *Client) Audience(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.endpoint("/_/oidc/audience"), nil)
	if err != nil {
		return "", c.fail("audience", err)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return "", c.fail("audience", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return "", c.fail("audience", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", &Error{Op: "audience", Domain: c.BaseURL.Host, StatusCode: resp.StatusCode, Status: resp.Status}
	}
	var a struct {
		Audience string `json:"audience"`
	}
	if json.Unmarshal(body, &a) != nil || a.Audience == "" {
		return "", &Error{Op: "audience", Domain: c.BaseURL.Host, StatusCode: resp.StatusCode, Status: resp.Status, Malformed: true,
			Err: errors.New("the answer has no audience")}
	}
	return a.Audience, nil
}

// Token exchanges jwt for an API token. Send each JWT once: PyPI refuses
// a jti it has seen.
func (c *Client) Token(ctx context.Context, jwt string) (Token, error) {
	payload, _ := json.Marshal(map[string]string{"token": jwt})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint("/_/oidc/mint-token"), bytes.NewReader(payload))
	if err != nil {
		return Token{}, c.fail("mint", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Token{}, c.fail("mint", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Token{}, c.fail("mint", err)
	}
	var answer struct {
		Success bool     `json:"success"`
		Token   string   `json:"token"`
		Expires float64  `json:"expires"`
		Errors  []Reason `json:"errors"`
	}
	malformed := json.Unmarshal(body, &answer) != nil
	e := &Error{Op: "mint", Domain: c.BaseURL.Host, StatusCode: resp.StatusCode, Status: resp.Status, Malformed: malformed, Reasons: answer.Errors}
	if resp.StatusCode != http.StatusOK || malformed || answer.Token == "" {
		return Token{}, e
	}
	t := Token{Value: answer.Token}
	if answer.Expires > 0 {
		t.Expires = time.Unix(int64(answer.Expires), 0)
	} else {
		// PyPI always says; assume its 15 minutes otherwise.
		t.Expires = time.Now().Add(15 * time.Minute)
	}
	return t, nil
}

func (c *Client) endpoint(path string) string {
	u := *c.BaseURL
	u.Path, u.RawQuery, u.User, u.Fragment = path, "", nil, ""
	return u.String()
}

// fail wraps a transport error, keeping only what is safe to show: the
// URL has no secrets, but an error from the request body's encoder might.
func (c *Client) fail(op string, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return &Error{Op: op, Domain: c.BaseURL.Host, Err: err}
}
