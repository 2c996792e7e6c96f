package pypitest

import (
	"strings"
	"time"
)

// Publisher is a trusted publisher as registered on PyPI's publishing
// settings page. Kind chooses which fields count.
type Publisher struct {
	Kind string // "github", "gitlab" or "google"

	// GitHub: the repository's owner and name, the owner's numeric ID and
	// the workflow's file name (release.yml). Environment "" means any
	// environment; PyPI stores it lowercased.
	Owner, Repository, OwnerID, Workflow, Environment string

	// GitLab: "namespace/project" and the CI file's path in the project
	// (.gitlab-ci.yml). Environment, compared case-sensitively, is shared
	// with GitHub.
	ProjectPath, ConfigFile string

	// Google: the service account's email and, optionally, its subject.
	Email, Subject string

	// Projects are the names of the projects the publisher may publish
	// to; a minted token covers those that exist when it is minted.
	Projects []string

	// Pending, when set, makes this a pending publisher for a project of
	// that name which does not exist yet: the first token it matches
	// creates the project (owned by Options.Username) and turns it into
	// an ordinary publisher for it.
	Pending string
}

// DefaultTokenLifetime is how long PyPI's minted tokens live.
const DefaultTokenLifetime = 900 * time.Second

// Trusted publishing modes for SetTrustedPublishing.
const (
	TrustedPublishingOn       = "on"
	TrustedPublishingDisabled = "disabled" // an admin turned it off: 403 on the audience
	TrustedPublishingAbsent   = "absent"   // an index without it: 404 on its routes
)

// trust is the trusted-publishing state of an Index, guarded by its mu.
type trust struct {
	issuers    map[string]string // issuer URL → "github", "gitlab" or "google"
	publishers []*Publisher
	mode       string        // "" is TrustedPublishingOn
	lifetime   time.Duration // 0 is DefaultTokenLifetime
	failFirst  []int         // statuses for the coming mint requests
	failClaim  int           // mint requests to fail once their jti is recorded
	minted     int
	// burned counts revoked tokens; burnRequests every burn request.
	burned, burnRequests int
	jtis                 []string        // in the order they were recorded
	used                 map[string]bool // issuer + " " + jti
}

// TrustIssuer makes the index accept ID tokens whose iss is url, an
// oidctest issuer standing in for GitHub Actions, GitLab or Google
// (kind "github", "gitlab" or "google"). Several URLs may share a kind,
// as self-managed GitLab instances do.
func (i *Index) TrustIssuer(kind, url string) {
	switch kind {
	case "github", "gitlab", "google":
	default:
		panic("pypitest: TrustIssuer: unknown kind " + kind)
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.tp.issuers == nil {
		i.tp.issuers = map[string]string{}
	}
	i.tp.issuers[strings.TrimSuffix(url, "/")] = kind
}

// AddPublisher registers a trusted publisher, normalized as PyPI's form
// normalizes it.
func (i *Index) AddPublisher(p Publisher) {
	p.Kind = strings.ToLower(p.Kind)
	switch p.Kind {
	case "github":
		p.Environment = strings.ToLower(strings.TrimSpace(p.Environment))
	case "gitlab", "google":
	default:
		panic("pypitest: AddPublisher: unknown kind " + p.Kind)
	}
	p.Projects = append([]string(nil), p.Projects...)
	i.mu.Lock()
	defer i.mu.Unlock()
	i.tp.publishers = append(i.tp.publishers, &p)
}

// SetTrustedPublishing switches trusted publishing TrustedPublishingOn
// (the default), TrustedPublishingDisabled or TrustedPublishingAbsent.
func (i *Index) SetTrustedPublishing(mode string) {
	switch mode {
	case TrustedPublishingOn, TrustedPublishingDisabled, TrustedPublishingAbsent:
	default:
		panic("pypitest: SetTrustedPublishing: unknown mode " + mode)
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.tp.mode = mode
}

// SetTokenLifetime sets how long tokens minted from now on live, so tests
// can see them expire; d <= 0 restores DefaultTokenLifetime.
func (i *Index) SetTokenLifetime(d time.Duration) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.tp.lifetime = d
}

// FailMint makes the next n mint requests fail with status before looking
// at them, with a page from the cache in front of PyPI: their JWTs stay
// unused, so a client may send them again.
func (i *Index) FailMint(n, status int) {
	i.mu.Lock()
	defer i.mu.Unlock()
	for ; n > 0; n-- {
		i.tp.failFirst = append(i.tp.failFirst, status)
	}
}

// FailMintAfterClaim makes the next n mint requests that get as far as
// recording their JWT's jti answer 503 instead of minting: the server
// died after claiming the JWT, which can therefore never be used again.
// A client must fetch a fresh ID token to retry.
func (i *Index) FailMintAfterClaim(n int) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.tp.failClaim += n
}

// MintedTokens returns how many API tokens mint-token has handed out.
func (i *Index) MintedTokens() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.tp.minted
}

// JTIs lists the jti of every JWT mint-token recorded as used, in order:
// those that matched a publisher, whether or not a token was handed out.
// A refused replay is not listed again.
func (i *Index) JTIs() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return append([]string(nil), i.tp.jtis...)
}

// SetAudience changes what the index answers at /_/oidc/audience and
// expects in the aud claim.
func (i *Index) SetAudience(aud string) {
	i.aud.Store(&aud)
}

// audience is what the index expects in the aud claim.
func (i *Index) audience() string {
	if a := i.aud.Load(); a != nil {
		return *a
	}
	if i.opts.Audience != "" {
		return i.opts.Audience
	}
	if i.opts.Host == "test.pypi.org" {
		return "testpypi"
	}
	return "pypi"
}
