package pypitest

import (
	"errors"
	"regexp"
	"sort"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/pyrepr"
)

// claimSet is a verified JWT's claims.
type claimSet map[string]any

// str is a claim's value as a string; "" when absent, null or not a
// string, which Warehouse's checks all treat as a mismatch.
func (c claimSet) str(name string) string {
	s, _ := c[name].(string)
	return s
}

// publisherError is Warehouse's InvalidPublisherError: its text goes in
// parentheses after "valid token, but no corresponding publisher".
type publisherError string

func (e publisherError) Error() string { return string(e) }

// errReused is Warehouse's ReusedTokenError, a jti seen before.
var errReused = errors.New("jti already used")

var errNotFound = publisherError("Publisher with matching claims was not found")

// Claims that must be present (not null) for each kind, in the order we
// report them missing. Warehouse walks a Python set, in no fixed order.
var requiredClaims = map[string][]string{
	"github": {"repository", "repository_owner", "repository_owner_id", "job_workflow_ref", "jti", "event_name", "ref", "sha"},
	"gitlab": {"sub", "project_path", "ci_config_ref_uri", "jti", "ref_path", "sha"},
	"google": {"email", "email_verified"},
}

// findPublisher is Warehouse's find_publisher: check that the required
// claims are there, look the publisher up by the claims its table is
// keyed on, then run the publisher's claim checks in order. It looks
// among pending publishers or ordinary ones. The caller holds i.mu.
func (i *Index) findPublisher(kind string, c claimSet, pending bool) (*Publisher, error) {
	for _, name := range requiredClaims[kind] {
		if c[name] == nil {
			return nil, publisherError("Missing claim " + pyrepr.Str(name))
		}
	}
	var candidates []*Publisher
	for _, p := range i.tp.publishers {
		if p.Kind == kind && (p.Pending != "") == pending {
			candidates = append(candidates, p)
		}
	}
	switch kind {
	case "github":
		return i.findGitHub(candidates, c)
	case "gitlab":
		return i.findGitLab(candidates, c)
	case "google":
		return findGoogle(candidates, c)
	}
	return nil, errNotFound
}

// githubWorkflowRE finds the workflow file name in a job_workflow_ref:
// non-slashes ending in .yml or .yaml, followed by '@'.
var githubWorkflowRE = regexp.MustCompile(`([^/]+\.(?:yml|yaml))@`)

func (i *Index) findGitHub(candidates []*Publisher, c claimSet) (*Publisher, error) {
	repo := c.str("repository")
	owner, name, _ := strings.Cut(repo, "/")
	m := githubWorkflowRE.FindStringSubmatch(c.str("job_workflow_ref"))
	if m == nil {
		return nil, publisherError("Could not job extract workflow filename from OIDC claims")
	}
	// The lookup ignores workflow_ref: for a reusable workflow it is the
	// called file, named by job_workflow_ref, that must be registered.
	var match []*Publisher
	for _, p := range candidates {
		if p.Owner == owner && p.Repository == name && p.OwnerID == c.str("repository_owner_id") && p.Workflow == m[1] {
			match = append(match, p)
		}
	}
	p := byEnvironment(match, strings.ToLower(c.str("environment")))
	if p == nil {
		return nil, errNotFound
	}
	if repo == "" || !strings.EqualFold(repo, p.Owner+"/"+p.Repository) {
		return nil, checkFailed("repository")
	}
	if c.str("repository_owner") != p.Owner {
		return nil, checkFailed("repository_owner")
	}
	if c.str("repository_owner_id") != p.OwnerID {
		return nil, checkFailed("repository_owner_id")
	}
	if err := checkRef("job_workflow_ref", p.Owner+"/"+p.Repository+"/.github/workflows/"+p.Workflow, c, "ref", false); err != nil {
		return nil, err
	}
	if i.jtiUsed(c) {
		return nil, errReused
	}
	if c.str("event_name") == "pull_request_target" {
		return nil, publisherError("Publishing from a workflow invoked via 'pull_request_target' is not supported.")
	}
	if env := c.str("environment"); p.Environment != "" && (env == "" || !strings.EqualFold(env, p.Environment)) {
		return nil, publisherError("Check failed for optional claim 'environment'")
	}
	return p, nil
}

// gitlabConfigRE finds the CI file's path in a ci_config_ref_uri: what
// follows "//", up to the '@' after a .yml or .yaml name.
var gitlabConfigRE = regexp.MustCompile(`//(.+[^/]\.(?:yml|yaml))@`)

