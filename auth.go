package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
)

// auth is how uploads authenticate: a fixed user and password, or a
// trusted-publishing exchanger that mints (and re-mints) tokens.
type auth struct {
	user, password string
	x              *exchanger
}

func (a *auth) credentials(ctx context.Context) (string, string, error) {
	if a.x != nil {
		return a.x.credentials(ctx)
	}
	return a.user, a.password, nil
}

// renew forgets an expired minted token so the next upload mints a new
// one; false when there is nothing to renew (a user's API token).
func (a *auth) renew() bool {
	if a.x == nil {
		return false
	}
	a.x.expire()
	return true
}

// authenticate chooses between an API token and trusted publishing, as
// the original action does (user __token__ and no password means trusted
// publishing), says what the original says about that choice, and with
// trusted publishing mints the first token now: a failed exchange must
// stop the run before any file is uploaded.
func authenticate(ctx context.Context, cfg *config, u *ui, getenv func(string) string, files []*dist.File) (*auth, error) {
	trusted := cfg.TrustedPublishing == "always" ||
		(cfg.TrustedPublishing == "auto" && cfg.User == "__token__" && cfg.Password == "")
	switch {
	case cfg.TrustedPublishing == "always" && cfg.Password != "":
		return nil, usagef("--trusted-publishing=always takes no password: remove --password (or its environment variable)")
	case !trusted && cfg.Password == "":
		return nil, usagef("no API token: set --password (or INPUT_PASSWORD, PYPI_PUBLISH_PASSWORD, TWINE_PASSWORD), or use trusted publishing (user __token__, no password)")
	}
	if cfg.Attestations && (cfg.AttestationsSet || cfg.GitHub) {
		// The original's two warnings; outside the action, only when the
		// user asked for attestations rather than got the default.
		if !trusted {
			u.warnf("attestations input ignored", "The workflow was run with the 'attestations: true' input, but an explicit password was also set, disabling Trusted Publishing. As a result, the attestations input is ignored.")
		}
		if !cfg.PyPIRules {
			u.warnf("attestations input ignored", "The workflow was run with 'attestations: true' input, but the specified repository URL does not support PEP 740 attestations. As a result, the attestations input is ignored.")
		}
	}
	if !trusted {
		return &auth{user: cfg.User, password: cfg.Password}, tokenAdvice(cfg, u, getenv, files)
	}
	x := newExchanger(cfg, u, getenv)
	x.projects = projectNames(files)
	u.debugf("Authenticating to %s via Trusted Publishing", cfg.RepositoryURL)
	if _, _, err := x.credentials(ctx); err != nil {
		reportExchangeFailure(cfg, u, err)
		return nil, errReported
	}
	u.printf("Trusted publishing: minted a short-lived API token for %s (%s)", cfg.RepositoryURL.Host, x.provider)
	return &auth{x: x}, nil
}

// tokenAdvice is what the original says about password and token uploads
// to PyPI: passwords are refused, tokens get a nudge towards trusted
// publishing and a check of their prefix.
func tokenAdvice(cfg *config, u *ui, getenv func(string) string, files []*dist.File) error {
	if !cfg.PyPIRules {
		return nil
	}
	if cfg.User != "__token__" {
		u.errorf("Password-based uploads disabled", "", "As of 2024, PyPI requires all users to enable Two-Factor Authentication. This consequently requires all users to switch to either Trusted Publishers (preferred) or API tokens for package uploads. Read more: https://blog.pypi.org/posts/2023-05-25-securing-pypi-with-2fa/")
		if links := magicLinks(cfg, getenv, files); links != "" {
			u.warnf("Create a Trusted Publisher", "%s", links)
		}
		return errReported
	}
	if !strings.HasPrefix(cfg.Password, "pypi-") {
		u.warnf("POTENTIALLY INVALID TOKEN", "It looks like the token you are using does not start with \"pypi-\" as it typically should. Check that the password is a PyPI API token.")
	}
	if cfg.GitHub {
		u.warnf("Upgrade to Trusted Publishing", "Trusted Publishers allows publishing packages to PyPI from automated environments like GitHub Actions without needing to use username/password combinations or API tokens to authenticate with PyPI. Read more: https://docs.pypi.org/trusted-publishers")
		if links := magicLinks(cfg, getenv, files); links != "" {
			u.warnf("Create a Trusted Publisher", "%s", links)
			appendStepSummary(cfg, links)
		}
	}
	return nil
}

// magicLinks pre-fill PyPI's trusted-publisher form for this repository
// and workflow, one link per project, as the original prints them.
func magicLinks(cfg *config, getenv func(string) string, files []*dist.File) string {
	repo := getenv("GITHUB_REPOSITORY")
	owner := getenv("GITHUB_REPOSITORY_OWNER")
	workflow := workflowFilename(getenv("GITHUB_WORKFLOW_REF"))
	if repo == "" || owner == "" || workflow == "" {
		return ""
	}
	_, name, _ := strings.Cut(repo, "/")
	base := webBase(cfg)
	if base == "" {
		base = "https://pypi.org" // --pypi-rules always, on a stand-in
	}
	var b strings.Builder
	b.WriteString("A new Trusted Publisher for the currently running publishing workflow can be created by accessing the following link(s) while logged-in as an owner of the package(s):\n")
	q := url.Values{"provider": {"github"}, "owner": {owner}, "repository": {name}, "workflow_filename": {workflow}}
	for _, p := range projectNames(files) {
		fmt.Fprintf(&b, "- %s/manage/project/%s/settings/publishing/?%s\n", base, p, q.Encode())
	}
	return b.String()
}

// workflowFilename takes "o/r/.github/workflows/release.yml@refs/tags/v1"
// to "release.yml".
func workflowFilename(ref string) string {
	path, _, _ := strings.Cut(ref, "@")
	parts := strings.SplitN(path, "/", 5)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

func projectNames(files []*dist.File) []string {
	var names []string
	seen := map[string]bool{}
	for _, f := range files {
		n := dist.NormalizeName(f.Name())
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return names
}

func reportExchangeFailure(cfg *config, u *ui, err error) {
	msg := err.Error()
	var terr *trustedError
	if !errors.As(err, &terr) {
		msg = "Trusted publishing failed: " + msg
	}
	u.errorf("Trusted publishing exchange failure", "", "%s", msg)
	appendStepSummary(cfg, "## Trusted publishing exchange failure\n\n```\n"+msg+"\n```\n\n"+
		"You're seeing this because pypi-publish was not given a password or API token, so it tried trusted publishing. "+
		"Either configure a trusted publisher (https://docs.pypi.org/trusted-publishers/) or pass an API token as the password.")
}
