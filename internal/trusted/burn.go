package trusted

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pypi-publish/pypi-publish/mint"
)

// burnBound is the most the revocation may add to a run, all tokens and
// the one retry included.
const burnBound = 30 * time.Second

// Burn revokes every token the session minted (re-mints included) at the
// index's burn-token endpoint, once the run is over, however it ended:
// a token nobody needs should not stay valid for the rest of its
// fifteen minutes. A failure is retried once and then only warned
// about: the release is what matters. It returns how many tokens were
// revoked.
func (s *Session) Burn(ctx context.Context) int {
	s.mu.Lock()
	tokens := s.minted
	s.minted = nil
	s.mu.Unlock()
	if len(tokens) == 0 {
		return 0
	}
	// An interrupted run still revokes what it minted.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), burnBound)
	defer cancel()
	done := s.UI.Waiting("%s to revoke the trusted-publishing token", s.Target.Host())
	defer done()
	burned := 0
	for _, tok := range tokens {
		err := s.Mint.Burn(ctx, tok)
		if err != nil && ctx.Err() == nil && !absent(err) {
			wait := time.Second
			if s.RetryWait > 0 {
				wait = s.RetryWait
			}
			select {
			case <-time.After(wait):
				err = s.Mint.Burn(ctx, tok)
			case <-ctx.Done():
			}
		}
		if err != nil {
			s.UI.Warnf("Token not revoked", "could not revoke the trusted-publishing token at %s: %s; it expires by itself within 15 minutes", s.Target.Host(), burnError(err))
			continue
		}
		burned++
	}
	if burned > 0 {
		s.UI.Debugf("revoked %d trusted-publishing token(s) at %s", burned, s.Mint.BaseURL.JoinPath("/_/oidc/burn-token"))
	}
	return burned
}

// absent is an index without the endpoint: asking again will not help.
func absent(err error) bool {
	var merr *mint.Error
	return errors.As(err, &merr) && (merr.StatusCode == 404 || merr.StatusCode == 405)
}

func burnError(err error) string {
	var merr *mint.Error
	switch {
	case errors.As(err, &merr) && merr.StatusCode == 404:
		return "the index has no burn-token endpoint (404)"
	case errors.As(err, &merr) && merr.StatusCode != 0:
		return fmt.Sprintf("the index answered %s", merr.Status)
	case errors.As(err, &merr) && merr.Err != nil:
		return merr.Err.Error()
	}
	return err.Error()
}
