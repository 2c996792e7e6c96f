package main

import (
	"context"
	"errors"

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
		if !cfg.PyPIRules {
			return &auth{user: cfg.User, password: cfg.Password}, nil
		}
		refused, links := trusted.TokenAdvice(u, cfg.Target, cfg.GitHub, cfg.User, cfg.Password, dist.ProjectNames(files))
		if links != "" {
			p.summary(links)
		}
		if refused {
			return nil, errReported
		}
		return &auth{user: cfg.User, password: cfg.Password}, nil
	}
	s := &trusted.Session{
		Target: cfg.Target, PyPIRules: cfg.PyPIRules, GitHub: cfg.GitHub,
		Projects: dist.ProjectNames(files), RetryWait: cfg.RetryWait,
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
