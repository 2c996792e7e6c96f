package main

import (
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/attest"
	"github.com/pypi-publish/pypi-publish/internal/settings"
	"github.com/pypi-publish/pypi-publish/internal/signing"
)

// verifyCommand checks a PEP 740 attestation against a file and the
// publisher identity it must come from, as PyPI does on upload.
func (a *app) verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify-attestation",
		Usage:     "check a PEP 740 attestation against its file and the expected publisher",
		UsageText: "pypi-publish verify-attestation --repository OWNER/REPO --workflow FILE.yml DIST [ATTESTATION]\n   pypi-publish verify-attestation --issuer URL --san URL DIST [ATTESTATION]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "repository", Usage: "GitHub repository of the trusted publisher (owner/name)"},
			&cli.StringFlag{Name: "workflow", Usage: "workflow file of the GitHub trusted publisher (release.yml)"},
			&cli.StringFlag{Name: "gitlab-project", Usage: "GitLab project of the trusted publisher (namespace/project)"},
			&cli.StringFlag{Name: "gitlab-ci-file", Value: ".gitlab-ci.yml", Usage: "CI file of the GitLab trusted publisher"},
			&cli.StringFlag{Name: "email", Usage: "service account of a Google trusted publisher"},
			&cli.StringFlag{Name: "issuer", Usage: "OIDC issuer of the signing certificate (with --san or --san-regex, instead of the publisher flags)"},
			&cli.StringFlag{Name: "san", Usage: "exact subject alternative name of the signing certificate"},
			&cli.StringFlag{Name: "san-regex", Usage: "regular expression the whole subject alternative name must match (anchored at both ends, e.g. 'https://github\\.com/o/r/\\.github/workflows/release\\.yml@.*')"},
			&cli.StringFlag{Name: "trusted-root", Usage: "trusted_root.json (default: production Sigstore's)" + settings.EnvHelp("sigstore-trusted-root")},
		},
		Action: func(c *cli.Context) error {
			args := c.Args().Slice()
			if len(args) < 1 || len(args) > 2 {
				return usagef("verify-attestation takes a distribution and, optionally, its attestation (default: DIST%s)", attest.Suffix)
			}
			path, attPath := args[0], args[0]+attest.Suffix
			if len(args) == 2 {
				attPath = args[1]
			}
			var id attest.Identity
			switch {
			case c.String("repository") != "" && c.String("workflow") != "":
				id = attest.GitHubIdentity(c.String("repository"), c.String("workflow"))
			case c.String("gitlab-project") != "":
				id = attest.GitLabIdentity(c.String("gitlab-project"), c.String("gitlab-ci-file"))
			case c.String("email") != "":
				id = attest.GoogleIdentity(c.String("email"))
			case c.String("issuer") != "" && (c.String("san") != "" || c.String("san-regex") != ""):
				id = attest.Identity{Issuer: c.String("issuer"), SAN: c.String("san"), SANRegex: c.String("san-regex")}
			default:
				return usagef("say whose attestation to expect: --repository and --workflow (GitHub), --gitlab-project, --email (Google), or --issuer with --san/--san-regex")
			}
			rootPath := c.String("trusted-root")
			if rootPath == "" {
				rootPath = a.getenv("PYPI_PUBLISH_SIGSTORE_TRUSTED_ROOT")
			}
			trusted, err := signing.TrustedRoot(c.Context, rootPath, nil)
			if err != nil {
				return err
			}
			a, err := attest.Load(attPath)
			if err != nil {
				return err
			}
			digests, err := dist.HashFile(path)
			if err != nil {
				return err
			}
			name := filepath.Base(path)
			if err := attest.Verify(a, name, digests.SHA256, trusted, id); err != nil {
				return fmt.Errorf("%s: %w", attPath, err)
			}
			fmt.Fprintf(c.App.Writer, "OK: %s attests %s (sha256 %s)\n", attPath, name, digests.SHA256)
			return nil
		},
	}
}
