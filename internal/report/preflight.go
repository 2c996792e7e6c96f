package report

import (
	"fmt"
	"path/filepath"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/upload"
)

// Problems counts what preflight found: "3 problems in 2 of 5 files".
func Problems(files []*dist.File) string {
	problems, bad := 0, 0
	for _, f := range files {
		if n := len(f.Errors()); n > 0 {
			problems += n
			bad++
		}
	}
	return fmt.Sprintf("%d problem%s in %d of %d file%s", problems, console.Plural(problems), bad, len(files), console.Plural(len(files)))
}

// PrintPreflight prints what preflight found, file by file.
func PrintPreflight(u *console.UI, files []*dist.File) {
	u.Printf("Checked %d distribution%s:", len(files), console.Plural(len(files)))
	for _, f := range files {
		status := "ok  "
		if len(f.Errors()) > 0 {
			status = "FAIL"
		}
		what := f.Kind.String()
		if f.Metadata != nil {
			what += ", " + f.Metadata.Name + " " + f.Metadata.Version
		}
		u.Printf("  %s  %s  (%s, %s)", status, f.Filename, what, console.Bytes(f.Size))
		for _, pr := range f.Problems {
			msg := pr.Message
			if pr.Field != "" {
				msg = pr.Field + ": " + msg
			}
			if pr.Hint != "" {
				msg += "\n  hint: " + pr.Hint
			}
			if pr.Warning {
				u.Warnf(f.Filename, "%s", msg)
			} else {
				u.Errorf(f.Filename, f.Path, "%s", msg)
			}
		}
	}
}

// PrintHashes prints the digests in the original action's layout.
func PrintHashes(u *console.UI, files []*dist.File) {
	u.Printf("Showing hash values of files to be uploaded:")
	for _, f := range files {
		abs, err := filepath.Abs(f.Path)
		if err != nil {
			abs = f.Path
		}
		u.Printf("%s\n\nSHA256: %s\nMD5: %s\nBLAKE2-256: %s\n", abs, f.Digests.SHA256, f.Digests.MD5, f.Digests.Blake2b256)
	}
}

// PrintPlan is what a dry run would have uploaded.
func PrintPlan(u *console.UI, t *index.Target, files []*dist.File) {
	var total int64
	u.Printf("Would upload to %s:", t)
	for _, f := range files {
		total += f.Size
		u.Printf("  %s  %s  sha256=%s  (%d form fields)", f.Filename, console.Bytes(f.Size), f.Digests.SHA256, len(upload.Fields(f, "")))
	}
	u.Printf("Dry run: %d file%s, %s, would be uploaded; nothing was sent.", len(files), console.Plural(len(files)), console.Bytes(total))
}
