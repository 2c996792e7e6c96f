package config

import (
	"github.com/urfave/cli/v2"

	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/internal/settings"
)

// Flags are the flags of a publishing run, new each call: the
// bare command and "upload" each parse their own.
func Flags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Value: "__token__", Usage: "username; __token__ for API tokens" + settings.EnvHelp("user")},
		&cli.StringFlag{Name: "password", Aliases: []string{"p"}, Usage: "API token (pypi-…) or password; never printed" + settings.EnvHelp("password")},
		&cli.StringFlag{Name: "repository-url", Value: index.PyPIUploadURL, Usage: "legacy upload endpoint" + settings.EnvHelp("repository-url")},
		&cli.StringFlag{Name: "repository", Aliases: []string{"r"}, Usage: "a repository of the .pypirc file (pypi and testpypi are built in), instead of --repository-url" + settings.EnvHelp("repository")},
		&cli.StringFlag{Name: "token", Aliases: []string{"t"}, Usage: "API token: user __token__ with this password (uv's --token); never printed" + settings.EnvHelp("token")},
		&cli.StringFlag{Name: "config-file", Usage: "the .pypirc file to read --repository from (default: ~/.pypirc; none reads no file)" + settings.EnvHelp("config-file")},
		&cli.StringFlag{Name: "index", Usage: "upload to the [[tool.uv.index]] of this name in ./pyproject.toml (its publish-url), checking existing files against its url (uv's --index)" + settings.EnvHelp("index")},
		&cli.StringFlag{Name: "check-url", Usage: "simple API root to ask which files the index already has, before uploading (uv's --check-url)" + settings.EnvHelp("check-url")},
		&cli.StringFlag{Name: "cert", Usage: "CA bundle (PEM) to trust instead of the system's, for every HTTPS connection" + settings.EnvHelp("cert")},
		&cli.StringFlag{Name: "client-cert", Usage: "PEM file with a client certificate and its private key, for indexes that require mutual TLS" + settings.EnvHelp("client-cert")},
		&cli.BoolFlag{Name: "allow-insecure-http", Usage: "allow a plain http:// index other than PyPI's (credentials cross the network in clear; warned about on every run)" + settings.EnvHelp("allow-insecure-http")},
		&cli.BoolFlag{Name: "no-progress", Aliases: []string{"disable-progress-bar"}, Usage: "no progress bars on the terminal" + settings.EnvHelp("no-progress")},
		&cli.StringFlag{Name: "packages-dir", Aliases: []string{"d"}, Value: "dist", Usage: "directory holding the distributions" + settings.EnvHelp("packages-dir")},
		&cli.BoolFlag{Name: "verify-metadata", Value: true, Usage: "check the metadata's content before uploading (archive and filename checks always run)" + settings.EnvHelp("verify-metadata")},
		&cli.BoolFlag{Name: "skip-existing", Usage: "skip files the index already has instead of failing" + settings.EnvHelp("skip-existing")},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log each request and answer (never credentials), and the digests" + settings.EnvHelp("verbose")},
		&cli.BoolFlag{Name: "print-hash", Usage: "print the SHA256, MD5 and BLAKE2-256 of each file" + settings.EnvHelp("print-hash")},
		&cli.BoolFlag{Name: "attestations", Value: true, Usage: "sign each file with Sigstore and upload PEP 740 attestations (with trusted publishing to PyPI or TestPyPI)" + settings.EnvHelp("attestations")},
		&cli.StringFlag{Name: "attestations-dir", Usage: "where to save the signed attestations (default: a new temporary directory)" + settings.EnvHelp("attestations-dir")},
		&cli.StringFlag{Name: "sigstore-fulcio-url", Usage: "Fulcio to get signing certificates from (default: production Sigstore)" + settings.EnvHelp("sigstore-fulcio-url")},
		&cli.StringFlag{Name: "sigstore-rekor-url", Usage: "Rekor v1 transparency log (default: production Sigstore)" + settings.EnvHelp("sigstore-rekor-url")},
		&cli.StringFlag{Name: "sigstore-trusted-root", Usage: "trusted_root.json to check signatures against (default: production Sigstore's, for production URLs)" + settings.EnvHelp("sigstore-trusted-root")},
		&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "find, check and hash, print the plan, upload nothing" + settings.EnvHelp("dry-run")},
		&cli.BoolFlag{Name: "verify-only", Usage: "rehearse against the real index: checks, trusted-publishing exchange (the token is revoked at once), which files it already has; upload and sign nothing" + settings.EnvHelp("verify-only")},
		&cli.IntFlag{Name: "parallel", Aliases: []string{"j"}, Value: 4, Usage: "upload up to N files at once after the first" + settings.EnvHelp("parallel")},
		&cli.IntFlag{Name: "retries", Value: 5, Usage: "retries of a failed request: connection errors, 429 and 5xx" + settings.EnvHelp("retries")},
		&cli.StringFlag{Name: "timeout", Value: "5m", Usage: "the longest wait for a server once a request is sent, per attempt (no byte moving either way); a timed-out request is retried" + settings.EnvHelp("timeout")},
		&cli.StringFlag{Name: "trusted-publishing", Value: "auto", Usage: "mint a token from the CI's OIDC identity: auto (when the user is __token__ and no password is given), always or never" + settings.EnvHelp("trusted-publishing")},
		&cli.StringFlag{Name: "id-token-file", Usage: "file holding an OIDC ID token, for a CI pypi-publish cannot ask (or set PYPI_PUBLISH_ID_TOKEN to the token)" + settings.EnvHelp("id-token-file")},
		&cli.StringFlag{Name: "pypi-rules", Value: "auto", Usage: "apply PyPI's own rules (PEP 625 names, platform tags, no local versions): auto (for *.pypi.org), always or never" + settings.EnvHelp("pypi-rules")},
	}
}
