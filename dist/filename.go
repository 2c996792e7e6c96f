package dist

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
)

// ErrBadFilename is wrapped by every filename parse error.
var ErrBadFilename = errors.New("invalid distribution filename")

var nameRunRE = regexp.MustCompile(`[-_.]+`)

// NormalizeName returns the PEP 503 normalized form of a project name:
// lowercase, with runs of "-", "_" and "." folded to one "-". PyPI looks
// projects up by this form.
func NormalizeName(name string) string {
	return nameRunRE.ReplaceAllString(strings.ToLower(name), "-")
}

// FilenameName returns the project name as it must appear in a wheel or
// sdist filename (PEP 427, PEP 625): normalized, with "_" for "-".
func FilenameName(name string) string {
	return strings.ReplaceAll(NormalizeName(name), "-", "_")
}

// WheelName is a parsed wheel filename (PEP 427 as amended by PEP 491).
type WheelName struct {
	Name    string // as written in the filename
	Version string // as written in the filename
	Build   string // optional build tag
	Python  string // python tag, e.g. "py3" or "cp312"
	ABI     string
	// Platform is the platform tag, possibly compressed ("manylinux_2_17_x86_64.manylinux2014_x86_64").
	Platform string
}

var wheelNamePartRE = regexp.MustCompile(`^[\p{L}\p{N}_.]*$`)
var buildTagRE = regexp.MustCompile(`^[0-9]+`)

// ParseWheelFilename parses a wheel filename the way packaging's
// parse_wheel_filename does, with its error wording (which PyPI passes
// through in its answer).
func ParseWheelFilename(filename string) (WheelName, error) {
	if !strings.HasSuffix(filename, ".whl") {
		return WheelName{}, fmt.Errorf("%w: Invalid wheel filename (extension must be '.whl'): '%s'", ErrBadFilename, filename)
	}
	stem := strings.TrimSuffix(filename, ".whl")
	dashes := strings.Count(stem, "-")
	if dashes != 4 && dashes != 5 {
		return WheelName{}, fmt.Errorf("%w: Invalid wheel filename (wrong number of parts): '%s'", ErrBadFilename, filename)
	}
	parts := strings.SplitN(stem, "-", dashes-1)
	w := WheelName{Name: parts[0], Version: parts[1]}
	if strings.Contains(w.Name, "__") || !wheelNamePartRE.MatchString(w.Name) {
		return WheelName{}, fmt.Errorf("%w: Invalid project name: '%s'", ErrBadFilename, filename)
	}
	if _, err := pep440.Parse(w.Version); err != nil {
		return WheelName{}, fmt.Errorf("%w: Invalid wheel filename (invalid version): '%s'", ErrBadFilename, filename)
	}
	tags := strings.Split(parts[len(parts)-1], "-")
	if dashes == 5 {
		w.Build = parts[2]
		if !buildTagRE.MatchString(w.Build) {
			return WheelName{}, fmt.Errorf("%w: Invalid build number: %s in '%s'", ErrBadFilename, w.Build, filename)
		}
	}
	w.Python, w.ABI, w.Platform = tags[0], tags[1], tags[2]
	if w.Python == "" || w.ABI == "" || w.Platform == "" {
		return WheelName{}, fmt.Errorf("%w: Invalid wheel filename (empty tag): '%s'", ErrBadFilename, filename)
	}
	return w, nil
}

// SdistName is a parsed source distribution filename.
type SdistName struct {
	Name, Version string // as written in the filename
	Ext           string // ".tar.gz" or ".zip"
}

// ParseSdistFilename splits "<name>-<version>.tar.gz" (or ".zip") at the
// last dash, as PyPI does. The name part may contain dashes in old,
// non-normalized filenames ("Foo-Bar-1.0.tar.gz"); the version may not.
func ParseSdistFilename(filename string) (SdistName, error) {
	var s SdistName
	switch {
	case strings.HasSuffix(filename, ".tar.gz"):
		s.Ext = ".tar.gz"
	case strings.HasSuffix(filename, ".zip"):
		s.Ext = ".zip"
	default:
		return s, fmt.Errorf("%w: Invalid source distribution filename: %s", ErrBadFilename, filename)
	}
	stem := strings.TrimSuffix(filename, s.Ext)
	i := strings.LastIndexByte(stem, '-')
	if i <= 0 || i == len(stem)-1 {
		return s, fmt.Errorf("%w: Invalid source distribution filename: %s", ErrBadFilename, filename)
	}
	s.Name, s.Version = stem[:i], stem[i+1:]
	if _, err := pep440.Parse(s.Version); err != nil {
		return s, fmt.Errorf("%w: Invalid source distribution filename: %s", ErrBadFilename, filename)
	}
	return s, nil
}

// SdistFilename is the one filename PyPI accepts for an sdist of name and
// version (PEP 625), or "" when version is not a valid version.
func SdistFilename(name, version string) string {
	v, err := pep440.Parse(version)
	if err != nil {
		return ""
	}
	return FilenameName(name) + "-" + v.String() + ".tar.gz"
}
