package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/upload"
)

// reportResults prints the final summary and returns errReported when any
// file failed or was not attempted.
func reportResults(u *ui, cfg *config, files []*dist.File, results []fileResult, atts attestations) error {
	var uploaded, skipped, failed, notTried int
	u.printf("Summary for %s:", cfg.RepositoryURL)
	for i, f := range files {
		switch outcome(cfg, f, results, i) {
		case "not-attempted":
			notTried++
			u.printf("  not uploaded  %s (stopped after a failure)", f.Filename)
		case "failed":
			failed++
			u.printf("  failed        %s", f.Filename)
			u.errorf("Upload failed", f.Path, "%s", errorText(results[i].err))
		case "skipped":
			skipped++
			u.printf("  skipped       %s (%s)", f.Filename, results[i].result.Note)
		default:
			uploaded++
			u.printf("  uploaded      %s", f.Filename)
		}
	}
	u.printf("%d uploaded, %d skipped, %d failed, %d not attempted", uploaded, skipped, failed, notTried)
	for _, link := range projectLinks(cfg, files) {
		u.printf("View at: %s", link)
	}
	writeStepSummary(cfg, files, results, atts)
	writeOutputs(cfg, files, results, atts)
	if failed+notTried > 0 {
		if uploaded+skipped > 0 {
			u.printf("Run the same command again to finish the release: the index accepts an identical file again, or use --skip-existing.")
		}
		return errReported
	}
	return nil
}

// outcome is what became of files[i], in the words of the action's
// files-json output: uploaded, skipped, failed, not-attempted or dry-run.
// results is nil when the run stopped before uploading (preflight, or a
// dry run).
func outcome(cfg *config, f *dist.File, results []fileResult, i int) string {
	if results == nil {
		if cfg.DryRun && len(f.Errors()) == 0 {
			return "dry-run"
		}
		return "not-attempted"
	}
	r := results[i]
	switch {
	case !r.done:
		return "not-attempted"
	case r.err != nil:
		return "failed"
	case r.result.Outcome == upload.Skipped:
		return "skipped"
	}
	return "uploaded"
}

func errorText(err error) string {
	var uerr *upload.Error
	if errors.As(err, &uerr) {
		return strings.TrimPrefix(uerr.Error(), "upload: ")
	}
	return err.Error()
}

// webBase is the website of the index uploads go to: https://pypi.org
// for upload.pypi.org, https://test.pypi.org for TestPyPI, "" otherwise.
func webBase(cfg *config) string {
	switch cfg.RepositoryURL.Hostname() {
	case "upload.pypi.org":
		return "https://pypi.org"
	case "test.pypi.org":
		return "https://test.pypi.org"
	}
	return ""
}

// projectLinks are the release pages on PyPI or TestPyPI, one per release.
func projectLinks(cfg *config, files []*dist.File) []string {
	base := webBase(cfg)
	if base == "" {
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
func writeStepSummary(cfg *config, files []*dist.File, results []fileResult, atts attestations) {
	var b strings.Builder
	fmt.Fprintf(&b, "## pypi-publish to %s\n\n| file | size | SHA-256 | result | attestation |\n|---|---|---|---|---|\n", cfg.RepositoryURL)
	for i, f := range files {
		o := outcome(cfg, f, results, i)
		result := map[string]string{
			"uploaded":      "✅ uploaded",
			"failed":        "❌ failed",
			"not-attempted": "not attempted",
			"dry-run":       "dry run",
		}[o]
		switch {
		case len(f.Errors()) > 0:
			result = "❌ " + mdEscape(f.Errors()[0].Message)
		case results == nil && o == "not-attempted":
			result = "not uploaded (preflight failed)"
		case o == "skipped":
			result = "⏭️ skipped: " + mdEscape(results[i].result.Note)
		}
		name := "`" + f.Filename + "`"
		if u := fileURL(cfg, f); u != "" && (o == "uploaded" || o == "skipped") {
			name = "[`" + f.Filename + "`](" + u + ")"
		}
		att := ""
		if a, ok := atts[f.Filename]; ok {
			att = "`" + a.path + "`"
		}
		fmt.Fprintf(&b, "| %s | %s | `%s` | %s | %s |\n", name, humanBytes(f.Size), f.Digests.SHA256, result, att)
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

// fileURL is where PyPI serves the file once uploaded: its path comes
// from the BLAKE2b-256 digest. "" for other indexes.
func fileURL(cfg *config, f *dist.File) string {
	host := ""
	switch cfg.RepositoryURL.Host {
	case "upload.pypi.org":
		host = "files.pythonhosted.org"
	case "test.pypi.org":
		host = "test-files.pythonhosted.org"
	default:
		return ""
	}
	b2 := f.Digests.Blake2b256
	if len(b2) < 5 {
		return ""
	}
	return fmt.Sprintf("https://%s/packages/%s/%s/%s/%s", host, b2[:2], b2[2:4], b2[4:], url.PathEscape(f.Filename))
}

// outputFile is one entry of the files-json output.
type outputFile struct {
	Filename string `json:"filename"`
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
	Result   string `json:"result"` // uploaded, skipped, failed, not-attempted, dry-run
	URL      string `json:"url,omitempty"`
	// Attestation is the path of the file's PEP 740 attestation.
	Attestation string `json:"attestation,omitempty"`
}

// writeOutputs gives a GitHub Actions step its outputs (the original has
// none, its #97): counts, every file with its digest and result, and the
// release pages. results is nil when preflight stopped the run.
func writeOutputs(cfg *config, files []*dist.File, results []fileResult, atts attestations) {
	if cfg.Outputs == "" {
		return
	}
	var list []outputFile
	counts := map[string]int{}
	for i, f := range files {
		o := outputFile{Filename: f.Filename, SHA256: f.Digests.SHA256, Size: f.Size,
			Result: outcome(cfg, f, results, i), Attestation: atts[f.Filename].path}
		if o.Result == "uploaded" {
			o.URL = fileURL(cfg, f)
		}
		counts[o.Result]++
		list = append(list, o)
	}
	js, _ := json.Marshal(list)
	var b strings.Builder
	fmt.Fprintf(&b, "uploaded=%d\nskipped=%d\nfailed=%d\nfiles-json=%s\n", counts["uploaded"], counts["skipped"], counts["failed"]+counts["not-attempted"], js)
	// A multi-line value needs a delimiter that cannot occur in it.
	links := strings.Join(projectLinks(cfg, files), "\n")
	fmt.Fprintf(&b, "release-urls<<PYPI_PUBLISH_EOF\n%s\nPYPI_PUBLISH_EOF\n", links)
	var paths []string
	for _, f := range files {
		if a, ok := atts[f.Filename]; ok {
			paths = append(paths, a.path)
		}
	}
	fmt.Fprintf(&b, "attestations<<PYPI_PUBLISH_EOF\n%s\nPYPI_PUBLISH_EOF\n", strings.Join(paths, "\n"))
	fh, err := os.OpenFile(cfg.Outputs, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer fh.Close()
	fh.WriteString(b.String())
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}
