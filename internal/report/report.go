// Package report says what became of each file of a run, in the three
// places that tell it: the printed summary, the GitHub job summary and
// the step's outputs. All three read the same outcomes.
package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/index"
)

// Outcome is what became of one file, in the words of the files-json
// output.
type Outcome string

// The outcomes of a file.
const (
	Uploaded     Outcome = "uploaded"
	Skipped      Outcome = "skipped"
	Failed       Outcome = "failed"
	NotAttempted Outcome = "not-attempted"
	DryRun       Outcome = "dry-run"
)

// File is one file's result.
type File struct {
	Dist    *dist.File
	Outcome Outcome
	// Reason says why a file was skipped, failed or not attempted.
	Reason string
	// Attestation is the path of the file's PEP 740 attestation, if any.
	Attestation string
}

// Run is the result of a whole run.
type Run struct {
	Target *index.Target
	Files  []File
}

// Preflight returns the run of files that never reached the upload
// stage: a dry run (files that passed), or a failed preflight.
func Preflight(t *index.Target, files []*dist.File, dryRun bool) *Run {
	r := &Run{Target: t}
	for _, f := range files {
		rf := File{Dist: f, Outcome: NotAttempted, Reason: "preflight failed"}
		switch errs := f.Errors(); {
		case len(errs) > 0:
			rf.Reason = errs[0].Message
		case dryRun:
			rf.Outcome, rf.Reason = DryRun, ""
		}
		r.Files = append(r.Files, rf)
	}
	return r
}

// Count is how many files had outcome o.
func (r *Run) Count(o Outcome) int {
	n := 0
	for _, f := range r.Files {
		if f.Outcome == o {
			n++
		}
	}
	return n
}

// Complete reports whether every file is on the index now.
func (r *Run) Complete() bool {
	return r.Count(Uploaded)+r.Count(Skipped) == len(r.Files)
}

// ReleaseURLs are the release pages on PyPI or TestPyPI of the releases
// that now hold at least one of the files: a dry run or a failed first
// upload links nothing, since the page may not exist.
func (r *Run) ReleaseURLs() []string {
	var links []string
	seen := map[string]bool{}
	for _, f := range r.Files {
		if f.Outcome != Uploaded && f.Outcome != Skipped {
			continue
		}
		l := r.Target.ProjectURL(dist.NormalizeName(f.Dist.Name()), f.Dist.Version())
		if l != "" && !seen[l] {
			seen[l] = true
			links = append(links, l)
		}
	}
	return links
}

// fileURL is where the index serves the file, once it holds it.
func (r *Run) fileURL(f File) string {
	if f.Outcome != Uploaded && f.Outcome != Skipped {
		return ""
	}
	return r.Target.FileURL(f.Dist.Digests.Blake2b256, f.Dist.Filename)
}

// Print writes the summary at the end of an upload run.
func (r *Run) Print(u *console.UI) {
	u.Printf("Summary for %s:", r.Target)
	for _, f := range r.Files {
		switch f.Outcome {
		case NotAttempted:
			u.Printf("  not uploaded  %s (%s)", f.Dist.Filename, f.Reason)
		case Failed:
			u.Printf("  failed        %s", f.Dist.Filename)
			u.Errorf("Upload failed", f.Dist.Path, "%s", f.Reason)
		case Skipped:
			u.Printf("  skipped       %s (%s)", f.Dist.Filename, f.Reason)
		case Uploaded:
			u.Printf("  uploaded      %s", f.Dist.Filename)
		}
	}
	u.Printf("%d uploaded, %d skipped, %d failed, %d not attempted", r.Count(Uploaded), r.Count(Skipped), r.Count(Failed), r.Count(NotAttempted))
	for _, link := range r.ReleaseURLs() {
		u.Printf("View at: %s", link)
	}
}

// Markdown is the job summary's table of the files.
func (r *Run) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## pypi-publish to %s\n\n| file | size | SHA-256 | result | attestation |\n|---|---|---|---|---|\n", r.Target)
	for _, f := range r.Files {
		var result string
		switch {
		case len(f.Dist.Errors()) > 0:
			result = "❌ " + ghactions.MarkdownCell(f.Reason)
		case f.Outcome == Uploaded:
			result = "✅ uploaded"
		case f.Outcome == Skipped:
			result = "⏭️ skipped: " + ghactions.MarkdownCell(f.Reason)
		case f.Outcome == Failed:
			result = "❌ failed: " + ghactions.MarkdownCell(f.Reason)
		case f.Outcome == DryRun:
			result = "dry run"
		default:
			result = "not uploaded (" + ghactions.MarkdownCell(f.Reason) + ")"
		}
		name := ghactions.MarkdownCode(f.Dist.Filename)
		if u := r.fileURL(f); u != "" {
			name = "[" + name + "](" + u + ")"
		}
		att := ""
		if f.Attestation != "" {
			att = ghactions.MarkdownCode(f.Attestation)
		}
		fmt.Fprintf(&b, "| %s | %s | `%s` | %s | %s |\n", name, console.Bytes(f.Dist.Size), f.Dist.Digests.SHA256, result, att)
	}
	for _, link := range r.ReleaseURLs() {
		fmt.Fprintf(&b, "\n%s\n", link)
	}
	return b.String()
}

// outputFile is one entry of the files-json output.
type outputFile struct {
	Filename string  `json:"filename"`
	SHA256   string  `json:"sha256"`
	Size     int64   `json:"size"`
	Result   Outcome `json:"result"`
	// Error says why a file failed or was not attempted: the index's
	// message, sanitized like every output.
	Error string `json:"error,omitempty"`
	// Reason says why a file was skipped.
	Reason string `json:"reason,omitempty"`
	URL    string `json:"url,omitempty"`
	// Attestation is the path of the file's PEP 740 attestation.
	Attestation string `json:"attestation,omitempty"`
}

// Outputs are the step's outputs (the original action has none, its
// #97): counts, every file with its digest and result, the release
// pages and the attestations.
func (r *Run) Outputs() []ghactions.Output {
	list := []outputFile{}
	var atts []string
	for _, f := range r.Files {
		list = append(list, outputFile{Filename: f.Dist.Filename, SHA256: f.Dist.Digests.SHA256, Size: f.Dist.Size,
			Result: f.Outcome, URL: r.fileURL(f), Attestation: f.Attestation})
		o := &list[len(list)-1]
		switch f.Outcome {
		case Failed, NotAttempted:
			o.Error = f.Reason
		case Skipped:
			o.Reason = f.Reason
		}
		if f.Attestation != "" {
			atts = append(atts, f.Attestation)
		}
	}
	js, _ := json.Marshal(list)
	return []ghactions.Output{
		{Name: "uploaded", Value: strconv.Itoa(r.Count(Uploaded))},
		{Name: "skipped", Value: strconv.Itoa(r.Count(Skipped))},
		{Name: "failed", Value: strconv.Itoa(r.Count(Failed) + r.Count(NotAttempted))},
		{Name: "files-json", Value: string(js)},
		{Name: "release-urls", Value: strings.Join(r.ReleaseURLs(), "\n")},
		{Name: "attestations", Value: strings.Join(atts, "\n")},
	}
}
