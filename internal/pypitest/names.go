package pypitest

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/pypi-publish/pypi-publish/internal/pyrepr"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
)

// projectNameRE is PEP 508's name rule, which Warehouse applies to the
// "name" form field (ASCII, case-insensitive).
var projectNameRE = regexp.MustCompile(`(?i)^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`)

var separatorsRE = regexp.MustCompile(`[-_.]+`)

// normalize is PEP 503 normalization, Warehouse's normalize_pep426_name.
func normalize(name string) string {
	return separatorsRE.ReplaceAllString(strings.ToLower(name), "-")
}

// ultranormalize is Warehouse's test for names too similar to an existing
// one: separators dropped, "l" and "i" read as "1", "o" as "0".
func ultranormalize(name string) string {
	return strings.NewReplacer("-", "", "_", "", ".", "", "l", "1", "i", "1", "o", "0").
		Replace(strings.ToLower(name))
}

// validPlatform is Warehouse's allow-list of wheel platform tags.
func validPlatform(tag string) bool {
	switch tag {
	case "any", "win32", "win_arm64", "win_amd64", "win_ia64",
		"manylinux1_x86_64", "manylinux1_i686", "manylinux2010_x86_64", "manylinux2010_i686",
		"manylinux2014_x86_64", "manylinux2014_i686", "manylinux2014_aarch64", "manylinux2014_armv7l",
		"manylinux2014_ppc64", "manylinux2014_ppc64le", "manylinux2014_s390x",
		"linux_armv6l", "linux_armv7l":
		return true
	}
	if m := macosRE.FindStringSubmatch(tag); m != nil && macosArches[m[3]] {
		return m[1] == "10" || (macosMajors[m[1]] && m[2] == "0")
	}
	if m := linuxRE.FindStringSubmatch(tag); m != nil && linuxArches[m[2]] {
		return m[1] == "many" || m[2] != "ppc64"
	}
	if m := iosRE.FindStringSubmatch(tag); m != nil {
		return m[1] == "arm64" || m[1] == "x86_64"
	}
	if m := androidRE.FindStringSubmatch(tag); m != nil {
		switch m[1] {
		case "armeabi_v7a", "arm64_v8a", "x86", "x86_64":
			return true
		}
	}
	return emscriptenRE.MatchString(tag)
}

var (
	macosRE      = regexp.MustCompile(`^macosx_(\d+)_(\d+)_(.*)$`)
	linuxRE      = regexp.MustCompile(`^(many|musl)linux_\d+_\d+_(.*)$`)
	iosRE        = regexp.MustCompile(`^ios_\d+_\d+_(.*)_(?:iphoneos|iphonesimulator)$`)
	androidRE    = regexp.MustCompile(`^android_\d+_(.*)$`)
	emscriptenRE = regexp.MustCompile(`^pyemscripten_\d+_\d+_wasm32$`)
	macosMajors  = map[string]bool{"11": true, "12": true, "13": true, "14": true, "15": true, "26": true}
	macosArches  = map[string]bool{"ppc": true, "ppc64": true, "i386": true, "x86_64": true, "arm64": true,
		"intel": true, "fat": true, "fat3": true, "fat64": true, "universal": true, "universal2": true}
	linuxArches = map[string]bool{"x86_64": true, "i686": true, "aarch64": true, "armv7l": true,
		"ppc64le": true, "s390x": true, "riscv64": true, "ppc64": true}
)

// wheelName is a wheel filename as packaging.utils.parse_wheel_filename
// reads it.
type wheelName struct {
	name      string // canonicalized
	version   pep440.Version
	platforms []string // lowercased, in order of appearance
}

var buildTagRE = regexp.MustCompile(`^(\d+)(.*)$`)

