package trusted

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/pypitest"
	"github.com/pypi-publish/pypi-publish/mint"
)

func TestCredentials(t *testing.T) {
	s := newStand(t)
	s.addPublisher()
	sess, out := s.session(t, s.githubEnv())
	user, tok, err := sess.Credentials(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if user != "__token__" || !strings.HasPrefix(tok, "pypi-") {
		t.Errorf("credentials %q, %q…", user, tok[:min(len(tok), 5)])
	}
	if sess.Provider() != "github" {
		t.Errorf("provider %q", sess.Provider())
	}
	// Fresh: asking again mints nothing.
	if _, again, err := sess.Credentials(t.Context()); err != nil || again != tok {
		t.Errorf("second Credentials minted again (%v)", err)
	}
	if n := s.idx.MintedTokens(); n != 1 {
		t.Errorf("%d tokens minted, want 1", n)
	}
	if !strings.HasPrefix(out.String(), "::add-mask::"+tok+"\n") && !strings.Contains(out.String(), "\n::add-mask::"+tok+"\n") {
		t.Errorf("the token is not masked:\n%s", out)
	}
	s.checkSecrets(t, out.String(), tok)
}

// TestExchangeRetries: a temporary failure is retried with a new ID token
// (PyPI refuses a JWT it has seen); anything else is not retried.
func TestExchangeRetries(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(s *stand)
		ok        bool
		jwts      int    // ID tokens fetched
		retries   int    // retry warnings
		errSubstr string // in the explained error
	}{
		{"mint fails before the JWT is seen", func(s *stand) { s.addPublisher(); s.idx.FailMint(1, 502) }, true, 2, 1, ""},
		{"the index dies after claiming the JWT", func(s *stand) { s.addPublisher(); s.idx.FailMintAfterClaim(2) }, true, 3, 2, ""},
		{"still failing after three attempts", func(s *stand) { s.addPublisher(); s.idx.FailMint(3, 503) }, false, 3, 2,
			"Wait a few minutes and try again"},
		{"no publisher: not retried", func(s *stand) {}, false, 1, 0,
			"`invalid-publisher`"},
		{"trusted publishing disabled: not retried", func(s *stand) {
			s.addPublisher()
			s.idx.SetTrustedPublishing(pypitest.TrustedPublishingDisabled)
		}, false, 0, 0, "trusted publishing disabled"},
		{"an index without it: not retried", func(s *stand) {
			s.idx.SetTrustedPublishing(pypitest.TrustedPublishingAbsent)
		}, false, 0, 0, "does not indicate trusted publishing support"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStand(t)
			tt.setup(s)
			sess, out := s.session(t, s.githubEnv())
			_, tok, err := sess.Credentials(t.Context())
			jwts := s.issued()
			if len(jwts) != tt.jwts {
				t.Errorf("%d ID tokens fetched, want %d", len(jwts), tt.jwts)
			}
			// Every attempt had its own ID token: distinct jti.
			jtis := s.iss.JTIs()
			if len(slices.Compact(slices.Sorted(slices.Values(jtis)))) != len(jtis) {
				t.Errorf("an ID token was reused: %q", jtis)
			}
			if n := strings.Count(out.String(), "::warning title=Retrying trusted publishing::"); n != tt.retries {
				t.Errorf("%d retry warnings, want %d:\n%s", n, tt.retries, out)
			}
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				s.checkSecrets(t, out.String(), tok)
				return
			}
			var terr *Error
			if !errors.As(err, &terr) || !strings.Contains(err.Error(), tt.errSubstr) {
				t.Fatalf("error %v, want a *trusted.Error containing %q", err, tt.errSubstr)
			}
			var merr *mint.Error
			if !errors.As(err, &merr) {
				t.Errorf("the explained error does not wrap the *mint.Error: %v", err)
			}
			s.checkSecrets(t, out.String()+err.Error())
		})
	}
}

// TestExplainedRefusal: a refused mint is explained with the claims PyPI
// matched on and the publisher it would need, and no secret.
func TestExplainedRefusal(t *testing.T) {
	s := newStand(t)
	s.idx.AddPublisher(pypitest.Publisher{Kind: "github", Owner: "octo-org", Repository: "octo-repo", OwnerID: "1234567",
		Workflow: "other.yml", Projects: []string{"demo"}})
	sess, out := s.session(t, s.githubEnv())
	_, _, err := sess.Credentials(t.Context())
	if err == nil {
		t.Fatal("minted with the wrong workflow")
	}
	for _, want := range []string{
		"Token request failed: the server refused the request for the following reasons:",
		"invalid-publisher",
		"This generally indicates a trusted publisher configuration error",
		"  Owner:             octo-org\n",
		"  Repository name:   octo-repo\n",
		"  Workflow name:     release.yml ",
		"  Environment name:  (leave empty",
		s.srv.URL + "/manage/project/demo/settings/publishing/?",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("explanation lacks %q:\n%s", want, err)
		}
	}
	s.checkSecrets(t, out.String()+err.Error())
}

// TestRemint: a token is minted again once less than a third of its life
// is left; a provider whose ID token cannot be renewed keeps its token.
func TestRemint(t *testing.T) {
	const lifetime = 3 * time.Second
	tests := []struct {
		name   string
		env    func(s *stand, t *testing.T) map[string]string
		remint bool
	}{
		{"GitHub gives a fresh ID token", func(s *stand, t *testing.T) map[string]string { return s.githubEnv() }, true},
		{"an explicit ID token is one per job", func(s *stand, t *testing.T) map[string]string {
			jwt := s.iss.Mint("pypi-standin", nil)
			s.mu.Lock()
			s.jwts = append(s.jwts, jwt) // a secret too
			s.mu.Unlock()
			return map[string]string{"PYPI_PUBLISH_ID_TOKEN": jwt}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStand(t)
			s.addPublisher()
			s.idx.SetTokenLifetime(lifetime)
			sess, out := s.session(t, tt.env(s, t))
			_, first, err := sess.Credentials(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if _, again, _ := sess.Credentials(t.Context()); again != first {
				t.Error("minted again at once")
			}
			// PyPI's expiry is whole seconds: the life seen is 2 to 3 s,
			// and after 2.2 s less than a third of it is left.
			time.Sleep(2200 * time.Millisecond)
			_, later, err := sess.Credentials(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if (later != first) != tt.remint {
				t.Errorf("minted again: %v, want %v", later != first, tt.remint)
			}
			if got := strings.Contains(out.String(), "Minted a new trusted-publishing token"); got != tt.remint {
				t.Errorf("announced a new token: %v:\n%s", got, out)
			}
			minted := []string{first}
			if tt.remint {
				minted = append(minted, later)
			}
			s.checkSecrets(t, out.String(), minted...)
		})
	}
}

// TestExpire: after the index says the token expired, the next call
// mints, even with time left by our clock.
func TestExpire(t *testing.T) {
	s := newStand(t)
	s.addPublisher()
	sess, out := s.session(t, s.githubEnv())
	_, first, err := sess.Credentials(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	sess.Expire()
	_, second, err := sess.Credentials(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if second == first || s.idx.MintedTokens() != 2 {
		t.Errorf("Expire did not make Credentials mint (%d minted)", s.idx.MintedTokens())
	}
	s.checkSecrets(t, out.String(), first, second)
}
