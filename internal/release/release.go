// Package release uploads the files of a release in the order that
// keeps a failure cheap to finish: the first alone, the rest a few at a
// time, and nothing new after a failure.
package release

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/attest"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/internal/report"
	"github.com/pypi-publish/pypi-publish/upload"
)

// Options are how a release is uploaded.
type Options struct {
	// Parallel is how many files may go at once after the first.
	Parallel int
	// SkipExisting skips files the index already has.
	SkipExisting bool
	// Attestations are the files' PEP 740 attestations, by filename.
	Attestations map[string]attest.Prepared
	// Renew, when set, forgets an expired token so the next request
	// mints a new one; false when there is nothing to renew.
	Renew func() bool
	// Present are files the index was found to hold already, by
	// filename, with why: skipped without sending a byte.
	Present map[string]string
}

// Upload uploads the first file alone (a new project is created by its
// first file, and two racing first uploads would both try), then the rest
// up to --parallel at a time. After a failure no new upload starts:
// re-running the same command finishes the release, because the index
// accepts an identical file again.
func Upload(ctx context.Context, client *upload.Client, t *index.Target, files []*dist.File, o Options, u *console.UI) *report.Run {
	atts := o.Attestations
	run := &report.Run{Target: t, Files: make([]report.File, len(files))}
	var send []int
	for i, f := range files {
		run.Files[i] = report.File{Dist: f, Outcome: report.NotAttempted, Reason: "stopped after a failure", Attestation: atts[f.Filename].Path}
		if why, ok := o.Present[f.Filename]; ok {
			run.Files[i].Outcome, run.Files[i].Reason = report.Skipped, why
			u.Printf("Skipped   %s: %s", f.Filename, why)
			continue
		}
		send = append(send, i)
	}
	// The progress shows the files that are sent, in sending order.
	pos := map[int]int{}
	sending := make([]*dist.File, len(send))
	for k, i := range send {
		pos[i], sending[k] = k, files[i]
	}
	prog := console.NewProgress(u, sending)
	var failed sync.Once
	stop := make(chan struct{})
	concurrent := o.Parallel > 1 && len(send) > 2
	one := func(i int) {
		f := files[i]
		prog.Start(pos[i], concurrent && pos[i] > 0)
		opts := upload.Options{
			SkipExisting: o.SkipExisting,
			Attestations: atts[f.Filename].Field,
			Progress:     func(n int64) { prog.Set(pos[i], n) },
			OnRetry: func(attempt int, reason string) {
				u.Warnf("Retrying "+f.Filename, "attempt %d failed (%s); retrying", attempt, reason)
			},
		}
		done := u.Waiting("%s to take %s", t.Host(), f.Filename)
		res, err := client.Upload(ctx, f, opts)
		done()
		if errors.Is(err, upload.ErrTokenExpired) && o.Renew != nil && o.Renew() {
			u.Warnf("Token expired", "the index says the token expired while %s uploaded; minting a new one and sending the file again", f.Filename)
			res, err = client.Upload(ctx, f, opts)
		}
		prog.Finish(pos[i], res, err)
		rf := &run.Files[i]
		switch {
		case err != nil && ctx.Err() != nil:
			// The index may or may not have stored a file cut off
			// mid-request: running again settles it either way.
			rf.Outcome, rf.Reason = report.Failed, "interrupted while uploading"
			failed.Do(func() { close(stop) })
		case err != nil:
			rf.Outcome, rf.Reason = report.Failed, errorText(err)
			failed.Do(func() { close(stop) })
		case res.Outcome == upload.Skipped:
			rf.Outcome, rf.Reason = report.Skipped, res.Note
			if res.Different {
				u.Warnf("Skipped a different file", "%s: %s", f.Filename, res.Note)
			}
		default:
			rf.Outcome, rf.Reason = report.Uploaded, ""
		}
	}
	if len(send) == 0 {
		return run
	}
	one(send[0])
	// Parallel below 1 means one at a time, not never.
	sem := make(chan struct{}, max(o.Parallel, 1))
	var wg sync.WaitGroup
	for _, i := range send[1:] {
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
	if ctx.Err() != nil {
		for i := range run.Files {
			if run.Files[i].Outcome == report.NotAttempted {
				run.Files[i].Reason = "interrupted before it started"
			}
		}
	}
	return run
}

func errorText(err error) string {
	var uerr *upload.Error
	if errors.As(err, &uerr) {
		return strings.TrimPrefix(uerr.Error(), "upload: ")
	}
	return err.Error()
}

// Open reads and hashes the files, a few at a time: hashing is CPU
// work and a release can hold dozens of wheels.
func Open(ctx context.Context, paths []string, parallel int) ([]*dist.File, error) {
	files := make([]*dist.File, len(paths))
	errs := make([]error, len(paths))
	// At least one at a time: a parallel below 1 would wait forever.
	sem := make(chan struct{}, max(min(parallel, runtime.NumCPU()), 1))
	var wg sync.WaitGroup
	for i, p := range paths {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			files[i], errs[i] = dist.Open(p)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return files, nil
}
