package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pypi-publish/pypi-publish/mint"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// exchangeAttempts bounds how often the whole exchange (audience, fresh
// ID token, mint) is tried when a server or the network fails.
const exchangeAttempts = 3

// A minted token is replaced when less than a third of its life is left:
// five minutes of PyPI's fifteen, long enough for one more large file.
const remintFraction = 3

// exchanger performs trusted publishing: it turns the CI's identity into
// a PyPI API token, and does it again when the token nears its expiry.
type exchanger struct {
	cfg    *config
	u      *ui
	source *oidc.Source
	mint   *mint.Client
	getenv func(string) string

	mu    sync.Mutex
	token mint.Token
	// lifetime is how long the current token was valid when minted.
	lifetime time.Duration
	// provider is the CI the last ID token came from.
	provider string
	// projects are the normalized names being published, for the links
	// that pre-fill PyPI's trusted-publisher form.
	projects []string
}

func newExchanger(cfg *config, u *ui, getenv func(string) string) *exchanger {
	base := &url.URL{Scheme: cfg.RepositoryURL.Scheme, Host: cfg.RepositoryURL.Host}
	httpc := plainHTTP(30 * time.Second)
	return &exchanger{
		cfg: cfg, u: u, getenv: getenv,
		source: newOIDCSource(getenv, cfg.IDTokenFile, httpc),
		mint:   &mint.Client{BaseURL: base, HTTP: httpc},
	}
}

// newOIDCSource finds this CI's ID tokens, for publishing and for the
// claims sub-command alike.
func newOIDCSource(getenv func(string) string, tokenFile string, httpc *http.Client) *oidc.Source {
	return &oidc.Source{Getenv: getenv, HTTP: httpc, TokenFile: tokenFile,
		// Test seams: a stand-in metadata server, and no DMI file, so that
		// a test run on Google Cloud is not taken for a publisher.
		GoogleMetadataURL:  getenv("PYPI_PUBLISH_GOOGLE_METADATA_URL"),
		DMIProductNamePath: getenv("PYPI_PUBLISH_DMI_PRODUCT_NAME_PATH")}
}

// plainHTTP is a client without retries, for the calls whose retries we
// make ourselves (the token exchange) or that must not repeat (Fulcio).
func plainHTTP(timeout time.Duration) *http.Client {
	return (&httpx.Config{UserAgent: "pypi-publish/" + versionString(), Timeout: timeout}).Once()
}

// credentials returns the token to upload with, minting a new one when
// the current one nears its expiry.
func (x *exchanger) credentials(ctx context.Context) (string, string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.token.Value != "" && time.Until(x.token.Expires) > x.lifetime/remintFraction {
		return "__token__", x.token.Value, nil
	}
	if x.token.Value != "" && !oidc.Refreshable(x.provider) {
		// GitLab and explicit tokens are one per job: keep the token we
		// have rather than fail on a reused JWT.
		return "__token__", x.token.Value, nil
	}
	renewing := x.token.Value != ""
	tok, err := x.exchange(ctx)
	if err != nil {
		return "", "", err
	}
	if renewing {
		x.u.printf("Minted a new trusted-publishing token: the previous one expires in %s", time.Until(x.token.Expires).Round(time.Second))
	}
	x.token, x.lifetime = tok, time.Until(tok.Expires)
	return "__token__", tok.Value, nil
}

// expire forgets the token, so the next credentials call mints again
// (after the index said the token expired).
func (x *exchanger) expire() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.token.Expires = time.Time{}
}

// exchange runs audience → ID token → mint, retrying the whole sequence
// with a fresh ID token on temporary failures: PyPI refuses a JWT it has
// seen, so re-sending one after an ambiguous failure could never work.
func (x *exchanger) exchange(ctx context.Context) (mint.Token, error) {
	var lastErr error
	for attempt := 1; attempt <= exchangeAttempts; attempt++ {
		if attempt > 1 {
			wait := time.Duration(attempt-1) * time.Second
			if x.cfg.RetryWait > 0 {
				wait = x.cfg.RetryWait
			}
			x.u.warnf("Retrying trusted publishing", "attempt %d failed (%v); retrying with a fresh ID token in %s", attempt-1, lastErr, wait)
			select {
			case <-ctx.Done():
				return mint.Token{}, ctx.Err()
			case <-time.After(wait):
			}
		}
		tok, err := x.once(ctx)
		if err == nil {
			return tok, nil
		}
		lastErr = err
		if !temporary(err) {
			break
		}
	}
	return mint.Token{}, x.explain(lastErr)
}

