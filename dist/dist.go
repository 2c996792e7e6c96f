// Package dist finds Python distributions (wheels and sdists), reads their
// core metadata and digests, and checks them against the rules PyPI
// enforces, so that a release is refused before its first file is sent
// rather than half-published.
package dist

import (
	"errors"
	"fmt"
	"strings"
)

// Kind is the type of a distribution, as the upload form's "filetype".
type Kind int

const (
	// Wheel is a built distribution (.whl).
	Wheel Kind = iota + 1
	// Sdist is a source distribution (.tar.gz, or .zip for other indexes).
	Sdist
)

// Filetype returns the upload form's name for the kind.
func (k Kind) Filetype() string {
	switch k {
	case Wheel:
		return "bdist_wheel"
	case Sdist:
		return "sdist"
	}
	return ""
}

func (k Kind) String() string {
	switch k {
	case Wheel:
		return "wheel"
	case Sdist:
		return "sdist"
	}
	return "unknown"
}

// Digests are the hex digests the upload form carries.
type Digests struct {
	SHA256, MD5, Blake2b256 string
}

// File is one distribution, opened and read.
type File struct {
	Path     string // as found or given
	Filename string // base name: what the index sees
	Kind     Kind
	Size     int64
	Digests  Digests
	// Wheel is the parsed filename of a wheel; zero for an sdist or when
	// the filename does not parse (see Problems).
	Wheel WheelName
	// Sdist is the parsed filename of an sdist.
	Sdist SdistName
	// Metadata is nil when the archive has no readable metadata (see
	// Problems).
	Metadata *Metadata
	// Problems are what Open found wrong with the filename and the archive.
	// Preflight adds the metadata and cross-file checks.
	Problems []Problem
}

// PyVersion returns the upload form's "pyversion": the wheel's python tag,
// or "source" for an sdist.
func (f *File) PyVersion() string {
	if f.Kind == Sdist {
		return "source"
	}
	if f.Wheel.Python != "" {
		return f.Wheel.Python
	}
	return "any"
}

// Name returns the project name from the metadata, else from the filename.
func (f *File) Name() string {
	if f.Metadata != nil && f.Metadata.Name != "" {
		return f.Metadata.Name
	}
	if f.Kind == Wheel {
		return f.Wheel.Name
	}
	return f.Sdist.Name
}

// Version returns the version from the metadata, else from the filename.
func (f *File) Version() string {
	if f.Metadata != nil && f.Metadata.Version != "" {
		return f.Metadata.Version
	}
	if f.Kind == Wheel {
		return f.Wheel.Version
	}
	return f.Sdist.Version
}

// Errors returns the problems that stop an upload.
func (f *File) Errors() []Problem {
	var errs []Problem
	for _, p := range f.Problems {
		if !p.Warning {
			errs = append(errs, p)
		}
	}
	return errs
}

func (f *File) addProblem(field, hint, format string, args ...any) {
	f.Problems = append(f.Problems, Problem{Field: field, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// ErrNotDistribution is returned by KindOf for a file we do not publish.
var ErrNotDistribution = errors.New("not a distribution")

// KindOf tells a distribution by its filename, or says why a file is not
// one we publish.
func KindOf(filename string) (Kind, error) {
	lower := strings.ToLower(filename)
	switch {
	case strings.HasSuffix(lower, ".whl"):
		return Wheel, nil
	case strings.HasSuffix(lower, ".tar.gz"), strings.HasSuffix(lower, ".zip"):
		return Sdist, nil
	case strings.HasSuffix(lower, ".publish.attestation"), strings.HasSuffix(lower, ".attestation"):
		return 0, fmt.Errorf("%w: an attestation (uploaded with its distribution, not on its own)", ErrNotDistribution)
	case strings.HasSuffix(lower, ".sigstore.json"), strings.HasSuffix(lower, ".sigstore"):
		return 0, fmt.Errorf("%w: a Sigstore bundle", ErrNotDistribution)
	case strings.HasSuffix(lower, ".asc"), strings.HasSuffix(lower, ".sig"):
		return 0, fmt.Errorf("%w: a signature (PyPI ignores signatures since 2023)", ErrNotDistribution)
	case strings.HasSuffix(lower, ".egg"):
		return 0, fmt.Errorf("%w: an egg (PyPI refuses eggs since 2023: build a wheel)", ErrNotDistribution)
	case strings.HasSuffix(lower, ".exe"), strings.HasSuffix(lower, ".msi"):
		return 0, fmt.Errorf("%w: a Windows installer (PyPI no longer accepts them)", ErrNotDistribution)
	case strings.HasSuffix(lower, ".tar.bz2"), strings.HasSuffix(lower, ".tar.xz"), strings.HasSuffix(lower, ".tgz"), strings.HasSuffix(lower, ".tar"):
		return 0, fmt.Errorf("%w: an archive format PyPI refuses (sdists must be .tar.gz)", ErrNotDistribution)
	case strings.Contains(lower, "sha256sums"), strings.Contains(lower, "checksums"), strings.HasSuffix(lower, ".sha256"):
		return 0, fmt.Errorf("%w: a checksum file", ErrNotDistribution)
	}
	return 0, ErrNotDistribution
}
