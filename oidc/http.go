package oidc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Limits on what we read from token services: a success carries one small
// JWT, an error a short message; anything bigger is not a token service.
const (
	maxSuccessBody = 1 << 20
	maxErrorBody   = 64 << 10
)

// request describes one call to a token service. secret is the credential
// it carries, scrubbed from anything that could end up in an error.
type request struct {
	provider, op string
	method, url  string
	header       http.Header
	body         []byte
	secret       string
}

// fetch sends r once and returns the body of a 200 answer. Retrying is
// the job of the client: the caller chooses the policy (the program
// passes httpx's retrying client), and a loop here would multiply with
// the client's own retries and with the caller's exchange loop, which
// decides from HTTPError.Temporary.
func fetch(ctx context.Context, client *http.Client, r request) ([]byte, error) {
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
		return nil, fmt.Errorf("oidc: %s: %s: %w", r.provider, r.op, scrub(err, r.secret))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, &HTTPError{Provider: r.provider, Op: r.op, StatusCode: resp.StatusCode, Body: redact(string(b), r.secret)}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxSuccessBody+1))
	if err != nil {
		return nil, fmt.Errorf("oidc: %s: %s: reading the answer: %w", r.provider, r.op, scrub(err, r.secret))
	}
	if len(b) > maxSuccessBody {
		return nil, fmt.Errorf("oidc: %s: %s: answer larger than %d bytes", r.provider, r.op, maxSuccessBody)
	}
	return b, nil
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
