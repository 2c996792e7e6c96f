package upload

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// HTTPConfig is the retry and transport policy for talking to an index.
type HTTPConfig struct {
	// Retries is how many times a failed request is sent again.
	Retries int
	// WaitMin and WaitMax bound the exponential backoff between attempts.
	WaitMin, WaitMax time.Duration
	// RetryAfterMax caps how long a Retry-After answer can make us wait.
	RetryAfterMax time.Duration
	// UserAgent is sent with every request.
	UserAgent string
	// Log, when set, gets one line per request and response (no headers,
	// no bodies: nothing secret).
	Log func(format string, args ...any)
	// Transport overrides the HTTP transport (tests); nil uses a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
}

// NewHTTP returns a client that retries connection errors, 429 and 5xx
// other than 501 with exponential backoff and jitter, honours Retry-After
// up to RetryAfterMax, never retries other answers and never follows
// redirects: a redirected upload would re-send credentials and a large
// body to a place the user did not name.
func NewHTTP(cfg HTTPConfig) *retryablehttp.Client {
	transport := cfg.Transport
	if transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// Fewer, larger writes: a 1 GiB upload otherwise costs 32768 write
		// calls of 32 KiB (4 KiB buffered).
		t.WriteBufferSize = 256 << 10
		transport = t
	}
	c := retryablehttp.NewClient()
	c.HTTPClient = &http.Client{
		Transport: &userAgent{inner: transport, ua: cfg.UserAgent},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	c.Logger = nil
	c.RetryMax = cfg.Retries
	c.RetryWaitMin, c.RetryWaitMax = cfg.WaitMin, cfg.WaitMax
	c.ErrorHandler = retryablehttp.PassthroughErrorHandler
	c.CheckRetry = checkRetry
	c.Backoff = backoff(cfg.RetryAfterMax)
	c.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, retry int) {
		if st, ok := req.Context().Value(stateKey{}).(*requestState); ok {
			st.attempts = retry + 1
		}
		if cfg.Log != nil {
			cfg.Log("%s %s (attempt %d)", req.Method, redact(req.URL), retry+1)
		}
	}
	if cfg.Log != nil {
		c.ResponseLogHook = func(_ retryablehttp.Logger, resp *http.Response) {
			cfg.Log("%s %s -> %s", resp.Request.Method, redact(resp.Request.URL), resp.Status)
		}
	}
	return c
}

// WithUserAgent returns a transport that sets the User-Agent header.
func WithUserAgent(inner http.RoundTripper, ua string) http.RoundTripper {
	return &userAgent{inner: inner, ua: ua}
}

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

// requestState travels in a request's context so the retry hooks can
// count attempts and tell the caller why they retry.
type requestState struct {
	attempts int
	retryMax int
	onRetry  func(attempt int, reason string)
}

type stateKey struct{}

func withState(ctx context.Context, st *requestState) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}

func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	retry, reason := false, ""
	switch {
	case err != nil:
		// The default policy knows which transport errors no retry fixes
		// (certificates, bad URLs, redirect loops).
		retry, _ = retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		reason = redactErr(err).Error()
	case resp.StatusCode == http.StatusTooManyRequests,
		resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		retry, reason = true, resp.Status
	}
	if st, ok := ctx.Value(stateKey{}).(*requestState); ok && retry && st.onRetry != nil && st.attempts <= st.retryMax {
		st.onRetry(st.attempts, reason)
	}
	return retry, nil
}

func backoff(retryAfterMax time.Duration) retryablehttp.Backoff {
	return func(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
		if resp != nil {
			if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
				return clamp(d, lo, retryAfterMax)
			}
		}
		wait := lo << min(attempt, 30)
		if wait <= 0 || wait > hi {
			wait = hi
		}
		// Jitter over the upper half spreads parallel uploads that failed
		// together without ever waiting less than half the backoff.
		half := wait / 2
		return half + time.Duration(rand.Int64N(int64(half)+1))
	}
}

func retryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t), true
	}
	return 0, false
}

func clamp(d, lo, hi time.Duration) time.Duration {
	if d < lo {
		return lo
	}
	if hi > 0 && d > hi {
		return hi
	}
	return d
}

// redact drops userinfo and the query from a URL before it is shown:
// credentials can hide in either.
func redact(u *url.URL) string {
	c := *u
	c.User = nil
	c.RawQuery = ""
	c.Fragment = ""
	return c.String()
}

// redactErr strips a URL's secrets from a *url.Error's text.
func redactErr(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		if u, perr := url.Parse(uerr.URL); perr == nil {
			return fmt.Errorf("%s %s: %w", uerr.Op, redact(u), uerr.Err)
		}
	}
	return err
}
