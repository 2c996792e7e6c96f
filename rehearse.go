package main

import (
	"context"
	"errors"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/report"
	"github.com/pypi-publish/pypi-publish/upload"
)

// rehearse is --verify-only: everything a release does against the real
// index but signing and sending files (Sigstore would log entries for
// files never published), ending in whether the release would go through
// as far as can be known without uploading.
func (p *publisher) rehearse(ctx context.Context, files []*dist.File) error {
	auth, err := p.authenticate(ctx, files)
	if err != nil {
		return err
	}
	// Minted for the rehearsal only: revoked as soon as the index has
	// been asked.
	defer p.revoke(ctx, auth)
	if auth.session == nil {
		p.ui.Printf("The password or API token was not tried: only an upload can check it.")
	}
	defer p.writeReport(report.Preflight(p.cfg.Target, files, true))
	client := p.uploadClient(auth)
	checks, err := client.Precheck(ctx, files)
	switch {
	case errors.Is(err, upload.ErrNoSimpleAPI):
		p.ui.Warnf("Cannot check existing files", "no simple API is known for %s, so which files it already has cannot be checked; give it with --check-url", p.cfg.Target)
		return nil
	case err != nil:
		p.ui.Errorf("Verify only", "", "could not ask the index which files it has: %v", err)
		return errReported
	}
	v := report.PrintPrecheck(p.ui, p.cfg.Target.Name(), checks)
	if v.Conflicts > 0 {
		p.ui.Errorf("Verify only", "", "the release would not go through: %d file name%s taken by other content; nothing was uploaded", v.Conflicts, console.Plural(v.Conflicts))
		return errReported
	}
	p.ui.Printf("Verify only: the release would go through as far as can be known without uploading (%d to upload, %d already there); nothing was uploaded.", v.Upload+v.Unknown, v.Same)
	return nil
}
