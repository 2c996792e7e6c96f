package oidc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Limits on what we read from token services: a success carries one small
// JWT, an error a short message; anything bigger is not a token service.
const (
	maxSuccessBody = 1 << 20
	maxErrorBody   = 64 << 10
)

// retries is how many times a request is repeated after a network error,
// a 5xx or a 429.
const retries = 3

// backoff is the wait before the first retry, doubled for each next one.
// A variable so tests can set it to zero.
var backoff = 250 * time.Millisecond

// request describes one call to a token service. secret is the credential
// it carries, scrubbed from anything that could end up in an error.
type request struct {
	provider, op string
	method, url  string
	header       http.Header
	body         []byte
	secret       string
}

// fetch sends r, retrying transient failures, and returns the body of a
// 200 answer.
func fetch(ctx context.Context, client *http.Client, r request) ([]byte, error) {
	wait := backoff
	for attempt := 0; ; attempt++ {
		body, err := fetchOnce(ctx, client, r)
		if err == nil || attempt == retries || !temporary(err) || ctx.Err() != nil {
			return body, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
		wait *= 2
	}
}

func fetchOnce(ctx context.Context, client *http.Client, r request) ([]byte, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return nil, fmt.Errorf("oidc: %s: %s: %w", r.provider, r.op, err)
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, &networkError{fmt.Errorf("oidc: %s: %s: %w", r.provider, r.op, scrub(err, r.secret))}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, &HTTPError{Provider: r.provider, Op: r.op, StatusCode: resp.StatusCode, Body: redact(string(b), r.secret)}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxSuccessBody+1))
	if err != nil {
		return nil, &networkError{fmt.Errorf("oidc: %s: %s: reading the answer: %w", r.provider, r.op, scrub(err, r.secret))}
	}
	if len(b) > maxSuccessBody {
		return nil, fmt.Errorf("oidc: %s: %s: answer larger than %d bytes", r.provider, r.op, maxSuccessBody)
	}
	return b, nil
}

// networkError marks a failure to talk to the service at all, worth a
// retry.
type networkError struct{ err error }

func (e *networkError) Error() string { return e.err.Error() }
func (e *networkError) Unwrap() error { return e.err }

func temporary(err error) bool {
	var ne *networkError
	if errors.As(err, &ne) {
		return true
	}
	var he *HTTPError
	return errors.As(err, &he) && he.Temporary()
}

func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "[REDACTED]")
}

// scrub rebuilds err's message without secret. Transport errors never
// carry headers today, but a proxy or a future net/http could echo one,
// and the cost of checking is nil.
func scrub(err error, secret string) error {
	if secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return errors.New(redact(err.Error(), secret))
}
