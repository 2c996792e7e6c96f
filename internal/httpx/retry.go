package httpx

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Observer follows the attempts of the requests sent with a context from
// Observe: how many there were, and why each retry happened.
type Observer struct {
	// OnRetry, when set, is told each time an attempt failed and another
	// follows: the attempt number, why, and how long until the next one.
	OnRetry func(attempt int, reason string)

	mu       sync.Mutex
	attempts int
	retryMax int
}

// Attempts is how many attempts were made so far.
func (o *Observer) Attempts() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.attempts
}

func (o *Observer) setAttempts(n, retryMax int) {
	o.mu.Lock()
	o.attempts, o.retryMax = n, retryMax
	o.mu.Unlock()
}

// retryFollows reports whether the attempt that just failed is not the
// last one.
func (o *Observer) retryFollows() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.attempts <= o.retryMax
}

type observerKey struct{}

// Observe returns a context whose requests report to o.
func Observe(ctx context.Context, o *Observer) context.Context {
	return context.WithValue(ctx, observerKey{}, o)
}

func observerOf(ctx context.Context) *Observer {
	o, _ := ctx.Value(observerKey{}).(*Observer)
	return o
}

// checkRetry is the one retry policy: connection errors and timeouts,
// 429, and 5xx other than 501. Never a redirect, a certificate problem or
// a client error: repeating them cannot help.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	retry, reason := false, ""
	var rerr *RedirectError
	var terr *TLSError
	switch {
	case err != nil && (errors.As(err, &rerr) || errors.As(err, &terr)):
		// No retry fixes a refused redirect or an untrusted certificate.
		return false, nil
	case err != nil:
		// The default policy knows which transport errors no retry fixes
		// (certificates, bad URLs, redirect loops).
		retry, _ = retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		reason = RedactError(err).Error()
	case resp.StatusCode == http.StatusTooManyRequests,
		resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		retry, reason = true, resp.Status
	}
	if o := observerOf(ctx); o != nil && retry && o.OnRetry != nil && o.retryFollows() {
		o.OnRetry(o.Attempts(), reason)
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
	if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
		// Beyond what a Duration holds, the multiplication would wrap
		// around to a short or negative wait.
		if s > math.MaxInt64/int64(time.Second) {
			return time.Duration(math.MaxInt64), true
		}
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
