package httpx

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// TimeoutError ends an attempt during which nothing moved for Timeout:
// no byte of the request sent, no answer, no byte of the answer read.
type TimeoutError struct {
	Host  string
	After time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s sent nothing for %s (the --timeout); it may be overloaded or a proxy may be holding the request", e.Host, e.After)
}

// Timeout marks the error as a timeout, as net.Error does.
func (e *TimeoutError) Timeout() bool { return true }

// Temporary completes net.Error, so that code asking errors.As for a
// net.Error and its Timeout finds a stall whether it happened while
// sending (wrapped in *url.Error) or while reading the answer (bare).
func (e *TimeoutError) Temporary() bool { return true }

var _ net.Error = (*TimeoutError)(nil)

// watchdog bounds every wait of an attempt: a timer restarted whenever a
// byte of the request is read for sending or a byte of the answer
// arrives. A server that reads a whole upload and never answers, or
// stops sending halfway through its answer, cannot hang a release.
type watchdog struct {
	inner   http.RoundTripper
	timeout time.Duration
}

func (w *watchdog) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	terr := &TimeoutError{Host: req.URL.Host, After: w.timeout}
	timer := time.AfterFunc(w.timeout, func() { cancel(terr) })
	kick := func() { timer.Reset(w.timeout) }
	stop := func() { timer.Stop(); cancel(nil) }

	req = req.WithContext(ctx)
	if req.Body != nil && req.Body != http.NoBody {
		req.Body = &kickingBody{ReadCloser: req.Body, kick: kick}
	}
	if getBody := req.GetBody; getBody != nil {
		// The transport sends the body again from GetBody when a reused
		// connection turns out dead (HTTP/1 keep-alive, HTTP/2 GOAWAY):
		// that copy must restart the timer too, or a long upload resent
		// this way is cut after Timeout however well it moves.
		req.GetBody = func() (io.ReadCloser, error) {
			b, err := getBody()
			if err != nil || b == nil || b == http.NoBody {
				return b, err
			}
			return &kickingBody{ReadCloser: b, kick: kick}, nil
		}
	}
	resp, err := w.inner.RoundTrip(req)
	if err != nil {
		stop()
		if context.Cause(ctx) == terr {
			return nil, terr
		}
		return nil, err
	}
	resp.Body = &watchedBody{ReadCloser: resp.Body, kick: kick, stop: stop, ctx: ctx, terr: terr}
	return resp, nil
}

type kickingBody struct {
	io.ReadCloser
	kick func()
}

func (b *kickingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.kick()
	}
	return n, err
}

type watchedBody struct {
	io.ReadCloser
	kick, stop func()
	ctx        context.Context
	terr       *TimeoutError
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.kick()
	}
	if err != nil && err != io.EOF && context.Cause(b.ctx) == b.terr {
		return n, b.terr
	}
	return n, err
}

func (b *watchedBody) Close() error {
	err := b.ReadCloser.Close()
	b.stop()
	return err
}
