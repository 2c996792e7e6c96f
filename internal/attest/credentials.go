package attest

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"
)

// certMargin is how much validity a certificate must have left to sign
// another file with it. Rekor's integrated time must fall inside the
// certificate's validity, and a Rekor request may take a while.
var certMargin = 2 * time.Minute

// credential is an ephemeral key and its Fulcio certificate.
type credential struct {
	key      *ecdsa.PrivateKey
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
	fulcio  fulcioClient

	mu  sync.Mutex
	cur *credential
}

func (s *Signer) newCredentials() (*credentials, error) {
	base, err := serviceURL("Fulcio", s.FulcioURL, ProductionFulcioURL, true)
	if err != nil {
		return nil, err
	}
	return &credentials{
		idToken: s.IDToken,
		fulcio:  fulcioClient{base: base, http: s.httpClient()},
	}, nil
}

// serviceURL checks the base URL of a Sigstore service (production's
// when given is empty) and returns it without a trailing slash: http(s)
// with a host. Fulcio gets the ID token, a bearer credential, so for it
// (carriesToken) the URL must not send it in clear text (https, or http
// to this machine only: a test or a local Fulcio) nor anywhere but the
// API path (no user, query or fragment for the path to follow).
func serviceURL(service, given, production string, carriesToken bool) (string, error) {
	base := given
	if base == "" {
		base = production
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("bad %s URL: %w", service, err)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http" || u.Host == "":
		return "", fmt.Errorf("bad %s URL %q: want http(s)://host[/path]", service, base)
	case !carriesToken:
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("bad %s URL %q: want https://host[/path]", service, base)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return "", fmt.Errorf("bad %s URL %q: the ID token would travel unencrypted; use https (http only to localhost)", service, base)
	}
	return strings.TrimSuffix(base, "/"), nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
	key, err := newKey()
	if err != nil {
		return nil, stepError(StepSign, "", fmt.Errorf("generating a key: %w", err), token)
	}
	der, err := c.fulcio.certificate(ctx, token, key)
	if err != nil {
		return nil, stepError(StepFulcio, "", err, token)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, stepError(StepFulcio, "", fmt.Errorf("unreadable certificate: %w", err), token)
	}
	return &credential{key: key, cert: der, notAfter: cert.NotAfter}, nil
}
