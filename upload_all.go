package main

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/report"
	"github.com/pypi-publish/pypi-publish/upload"
)

// uploadAll uploads the first file alone (a new project is created by its
// first file, and two racing first uploads would both try), then the rest
// up to --parallel at a time. After a failure no new upload starts:
// re-running the same command finishes the release, because the index
// accepts an identical file again.
func (p *publisher) uploadAll(ctx context.Context, files []*dist.File, auth *auth, atts attestations) *report.Run {
	client := &upload.Client{
		URL:         p.cfg.Target.String(),
		SimpleURL:   p.cfg.Target.SimpleURL(),
		Credentials: auth.credentials,
		HTTP:        p.httpPolicy().Retrying(),
	}
	run := &report.Run{Target: p.cfg.Target, Files: make([]report.File, len(files))}
	for i, f := range files {
		run.Files[i] = report.File{Dist: f, Outcome: report.NotAttempted, Reason: "stopped after a failure", Attestation: atts[f.Filename].path}
	}
	prog := console.NewProgress(p.ui, files)
	var failed sync.Once
	stop := make(chan struct{})
	concurrent := p.cfg.Parallel > 1 && len(files) > 2
	one := func(i int) {
		f := files[i]
		prog.Start(i, concurrent && i > 0)
		opts := upload.Options{
			SkipExisting: p.cfg.SkipExisting,
			Attestations: atts[f.Filename].field,
			Progress:     func(n int64) { prog.Set(i, n) },
			OnRetry: func(attempt int, reason string) {
				p.ui.Warnf("Retrying "+f.Filename, "attempt %d failed (%s); retrying", attempt, reason)
			},
		}
		res, err := client.Upload(ctx, f, opts)
		if errors.Is(err, upload.ErrTokenExpired) && auth.renew() {
			p.ui.Warnf("Token expired", "the index says the token expired while %s uploaded; minting a new one and sending the file again", f.Filename)
			res, err = client.Upload(ctx, f, opts)
		}
		prog.Finish(i, res, err)
		rf := &run.Files[i]
		switch {
		case err != nil:
			rf.Outcome, rf.Reason = report.Failed, errorText(err)
			failed.Do(func() { close(stop) })
		case res.Outcome == upload.Skipped:
			rf.Outcome, rf.Reason = report.Skipped, res.Note
		default:
			rf.Outcome, rf.Reason = report.Uploaded, ""
		}
	}
	if len(files) == 0 {
		return run
	}
	one(0)
	sem := make(chan struct{}, p.cfg.Parallel)
	var wg sync.WaitGroup
	for i := 1; i < len(files); i++ {
		select {
		case <-stop:
		case <-ctx.Done():
		case sem <- struct{}{}:
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				select {
				case <-stop:
					return
				default:
				}
				one(i)
			}()
			continue
		}
		break
	}
	wg.Wait()
	prog.Close()
	return run
}

func errorText(err error) string {
	var uerr *upload.Error
	if errors.As(err, &uerr) {
		return strings.TrimPrefix(uerr.Error(), "upload: ")
	}
	return err.Error()
}
