package dist

import (
	"fmt"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
)

// PyPIMaxFileSize is PyPI's default per-file limit; projects can ask for
// more, so exceeding it is a warning, not an error.
const PyPIMaxFileSize = 100 << 20

// PreflightOptions says what the files will be checked for.
type PreflightOptions struct {
	// PyPI is set when the target is pypi.org or test.pypi.org, whose
	// rules (PEP 625 names, platform tags, no local versions) other
	// indexes do not share.
	PyPI bool
	// VerifyMetadata turns on the checks of the metadata's content. The
	// archive and filename checks always run: PyPI refuses those files
	// whatever the user asks.
	VerifyMetadata bool
}

// Preflight adds to each file's Problems everything the index would
// refuse that can be known without it, including rules that span files,
// and reports whether no file has an error.
func Preflight(files []*File, opts PreflightOptions) bool {
	for _, f := range files {
		checkAgainstMetadata(f, opts)
		if f.Metadata != nil && opts.VerifyMetadata {
			f.Problems = append(f.Problems, CheckMetadata(f.Metadata, CheckOptions{PyPI: opts.PyPI})...)
		}
		if opts.PyPI && f.Size > PyPIMaxFileSize {
			f.Problems = append(f.Problems, Problem{Field: "size", Warning: true,
				Message: fmt.Sprintf("%s is %d MiB; PyPI's default limit is 100 MiB per file and it would answer: File too large. Limit for project '%s' is 100 MB.", f.Filename, f.Size>>20, f.Name()),
				Hint:    "unless the project has a larger limit, request one: https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase"})
		}
	}
	checkAcrossFiles(files, opts)
	ok := true
	for _, f := range files {
		if len(f.Errors()) > 0 {
			ok = false
		}
	}
	return ok
}

// checkAgainstMetadata applies PyPI's filename rules, which compare the
// filename with the name and version the form carries.
func checkAgainstMetadata(f *File, opts PreflightOptions) {
	m := f.Metadata
	if f.Kind == Sdist && f.Sdist.Ext == ".zip" && opts.PyPI {
		expected := "<name>-<version>.tar.gz"
		if m != nil && SdistFilename(m.Name, m.Version) != "" {
			expected = SdistFilename(m.Name, m.Version)
		}
		f.addProblem("filename", "PyPI refuses .zip sdists (PEP 625): build a .tar.gz with python -m build --sdist", "Filename '%s' is invalid, should be '%s'.", f.Filename, expected)
		return
	}
	if m == nil {
		if len(f.Errors()) == 0 {
			f.addProblem("metadata", rebuildHint, "no core metadata found in the archive")
		}
		return
	}
	if m.Name == "" || m.Version == "" {
		if !opts.VerifyMetadata { // otherwise CheckMetadata says it
			f.addProblem("metadata", rebuildHint, "the metadata lacks Name or Version, which the upload form requires")
		}
		return
	}
	version, err := pep440.Parse(m.Version)
	if err != nil {
		if !opts.VerifyMetadata {
			f.addProblem("Version", "", "'%s' is invalid for 'version'", m.Version)
		}
		return
	}
	if opts.PyPI && !opts.VerifyMetadata && version.Local() != "" {
		// Otherwise CheckMetadata says it; PyPI refuses these whatever
		// the user asked us to check.
		f.addProblem("Version", "PyPI refuses local versions (the '+local' part): build from a tag, or configure your version plugin not to add one",
			"The use of local versions in '%s' is not allowed. See https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers for more information.", m.Version)
	}
	want := FilenameName(m.Name)
	switch f.Kind {
	case Wheel:
		if f.Wheel.Name == "" {
			return // the filename did not parse: already reported
		}
		if NormalizeName(f.Wheel.Name) != NormalizeName(m.Name) {
			f.addProblem("filename", "the filename must start with the project name from the metadata", "Start filename for '%s' with '%s'.", m.Name, want)
		} else if f.Wheel.Name != want {
			// PyPI's rule, not the wheel spec's: other indexes (Gitea,
			// devpi) take the names older backends wrote
			// (Gitea.MD_Demo-1.2.0-…, setuptools 66/wheel 0.38) and pip
			// installs them, so elsewhere it is a warning, as for sdists.
			p := Problem{Field: "filename", Warning: !opts.PyPI,
				Message: fmt.Sprintf("Filename '%s' should contain the normalized project name '%s', not '%s'.", f.Filename, want, f.Wheel.Name),
				Hint:    "rebuild with a current build backend, which names wheels this way (PEP 491)"}
			if p.Warning {
				p.Message = "PyPI would refuse this name: " + p.Message
			}
			f.Problems = append(f.Problems, p)
		}
		if fv, err := pep440.Parse(f.Wheel.Version); err == nil && !fv.Equal(version) {
			f.addProblem("filename", "the filename and the metadata disagree: rebuild the wheel", "Version in filename should be '%s' not '%s'.", version.String(), f.Wheel.Version)
		}
		if opts.PyPI {
			if tag := UnsupportedPlatform(f.Wheel.Platform); tag != "" {
				f.addProblem("filename", platformHint(tag), "Binary wheel '%s' has an unsupported platform tag '%s'.", f.Filename, tag)
			}
		}
	case Sdist:
		expected := SdistFilename(m.Name, m.Version)
		if f.Filename == expected {
			return
		}
		p := Problem{Field: "filename", Warning: !opts.PyPI}
		switch {
		case f.Sdist.Name != "" && NormalizeName(f.Sdist.Name) != NormalizeName(m.Name):
			p.Message = fmt.Sprintf("Start filename for '%s' with '%s'.", m.Name, want)
			p.Hint = "the filename must start with the project name from the metadata"
		default:
			p.Message = fmt.Sprintf("Filename '%s' is invalid, should be '%s'.", f.Filename, expected)
			p.Hint = "PyPI only accepts sdists named as PEP 625 says; rebuild with a current build backend (setuptools >= 69.3, hatchling, flit-core >= 3.10, poetry-core >= 2.0)"
		}
		if p.Warning {
			p.Message = "PyPI would refuse this name: " + p.Message
		}
		f.Problems = append(f.Problems, p)
	}
}

func platformHint(tag string) string {
	switch tag {
	case "linux_x86_64", "linux_aarch64", "linux_i686", "linux_ppc64le", "linux_s390x":
		return "a plain linux wheel only runs where it was built: repair it into a manylinux or musllinux wheel with auditwheel, or build it with cibuildwheel"
	}
	return "PyPI only accepts the platform tags listed at https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/"
}

func checkAcrossFiles(files []*File, opts PreflightOptions) {
	byFilename := map[string]*File{}
	sdistOf := map[string]*File{}
	for _, f := range files {
		if prev, ok := byFilename[f.Filename]; ok {
			f.addProblem("filename", "pass each distribution once", "%s is also given as %s; the index keeps one file per name", f.Filename, prev.Path)
			continue
		}
		byFilename[f.Filename] = f
		if f.Kind != Sdist || f.Metadata == nil {
			continue
		}
		v, err := pep440.Parse(f.Metadata.Version)
		if err != nil {
			continue
		}
		release := NormalizeName(f.Metadata.Name) + " " + v.Canonical()
		if prev, ok := sdistOf[release]; ok {
			f.Problems = append(f.Problems, Problem{Field: "filename", Warning: !opts.PyPI,
				Message: fmt.Sprintf("Only one sdist may be uploaded per release. (%s is the other one)", prev.Filename),
				Hint:    "keep one sdist per release in the packages directory"})
			continue
		}
		sdistOf[release] = f
	}
}
