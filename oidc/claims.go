package oidc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
)

// maxTokenSize bounds what UnverifiedClaims will look at. CI tokens are a
// few KiB; anything this big is not one.
const maxTokenSize = 64 << 10

// Claims are the claims of an ID token that PyPI's publisher matching
// and our diagnostics use. A claim that is absent, or of an unexpected
// JSON type, leaves its field zero; Raw has every claim as sent.
type Claims struct {
	Issuer  string // iss
	Subject string // sub
	// Audience is aud when it is a string. PyPI refuses a list, even one
	// holding only the audience; Raw["aud"] has it then.
	Audience  string
	JTI       string // jti
	IssuedAt  int64  // iat, Unix seconds; 0 when absent
	Expires   int64  // exp
	NotBefore int64  // nbf

	// GitHub Actions.
	Repository        string // repository: "owner/name"
	RepositoryOwner   string // repository_owner
	RepositoryOwnerID string // repository_owner_id
	RepositoryID      string // repository_id
	WorkflowRef       string // workflow_ref: the workflow that was triggered
	JobWorkflowRef    string // job_workflow_ref: the file that runs the job, which PyPI matches
	Ref               string // ref (GitLab too)
	RefType           string // ref_type (GitLab too)
	SHA               string // sha (GitLab too)
	Environment       string // environment (GitLab too)
	EventName         string // event_name
	Actor             string // actor

	// GitLab CI/CD.
	ProjectPath    string // project_path: "namespace/project"
	NamespacePath  string // namespace_path
	CIConfigRefURI string // ci_config_ref_uri: "host/ns/proj//path/.gitlab-ci.yml@refs/heads/main"
	RefPath        string // ref_path

	// Google Cloud.
	Email         string // email
	EmailVerified bool   // email_verified, when it is the JSON boolean true

	// Raw holds every claim; numbers are json.Number.
	Raw map[string]any
}

// UnverifiedClaims decodes the payload of jwt WITHOUT checking its
// signature, issuer or expiry. Anyone can forge what it returns: use the
// result to explain a refusal to the user, never to decide anything. The
// index verifies the token; we do not.
//
// It accepts at most 64 KiB, requires three dot-separated parts and a
// base64url JSON object as the second, and never panics on any input.
func UnverifiedClaims(jwt string) (Claims, error) {
	if len(jwt) > maxTokenSize {
		return Claims{}, fmt.Errorf("%w: %d bytes, more than the %d an ID token may have", ErrMalformedToken, len(jwt), maxTokenSize)
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return Claims{}, fmt.Errorf("%w: %d dot-separated part(s), want 3", ErrMalformedToken, len(parts))
	}
	// JWTs drop the padding; tolerate it anyway.
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, fmt.Errorf("%w: payload is not base64url", ErrMalformedToken)
	}
	raw, err := decodeObject(payload)
	if err != nil {
		return Claims{}, fmt.Errorf("%w: payload is not a JSON object", ErrMalformedToken)
	}
	c := Claims{Raw: raw}
	for name, field := range map[string]*string{
		"iss": &c.Issuer, "sub": &c.Subject, "aud": &c.Audience, "jti": &c.JTI,
		"repository": &c.Repository, "repository_owner": &c.RepositoryOwner,
		"repository_owner_id": &c.RepositoryOwnerID, "repository_id": &c.RepositoryID,
		"workflow_ref": &c.WorkflowRef, "job_workflow_ref": &c.JobWorkflowRef,
		"ref": &c.Ref, "ref_type": &c.RefType, "sha": &c.SHA,
		"environment": &c.Environment, "event_name": &c.EventName, "actor": &c.Actor,
		"project_path": &c.ProjectPath, "namespace_path": &c.NamespacePath,
		"ci_config_ref_uri": &c.CIConfigRefURI, "ref_path": &c.RefPath,
		"email": &c.Email,
	} {
		*field, _ = raw[name].(string)
	}
	c.IssuedAt = unixSeconds(raw["iat"])
	c.Expires = unixSeconds(raw["exp"])
	c.NotBefore = unixSeconds(raw["nbf"])
	c.EmailVerified, _ = raw["email_verified"].(bool)
	return c, nil
}

