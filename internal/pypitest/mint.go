package pypitest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/oidctest"
)

// maxMintBody bounds what we read of a mint request; a JWT is a few KiB.
const maxMintBody = 1 << 20

// serveAudience answers GET /_/oidc/audience.
func (i *Index) serveAudience(w http.ResponseWriter, r *http.Request) {
	mode := i.trustedPublishing()
	if mode == TrustedPublishingAbsent {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet {
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	if mode == TrustedPublishingDisabled {
		// Warehouse builds this answer by hand, hence the compact JSON.
		writeJSON(w, http.StatusForbidden, `{"message":"Trusted publishing functionality not enabled"}`)
		return
	}
	writeJSON(w, http.StatusOK, `{"audience": `+pyJSONString(i.audience())+`}`)
}

// serveMint answers POST /_/oidc/mint-token and its GitHub alias.
func (i *Index) serveMint(w http.ResponseWriter, r *http.Request) {
	if i.trustedPublishing() == TrustedPublishingAbsent {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	if status, ok := i.takeMintFault(); ok {
		inject(w, r, fault{status: status})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxMintBody))
	if err != nil {
		return // the client went away
	}
	out := i.mint(r.Context(), body)
	switch out.status {
	case http.StatusOK:
		writeJSON(w, out.status, `{"success": true, "token": `+pyJSONString(out.token)+
			`, "expires": `+strconv.FormatInt(out.expires, 10)+`}`)
	case http.StatusUnprocessableEntity:
		writeJSON(w, out.status, `{"message": "Token request failed", "errors": [{"code": `+
			pyJSONString(out.code)+`, "description": `+pyJSONString(out.description)+`}]}`)
	default:
		inject(w, r, fault{status: out.status})
	}
}

// mintOutcome is the answer to a mint request: a token, a 422 with one
// error, or a bare status from an injected fault.
type mintOutcome struct {
	status            int
	token             string
	expires           int64
	code, description string
}

func invalidMint(code, description string) mintOutcome {
	return mintOutcome{status: http.StatusUnprocessableEntity, code: code, description: description}
}

var reusedToken = invalidMint("invalid-reuse-token", "invalid token: already used")

// mint is Warehouse's mint_token_from_oidc: decode the body, pick the
// issuer from the unverified iss, verify the JWT against that issuer's
// JWKS, then exchange it.
func (i *Index) mint(ctx context.Context, body []byte) mintOutcome {
	jwt, msg := parseTokenPayload(body)
	if msg != "" {
		return invalidMint("invalid-payload", msg)
	}
	i.mu.Lock()
	mode := i.tp.mode
	issuers := make([]string, 0, len(i.tp.issuers))
	for url := range i.tp.issuers {
		issuers = append(issuers, url)
	}
	i.mu.Unlock()
	// Verification fetches the issuer's keys over HTTP, so it runs
	// outside the lock.
	claims, err := oidctest.VerifyWithJWKS(ctx, nil, jwt, i.audience(), issuers)
	switch {
	case errors.Is(err, oidctest.ErrMalformed):
		return invalidMint("invalid-payload", "malformed JWT")
	case errors.Is(err, oidctest.ErrUnknownIssuer):
		return invalidMint("invalid-payload", "unknown trusted publishing issuer")
	}
	iss := unverifiedIssuer(jwt)
	i.mu.Lock()
	defer i.mu.Unlock()
	kind := i.tp.issuers[iss]
	if mode == TrustedPublishingDisabled {
		// Warehouse checks its admin flags once it knows the provider,
		// before verifying anything.
		return invalidMint("not-enabled", kind+" trusted publishing functionality not enabled")
	}
	if err != nil {
		return invalidMint("invalid-token", "malformed or invalid token")
	}
	return i.exchange(kind, iss, claimSet(claims))
}

// exchange finds the publisher for verified claims, records the jti and
// mints a token. A pending publisher is tried first: its match creates
// the project. The caller holds i.mu, which makes recording the jti the
// atomic set-if-absent Warehouse does.
func (i *Index) exchange(kind, iss string, c claimSet) mintOutcome {
	pending, err := i.findPublisher(kind, c, true)
	if errors.Is(err, errReused) {
		return reusedToken
	}
	if err == nil {
		if out, ok := i.reify(pending); !ok {
			return out
		}
	}
	p, err := i.findPublisher(kind, c, false)
	if errors.Is(err, errReused) {
		return reusedToken
	}
	if err != nil {
		return invalidMint("invalid-publisher", "valid token, but no corresponding publisher ("+err.Error()+")")
	}
	if jti, _ := c["jti"].(string); jti != "" {
		key := iss + " " + jti
		if i.tp.used[key] {
			return reusedToken
		}
		if i.tp.used == nil {
			i.tp.used = map[string]bool{}
		}
		i.tp.used[key] = true
		i.tp.jtis = append(i.tp.jtis, jti)
	}
	if i.tp.failClaim > 0 {
		i.tp.failClaim--
		return mintOutcome{status: http.StatusServiceUnavailable}
	}
	// The token covers the publisher's projects by ID, so only those
	// that exist now.
	var projects []string
	for _, name := range p.Projects {
		if i.projects[normalize(name)] != nil {
			projects = append(projects, name)
		}
	}
	id := publisherIdentity(p.identity(), projects)
	lifetime := i.tp.lifetime
	if lifetime <= 0 {
		lifetime = DefaultTokenLifetime
	}
	id.notBefore = i.opts.Now()
	id.expires = id.notBefore.Add(lifetime)
	token := newToken()
	i.tokens[token] = id
	i.tp.minted++
	return mintOutcome{status: http.StatusOK, token: token, expires: id.expires.Unix()}
}

// reify turns a matching pending publisher into an ordinary one for a new
// project owned by the user who registered it. Other pending publishers
// for that name become void. The caller holds i.mu.
func (i *Index) reify(pp *Publisher) (mintOutcome, bool) {
	name, n := pp.Pending, normalize(pp.Pending)
	if i.projects[n] != nil {
		i.dropPublishers(func(q *Publisher) bool { return q == pp })
		return invalidMint("invalid-pending-publisher", "valid token, but project already exists"), false
	}
	if out, ok := i.createProject(name, i.opts.Username, false); !ok {
		return invalidMint("invalid-payload", out.msg), false
	}
	i.projects[n] = &project{name: name, normalized: n, owner: i.opts.Username}
	i.dropPublishers(func(q *Publisher) bool { return q.Pending != "" && normalize(q.Pending) == n })
	for _, q := range i.tp.publishers {
		if q.Pending == "" && q.key() == pp.key() {
			q.Projects = append(q.Projects, name)
			return mintOutcome{}, true
		}
	}
	q := *pp
	q.Pending, q.Projects = "", []string{name}
	i.tp.publishers = append(i.tp.publishers, &q)
	return mintOutcome{}, true
}

func (i *Index) dropPublishers(drop func(*Publisher) bool) {
	keep := i.tp.publishers[:0]
	for _, q := range i.tp.publishers {
		if !drop(q) {
			keep = append(keep, q)
		}
	}
	i.tp.publishers = keep
}

// takeMintFault takes the first pending FailMint status.
func (i *Index) takeMintFault() (int, bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if len(i.tp.failFirst) == 0 {
		return 0, false
	}
	s := i.tp.failFirst[0]
	i.tp.failFirst = i.tp.failFirst[1:]
	return s, true
}

func (i *Index) trustedPublishing() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.tp.mode
}

// unverifiedIssuer reads iss from a JWT that VerifyWithJWKS could parse.
func unverifiedIssuer(jwt string) string {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct {
		Iss string `json:"iss"`
	}
	if err != nil || json.Unmarshal(b, &c) != nil {
		return ""
	}
	return c.Iss
}

// newToken returns a fresh API token: "pypi-" and 32 random bytes, where
// PyPI would put a macaroon.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "pypi-" + base64.RawURLEncoding.EncodeToString(b)
}

// writeJSON writes a JSON body as Pyramid's renderers do.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	io.WriteString(w, body)
}
