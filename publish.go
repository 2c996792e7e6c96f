package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"github.com/pypi-publish/pypi-publish/internal/release"
	"github.com/pypi-publish/pypi-publish/internal/report"
	"github.com/pypi-publish/pypi-publish/upload"
)

// publisher is one publishing run: its configuration, resolved before it
// starts, and the UI.
type publisher struct {
	cfg *config.Config
	ui  *console.UI
}

// run tells the whole story: find and check every file, and only then
// authenticate, attest and upload them, and report what happened.
func (p *publisher) run(ctx context.Context) error {
	p.announce()
	files, err := p.find(ctx)
	if err != nil {
		return err
	}
	if !p.check(files) {
		p.ui.Errorf("Preflight failed", "", "%s; nothing was uploaded. Fix the problems above and run again.", report.Problems(files))
		p.writeReport(report.Preflight(p.cfg.Target, files, false))
		return errReported
	}
	if p.cfg.DryRun {
		report.PrintPlan(p.ui, p.cfg.Target, files)
		p.writeReport(report.Preflight(p.cfg.Target, files, true))
		return nil
	}
	if p.cfg.VerifyOnly {
		return p.rehearse(ctx, files)
	}
	auth, err := p.authenticate(ctx, files)
	if err != nil {
		return err
	}
	defer p.revoke(ctx, auth)
	client := p.uploadClient(auth)
	present, err := p.precheck(ctx, client, files)
	if err != nil {
		return err
	}
	// Files the index holds already are not signed: a signature writes a
	// public log entry.
	atts, err := p.attest(ctx, auth.session, slices.DeleteFunc(slices.Clone(files), func(f *dist.File) bool { _, ok := present[f.Filename]; return ok }))
	if err != nil {
		return err
	}
	run := release.Upload(ctx, client, p.cfg.Target, files, release.Options{
		Parallel: p.cfg.Parallel, SkipExisting: p.cfg.SkipExisting, Attestations: atts, Renew: auth.renew, Present: present,
	}, p.ui)
	run.Print(p.ui)
	p.writeReport(run)
	if !run.Complete() {
		if run.Count(report.Uploaded)+run.Count(report.Skipped) > 0 {
			p.ui.Printf("Run the same command again with --skip-existing to finish the release: the files already on the index are then skipped.")
		}
		return errReported
	}
	return nil
}

func (p *publisher) announce() {
	for _, w := range p.cfg.Warnings {
		p.ui.Warnf("", "%s", w)
	}
	rules := "generic index rules"
	if p.cfg.PyPIRules {
		rules = "PyPI rules"
	}
	mode := ""
	switch {
	case p.cfg.DryRun:
		mode = " (dry run: nothing will be uploaded)"
	case p.cfg.VerifyOnly:
		mode = " (verify only: the index is asked, nothing is signed or uploaded)"
	}
	p.ui.Printf("pypi-publish %s: publishing to %s with %s%s", versionString(), p.cfg.Target, rules, mode)
}

// find finds, reads and hashes the distributions.
func (p *publisher) find(ctx context.Context) ([]*dist.File, error) {
	found, err := dist.Find(p.cfg.PackagesDir, p.cfg.Paths)
	for _, s := range found.Skipped {
		p.ui.Noticef("Skipping %s: %s", s.Path, s.Reason)
	}
	if err != nil {
		if errors.Is(err, dist.ErrNoDistributions) {
			p.ui.Errorf("No distributions to publish", "", "%v", err)
			return nil, errReported
		}
		return nil, err
	}
	return release.Open(ctx, found.Paths, p.cfg.Parallel)
}

// check runs preflight and prints its findings; false when a file would
// be refused.
func (p *publisher) check(files []*dist.File) bool {
	ok := dist.Preflight(files, dist.PreflightOptions{PyPI: p.cfg.PyPIRules, VerifyMetadata: p.cfg.VerifyMetadata})
	report.PrintPreflight(p.ui, files)
	if p.cfg.PrintHash || p.cfg.Verbose {
		report.PrintHashes(p.ui, files)
	}
	return ok
}

// writeReport gives a GitHub Actions run its job summary and outputs. A
// summary or output that cannot be written must not fail a release.
func (p *publisher) writeReport(r *report.Run) {
	p.summary(r.Markdown())
	outs := r.Outputs()
	for i := range outs {
		outs[i].Value = p.ui.Clean(outs[i].Value)
	}
	if err := ghactions.WriteOutputs(p.cfg.GitHub.Output, outs); err != nil {
		p.ui.Warnf("Step outputs", "could not write the step's outputs: %v", err)
	}
}

// uploadClient talks to the index with the run's credentials.
func (p *publisher) uploadClient(a *auth) *upload.Client {
	return &upload.Client{
		URL:         p.cfg.Target.String(),
		SimpleURL:   p.cfg.Target.SimpleURL(),
		Credentials: a.credentials,
		HTTP:        p.httpPolicy().Retrying(),
		PyPI:        p.cfg.PyPIRules,
		Target:      p.cfg.Target,
	}
}

// revoke burns the trusted-publishing tokens of the run, however it
// ended.
func (p *publisher) revoke(ctx context.Context, a *auth) {
	if a.session == nil {
		return
	}
	if n := a.session.Burn(ctx); n > 0 {
		p.ui.Printf("Revoked the trusted-publishing token%s at %s", console.Plural(n), p.cfg.Target.Host())
		p.summary(fmt.Sprintf("The short-lived trusted-publishing token%s minted for this run %s revoked at %s.", console.Plural(n), map[bool]string{true: "was", false: "were"}[n == 1], p.cfg.Target.Host()))
	}
}

// summary adds markdown to the job summary, if there is one.
func (p *publisher) summary(markdown string) {
	if err := ghactions.AppendSummary(p.cfg.GitHub.StepSummary, p.ui.Clean(markdown)); err != nil {
		p.ui.Warnf("Job summary", "could not write the job summary: %v", err)
	}
}

// httpPolicy is the one HTTP policy of this run.
func (p *publisher) httpPolicy() *httpx.Config {
	c := &httpx.Config{
		UserAgent: userAgent(),
		Retries:   p.cfg.Retries,
		RetryWait: p.cfg.RetryWait,
		Timeout:   p.cfg.Timeout,
		TLS:       p.cfg.TLS,
	}
	if p.cfg.Verbose {
		c.Log = p.ui.Debugf
	}
	return c
}
