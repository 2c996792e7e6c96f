// Package httpx is the one HTTP client policy of pypi-publish: every
// client the program uses (index uploads, simple API, token services,
// trusted-publishing exchange, Fulcio, Rekor) is built here, with one
// User-Agent, TLS and proxy set-up, timeouts, retry policy, redirect
// policy and cap on what is read. Callers choose a client by purpose,
// never by copying knobs.
package httpx

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Defaults of Config.
const (
	DefaultTimeout       = 5 * time.Minute
	DefaultRetries       = 5
	DefaultWaitMin       = time.Second
	DefaultWaitMax       = 30 * time.Second
	DefaultRetryAfterMax = 2 * time.Minute
	dialTimeout          = 30 * time.Second
	tlsHandshakeTimeout  = 15 * time.Second
)

// Config is the policy, resolved once from the command line.
type Config struct {
	// UserAgent is sent with every request.
	UserAgent string
	// Retries is how many times a request that may be repeated is sent
	// again after a connection error, a timeout, 429 or a 5xx.
	Retries int
	// RetryWait, when set, replaces the backoff between retries (tests
	// use milliseconds).
	RetryWait time.Duration
	// Timeout bounds every wait for the server once a request is under
	// way: no byte moving in either direction for this long fails the
	// attempt. 0 means DefaultTimeout.
	Timeout time.Duration
	// TLS, when set, is the TLS configuration of every connection
	// (a private CA, a client certificate).
	TLS *tls.Config
	// Log, when set, gets one line per request and answer: method, URL
	// without userinfo or query, status. Never headers or bodies.
	Log func(format string, args ...any)
	// Transport replaces the network transport (tests).
	Transport http.RoundTripper
}

func (c *Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// transport is the stack every client shares in spirit: the network
// transport, a watchdog that ends a stalled attempt, the User-Agent.
func (c *Config) transport() http.RoundTripper {
	inner := c.Transport
	if inner == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
		t.TLSHandshakeTimeout = tlsHandshakeTimeout
		// No ResponseHeaderTimeout: the watchdog bounds that wait with
		// the same timeout, and a second timer racing it would sometimes
		// end the attempt with the transport's error instead of a
		// *TimeoutError.
		if c.TLS != nil {
			t.TLSClientConfig = c.TLS.Clone()
		}
		// Fewer, larger writes: a 1 GiB upload otherwise costs 32768 write
		// calls of 32 KiB (4 KiB buffered).
		t.WriteBufferSize = 256 << 10
		inner = t
	}
	return &userAgent{inner: &watchdog{inner: &tlsExplaining{inner: inner}, timeout: c.timeout()}, ua: c.UserAgent}
}

// Once returns a client that sends each request exactly once: for the
// trusted-publishing exchange, whose caller retries the whole sequence
// with a fresh ID token (PyPI refuses a JWT it has seen), and for
// requests that must not repeat. It never follows a redirect.
func (c *Config) Once() *http.Client {
	return &http.Client{Transport: c.logging(c.transport()), CheckRedirect: refuseRedirect}
}

// Retrying returns a client that retries connection errors, timeouts,
// 429 and 5xx other than 501 with exponential backoff and jitter,
// honours Retry-After up to two minutes, never retries other answers and
// never follows a redirect. Its error handler passes the last answer
// through, so callers see the server's message.
func (c *Config) Retrying() *retryablehttp.Client {
	r := retryablehttp.NewClient()
	r.HTTPClient = &http.Client{Transport: c.transport(), CheckRedirect: refuseRedirect}
	r.Logger = nil
	r.RetryMax = c.Retries
	r.RetryWaitMin, r.RetryWaitMax = DefaultWaitMin, DefaultWaitMax
	if c.RetryWait > 0 {
		r.RetryWaitMin, r.RetryWaitMax = c.RetryWait, c.RetryWait
	}
	r.ErrorHandler = passLastAnswer
	r.CheckRetry = checkRetry
	r.Backoff = backoff(DefaultRetryAfterMax)
	r.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, retry int) {
		if o := observerOf(req.Context()); o != nil {
			o.setAttempts(retry+1, r.RetryMax)
		}
		if c.Log != nil {
			c.Log("%s %s (attempt %d)", req.Method, Redact(req.URL), retry+1)
		}
	}
	if c.Log != nil {
		r.ResponseLogHook = func(_ retryablehttp.Logger, resp *http.Response) {
			c.Log("%s %s -> %s", resp.Request.Method, Redact(resp.Request.URL), resp.Status)
		}
	}
	return r
}

// passLastAnswer is the error handler of Retrying: when the retries ran
// out on an answer, the caller gets that answer (and the server's
// message in it). An error comes alone: a response beside it (a refused
// redirect, a context cancelled after the answer) would leak its
// connection, and http.Client, above StandardClient's round tripper,
// logs "RoundTripper returned a response & error" to stderr.
func passLastAnswer(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, err
	}
	return resp, nil
}

// Standard returns Retrying as a plain *http.Client, for packages that
// take one (token services, Fulcio, Rekor).
func (c *Config) Standard() *http.Client {
	return c.Retrying().StandardClient()
}

// logging wraps a transport for Once clients, which have no retry hooks
// to log from.
func (c *Config) logging(inner http.RoundTripper) http.RoundTripper {
	if c.Log == nil {
		return inner
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		c.Log("%s %s", req.Method, Redact(req.URL))
		resp, err := inner.RoundTrip(req)
		if err == nil {
			c.Log("%s %s -> %s", req.Method, Redact(req.URL), resp.Status)
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

type userAgent struct {
	inner http.RoundTripper
	ua    string
}

func (u *userAgent) RoundTrip(req *http.Request) (*http.Response, error) {
	if u.ua != "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", u.ua)
	}
	return u.inner.RoundTrip(req)
}

var _ http.RoundTripper = (*userAgent)(nil)
