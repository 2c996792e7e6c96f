package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/oidc"
	"github.com/pypi-publish/pypi-publish/upload"
)

// publish tells the whole story: find, open and check every file, and
// only then upload them, the first alone and the rest in parallel.
func publish(ctx context.Context, cfg *config, u *ui, getenv func(string) string, warnings []string) error {
	for _, w := range warnings {
		u.warnf("", "%s", w)
	}
	target := cfg.RepositoryURL.String()
	rules := "generic index rules"
	if cfg.PyPIRules {
		rules = "PyPI rules"
	}
	mode := ""
	if cfg.DryRun {
		mode = " (dry run: nothing will be uploaded)"
	}
	u.printf("pypi-publish %s: publishing to %s with %s%s", versionString(), target, rules, mode)

	found, err := dist.Find(cfg.PackagesDir, cfg.Paths)
	for _, s := range found.Skipped {
		u.noticef("Skipping %s: %s", s.Path, s.Reason)
	}
	if err != nil {
		if errors.Is(err, dist.ErrNoDistributions) {
			u.errorf("No distributions to publish", "", "%v", err)
			return errReported
		}
		return err
	}
	files, err := openAll(ctx, found.Paths, cfg.Parallel)
	if err != nil {
		return err
	}
	ok := dist.Preflight(files, dist.PreflightOptions{PyPI: cfg.PyPIRules, VerifyMetadata: cfg.VerifyMetadata})
	reportPreflight(u, files)
	if cfg.PrintHash || cfg.Verbose {
		printHashes(u, files)
	}
	if !ok {
		u.errorf("Preflight failed", "", "%s; nothing was uploaded. Fix the problems above and run again.", countProblems(files))
		writeStepSummary(cfg, files, nil, nil)
		writeOutputs(cfg, files, nil, nil)
		return errReported
	}
	if cfg.DryRun {
		printPlan(u, cfg, files)
		writeStepSummary(cfg, files, nil, nil)
		writeOutputs(cfg, files, nil, nil)
		return nil
	}
	auth, err := authenticate(ctx, cfg, u, getenv, files)
	if err != nil {
		return err
	}
	var atts attestations
	if auth.x != nil && cfg.Attestations && cfg.PyPIRules {
		atts, err = attestAll(ctx, cfg, u, auth.x, files)
		var perr *oidc.PermissionError
		switch {
		case err != nil && errors.As(err, &perr) && !cfg.AttestationsSet:
			// Attestations are on by default; a CI that needs a second
			// ID token declared for them (GitLab's SIGSTORE_ID_TOKEN)
			// should not lose its release over a default.
			u.warnf("Attestations skipped", "no OIDC token for Sigstore, so the files are uploaded without PEP 740 attestations: %v\n%s", err, perr.Help)
			atts = nil
		case err != nil:
			reportAttestFailure(cfg, u, err)
			return errReported
		}
	}
	results := uploadAll(ctx, cfg, u, files, auth, atts)
	return reportResults(u, cfg, files, results, atts)
}

