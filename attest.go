package main

import (
	"context"
	"errors"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/attest"
	"github.com/pypi-publish/pypi-publish/internal/signing"
	"github.com/pypi-publish/pypi-publish/internal/trusted"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// attestations are the PEP 740 attestations of each file, keyed by
// filename.
type attestations map[string]attest.Prepared

// attest signs the files before anything is uploaded, when attestations
// apply: trusted publishing to PyPI or TestPyPI.
func (p *publisher) attest(ctx context.Context, session *trusted.Session, files []*dist.File) (attestations, error) {
	if session == nil || !p.cfg.Attestations || !p.cfg.PyPIRules {
		return nil, nil
	}
	atts, err := signing.Attest(ctx, signing.Options{
		Session: session, HTTP: p.httpPolicy().Standard(), UI: p.ui,
		FulcioURL: p.cfg.FulcioURL, RekorURL: p.cfg.RekorURL, TrustedRoot: p.cfg.TrustedRoot,
		Dir: p.cfg.AttestationsDir, Parallel: p.cfg.Parallel,
	}, files)
	var perr *oidc.PermissionError
	switch {
	case err != nil && errors.As(err, &perr) && !p.cfg.AttestationsSet:
		// Attestations are on by default; a CI that needs a second ID
		// token declared for them (GitLab's SIGSTORE_ID_TOKEN) should not
		// lose its release over a default.
		p.ui.Warnf("Attestations skipped", "no OIDC token for Sigstore, so the files are uploaded without PEP 740 attestations: %v\n%s", err, perr.Help)
		return nil, nil
	case err != nil:
		p.reportAttestFailure(err)
		return nil, errReported
	}
	return atts, nil
}

func (p *publisher) reportAttestFailure(err error) {
	msg := err.Error()
	var aerr *attest.Error
	if errors.As(err, &aerr) && aerr.Step == attest.StepIDToken {
		msg += "\n\nThis failure occurred after a successful Trusted Publishing Flow, suggesting a transient error."
	}
	p.ui.Errorf("Attestation generation failure", "", "%s", msg)
	p.summary("## Attestation generation failure\n\npypi-publish attempted to generate PEP 740 attestations for the distributions, but failed; nothing was uploaded.\n\n```\n" + strings.TrimSpace(msg) + "\n```\n")
}
