package oidctest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Leeway is the clock skew Warehouse tolerates on exp, iat and nbf.
const Leeway = 30 * time.Second

// Errors from Verify and VerifyWithJWKS. Warehouse answers ErrMalformed
// and ErrUnknownIssuer with invalid-payload, everything matching
// ErrInvalid with invalid-token.
var (
	ErrMalformed     = errors.New("oidctest: malformed JWT")
	ErrUnknownIssuer = errors.New("oidctest: unknown trusted publishing issuer")
	ErrInvalid       = errors.New("oidctest: malformed or invalid token")

	ErrAlgorithm    = fmt.Errorf("%w: algorithm is not RS256", ErrInvalid)
	ErrUnknownKey   = fmt.Errorf("%w: no key with this kid", ErrInvalid)
	ErrSignature    = fmt.Errorf("%w: signature verification failed", ErrInvalid)
	ErrMissingClaim = fmt.Errorf("%w: required claim missing", ErrInvalid)
	ErrExpired      = fmt.Errorf("%w: token expired", ErrInvalid)
	ErrNotYetValid  = fmt.Errorf("%w: token not yet valid", ErrInvalid)
	ErrIssuer       = fmt.Errorf("%w: issuer mismatch", ErrInvalid)
	ErrAudience     = fmt.Errorf("%w: audience mismatch", ErrInvalid)
)

// maxJWT bounds the tokens we parse, as a server would.
const maxJWT = 64 << 10

// Verify checks jwt as Warehouse checks a token from this issuer: RS256
// signature by a key of its JWKS, iss equal to its URL, exp, iat and nbf
// within Leeway, and aud exactly the string audience (a list is refused,
// even one holding only audience). It returns the claims, numbers as
// float64.
func (i *Issuer) Verify(jwt, audience string) (map[string]any, error) {
	i.mu.Lock()
	iss, now := i.base, i.now()
	i.mu.Unlock()
	keys := map[string]*rsa.PublicKey{i.kid: &i.key.PublicKey}
	tok, err := parse(jwt)
	if err != nil {
		return nil, err
	}
	return tok.verify(keys, iss, audience, now)
}

// token is a JWT split into its parts, not yet trusted.
type token struct {
	header, claims map[string]any
	signed         string // header.payload, what the signature covers
	sig            []byte
}

// parse decodes jwt without verifying anything. Like Warehouse, it
// calls a token without an iss malformed.
func parse(jwt string) (*token, error) {
	if len(jwt) > maxJWT {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrMalformed, maxJWT)
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: %d parts, want 3", ErrMalformed, len(parts))
	}
	header, err := decodePart(parts[0])
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	claims, err := decodePart(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	if iss, _ := claims["iss"].(string); iss == "" {
		return nil, fmt.Errorf("%w: no iss claim", ErrMalformed)
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("%w: signature is not base64url", ErrMalformed)
	}
	return &token{header: header, claims: claims, signed: parts[0] + "." + parts[1], sig: sig}, nil
}

func decodePart(s string) (map[string]any, error) {
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, errors.New("not base64url")
	}
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(&m); err != nil || m == nil || d.More() {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

func (t *token) verify(keys map[string]*rsa.PublicKey, issuer, audience string, now time.Time) (map[string]any, error) {
	if alg, _ := t.header["alg"].(string); alg != "RS256" {
		return nil, fmt.Errorf("%w (%q)", ErrAlgorithm, t.header["alg"])
	}
	kid, _ := t.header["kid"].(string)
	key := keys[kid]
	if key == nil {
		return nil, fmt.Errorf("%w (%q)", ErrUnknownKey, kid)
	}
	sum := sha256.Sum256([]byte(t.signed))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], t.sig) != nil {
		return nil, ErrSignature
	}
	for _, name := range []string{"iss", "iat", "exp", "aud"} {
		if _, ok := t.claims[name]; !ok {
			return nil, fmt.Errorf("%w: %s", ErrMissingClaim, name)
		}
	}
	// The comparisons are PyJWT's: exp <= now-leeway is expired, and iat or
	// nbf after now+leeway is premature.
	unix := float64(now.Unix())
	leeway := Leeway.Seconds()
	exp, err := numericDate(t.claims, "exp")
	if err != nil {
		return nil, err
	}
	if exp <= unix-leeway {
		return nil, fmt.Errorf("%w: exp %v is %v ago", ErrExpired, exp, time.Duration(unix-exp)*time.Second)
	}
	iat, err := numericDate(t.claims, "iat")
	if err != nil {
		return nil, err
	}
	if iat > unix+leeway {
		return nil, fmt.Errorf("%w: iat %v is in the future", ErrNotYetValid, iat)
	}
	if _, ok := t.claims["nbf"]; ok {
		nbf, err := numericDate(t.claims, "nbf")
		if err != nil {
			return nil, err
		}
		if nbf > unix+leeway {
			return nil, fmt.Errorf("%w: nbf %v is in the future", ErrNotYetValid, nbf)
		}
	}
	if iss, _ := t.claims["iss"].(string); iss != issuer {
		return nil, fmt.Errorf("%w: %q, want %q", ErrIssuer, iss, issuer)
	}
	if aud, ok := t.claims["aud"].(string); !ok || aud != audience {
		return nil, fmt.Errorf("%w: %v, want %q", ErrAudience, t.claims["aud"], audience)
	}
	return t.claims, nil
}

func numericDate(claims map[string]any, name string) (float64, error) {
	f, ok := claims[name].(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%w: %s is not a number", ErrInvalid, name)
	}
	return f, nil
}

// VerifyWithJWKS verifies jwt the way Warehouse does for any issuer: the
// unverified iss must be one of issuers, whose discovery document gives
// the JWKS to check the signature with; then the checks of Verify. The
// key sets are cached per issuer for the life of the process and fetched
// again, at most once a minute, when a token names an unknown kid. A nil
// client means one with Warehouse's 5 s timeout.
func VerifyWithJWKS(ctx context.Context, client *http.Client, jwt, audience string, issuers []string) (map[string]any, error) {
	tok, err := parse(jwt)
	if err != nil {
		return nil, err
	}
	iss := tok.claims["iss"].(string)
	if !slices.Contains(issuers, iss) {
		return nil, fmt.Errorf("%w: %q", ErrUnknownIssuer, iss)
	}
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	kid, _ := tok.header["kid"].(string)
	keys, err := cache.keys(ctx, client, iss, kid)
	if err != nil {
		return nil, err
	}
	return tok.verify(keys, iss, audience, time.Now())
}
