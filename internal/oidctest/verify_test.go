package oidctest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	iss := NewIssuer()
	serve(t, iss)
	now := time.Unix(1_700_000_000, 0)
	iss.SetClock(func() time.Time { return now })
	unix := now.Unix()
	header := map[string]any{"alg": "RS256", "typ": "JWT", "kid": iss.KeyID()}
	valid := func(extra map[string]any) map[string]any {
		c := map[string]any{"iss": iss.URL(), "aud": "pypi", "iat": unix, "exp": unix + 300, "jti": "x"}
		for k, v := range extra {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		return c
	}
	good := iss.Mint("pypi", nil)
	parts := strings.Split(good, ".")
	other := strings.Split(iss.Mint("testpypi", nil), ".")

	tests := []struct {
		name     string
		jwt      string
		audience string
		want     error // nil: accepted
	}{
		{"own token", good, "pypi", nil},
		{"within leeway after exp", iss.Mint("pypi", map[string]any{"exp": unix - 29}), "pypi", nil},
		{"iat within leeway ahead", iss.Mint("pypi", map[string]any{"iat": unix + 29, "nbf": unix + 29}), "pypi", nil},
		{"fractional dates", iss.SignJWT(header, valid(map[string]any{"iat": float64(unix) + 0.5, "exp": float64(unix) + 60.25})), "pypi", nil},
		{"no nbf", iss.Mint("pypi", map[string]any{"nbf": nil}), "pypi", nil},
		{"wrong audience", good, "testpypi", ErrAudience},
		{"audience list", iss.Mint("pypi", map[string]any{"aud": []string{"pypi"}}), "pypi", ErrAudience},
		{"expired beyond leeway", iss.Mint("pypi", map[string]any{"exp": unix - 30}), "pypi", ErrExpired},
		{"iat in the future", iss.Mint("pypi", map[string]any{"iat": unix + 31}), "pypi", ErrNotYetValid},
		{"nbf in the future", iss.Mint("pypi", map[string]any{"nbf": unix + 31}), "pypi", ErrNotYetValid},
		{"exp not a number", iss.Mint("pypi", map[string]any{"exp": "soon"}), "pypi", ErrInvalid},
		{"missing exp", iss.Mint("pypi", map[string]any{"exp": nil}), "pypi", ErrMissingClaim},
		{"missing aud", iss.Mint("pypi", map[string]any{"aud": nil}), "pypi", ErrMissingClaim},
		{"other issuer", iss.Mint("pypi", map[string]any{"iss": "https://token.actions.githubusercontent.com"}), "pypi", ErrIssuer},
		{"payload swapped", parts[0] + "." + other[1] + "." + parts[2], "testpypi", ErrSignature},
		{"signature truncated", good[:len(good)-4], "pypi", ErrSignature},
		{"unknown kid", iss.SignJWT(map[string]any{"alg": "RS256", "kid": "other"}, valid(nil)), "pypi", ErrUnknownKey},
		{"no kid", iss.SignJWT(map[string]any{"alg": "RS256"}, valid(nil)), "pypi", ErrUnknownKey},
		{"alg none", b64.EncodeToString([]byte(`{"alg":"none","kid":"`+iss.KeyID()+`"}`)) + "." + parts[1] + ".", "pypi", ErrAlgorithm},
		{"alg HS256", iss.SignJWT(map[string]any{"alg": "HS256", "kid": iss.KeyID()}, valid(nil)), "pypi", ErrAlgorithm},
		{"two parts", parts[0] + "." + parts[1], "pypi", ErrMalformed},
		{"payload not JSON", parts[0] + "." + b64.EncodeToString([]byte("[1]")) + "." + parts[2], "pypi", ErrMalformed},
		{"no iss", iss.Mint("pypi", map[string]any{"iss": nil}), "pypi", ErrMalformed},
		{"empty", "", "pypi", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims, err := iss.Verify(tt.jwt, tt.audience)
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("Verify = %v, want accepted", err)
			case tt.want == nil && claims["aud"] != tt.audience:
				t.Errorf("claims aud = %v", claims["aud"])
			case tt.want != nil && !errors.Is(err, tt.want):
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyRealClock(t *testing.T) {
	iss := NewIssuer()
	serve(t, iss)
	if _, err := iss.Verify(iss.Mint("pypi", nil), "pypi"); err != nil {
		t.Errorf("fresh token: %v", err)
	}
	old := time.Now().Add(-time.Hour).Unix()
	if _, err := iss.Verify(iss.Mint("pypi", map[string]any{"iat": old, "nbf": old, "exp": old + 300}), "pypi"); !errors.Is(err, ErrExpired) {
		t.Errorf("hour-old token: %v, want ErrExpired", err)
	}
}

// countingServer serves iss and counts JWKS fetches.
func countingServer(t *testing.T, iss *Issuer) *atomic.Int32 {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/jwks" {
			n.Add(1)
		}
		iss.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	iss.SetURL(srv.URL)
	return &n
}

func TestVerifyWithJWKS(t *testing.T) {
	ctx := context.Background()
	iss := NewIssuer()
	fetches := countingServer(t, iss)
	allowed := []string{"https://token.actions.githubusercontent.com", iss.URL()}

	for i := range 3 {
		claims, err := VerifyWithJWKS(ctx, nil, iss.Mint("pypi", nil), "pypi", allowed)
		if err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
		if claims["repository"] != DefaultRepository {
			t.Errorf("claims = %v", claims)
		}
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("JWKS fetched %d times for three tokens, want 1 (cached)", n)
	}

	header := map[string]any{"alg": "RS256", "kid": "rotated"}
	claims := map[string]any{"iss": iss.URL(), "aud": "pypi", "iat": time.Now().Unix(), "exp": time.Now().Unix() + 60}
	if _, err := VerifyWithJWKS(ctx, nil, iss.SignJWT(header, claims), "pypi", allowed); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("unknown kid: %v, want ErrUnknownKey", err)
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("an unknown kid refetched the JWKS within a minute (%d fetches)", n)
	}

	tests := []struct {
		name string
		jwt  string
		want error
	}{
		{"issuer not allowed", iss.Mint("pypi", map[string]any{"iss": "https://evil.example"}), ErrUnknownIssuer},
		{"wrong audience", iss.Mint("testpypi", nil), ErrAudience},
		{"not a JWT", "abc", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := VerifyWithJWKS(ctx, nil, tt.jwt, "pypi", allowed); !errors.Is(err, tt.want) {
				t.Errorf("VerifyWithJWKS = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVerifyWithJWKSUnreachable(t *testing.T) {
	iss := NewIssuer()
	srv := serve(t, iss)
	jwt := iss.Mint("pypi", nil)
	srv.Close()
	_, err := VerifyWithJWKS(context.Background(), nil, jwt, "pypi", []string{iss.URL()})
	if err == nil || errors.Is(err, ErrInvalid) {
		t.Errorf("issuer down: %v, want a fetch error", err)
	}
}