// openAll reads and hashes the files, a few at a time: hashing is CPU
// work and a release can hold dozens of wheels.
func openAll(ctx context.Context, paths []string, parallel int) ([]*dist.File, error) {
	files := make([]*dist.File, len(paths))
	errs := make([]error, len(paths))
	sem := make(chan struct{}, min(parallel, runtime.NumCPU()))
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

func countProblems(files []*dist.File) string {
	problems, bad := 0, 0
	for _, f := range files {
		if n := len(f.Errors()); n > 0 {
			problems += n
			bad++
		}
	}
	return fmt.Sprintf("%d problem%s in %d of %d file%s", problems, plural(problems), bad, len(files), plural(len(files)))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func reportPreflight(u *ui, files []*dist.File) {
	u.printf("Checked %d distribution%s:", len(files), plural(len(files)))
	for _, f := range files {
		status := "ok  "
		if len(f.Errors()) > 0 {
			status = "FAIL"
		}
		what := f.Kind.String()
		if f.Metadata != nil {
			what += ", " + f.Metadata.Name + " " + f.Metadata.Version
		}
		u.printf("  %s  %s  (%s, %s)", status, f.Filename, what, humanBytes(f.Size))
		for _, p := range f.Problems {
			msg := p.Message
			if p.Field != "" {
				msg = p.Field + ": " + msg
			}
			if p.Hint != "" {
				msg += "\n  hint: " + p.Hint
			}
			if p.Warning {
				u.warnf(f.Filename, "%s", msg)
			} else {
				u.errorf(f.Filename, f.Path, "%s", msg)
			}
		}
	}
}

// printHashes prints the digests in the original action's layout.
func printHashes(u *ui, files []*dist.File) {
	u.printf("Showing hash values of files to be uploaded:")
	for _, f := range files {
		abs, err := filepath.Abs(f.Path)
		if err != nil {
			abs = f.Path
		}
		u.printf("%s\n\nSHA256: %s\nMD5: %s\nBLAKE2-256: %s\n", abs, f.Digests.SHA256, f.Digests.MD5, f.Digests.Blake2b256)
	}
}

func printPlan(u *ui, cfg *config, files []*dist.File) {
	var total int64
	u.printf("Would upload to %s:", cfg.RepositoryURL)
	for _, f := range files {
		total += f.Size
		u.printf("  %s  %s  sha256=%s  (%d form fields)", f.Filename, humanBytes(f.Size), f.Digests.SHA256, len(upload.Fields(f, "")))
	}
	u.printf("Dry run: %d file%s, %s, would be uploaded; nothing was sent.", len(files), plural(len(files)), humanBytes(total))
}

// fileResult is what happened to one file.
type fileResult struct {
	result upload.Result
	err    error
	done   bool // false: not attempted, because an earlier upload failed
}

// uploadAll uploads the first file alone (a new project is created by its
// first file, and two racing first uploads would both try), then the rest
// up to cfg.Parallel at a time. After a failure no new upload starts:
// re-running the same command finishes the release, because the index
// accepts an identical file again.
func uploadAll(ctx context.Context, cfg *config, u *ui, files []*dist.File, auth *auth, atts attestations) []fileResult {
	client := &upload.Client{
		URL:         cfg.RepositoryURL.String(),
		SimpleURL:   simpleURL(cfg),
		Credentials: auth.credentials,
		HTTP:        retryingHTTP(cfg, u),
	}
	results := make([]fileResult, len(files))
	prog := newProgress(u, files)
	var failed sync.Once
	stop := make(chan struct{})
	concurrent := cfg.Parallel > 1 && len(files) > 2
	one := func(i int) {
		f := files[i]
		prog.start(i, concurrent && i > 0)
		opts := upload.Options{
			SkipExisting: cfg.SkipExisting,
			Attestations: atts[f.Filename].field,
			Progress:     func(n int64) { prog.set(i, n) },
			OnRetry: func(attempt int, reason string) {
				u.warnf("Retrying "+f.Filename, "attempt %d failed (%s); retrying", attempt, reason)
			},
		}
		res, err := client.Upload(ctx, f, opts)
		if errors.Is(err, upload.ErrTokenExpired) && auth.renew() {
			u.warnf("Token expired", "the index says the token expired while %s uploaded; minting a new one and sending the file again", f.Filename)
			res, err = client.Upload(ctx, f, opts)
		}
		prog.finish(i, res, err)
		results[i] = fileResult{result: res, err: err, done: true}
		if err != nil {
			failed.Do(func() { close(stop) })
		}
	}
	if len(files) == 0 {
		return results
	}
	one(0)
	sem := make(chan struct{}, cfg.Parallel)
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
	prog.close()
	return results
}

func verboseLog(u *ui) func(string, ...any) {
	if !u.verbose {
		return nil
	}
	return u.debugf
}

// retryingHTTP is the retry policy for every server we publish to (the
// index, Fulcio, Rekor): see httpx.Config.Retrying.
func retryingHTTP(cfg *config, u *ui) *retryablehttp.Client {
	return httpPolicy(cfg, u).Retrying()
}

// httpPolicy is the one HTTP policy of this run.
func httpPolicy(cfg *config, u *ui) *httpx.Config {
	return &httpx.Config{
		UserAgent: "pypi-publish/" + versionString(),
		Retries:   cfg.Retries,
		RetryWait: cfg.RetryWait,
		Log:       verboseLog(u),
	}
}

// simpleURL is the index's simple API, to confirm skipped files against.
func simpleURL(cfg *config) string {
	t, err := index.Parse(cfg.RepositoryURL.String())
	if err != nil {
		return ""
	}
	return t.SimpleURL()
}
