package pypitest

import (
	"regexp"
	"sort"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/pyrepr"
)

const coreMetadataURL = "See https://packaging.python.org/specifications/core-metadata for more information."

// sanitize is Warehouse's first pass over the form: distutils wrote
// "UNKNOWN" for missing values, which PyPI drops, and NUL characters are
// escaped for the database.
func sanitize(f *form) {
	f.rawFields = f.fields
	kept := make([]field, 0, len(f.fields))
	for _, fl := range f.fields {
		if strings.TrimSpace(fl.value) == "UNKNOWN" {
			continue
		}
		fl.value = strings.ReplaceAll(fl.value, "\x00", `\x00`)
		kept = append(kept, fl)
	}
	f.fields = kept
}

// tupleField returns the first field other than content (and the ignored
// gpg_signature) that arrived as a file part; Warehouse refuses those.
func tupleField(f *form) string {
	for _, n := range f.fileFields {
		if n != "content" && n != "gpg_signature" {
			return n
		}
	}
	return ""
}

var hexDigestRE = regexp.MustCompile(`(?i)^[A-F0-9]{64}$`)

// checkForm is Warehouse's UploadForm validation. It returns the message
// of the first error in Warehouse's order (name first, then fields
// alphabetically, then the form-wide digest rule), or "".
func checkForm(f *form) string {
	errs := map[string]string{}
	name, _ := f.first("name")
	switch {
	case name == "":
		errs["name"] = "This field is required."
	case !projectNameRE.MatchString(name):
		errs["name"] = "Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'."
	}
	filetype, _ := f.first("filetype")
	switch filetype {
	case "sdist", "bdist_wheel":
	case "":
		errs["filetype"] = "This field is required."
	default:
		errs["filetype"] = "Use a known file type."
	}
	pyversion, _ := f.first("pyversion")
	switch {
	case filetype != "" && filetype != "sdist" && pyversion == "":
		errs["pyversion"] = "Python version is required for binary distribution uploads."
	case filetype == "sdist" && pyversion != "" && pyversion != "source":
		errs["pyversion"] = "Use 'source' as Python version for an sdist."
	}
	for _, d := range []struct{ field, kind string }{{"sha256_digest", "SHA256"}, {"blake2_256_digest", "BLAKE2"}} {
		v, _ := f.first(d.field)
		if strings.TrimSpace(v) != "" && !hexDigestRE.MatchString(v) {
			errs[d.field] = "Use a valid, hex-encoded, " + d.kind + " message digest."
		}
	}
	if len(errs) == 0 {
		md, _ := f.first("md5_digest")
		sh, _ := f.first("sha256_digest")
		bl, _ := f.first("blake2_256_digest")
		if md == "" && sh == "" && bl == "" {
			return "Error: Include at least one message digest."
		}
		return ""
	}
	field := "name"
	if _, ok := errs["name"]; !ok {
		keys := make([]string, 0, len(errs))
		for k := range errs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		field = keys[0]
	}
	if field == "name" {
		shown := name
		if r := []rune(name); len(r) > 60 {
			shown = string(r[:30]) + "..." + string(r[len(r)-30:])
		}
		return pyrepr.Str(shown) + " is an invalid value for Name. Error: " + errs["name"] + " " + coreMetadataURL
	}
	return "Invalid value for " + field + ". Error: " + errs[field]
}
