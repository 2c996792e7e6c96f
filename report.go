package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/upload"
)

// reportResults prints the final summary and returns errReported when any
// file failed or was not attempted.
func reportResults(u *ui, cfg *config, files []*dist.File, results []fileResult) error {
	var uploaded, skipped, failed, notTried int
	u.printf("Summary for %s:", cfg.RepositoryURL)
	for i, f := range files {
		r := results[i]
		switch {
		case !r.done:
			notTried++
			u.printf("  not uploaded  %s (stopped after a failure)", f.Filename)
		case r.err != nil:
			failed++
			u.printf("  failed        %s", f.Filename)
			u.errorf("Upload failed", f.Path, "%s", errorText(r.err))
		case r.result.Outcome == upload.Skipped:
			skipped++
			u.printf("  skipped       %s (%s)", f.Filename, r.result.Note)
		default:
			uploaded++
			u.printf("  uploaded      %s", f.Filename)
		}
	}
	u.printf("%d uploaded, %d skipped, %d failed, %d not attempted", uploaded, skipped, failed, notTried)
	for _, link := range projectLinks(cfg, files) {
		u.printf("View at: %s", link)
	}
	writeStepSummary(cfg, files, results)
	if failed+notTried > 0 {
		if uploaded+skipped > 0 {
			u.printf("Run the same command again to finish the release: the index accepts an identical file again, or use --skip-existing.")
		}
		return errReported
	}
	return nil
}

func errorText(err error) string {
	var uerr *upload.Error
	if errors.As(err, &uerr) {
		return strings.TrimPrefix(uerr.Error(), "upload: ")
	}
	return err.Error()
}

// projectLinks are the release pages on PyPI or TestPyPI, one per release.
func projectLinks(cfg *config, files []*dist.File) []string {
	base := ""
	switch cfg.RepositoryURL.Host {
	case "upload.pypi.org":
		base = "https://pypi.org"
	case "test.pypi.org":
		base = "https://test.pypi.org"
	default:
		return nil
	}
	var links []string
	seen := map[string]bool{}
	for _, f := range files {
		l := fmt.Sprintf("%s/project/%s/%s/", base, dist.NormalizeName(f.Name()), f.Version())
		if !seen[l] {
			seen[l] = true
			links = append(links, l)
		}
	}
	return links
}

// writeStepSummary appends a table of the files to the job summary of a
// GitHub Actions run. results is nil when preflight stopped the run.
func writeStepSummary(cfg *config, files []*dist.File, results []fileResult) {
	var b strings.Builder
	fmt.Fprintf(&b, "## pypi-publish to %s\n\n| file | size | SHA-256 | result |\n|---|---|---|---|\n", cfg.RepositoryURL)
	for i, f := range files {
		result := "not uploaded (preflight failed)"
		if errs := f.Errors(); len(errs) > 0 {
			result = "❌ " + mdEscape(errs[0].Message)
		} else if results != nil {
			r := results[i]
			switch {
			case !r.done:
				result = "not attempted"
			case r.err != nil:
				result = "❌ failed"
			case r.result.Outcome == upload.Skipped:
				result = "⏭️ skipped: " + mdEscape(r.result.Note)
			default:
				result = "✅ uploaded"
			}
		} else if cfg.DryRun {
			result = "dry run"
		}
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s |\n", f.Filename, humanBytes(f.Size), f.Digests.SHA256, result)
	}
	for _, link := range projectLinks(cfg, files) {
		fmt.Fprintf(&b, "\n%s\n", link)
	}
	appendStepSummary(cfg, b.String())
}

// appendStepSummary adds markdown to the GitHub job summary, if there is
// one. A summary that cannot be written must not fail a release.
func appendStepSummary(cfg *config, markdown string) {
	if cfg.StepSummary == "" {
		return
	}
	fh, err := os.OpenFile(cfg.StepSummary, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer fh.Close()
	fh.WriteString(markdown + "\n")
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}
