package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Lifetime is how long tokens from an Issuer are valid, like GitHub's.
const Lifetime = 5 * time.Minute

// Issuer is a fake OIDC issuer and GitHub Actions token service. Serve it
// with httptest.NewServer and tell it its URL with SetURL. It serves:
//
//	GET /.well-known/openid-configuration  discovery (issuer = its URL)
//	GET /.well-known/jwks                  its RS256 public key, with kid
//	GET /token?audience=…&api-version=…    {"value": jwt, "count": n},
//	                                       with Authorization: bearer RequestToken()
//
// All methods are safe for concurrent use.
type Issuer struct {
	key          *rsa.PrivateKey
	kid          string
	requestToken string

	mu         sync.Mutex
	base       string
	baseClaims map[string]any
	overrides  map[string]any
	now        func() time.Time
	failN      int
	failStatus int
	requests   int
	jtis       []string
}

// NewIssuer returns an issuer with the process-wide test key, a fresh
// random request token, and GitHubClaims(DefaultRepository).
func NewIssuer() *Issuer {
	key := processKey()
	return &Issuer{
		key:          key,
		kid:          thumbprint(&key.PublicKey),
		requestToken: "ghrt-" + randomHex(20),
		baseClaims:   GitHubClaims(DefaultRepository),
		now:          time.Now,
	}
}

// SetURL records the base URL the issuer is served at (an httptest
// server's URL): the iss of its tokens and the root of its endpoints.
func (i *Issuer) SetURL(base string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.base = strings.TrimSuffix(base, "/")
}

// URL is the base URL given to SetURL.
func (i *Issuer) URL() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.base
}

// TokenURL is what ACTIONS_ID_TOKEN_REQUEST_URL should be set to: the
// token endpoint with an api-version query, as on GitHub.
func (i *Issuer) TokenURL() string { return i.URL() + "/token?api-version=2.0" }

// RequestToken is the bearer token /token requires, what GitHub puts in
// ACTIONS_ID_TOKEN_REQUEST_TOKEN.
func (i *Issuer) RequestToken() string { return i.requestToken }

// KeyID is the kid of the issuer's signing key.
func (i *Issuer) KeyID() string { return i.kid }

// SetBaseClaims replaces the provider claim set every token starts from,
// GitHubClaims(DefaultRepository) by default; pass GitLabClaims or
// GoogleClaims to impersonate those providers.
func (i *Issuer) SetBaseClaims(c map[string]any) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.baseClaims = maps.Clone(c)
}

// SetClaims sets claims merged over the base set in every token,
// replacing those of an earlier call. A nil value removes the claim, so
// a test can produce a token missing, say, repository_owner_id.
func (i *Issuer) SetClaims(c map[string]any) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.overrides = maps.Clone(c)
}

// SetClock replaces time.Now for minting and verifying.
func (i *Issuer) SetClock(now func() time.Time) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.now = now
}

// FailNext makes the next n requests to /token fail with status; status 0
// closes the connection without an answer, a network error to the client.
func (i *Issuer) FailNext(n, status int) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.failN, i.failStatus = n, status
}

// Requests is how many requests /token has received, failed ones included.
func (i *Issuer) Requests() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.requests
}

// JTIs lists the jti of every token issued, by /token or Mint, in order.
func (i *Issuer) JTIs() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return append([]string(nil), i.jtis...)
}

// Mint signs a token for audience: iss, aud, a fresh jti, iat and nbf now,
// exp now+Lifetime, then the base claims, the SetClaims ones and extra,
// each overriding the previous (nil removes a claim).
func (i *Issuer) Mint(audience string, extra map[string]any) string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.mintLocked(audience, extra)
}

func (i *Issuer) mintLocked(audience string, extra map[string]any) string {
	now := i.now().Unix()
	claims := map[string]any{
		"iss": i.base,
		"aud": audience,
		"jti": newUUID(),
		"iat": now,
		"nbf": now,
		"exp": now + int64(Lifetime/time.Second),
	}
	for _, layer := range []map[string]any{i.baseClaims, i.overrides, extra} {
		for k, v := range layer {
			if v == nil {
				delete(claims, k)
			} else {
				claims[k] = v
			}
		}
	}
	if jti, ok := claims["jti"].(string); ok {
		i.jtis = append(i.jtis, jti)
	}
	return sign(i.key, map[string]any{"alg": "RS256", "typ": "JWT", "kid": i.kid}, claims)
}

// SignJWT signs any header and claims with the issuer's key, for tokens
// Mint will not make: an unknown kid, a misleading alg. It records nothing.
func (i *Issuer) SignJWT(header, claims map[string]any) string {
	return sign(i.key, header, claims)
}

// ServeHTTP serves the issuer's endpoints.
func (i *Issuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"message": "method not allowed"})
		return
	}
	switch r.URL.Path {
	case "/.well-known/openid-configuration":
		i.serveDiscovery(w, r)
	case "/.well-known/jwks":
		writeJSON(w, http.StatusOK, map[string]any{"keys": []jwk{publicJWK(&i.key.PublicKey, i.kid)}})
	case "/token":
		i.serveToken(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "not found"})
	}
}

func (i *Issuer) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	base := i.URL()
	if base == "" {
		base = "http://" + r.Host
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                base,
		"jwks_uri":                              base + "/.well-known/jwks",
		"response_types_supported":              []string{"id_token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid"},
		"claims_supported":                      []string{"sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "repository", "repository_owner", "repository_owner_id", "job_workflow_ref", "environment"},
	})
}

func (i *Issuer) serveToken(w http.ResponseWriter, r *http.Request) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.requests++
	if i.failN > 0 {
		i.failN--
		if i.failStatus == 0 {
			dropConnection(w)
			return
		}
		writeJSON(w, i.failStatus, map[string]any{"message": "injected failure"})
		return
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") || token != i.requestToken {
		// Like GitHub, say what is wrong without echoing what was sent.
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "missing or invalid bearer token"})
		return
	}
	aud := r.URL.Query().Get("audience")
	if aud == "" {
		// GitHub's default audience is the owner's URL.
		owner, _ := i.baseClaims["repository_owner"].(string)
		aud = "https://github.com/" + owner
	}
	jwt := i.mintLocked(aud, nil)
	writeJSON(w, http.StatusOK, map[string]any{"count": len(i.jtis), "value": jwt})
}

func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("oidctest: cannot drop a connection: the ResponseWriter is not a Hijacker")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	// Half a status line, then nothing: net/http silently retries a GET
	// on a reused connection closed before any byte arrived, which would
	// hide the fault.
	conn.Write([]byte("HTTP/1.1 50"))
	conn.Close()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("oidctest: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newUUID returns a random (version 4) UUID, the form GitHub's jti takes.
func newUUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
