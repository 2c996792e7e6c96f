package main

import (
	"github.com/urfave/cli/v2"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/internal/settings"
	"github.com/pypi-publish/pypi-publish/internal/trusted"
)

// claimsCommand is a built-in OIDC debugger: it fetches this run's ID
// token and shows its claims (never the token) and the trusted publisher
// PyPI would need to accept it.
func (a *app) claimsCommand() *cli.Command {
	return &cli.Command{
		Name:      "claims",
		Usage:     "print this CI run's OIDC claims and the trusted publisher PyPI needs to accept it (never the token)",
		UsageText: "pypi-publish claims [--audience pypi] [--project NAME ...]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "audience", Value: "pypi", Usage: "audience to request the token for (testpypi for TestPyPI)"},
			&cli.StringSliceFlag{Name: "project", Usage: "project names for the links that pre-fill PyPI's form (default: those in --packages-dir)"},
			&cli.StringFlag{Name: "packages-dir", Value: "dist", Usage: "where to find project names when --project is not given"},
			&cli.StringFlag{Name: "id-token-file", Usage: "file holding an OIDC ID token" + settings.EnvHelp("id-token-file")},
		},
		Action: func(c *cli.Context) error {
			aud := c.String("audience")
			upload := index.PyPIUploadURL
			if aud == "testpypi" {
				upload = index.TestPyPIUploadURL
			}
			t, err := index.Parse(upload)
			if err != nil {
				return err
			}
			gh := ghactions.FromEnv(a.getenv)
			src := a.env.OIDCSource(c.String("id-token-file"))
			src.HTTP = (&httpx.Config{UserAgent: userAgent()}).Once()
			projects := c.StringSlice("project")
			if len(projects) == 0 {
				projects = projectsIn(c.String("packages-dir"))
			}
			u := a.ui(gh.Actions, false)
			return trusted.Claims(c.Context, src, aud, trusted.Context{Target: t, GitHub: gh, Projects: unique(projects)}, u)
		},
	}
}

// projectsIn names the projects of the distributions in dir, best
// effort: the claims command works without any.
func projectsIn(dir string) []string {
	var files []*dist.File
	if found, err := dist.Find(dir, nil); err == nil {
		for _, p := range found.Paths {
			if f, err := dist.Open(p); err == nil {
				files = append(files, f)
			}
		}
	}
	return dist.ProjectNames(files)
}

// unique keeps the first of each name, in order.
func unique(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
