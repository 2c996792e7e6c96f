package release

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"github.com/pypi-publish/pypi-publish/internal/oidctest"
	"github.com/pypi-publish/pypi-publish/internal/pypitest"
	"github.com/pypi-publish/pypi-publish/internal/report"
	"github.com/pypi-publish/pypi-publish/internal/trusted"
	"github.com/pypi-publish/pypi-publish/mint"
	"github.com/pypi-publish/pypi-publish/oidc"
	"github.com/pypi-publish/pypi-publish/upload"
)

// session is a trusted-publishing session against the stand, with a
// GitHub token service from oidctest that the index trusts.
func (s *stand) session(t *testing.T, projects []string) *trusted.Session {
	t.Helper()
	iss := oidctest.NewIssuer()
	isrv := httptest.NewServer(iss)
	t.Cleanup(isrv.Close)
	iss.SetURL(isrv.URL)
	s.idx.TrustIssuer("github", isrv.URL)
	for _, p := range projects {
		s.idx.AddProject(p)
	}
	s.idx.AddPublisher(pypitest.Publisher{Kind: "github", Owner: "octo-org", Repository: "octo-repo", OwnerID: "1234567",
		Workflow: "release.yml", Projects: projects})
	env := map[string]string{
		"GITHUB_ACTIONS":                 "true",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": iss.RequestToken(),
		"ACTIONS_ID_TOKEN_REQUEST_URL":   iss.TokenURL(),
	}
	once := (&httpx.Config{Timeout: 10 * time.Second}).Once()
	u, _ := quietUI()
	tg := s.target(t)
	return &trusted.Session{
		Target: tg, Projects: projects, RetryWait: time.Millisecond, UI: u,
		Source: &oidc.Source{Getenv: func(k string) string { return env[k] }, HTTP: once},
		Mint:   &mint.Client{BaseURL: tg.OIDCBase(), HTTP: once},
	}
}

// TestTokenExpired: when the index says the token expired, the token is
// renewed once and the file sent again; a renewal that does not help, or
// none to be had, is a failure that stops the release.
func TestTokenExpired(t *testing.T) {
	tests := []struct {
		name string
		// lifetime of minted tokens; 0 for PyPI's
		lifetime time.Duration
		renew    bool
		// what became of the files, requests sent, tokens minted
		outcomes []report.Outcome
		requests int
		minted   int
		renewals int
	}{
		{"renewal helps", 0, true,
			[]report.Outcome{report.Uploaded, report.Uploaded, report.Uploaded}, 4, 2, 1},
		// Tokens born expired: the session mints a fresh one for the
		// upload (it sees the first one's expiry too), then one renewal.
		{"renewal does not help", time.Nanosecond, true,
			[]report.Outcome{report.Failed, report.NotAttempted, report.NotAttempted}, 2, 3, 1},
		{"nothing to renew", 0, false,
			[]report.Outcome{report.Failed, report.NotAttempted, report.NotAttempted}, 1, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStand(t)
			files := wheels(t, 3)
			var names []string
			for _, f := range files {
				names = append(names, f.Name())
			}
			sess := s.session(t, names)
			s.idx.SetTokenLifetime(tt.lifetime)
			// The first token is minted before the uploads, as main does;
			// then the index's clock passes its expiry, ours does not.
			if _, _, err := sess.Credentials(t.Context()); err != nil {
				t.Fatal(err)
			}
			if tt.lifetime == 0 {
				s.advance(16 * time.Minute)
			}
			renewals := 0
			o := Options{Parallel: 2}
			if tt.renew {
				o.Renew = func() bool { renewals++; sess.Expire(); return true }
			}
			client := &upload.Client{URL: s.srv.URL + "/legacy/", Credentials: sess.Credentials,
				HTTP: (&httpx.Config{Retries: 2, RetryWait: time.Millisecond}).Retrying()}
			u, out := quietUI()
			run := Upload(t.Context(), client, s.target(t), files, o, u)
			for i, f := range run.Files {
				if f.Outcome != tt.outcomes[i] {
					t.Errorf("file %d: %s (%s), want %s", i, f.Outcome, f.Reason, tt.outcomes[i])
				}
				if f.Outcome == report.Failed && !strings.Contains(f.Reason, "token is expired") {
					t.Errorf("failed reason %q", f.Reason)
				}
			}
			if got := s.idx.Uploads(); got != tt.requests {
				t.Errorf("%d upload requests, want %d", got, tt.requests)
			}
			if got := s.idx.MintedTokens(); got != tt.minted {
				t.Errorf("%d tokens minted, want %d", got, tt.minted)
			}
			if renewals != tt.renewals || strings.Count(out.String(), "Token expired") != tt.renewals {
				t.Errorf("%d renewals, want %d; output:\n%s", renewals, tt.renewals, out)
			}
		})
	}
}