// exchangeError is a failed exchange with the ID token's claims, when
// there was one, for the diagnosis.
type exchangeError struct {
	err    error
	claims *oidc.Claims
}

func (e *exchangeError) Error() string { return e.err.Error() }
func (e *exchangeError) Unwrap() error { return e.err }

func temporary(err error) bool {
	var merr *mint.Error
	var herr *oidc.HTTPError
	switch {
	case errors.As(err, &merr):
		return merr.Temporary()
	case errors.As(err, &herr):
		return herr.Temporary()
	}
	return false
}

func (x *exchanger) once(ctx context.Context) (mint.Token, error) {
	audience, err := x.mint.Audience(ctx)
	if err != nil {
		return mint.Token{}, err
	}
	x.u.debugf("selected trusted publishing exchange endpoint: %s", x.mint.BaseURL.JoinPath("/_/oidc/mint-token"))
	id, err := x.source.Token(ctx, audience)
	if err != nil {
		return mint.Token{}, err
	}
	x.provider = id.Provider
	if !oidc.TrustedByPyPI(id.Provider) && x.cfg.PyPIRules {
		x.u.warnf("Untrusted OIDC issuer", "this ID token comes from %s, whose issuer PyPI does not trust yet: pypi.org will refuse it (other indexes may accept it)", id.Provider)
	}
	x.warnReusableWorkflow(id.Claims)
	tok, err := x.mint.Token(ctx, id.JWT)
	if err != nil {
		return mint.Token{}, &exchangeError{err: err, claims: &id.Claims}
	}
	// Masked before anything else can print it.
	if x.cfg.GitHub {
		x.u.printf("::add-mask::%s", tok.Value)
	}
	return tok, nil
}

func (x *exchanger) warnReusableWorkflow(c oidc.Claims) {
	if c.WorkflowRef == "" || c.JobWorkflowRef == "" || c.WorkflowRef == c.JobWorkflowRef {
		return
	}
	x.u.warnf("Reusable workflow", "Potential workflow misconfiguration: the claims in this token suggest that the calling workflow is a reusable workflow.\n\n"+
		"workflow_ref:     %s\njob_workflow_ref: %s\n\n"+
		"PyPI matches the trusted publisher on job_workflow_ref, so the publisher must name the reusable workflow's file, %q, "+
		"not the calling workflow's. See https://docs.pypi.org/trusted-publishers/troubleshooting/", c.WorkflowRef, c.JobWorkflowRef, c.WorkflowFile())
}

// explain turns a failed exchange into what the user needs to fix it.
func (x *exchanger) explain(err error) error {
	var b strings.Builder
	var perr *oidc.PermissionError
	var merr *mint.Error
	var xerr *exchangeError
	switch {
	case errors.As(err, &perr):
		fmt.Fprintf(&b, "OpenID Connect token retrieval failed: %v\n\n", err)
		if x.forkPullRequest() {
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
		if merr.HasCode("invalid-reuse-token") && !oidc.Refreshable(x.provider) {
			b.WriteString("\n\nThis ID token was already used (an earlier attempt reached PyPI); " + x.provider + " gives one per job: run the job again.")
		}
		if len(merr.Reasons) > 0 {
			b.WriteString("\n\nThis generally indicates a trusted publisher configuration error, but could also indicate an internal error on GitHub or PyPI's part.")
		}
		if merr.StatusCode >= 500 || merr.Malformed {
			b.WriteString("\n\nWait a few minutes and try again; PyPI's status is at https://status.python.org/")
		}
		if errors.As(err, &xerr) && xerr.claims != nil && len(merr.Reasons) > 0 {
			b.WriteString("\n\n" + diagnose(*xerr.claims, x.cfg, x.projects))
		}
	default:
		b.WriteString(err.Error())
	}
	return &trustedError{msg: b.String(), err: err}
}

// trustedError is a failed exchange, explained.
type trustedError struct {
	msg string
	err error
}

func (e *trustedError) Error() string { return e.msg }
func (e *trustedError) Unwrap() error { return e.err }

// forkPullRequest reports a pull_request event from a fork, which GitHub
// never gives an ID token.
func (x *exchanger) forkPullRequest() bool {
	if x.getenv("GITHUB_EVENT_NAME") != "pull_request" {
		return false
	}
	data, err := os.ReadFile(x.getenv("GITHUB_EVENT_PATH"))
	if err != nil {
		return false
	}
	var event struct {
		PullRequest struct {
			Head struct {
				Repo struct {
					Fork bool `json:"fork"`
				} `json:"repo"`
			} `json:"head"`
		} `json:"pull_request"`
	}
	return json.Unmarshal(data, &event) == nil && event.PullRequest.Head.Repo.Fork
}