func (i *Index) findGitLab(candidates []*Publisher, c claimSet) (*Publisher, error) {
	path := c.str("project_path")
	m := gitlabConfigRE.FindStringSubmatch(c.str("ci_config_ref_uri"))
	if m == nil {
		return nil, publisherError("Could not extract workflow filename from OIDC claims")
	}
	var match []*Publisher
	for _, p := range candidates {
		if strings.EqualFold(p.ProjectPath, path) && p.ConfigFile == m[1] {
			match = append(match, p)
		}
	}
	// Like Warehouse, the lookup lowercases the environment claim but the
	// check below is case-sensitive, so "Production" can match no one.
	p := byEnvironment(match, strings.ToLower(c.str("environment")))
	if p == nil {
		return nil, errNotFound
	}
	if sub := strings.Split(c.str("sub"), ":"); len(sub) < 2 || sub[0] == "" || sub[1] == "" ||
		!strings.EqualFold(sub[0]+":"+sub[1], "project_path:"+p.ProjectPath) {
		return nil, checkFailed("sub")
	}
	if path == "" || !strings.EqualFold(path, p.ProjectPath) {
		return nil, checkFailed("project_path")
	}
	if err := checkRef("ci_config_ref_uri", "gitlab.com/"+p.ProjectPath+"//"+p.ConfigFile, c, "ref_path", true); err != nil {
		return nil, err
	}
	if i.jtiUsed(c) {
		return nil, errReused
	}
	if env := c.str("environment"); p.Environment != "" && env != p.Environment {
		return nil, publisherError("Check failed for optional claim 'environment'")
	}
	return p, nil
}

func findGoogle(candidates []*Publisher, c claimSet) (*Publisher, error) {
	var p *Publisher
	sub := c.str("sub")
	for _, q := range candidates {
		if q.Email == c.str("email") && sub != "" && q.Subject == sub && p == nil {
			p = q
		}
	}
	for _, q := range candidates {
		if q.Email == c.str("email") && q.Subject == "" && p == nil {
			p = q
		}
	}
	if p == nil {
		return nil, errNotFound
	}
	if c.str("email") != p.Email {
		return nil, checkFailed("email")
	}
	if v, ok := c["email_verified"].(bool); !ok || !v {
		return nil, checkFailed("email_verified")
	}
	if p.Subject != "" && sub != p.Subject {
		return nil, publisherError("Check failed for optional claim 'sub'")
	}
	return p, nil
}

// byEnvironment prefers the publisher bound to env, then one bound to no
// environment.
func byEnvironment(ps []*Publisher, env string) *Publisher {
	if env != "" {
		for _, p := range ps {
			if p.Environment == env {
				return p
			}
		}
	}
	for _, p := range ps {
		if p.Environment == "" {
			return p
		}
	}
	return nil
}

// checkRef checks a claim of the form <want>@<ref or sha>. GitHub needs
// one of ref and sha; GitLab needs both.
func checkRef(claim, want string, c claimSet, refClaim string, both bool) error {
	got := c.str(claim)
	if got == "" {
		return publisherError("The " + claim + " claim is empty")
	}
	ref, sha := c.str(refClaim), c.str("sha")
	if (both && (ref == "" || sha == "")) || (ref == "" && sha == "") {
		if both {
			return publisherError("The ref_path and sha claims are empty")
		}
		return publisherError("The ref and sha claims are empty")
	}
	var expected []string
	for _, r := range []string{ref, sha} {
		if r != "" && (len(expected) == 0 || expected[0] != want+"@"+r) {
			expected = append(expected, want+"@"+r)
		}
	}
	for _, e := range expected {
		if got == e {
			return nil
		}
	}
	sort.Strings(expected)
	quoted := make([]string, len(expected))
	for k, e := range expected {
		quoted[k] = pyrepr.Str(e)
	}
	return publisherError("The " + claim + " claim does not match, expecting one of [" +
		strings.Join(quoted, ", ") + "], got " + pyrepr.Str(got))
}

func checkFailed(claim string) error {
	return publisherError("Check failed for required claim " + pyrepr.Str(claim))
}

// jtiUsed is the check_existing_jti claim check.
func (i *Index) jtiUsed(c claimSet) bool {
	return i.tp.used[c.str("iss")+" "+c.str("jti")]
}

// key identifies a publisher as Warehouse's uniqueness constraints do,
// to find the ordinary twin of a pending publisher.
func (p *Publisher) key() string {
	return strings.Join([]string{p.Kind, p.Owner, p.Repository, p.Workflow, p.Environment,
		p.ProjectPath, p.ConfigFile, p.Email, p.Subject}, "\x00")
}

// identity is what tokens minted for p carry.
func (p *Publisher) identity() publisher {
	switch p.Kind {
	case "gitlab":
		return publisher{Kind: "GitLab", Repository: p.ProjectPath, Workflow: p.ConfigFile, Environment: p.Environment}
	case "google":
		return publisher{Kind: "Google", Email: p.Email}
	}
	return publisher{Kind: "GitHub", Repository: p.Owner + "/" + p.Repository, Workflow: p.Workflow, Environment: p.Environment}
}
