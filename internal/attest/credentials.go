package attest

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sigstore/sigstore-go/pkg/sign"
)

// certMargin is how much validity a certificate must have left to sign
// another file with it. Rekor's integrated time must fall inside the
// certificate's validity, and a Rekor request may take a while.
var certMargin = 2 * time.Minute

// credential is an ephemeral key and its Fulcio certificate.
type credential struct {
	key      *sign.EphemeralKeypair
	cert     []byte // DER
	notAfter time.Time
	used     bool // by a signature; a fresh one is used even if short-lived
}

// credentials hands out the batch's credential, getting a new token, key
// and certificate when there is none yet or the current one is about to
// expire. Callers wait for a fetch in progress rather than start their
// own.
type credentials struct {
	idToken func(context.Context) (string, error)
	fulcio  *sign.Fulcio

	mu  sync.Mutex
	cur *credential
}

func (s *Signer) newCredentials() *credentials {
	base := s.FulcioURL
	if base == "" {
		base = ProductionFulcioURL
	}
	var transport http.RoundTripper = http.DefaultTransport
	if s.HTTP != nil && s.HTTP.Transport != nil {
		transport = s.HTTP.Transport
	}
	return &credentials{
		idToken: s.IDToken,
		fulcio: sign.NewFulcio(&sign.FulcioOptions{
			BaseURL:   base,
			Timeout:   requestTimeout,
			Retries:   0, // retrying belongs to the HTTP client
			Transport: statusErrors{transport},
		}),
	}
}

// get returns a credential fit for signing one more file, and marks it
// used if forSigning.
func (c *credentials) get(ctx context.Context, forSigning bool) (*credential, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil || c.cur.used && time.Until(c.cur.notAfter) <= certMargin {
		cred, err := c.fetch(ctx)
		if err != nil {
			return nil, err
		}
		c.cur = cred
	}
	c.cur.used = c.cur.used || forSigning
	return c.cur, nil
}

// fetch gets a token, makes a key and has Fulcio certify it.
func (c *credentials) fetch(ctx context.Context) (*credential, error) {
	token, err := c.idToken(ctx)
	if err != nil {
		return nil, stepError(StepIDToken, "", err, token)
	}
	if token == "" {
		return nil, &Error{Step: StepIDToken, Err: errors.New("empty token")}
	}
	key, err := sign.NewEphemeralKeypair(nil)
	if err != nil {
		return nil, stepError(StepSign, "", fmt.Errorf("generating a key: %w", err), token)
	}
	der, err := c.fulcio.GetCertificate(ctx, key, &sign.CertificateProviderOptions{IDToken: token})
	if err != nil {
		return nil, stepError(StepFulcio, "", err, token)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, stepError(StepFulcio, "", fmt.Errorf("unreadable certificate: %w", err), token)
	}
	return &credential{key: key, cert: der, notAfter: cert.NotAfter}, nil
}

// statusErrors turns a Fulcio answer other than 200 into an error that
// carries its status and body. Given a 429 or 5xx, sigstore-go would
// otherwise wait and, its retries spent, lose the answer ("read on
// closed response body").
type statusErrors struct{ inner http.RoundTripper }

var _ http.RoundTripper = statusErrors{}

func (t statusErrors) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.inner.RoundTrip(req)
	if err != nil || resp.StatusCode == http.StatusOK {
		return resp, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	return nil, fmt.Errorf("Fulcio returned %s: %s", resp.Status, strings.TrimSpace(string(body)))
}
