package trusted

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/mint"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// Error is a failed exchange, explained: its message says what to fix.
type Error struct {
	msg string
	err error
	// diagnosis is set when the index refused the token's claims.
	diagnosis func() string
}

func (e *Error) Error() string { return e.msg }
func (e *Error) Unwrap() error { return e.err }

// Markdown is the explanation for the job summary: the verdict, the
// advice as text, and the publisher and claims as tables with links that
// can be clicked.
func (e *Error) Markdown() string {
	if e.diagnosis == nil {
		return ghactions.MarkdownText(e.msg)
	}
	text, _, _ := strings.Cut(e.msg, "The claims PyPI matches on")
	return ghactions.MarkdownText(text) + e.diagnosis()
}

func (s *Session) explain(err error) error {
	return Explain(err, Context{Target: s.Target, GitHub: s.GitHub, Projects: s.Projects, Provider: s.provider})
}

// Context is what an explanation draws on besides the error.
type Context struct {
	Target   *index.Target
	GitHub   ghactions.Env
	Projects []string
	// Provider is the CI the ID token came from, if one was got.
	Provider string
}

// Explain turns a failed exchange into what the user needs to fix it.
func Explain(err error, c Context) error {
	var b strings.Builder
	var perr *oidc.PermissionError
	var merr *mint.Error
	var xerr *exchangeError
	switch {
	case errors.As(err, &perr):
		fmt.Fprintf(&b, "OpenID Connect token retrieval failed: %v\n\n", err)
		if c.GitHub.ForkPullRequest() {
			b.WriteString("The workflow was run from a pull request on a fork. GitHub doesn't give these workflows OIDC permissions, even if `id-token: write` is explicitly configured. " +
				"Publish from a trigger that runs in your repository instead: a tag push, a release, or workflow_dispatch.")
		} else {
			b.WriteString(perr.Help)
		}
	case errors.Is(err, oidc.ErrNoProvider):
		fmt.Fprintf(&b, "Trusted publishing needs an OIDC ID token, and this environment provides none: %v\n\n"+
			"Run on GitHub Actions, GitLab CI/CD or Google Cloud; pass an ID token with --id-token-file or %s; "+
			"or give an API token with --password.", err, oidc.EnvToken)
	case errors.As(err, &merr) && merr.Op == "audience":
		b.WriteString(err.Error())
	case errors.As(err, &merr):
		b.WriteString(err.Error())
		if merr.HasCode("invalid-reuse-token") && !oidc.Refreshable(c.Provider) {
			b.WriteString("\n\nThis ID token was already used (an earlier attempt reached PyPI); " + c.Provider + " gives one per job: run the job again.")
		}
		if len(merr.Reasons) > 0 {
			b.WriteString("\n\nThis generally indicates a trusted publisher configuration error, but could also indicate an internal error on GitHub or PyPI's part.")
		}
		if merr.StatusCode >= 500 || merr.Malformed {
			b.WriteString("\n\nWait a few minutes and try again; PyPI's status is at https://status.python.org/")
		}
		if errors.As(err, &xerr) && xerr.claims != nil && len(merr.Reasons) > 0 {
			b.WriteString("\n\n" + Diagnose(*xerr.claims, c.Target, c.Projects))
			claims := *xerr.claims
			return &Error{msg: b.String(), err: err, diagnosis: func() string { return DiagnoseMarkdown(claims, c.Target, c.Projects) }}
		}
	default:
		b.WriteString(err.Error())
	}
	return &Error{msg: b.String(), err: err}
}

// MagicLinks pre-fill PyPI's trusted-publisher form for this repository
// and workflow, one link per project, as the original action prints
// them; "" outside a GitHub workflow.
func MagicLinks(t *index.Target, gh ghactions.Env, projects []string) string {
	workflow := gh.WorkflowFile()
	if gh.Repository == "" || gh.RepositoryOwner == "" || workflow == "" {
		return ""
	}
	_, name, _ := strings.Cut(gh.Repository, "/")
	var b strings.Builder
	b.WriteString("A new Trusted Publisher for the currently running publishing workflow can be created by accessing the following link(s) while logged-in as an owner of the package(s):\n")
	q := url.Values{"provider": {"github"}, "owner": {gh.RepositoryOwner}, "repository": {name}, "workflow_filename": {workflow}}
	for _, p := range projects {
		fmt.Fprintf(&b, "- %s/manage/project/%s/settings/publishing/?%s\n", t.PublisherSite(), p, q.Encode())
	}
	return b.String()
}

// TokenAdvice is what the original action says about password and token
// uploads to PyPI: passwords are refused (refused is true), tokens get a
// nudge towards trusted publishing and a check of their prefix. summary
// is the magic links for the job summary, when they were shown.
func TokenAdvice(u *console.UI, t *index.Target, gh ghactions.Env, user, password string, projects []string) (refused bool, summary string) {
	links := MagicLinks(t, gh, projects)
	if user != "__token__" {
		u.Errorf("Password-based uploads disabled", "", "As of 2024, PyPI requires all users to enable Two-Factor Authentication. This consequently requires all users to switch to either Trusted Publishers (preferred) or API tokens for package uploads. Read more: https://blog.pypi.org/posts/2023-05-25-securing-pypi-with-2fa/")
		if links != "" {
			u.Warnf("Create a Trusted Publisher", "%s", links)
		}
		return true, ""
	}
	if !strings.HasPrefix(password, "pypi-") {
		u.Warnf("POTENTIALLY INVALID TOKEN", "It looks like the token you are using does not start with \"pypi-\" as it typically should. Check that the password is a PyPI API token.")
	}
	if gh.Actions {
		u.Warnf("Upgrade to Trusted Publishing", "Trusted Publishers allows publishing packages to PyPI from automated environments like GitHub Actions without needing to use username/password combinations or API tokens to authenticate with PyPI. Read more: https://docs.pypi.org/trusted-publishers")
		if links != "" {
			u.Warnf("Create a Trusted Publisher", "%s", links)
			return false, links
		}
	}
	return false, ""
}