// decodeObject decodes a JSON object, keeping numbers exact.
func decodeObject(b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil || d.More() {
		return nil, fmt.Errorf("not a single JSON object")
	}
	return m, nil
}

// unixSeconds reads a NumericDate, which RFC 7519 allows to be fractional.
func unixSeconds(v any) int64 {
	n, ok := v.(json.Number)
	if !ok {
		return 0
	}
	if i, err := n.Int64(); err == nil {
		return i
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f >= math.MaxInt64 || f <= math.MinInt64 {
		return 0
	}
	return int64(f)
}

// check is applied to every token before it leaves the package: PyPI
// wants aud to be exactly the audience, and says so only as
// "invalid-token".
func check(jwt, audience string) (Claims, error) {
	c, err := UnverifiedClaims(jwt)
	if err != nil {
		return Claims{}, err
	}
	aud, ok := c.Raw["aud"]
	switch {
	case !ok:
		return Claims{}, fmt.Errorf("%w: the token has no aud claim, want %s", ErrAudienceMismatch, quote(audience))
	case c.Audience == audience && audience != "":
		return c, nil
	case c.Audience == "" && !isString(aud):
		return Claims{}, fmt.Errorf("%w: aud is %s, want the string %s", ErrAudienceMismatch, clip(jsonText(aud), 200), quote(audience))
	}
	return Claims{}, fmt.Errorf("%w: aud is %s, want %s", ErrAudienceMismatch, quote(c.Audience), quote(audience))
}

func isString(v any) bool { _, ok := v.(string); return ok }

func quote(s string) string { return fmt.Sprintf("%q", clip(s, 200)) }

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return string(b)
}

// The two patterns below reproduce Warehouse's, so we name the same file
// PyPI will look for. Go's leftmost-first matching agrees with Python's
// re.search here; the trailing "@" stands in for Python's lookahead.
var (
	// A run of non-slash characters ending in .yml or .yaml, before "@".
	workflowFileRE = regexp.MustCompile(`([^/]+\.(?:yml|yaml))@`)
	// After "//", anything up to a non-slash character and .yml or .yaml,
	// before "@".
	configFileRE = regexp.MustCompile(`//(.*[^/]\.(?:yml|yaml))@`)
)

// WorkflowFile is the workflow file name PyPI matches against a GitHub
// publisher ("release.yml"), read from job_workflow_ref as Warehouse
// does. For a reusable workflow that is the called file, not the caller
// named in workflow_ref. "" when there is none.
func (c Claims) WorkflowFile() string {
	if m := workflowFileRE.FindStringSubmatch(c.JobWorkflowRef); m != nil {
		return m[1]
	}
	return ""
}

// ConfigFile is the CI configuration path PyPI matches against a GitLab
// publisher (".gitlab-ci.yml", "ci/release.yml"), read from
// ci_config_ref_uri as Warehouse does. "" when there is none.
func (c Claims) ConfigFile() string {
	if m := configFileRE.FindStringSubmatch(c.CIConfigRefURI); m != nil {
		return m[1]
	}
	return ""
}

// Owner is the part of the repository PyPI's form calls the owner: on
// GitHub the repository up to its first "/", on GitLab the namespace
// (project_path up to its last "/").
func (c Claims) Owner() string {
	owner, _ := c.splitRepo()
	return owner
}

// RepoName is the repository (GitHub) or project (GitLab) name.
func (c Claims) RepoName() string {
	_, name := c.splitRepo()
	return name
}

func (c Claims) splitRepo() (owner, name string) {
	switch {
	case c.Repository != "":
		if owner, name, ok := strings.Cut(c.Repository, "/"); ok {
			return owner, name
		}
		return c.RepositoryOwner, c.Repository
	case c.ProjectPath != "":
		if i := strings.LastIndexByte(c.ProjectPath, '/'); i >= 0 {
			return c.ProjectPath[:i], c.ProjectPath[i+1:]
		}
		return c.NamespacePath, c.ProjectPath
	}
	return "", ""
}
