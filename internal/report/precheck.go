package report

import (
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/upload"
)

// Verdict is what a rehearsal learned of the files.
type Verdict struct {
	Upload, Same, Conflicts, Unknown int
}

// PrintPrecheck prints, file by file, what an upload would meet on the
// index: nothing (it would be uploaded), this very file (accepted again,
// or skipped), or a file of that name with other content (refused).
func PrintPrecheck(u *console.UI, index string, checks []upload.Check) Verdict {
	var v Verdict
	u.Printf("What %s holds of these files:", index)
	for _, c := range checks {
		switch c.State {
		case upload.Absent:
			v.Upload++
			u.Printf("  would upload  %s", c.File.Filename)
		case upload.Same:
			v.Same++
			u.Printf("  already there %s (identical: same SHA-256)", c.File.Filename)
		case upload.Different:
			v.Conflicts++
			Taken(u, c, "the upload would be refused: ")
		case upload.Unknown:
			v.Unknown++
			u.Warnf("Cannot compare", "%s: the index lists a file of this name without a digest, so whether it is this file cannot be known before uploading", c.File.Filename)
		}
	}
	return v
}

// Taken reports a file whose name the index holds with other content,
// naming both digests; what is said before "rebuild with a new version".
func Taken(u *console.UI, c upload.Check, what string) {
	u.Errorf("File name taken", c.File.Path, "%s: the index has a file of this name with other content (its SHA-256 is %s, this file's %s); %srebuild with a new version", c.File.Filename, c.IndexSHA256, c.File.Digests.SHA256, what)
}
