// Package trusted is a trusted-publishing session: the index's audience,
// an ID token from the CI, a short-lived API token minted from it and
// minted again before it expires; and, when that fails, what the user
// needs to fix it, down to the publisher the index would accept.
package trusted

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/mint"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// exchangeAttempts bounds how often the whole exchange (audience, fresh
// ID token, mint) is tried when a server or the network fails.
const exchangeAttempts = 3

// A minted token is replaced when less than a third of its life is left:
// five minutes of PyPI's fifteen, long enough for one more large file.
const remintFraction = 3

// Session turns the CI's identity into API tokens for one index.
type Session struct {
	// Target is the index; PyPIRules says whether PyPI's rules apply
	// (an issuer PyPI does not trust is then worth a warning).
	Target    *index.Target
	PyPIRules bool
	// GitHub describes the workflow run, for the diagnosis.
	GitHub ghactions.Env
	// Projects are the normalized names being published, for the links
	// that pre-fill the index's trusted-publisher form.
	Projects []string
	// RetryWait, when set, replaces the wait between exchange attempts.
	RetryWait time.Duration

	Source *oidc.Source
	Mint   *mint.Client
	UI     *console.UI

	mu    sync.Mutex
	token mint.Token
	// lifetime is how long the current token was valid when minted.
	lifetime time.Duration
	// provider is the CI the last ID token came from.
	provider string
	// minted are every token of the session, to revoke at the end.
	minted []string
}

// Provider is the CI the last ID token came from.
func (s *Session) Provider() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.provider
}

// Credentials returns the token to upload with, minting a new one when
// the current one nears its expiry.
func (s *Session) Credentials(ctx context.Context) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token.Value != "" && time.Until(s.token.Expires) > s.lifetime/remintFraction {
		return "__token__", s.token.Value, nil
	}
	if s.token.Value != "" && !oidc.Refreshable(s.provider) {
		// GitLab and explicit tokens are one per job: keep the token we
		// have rather than fail on a reused JWT.
		return "__token__", s.token.Value, nil
	}
	renewing := s.token.Value != ""
	tok, err := s.exchange(ctx)
	if err != nil {
		return "", "", err
	}
	if renewing {
		s.UI.Printf("Minted a new trusted-publishing token: the previous one expires in %s", time.Until(s.token.Expires).Round(time.Second))
	}
	s.token, s.lifetime = tok, time.Until(tok.Expires)
	s.minted = append(s.minted, tok.Value)
	return "__token__", tok.Value, nil
}

// Expire forgets the token, so the next Credentials call mints again
// (after the index said the token expired).
func (s *Session) Expire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token.Expires = time.Time{}
}

// exchange runs audience → ID token → mint, retrying the whole sequence
// with a fresh ID token on temporary failures: PyPI refuses a JWT it has
// seen, so re-sending one after an ambiguous failure could never work.
func (s *Session) exchange(ctx context.Context) (mint.Token, error) {
	var lastErr error
	for attempt := 1; attempt <= exchangeAttempts; attempt++ {
		if attempt > 1 {
			wait := time.Duration(attempt-1) * time.Second
			if s.RetryWait > 0 {
				wait = s.RetryWait
			}
			s.UI.Warnf("Retrying trusted publishing", "attempt %d failed (%v); retrying with a fresh ID token in %s", attempt-1, lastErr, wait)
			select {
			case <-ctx.Done():
				return mint.Token{}, ctx.Err()
			case <-time.After(wait):
			}
		}
		tok, err := s.once(ctx)
		if err == nil {
			return tok, nil
		}
		lastErr = err
		if !temporary(err) {
			break
		}
	}
	return mint.Token{}, s.explain(lastErr)
}

// exchangeError is a failed exchange with the ID token's claims, when
// there was one, for the diagnosis.
type exchangeError struct {
	err    error
	claims *oidc.Claims
}

func (e *exchangeError) Error() string { return e.err.Error() }
func (e *exchangeError) Unwrap() error { return e.err }

// temporary says whether the whole exchange is worth another go with a
// fresh ID token: the index's answers only. The CI's token service is
// asked through a retrying client already; asking it again here would
// multiply the retries (3 × 6 requests to a failing endpoint).
func temporary(err error) bool {
	var merr *mint.Error
	return errors.As(err, &merr) && merr.Temporary()
}

func (s *Session) once(ctx context.Context) (mint.Token, error) {
	done := s.UI.Waiting("%s to say its OIDC audience", s.Target.Host())
	audience, err := s.Mint.Audience(ctx)
	done()
	if err != nil {
		return mint.Token{}, err
	}
	if err := s.Target.CheckAudience(audience); err != nil {
		return mint.Token{}, err
	}
	s.UI.Debugf("selected trusted publishing exchange endpoint: %s", s.Mint.BaseURL.JoinPath("/_/oidc/mint-token"))
	done = s.UI.Waiting("the CI to issue an OIDC ID token")
	id, err := s.Source.Token(ctx, audience)
	done()
	if err != nil {
		return mint.Token{}, err
	}
	s.UI.Secret(id.JWT)
	s.provider = id.Provider
	// A token from a file or a CI variable has the audience it was made
	// for, whatever we asked.
	for _, aud := range audiences(id.Claims) {
		if err := s.Target.CheckAudience(aud); err != nil {
			return mint.Token{}, err
		}
	}
	if !oidc.TrustedByPyPI(id.Provider) && s.PyPIRules {
		s.UI.Warnf("Untrusted OIDC issuer", "this ID token comes from %s, whose issuer PyPI does not trust yet: PyPI and TestPyPI will refuse it (other indexes may accept it)", id.Provider)
	}
	s.warnReusableWorkflow(id.Claims)
	done = s.UI.Waiting("%s to mint an API token", s.Target.Host())
	tok, err := s.Mint.Token(ctx, id.JWT)
	done()
	if err != nil {
		return mint.Token{}, &exchangeError{err: err, claims: &id.Claims}
	}
	// Masked before anything else can print it.
	s.UI.Mask(tok.Value)
	return tok, nil
}

func (s *Session) warnReusableWorkflow(c oidc.Claims) {
	if c.WorkflowRef == "" || c.JobWorkflowRef == "" || c.WorkflowRef == c.JobWorkflowRef {
		return
	}
	s.UI.Warnf("Reusable workflow", "Potential workflow misconfiguration: the claims in this token suggest that the calling workflow is a reusable workflow.\n\n"+
		"workflow_ref:     %s\njob_workflow_ref: %s\n\n"+
		"PyPI matches the trusted publisher on job_workflow_ref, so the publisher must name the reusable workflow's file, %q, "+
		"not the calling workflow's. See https://docs.pypi.org/trusted-publishers/troubleshooting/", c.WorkflowRef, c.JobWorkflowRef, c.WorkflowFile())
}

// audiences lists a token's aud claim, a string or a list.
func audiences(c oidc.Claims) []string {
	if c.Audience != "" {
		return []string{c.Audience}
	}
	var out []string
	if list, ok := c.Raw["aud"].([]any); ok {
		for _, a := range list {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
