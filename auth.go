package main

import (
	"context"
	"errors"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/trusted"
	"github.com/pypi-publish/pypi-publish/mint"
)

// auth is how uploads authenticate: a fixed user and password, or a
// trusted-publishing session that mints (and re-mints) tokens.
type auth struct {
	user, password string
	session        *trusted.Session
}

func (a *auth) credentials(ctx context.Context) (string, string, error) {
	if a.session != nil {
		return a.session.Credentials(ctx)
	}
	return a.user, a.password, nil
}

// renew forgets an expired minted token so the next upload mints a new
// one; false when there is nothing to renew (a user's API token).
func (a *auth) renew() bool {
	if a.session == nil {
		return false
	}
	a.session.Expire()
	return true
}

// authenticate chooses between an API token and trusted publishing, as
// the original action does (user __token__ and no password means trusted
// publishing), says what the original says about that choice, and with
// trusted publishing mints the first token now: a failed exchange must
// stop the run before any file is uploaded.
func (p *publisher) authenticate(ctx context.Context, files []*dist.File) (*auth, error) {
	cfg, u := p.cfg, p.ui
	useTrusted := cfg.TrustedPublishing == "always" ||
		(cfg.TrustedPublishing == "auto" && cfg.User == "__token__" && cfg.Password == "")
	switch {
	case cfg.TrustedPublishing == "always" && cfg.Password != "":
		return nil, usagef("--trusted-publishing=always takes no password: remove --password (or its environment variable)")
	case !useTrusted && cfg.Password == "":
		return nil, usagef("no API token: set --password (or INPUT_PASSWORD, PYPI_PUBLISH_PASSWORD, TWINE_PASSWORD), or use trusted publishing (user __token__, no password)")
	}
	if cfg.Attestations && (cfg.AttestationsSet || cfg.GitHub.Actions) {
		// The original's two warnings; outside the action, only when the
		// user asked for attestations rather than got the default.
		if !useTrusted {
			u.Warnf("attestations input ignored", "The workflow was run with the 'attestations: true' input, but an explicit password was also set, disabling Trusted Publishing. As a result, the attestations input is ignored.")
		}
		if !cfg.PyPIRules {
			u.Warnf("attestations input ignored", "The workflow was run with 'attestations: true' input, but the specified repository URL does not support PEP 740 attestations. As a result, the attestations input is ignored.")
		}
	}
	if !useTrusted {
		return &auth{user: cfg.User, password: cfg.Password}, p.tokenAdvice(files)
	}
	s := &trusted.Session{
		Target: cfg.Target, PyPIRules: cfg.PyPIRules, GitHub: cfg.GitHub,
		Projects: projectNames(files), RetryWait: cfg.RetryWait,
		Source: cfg.OIDC, UI: u,
		Mint: &mint.Client{BaseURL: cfg.Target.OIDCBase(), HTTP: p.httpPolicy().Once()},
	}
	// The token service may be retried; the mint may not (see mint.Client).
	s.Source.HTTP = p.httpPolicy().Standard()
	u.Debugf("Authenticating to %s via Trusted Publishing", cfg.Target)
	if _, _, err := s.Credentials(ctx); err != nil {
		p.reportExchangeFailure(err)
		return nil, errReported
	}
	u.Printf("Trusted publishing: minted a short-lived API token for %s (%s)", cfg.Target.Host(), s.Provider())
	return &auth{session: s}, nil
}

// tokenAdvice is what the original says about password and token uploads
// to PyPI: passwords are refused, tokens get a nudge towards trusted
// publishing and a check of their prefix.
func (p *publisher) tokenAdvice(files []*dist.File) error {
	cfg, u := p.cfg, p.ui
	if !cfg.PyPIRules {
		return nil
	}
	links := trusted.MagicLinks(cfg.Target, cfg.GitHub, projectNames(files))
	if cfg.User != "__token__" {
		u.Errorf("Password-based uploads disabled", "", "As of 2024, PyPI requires all users to enable Two-Factor Authentication. This consequently requires all users to switch to either Trusted Publishers (preferred) or API tokens for package uploads. Read more: https://blog.pypi.org/posts/2023-05-25-securing-pypi-with-2fa/")
		if links != "" {
			u.Warnf("Create a Trusted Publisher", "%s", links)
		}
		return errReported
	}
	if !strings.HasPrefix(cfg.Password, "pypi-") {
		u.Warnf("POTENTIALLY INVALID TOKEN", "It looks like the token you are using does not start with \"pypi-\" as it typically should. Check that the password is a PyPI API token.")
	}
	if cfg.GitHub.Actions {
		u.Warnf("Upgrade to Trusted Publishing", "Trusted Publishers allows publishing packages to PyPI from automated environments like GitHub Actions without needing to use username/password combinations or API tokens to authenticate with PyPI. Read more: https://docs.pypi.org/trusted-publishers")
		if links != "" {
			u.Warnf("Create a Trusted Publisher", "%s", links)
			p.summary(links)
		}
	}
	return nil
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

func (p *publisher) reportExchangeFailure(err error) {
	msg := err.Error()
	var terr *trusted.Error
	md := ghactions.MarkdownText("Trusted publishing failed: " + msg)
	if errors.As(err, &terr) {
		md = terr.Markdown()
	} else {
		msg = "Trusted publishing failed: " + msg
	}
	p.ui.Errorf("Trusted publishing exchange failure", "", "%s", msg)
	p.summary("## ❌ Trusted publishing exchange failure\n\n" + md +
		"\nYou're seeing this because pypi-publish was not given a password or API token, so it tried trusted publishing. " +
		"Either [configure a trusted publisher](https://docs.pypi.org/trusted-publishers/) or pass an API token as the password.\n")
}
