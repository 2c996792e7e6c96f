package main

import (
	"context"
	"errors"
	"fmt"

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

// precheck asks the index, before the first upload, which files it holds
// (with --check-url, and with --skip-existing on PyPI and TestPyPI, whose
// simple API is public): identical files are skipped without sending a
// byte; a file of that name with other content stops the release before
// anything is uploaded, or with --skip-existing is skipped with a
// warning. It returns the files to skip, with why.
func (p *publisher) precheck(ctx context.Context, client *upload.Client, files []*dist.File) (map[string]string, error) {
	asked := p.cfg.CheckURL != ""
	if !asked && !(p.cfg.SkipExisting && p.cfg.Target.IsPyPI()) {
		return nil, nil
	}
	checks, err := client.Precheck(ctx, files)
	if err != nil {
		if asked {
			p.ui.Errorf("Check URL", "", "could not ask %s which files it has: %v; nothing was uploaded", p.cfg.CheckURL, err)
			return nil, errReported
		}
		p.ui.Warnf("Existing files", "could not ask the index which files it has before uploading (%v); each upload will tell", err)
		return nil, nil
	}
	present := map[string]string{}
	var taken []string
	for _, c := range checks {
		switch {
		case c.State == upload.Same:
			present[c.File.Filename] = "already on the index, identical (same SHA-256; checked before uploading, nothing sent)"
		case c.State == upload.Different && p.cfg.SkipExisting:
			why := fmt.Sprintf("already on the index with DIFFERENT content (its SHA-256 is %s, this file's %s): the local file is not what users download", c.IndexSHA256, c.File.Digests.SHA256)
			p.ui.Warnf("Skipped a different file", "%s: %s", c.File.Filename, why)
			present[c.File.Filename] = why
		case c.State == upload.Different:
			taken = append(taken, c.File.Filename)
			report.Taken(p.ui, c, "")
		}
	}
	if len(taken) > 0 {
		p.ui.Errorf("Check URL", "", "%d file name%s taken by other content on the index; nothing was uploaded", len(taken), console.Plural(len(taken)))
		return nil, errReported
	}
	return present, nil
}