// parseWheelFilename returns packaging's error text when fn is not a valid
// wheel filename. The texts quote the name without its ".whl".
func parseWheelFilename(fn string) (wheelName, string) {
	stem, ok := strings.CutSuffix(fn, ".whl")
	if !ok {
		return wheelName{}, "Invalid wheel filename (extension must be '.whl'): " + pyrepr.Str(fn)
	}
	dashes := strings.Count(stem, "-")
	if dashes != 4 && dashes != 5 {
		return wheelName{}, "Invalid wheel filename (wrong number of parts): " + pyrepr.Str(stem)
	}
	parts := strings.SplitN(stem, "-", dashes-1)
	if strings.Contains(parts[0], "__") || !isWordDotUnderscore(parts[0]) {
		return wheelName{}, "Invalid project name: " + pyrepr.Str(stem)
	}
	v, err := pep440.Parse(parts[1])
	if err != nil {
		return wheelName{}, "Invalid wheel filename (invalid version): " + pyrepr.Str(stem)
	}
	if dashes == 5 && !buildTagRE.MatchString(parts[2]) {
		return wheelName{}, "Invalid build number: " + parts[2] + " in " + pyrepr.Str(stem)
	}
	w := wheelName{name: normalize(parts[0]), version: v}
	tags := strings.Split(parts[len(parts)-1], "-")
	seen := map[string]bool{}
	for _, p := range strings.Split(tags[2], ".") {
		p = strings.ToLower(p)
		if !seen[p] {
			seen[p] = true
			w.platforms = append(w.platforms, p)
		}
	}
	return w, ""
}

// isWordDotUnderscore matches packaging's ^[\w\d._]*$ (Unicode \w).
func isWordDotUnderscore(s string) bool {
	for _, r := range s {
		if !(r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r) || unicode.In(r, unicode.Mn, unicode.Mc)) {
			return false
		}
	}
	return true
}

// parseSdistFilename is packaging.utils.parse_sdist_filename: the name is
// what precedes the last hyphen. ok is false when it cannot be parsed.
func parseSdistFilename(fn string) (name string, v pep440.Version, ok bool) {
	stem, found := strings.CutSuffix(fn, ".tar.gz")
	if !found {
		if stem, found = strings.CutSuffix(fn, ".zip"); !found {
			return "", v, false
		}
	}
	i := strings.LastIndexByte(stem, '-')
	if i < 0 {
		return "", v, false
	}
	v, err := pep440.Parse(stem[i+1:])
	return stem[:i], v, err == nil
}

// compareVersions orders versions as PEP 440 does; it returns -1, 0 or 1.
func compareVersions(a, b pep440.Version) int {
	if c := cmpNum(a.Epoch, b.Epoch); c != 0 {
		return c
	}
	ra, rb := trimZeroRelease(a.Release), trimZeroRelease(b.Release)
	for k := 0; k < len(ra) || k < len(rb); k++ {
		if k >= len(ra) {
			return -1
		}
		if k >= len(rb) {
			return 1
		}
		if c := cmpNum(ra[k], rb[k]); c != 0 {
			return c
		}
	}
	if c := cmpInts(preRank(a), preRank(b)); c != 0 {
		return c
	}
	if a.PreL != "" && b.PreL != "" {
		if c := cmpNum(a.PreN, b.PreN); c != 0 {
			return c
		}
	}
	if c := cmpOptional(a.HasPost(), a.Post, b.HasPost(), b.Post, -1); c != 0 {
		return c
	}
	if c := cmpOptional(a.HasDev(), a.Dev, b.HasDev(), b.Dev, 1); c != 0 {
		return c
	}
	return strings.Compare(a.Local(), b.Local())
}

// preRank places a development-only release before its pre-releases, and
// a final release after them.
func preRank(v pep440.Version) int {
	switch {
	case v.PreL == "" && !v.HasPost() && v.HasDev():
		return 0
	case v.PreL == "a":
		return 1
	case v.PreL == "b":
		return 2
	case v.PreL == "rc":
		return 3
	}
	return 4
}

// cmpOptional compares optional numbers; missing sorts as absent (-1: below
// any number, 1: above).
func cmpOptional(hasA bool, a string, hasB bool, b string, absent int) int {
	switch {
	case hasA && hasB:
		return cmpNum(a, b)
	case hasA:
		return -absent
	case hasB:
		return absent
	}
	return 0
}

func trimZeroRelease(r []string) []string {
	n := len(r)
	for n > 1 && r[n-1] == "0" {
		n--
	}
	return r[:n]
}

// cmpNum compares decimal strings without leading zeros.
func cmpNum(a, b string) int {
	if len(a) != len(b) {
		return cmpInts(len(a), len(b))
	}
	return strings.Compare(a, b)
}

func cmpInts(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
