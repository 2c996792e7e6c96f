package main

import (
	"context"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// claimsCommand is a built-in OIDC debugger: it fetches this run's ID
// token and shows its claims (never the token) and the trusted publisher
// PyPI would need to accept it. Setting up a publisher is where users get
// stuck most.
func claimsCommand(getenv func(string) string) *cli.Command {
	return &cli.Command{
		Name:      "claims",
		Usage:     "print this CI run's OIDC claims and the trusted publisher PyPI needs to accept it (never the token)",
		UsageText: "pypi-publish claims [--audience pypi] [--project NAME ...]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "audience", Value: "pypi", Usage: "audience to request the token for (testpypi for TestPyPI)"},
			&cli.StringSliceFlag{Name: "project", Usage: "project names for the links that pre-fill PyPI's form (default: those in --packages-dir)"},
			&cli.StringFlag{Name: "packages-dir", Value: "dist", Usage: "where to find project names when --project is not given"},
			&cli.StringFlag{Name: "id-token-file", Usage: "file holding an OIDC ID token" + envHelp("id-token-file")},
		},
		Action: func(c *cli.Context) error {
			return printClaims(c.Context, c, getenv)
		},
	}
}

func printClaims(ctx context.Context, c *cli.Context, getenv func(string) string) error {
	aud := c.String("audience")
	tokenFile := c.String("id-token-file")
	if tokenFile == "" {
		tokenFile = getenv("PYPI_PUBLISH_ID_TOKEN_FILE")
	}
	src := newOIDCSource(getenv, tokenFile, plainHTTP(30*time.Second))
	cfg := &config{RepositoryURL: &url.URL{Scheme: "https", Host: "upload.pypi.org", Path: "/legacy/"}, GitHub: getenv("GITHUB_ACTIONS") == "true"}
	if aud == "testpypi" {
		cfg.RepositoryURL.Host = "test.pypi.org"
	}
	u := newUI(c.App.Writer, c.App.ErrWriter, cfg)
	tok, err := src.Token(ctx, aud)
	if err != nil {
		x := &exchanger{cfg: cfg, u: u, getenv: getenv}
		return x.explain(err)
	}
	u.printf("OIDC ID token from %s for audience %q (issuer %s)", tok.Provider, aud, tok.Claims.Issuer)
	if !oidc.KnownPyPIIssuer(tok.Claims.Issuer) {
		u.warnf("Untrusted issuer", "PyPI does not trust the issuer %s: pypi.org will refuse this token", tok.Claims.Issuer)
	}
	u.printf("\nAll claims:")
	keys := make([]string, 0, len(tok.Claims.Raw))
	for k := range tok.Claims.Raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		u.printf("  %-22s %v", k+":", tok.Claims.Raw[k])
	}
	projects := c.StringSlice("project")
	if len(projects) == 0 {
		if found, err := dist.Find(c.String("packages-dir"), nil); err == nil {
			for _, p := range found.Paths {
				if f, err := dist.Open(p); err == nil {
					projects = append(projects, projectNames([]*dist.File{f})...)
				}
			}
		}
	}
	if len(projects) == 0 {
		projects = []string{"YOUR-PROJECT"}
	}
	u.printf("\n%s", strings.TrimSpace(diagnose(tok.Claims, cfg, dedupe(projects))))
	return nil
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
