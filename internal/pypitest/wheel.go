package pypitest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/pypi-publish/pypi-publish/internal/pyrepr"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
	"github.com/pypi-publish/pypi-publish/internal/zipcheck"
)

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// checkSdistName is Warehouse's sdist filename rule (PEP 625): exactly
// <normalized name with _>-<normalized version>.tar.gz, plus the
// License-File presence check.
func checkSdistName(fn string, proj *project, m meta, in *inspection) string {
	name, _, ok := parseSdistFilename(fn)
	if !ok {
		return "Invalid source distribution filename: " + fn
	}
	// A post-release version may be spelled with a hyphen (1.0-1), which
	// moves the split point: retry one hyphen further left.
	if m.version.HasPost() && normalize(name) != normalize(m.name) && strings.Count(fn, "-") >= 2 {
		if alt := fn[:strings.LastIndexByte(fn, '-')]; strings.Contains(alt, "-") {
			alt = alt[:strings.LastIndexByte(alt, '-')]
			if end := len(fn) - len(".tar.gz"); len(alt)+1 <= end {
				if _, err := pep440.Parse(fn[len(alt)+1 : end]); err == nil {
					name = alt
				}
			}
		}
	}
	under := strings.ReplaceAll(proj.normalized, "-", "_")
	if normalize(name) != proj.normalized {
		return "Start filename for " + pyrepr.Str(proj.name) + " with " + pyrepr.Str(under) + "."
	}
	want := under + "-" + m.version.String() + ".tar.gz"
	if fn != want {
		return "Filename " + pyrepr.Str(fn) + " is invalid, should be " + pyrepr.Str(want) + "."
	}
	for _, lf := range m.licenseFiles {
		if target := pathJoin(in.top, lf); !in.names[target] {
			return "License-File " + lf + " does not exist in distribution file " + fn + " at " + target
		}
	}
	return ""
}

// checkWheel is Warehouse's wheel filename and content checks. It returns
// the METADATA file, which PyPI serves next to the wheel.
func checkWheel(fn string, proj *project, m meta, in *inspection) ([]byte, string) {
	w, msg := parseWheelFilename(fn)
	if msg != "" {
		return nil, msg
	}
	for _, p := range w.platforms {
		if !validPlatform(p) {
			return nil, "Binary wheel '" + fn + "' has an unsupported platform tag '" + p + "'."
		}
	}
	if canon := normalize(m.name); canon != w.name {
		return nil, "Start filename for " + pyrepr.Str(proj.name) + " with " + pyrepr.Str(strings.ReplaceAll(canon, "-", "_")) + "."
	}
	given, _, _ := strings.Cut(fn, "-")
	if under := strings.ReplaceAll(proj.normalized, "-", "_"); given != under {
		return nil, "Filename " + pyrepr.Str(fn) + " should contain the normalized project name " + pyrepr.Str(under) +
			", not " + pyrepr.Str(given) + "."
	}
	if !m.version.Equal(w.version) {
		return nil, "Version in filename should be " + pyrepr.Str(m.version.String()) + " not " + pyrepr.Str(w.version.String()) + "."
	}
	parts := strings.SplitN(fn, "-", 3)
	info := parts[0] + "-" + parts[1] + ".dist-info/"
	read := func(name string) ([]byte, error) { return in.zip.ReadFile(name, 64<<20) }
	for _, lf := range m.licenseFiles {
		path := info + "licenses/" + lf
		if _, err := read(path); errors.Is(err, zipcheck.ErrNotExist) {
			return nil, "License-File " + lf + " does not exist in distribution file " + fn + " at " + path
		} else if err != nil && !errors.Is(err, zipcheck.ErrTooLarge) {
			return nil, "Invalid distribution file. None"
		}
	}
	record, err := read(info + "RECORD")
	if errors.Is(err, zipcheck.ErrNotExist) || (err == nil && !utf8.Valid(record)) {
		return nil, "Wheel '" + fn + "' does not contain the required RECORD file: " + info + "RECORD"
	} else if err != nil && !errors.Is(err, zipcheck.ErrTooLarge) {
		return nil, "Invalid distribution file. None"
	}
	eps, err := read(info + "entry_points.txt")
	if err == nil && !validEntryPoints(eps) {
		return nil, "Wheel '" + fn + "' has invalid entry points defined in the entry_points.txt file"
	} else if err != nil && !errors.Is(err, zipcheck.ErrNotExist) && !errors.Is(err, zipcheck.ErrTooLarge) {
		return nil, "Invalid distribution file. None"
	}
	metadata, err := read(info + "METADATA")
	if errors.Is(err, zipcheck.ErrNotExist) {
		return nil, "Wheel '" + fn + "' does not contain the required METADATA file: " + info + "METADATA"
	} else if err != nil {
		return nil, "Invalid distribution file. None"
	}
	if len(fn)+len(".metadata") > 255 {
		return nil, "Filename is too long: '" + fn + "'"
	}
	return metadata, ""
}

var iniSectionRE = regexp.MustCompile(`^\[(.+)\]`)

// validEntryPoints parses entry_points.txt as Python's configparser does
// (strict, "=" as the only delimiter, case kept) and checks the names of
// console and GUI scripts.
func validEntryPoints(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	sections := map[string]map[string]bool{}
	var cur map[string]bool
	var curName string
	scripts := map[string][]string{}
	lastOption := false
	for _, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";") {
			continue
		}
		if lastOption && len(line) > len(strings.TrimLeft(line, " \t")) {
			continue // continuation of the previous value
		}
		if m := iniSectionRE.FindStringSubmatch(trimmed); m != nil {
			if sections[m[1]] != nil {
				return false // DuplicateSectionError
			}
			curName, cur = m[1], map[string]bool{}
			sections[curName] = cur
			lastOption = false
			continue
		}
		if cur == nil {
			return false // MissingSectionHeaderError
		}
		key, _, ok := strings.Cut(trimmed, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" || cur[key] {
			return false // ParsingError or DuplicateOptionError
		}
		cur[key] = true
		scripts[curName] = append(scripts[curName], key)
		lastOption = true
	}
	for _, s := range []string{"console_scripts", "gui_scripts"} {
		for _, k := range scripts[s] {
			if k == "" || !isWordDotUnderscore(strings.ReplaceAll(k, "-", "")) {
				return false
			}
		}
	}
	return true
}
