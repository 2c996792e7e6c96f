package pep440

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrInvalid is wrapped by every parse error.
var ErrInvalid = errors.New("invalid version")

// The grammar is PEP 440's permissive one (Appendix B), which is what
// packaging.version.Version accepts: separators and spellings vary, and
// String folds them to one normalized form.
const versionPattern = `v?` +
	`(?:(?P<epoch>[0-9]+)!)?` +
	`(?P<release>[0-9]+(?:\.[0-9]+)*)` +
	`(?P<pre>[-_\.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_\.]?(?P<pre_n>[0-9]+)?)?` +
	`(?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_\.]?(?P<post_l>post|rev|r)[-_\.]?(?P<post_n2>[0-9]+)?))?` +
	`(?P<dev>[-_\.]?(?P<dev_l>dev)[-_\.]?(?P<dev_n>[0-9]+)?)?` +
	`(?:\+(?P<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?`

var versionRE = regexp.MustCompile(`(?i)^\s*` + versionPattern + `\s*$`)

var groupIndex = func() map[string]int {
	m := map[string]int{}
	for i, n := range versionRE.SubexpNames() {
		if n != "" {
			m[n] = i
		}
	}
	return m
}()

// Version is a parsed PEP 440 version. Numbers are kept as decimal strings
// without leading zeros, because PEP 440 puts no bound on them and PyPI
// (through Python's ints) accepts any length.
type Version struct {
	Epoch   string   // "0" when absent
	Release []string // at least one component
	PreL    string   // "a", "b", "rc" or ""
	PreN    string
	Post    string // "" when absent
	Dev     string // "" when absent
	LocalS  []string
	hasPost bool
	hasDev  bool
}

// Parse parses s as packaging.version.Version does.
func Parse(s string) (Version, error) {
	if len(s) > 1024 {
		return Version{}, fmt.Errorf("%w: too long (%d characters)", ErrInvalid, len(s))
	}
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("%w: %q", ErrInvalid, s)
	}
	g := func(name string) string { return m[groupIndex[name]] }
	v := Version{Epoch: "0"}
	if e := g("epoch"); e != "" {
		v.Epoch = trimZeros(e)
	}
	for _, p := range strings.Split(g("release"), ".") {
		v.Release = append(v.Release, trimZeros(p))
	}
	if g("pre") != "" {
		switch strings.ToLower(g("pre_l")) {
		case "a", "alpha":
			v.PreL = "a"
		case "b", "beta":
			v.PreL = "b"
		default: // c, rc, pre, preview
			v.PreL = "rc"
		}
		v.PreN = numOrZero(g("pre_n"))
	}
	if g("post") != "" {
		v.hasPost = true
		v.Post = numOrZero(g("post_n1") + g("post_n2"))
	}
	if g("dev") != "" {
		v.hasDev = true
		v.Dev = numOrZero(g("dev_n"))
	}
	if l := g("local"); l != "" {
		for _, seg := range strings.FieldsFunc(strings.ToLower(l), func(r rune) bool {
			return r == '.' || r == '-' || r == '_'
		}) {
			if isDigits(seg) {
				seg = trimZeros(seg)
			}
			v.LocalS = append(v.LocalS, seg)
		}
	}
	return v, nil
}

// MustParse is Parse for constants in tests and tables; it panics on error.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// IsPre reports whether v is a pre-release or development release.
func (v Version) IsPre() bool { return v.PreL != "" || v.hasDev }

// HasPost reports whether v has a post-release segment.
func (v Version) HasPost() bool { return v.hasPost }

// HasDev reports whether v has a development-release segment.
func (v Version) HasDev() bool { return v.hasDev }

// String returns the normalized form, as str(packaging.version.Version(s)).
func (v Version) String() string {
	s := v.Public()
	if l := v.Local(); l != "" {
		s += "+" + l
	}
	return s
}

// Public returns the normalized version without its local segment.
func (v Version) Public() string {
	var b strings.Builder
	if v.Epoch != "0" && v.Epoch != "" {
		b.WriteString(v.Epoch)
		b.WriteByte('!')
	}
	b.WriteString(strings.Join(v.Release, "."))
	if v.PreL != "" {
		b.WriteString(v.PreL)
		b.WriteString(v.PreN)
	}
	if v.hasPost {
		b.WriteString(".post")
		b.WriteString(v.Post)
	}
	if v.hasDev {
		b.WriteString(".dev")
		b.WriteString(v.Dev)
	}
	return b.String()
}

// Local returns the normalized local segment ("ubuntu.1" for "+ubuntu-1"),
// or "" when v has none.
func (v Version) Local() string { return strings.Join(v.LocalS, ".") }

// Equal reports PEP 440 equality: trailing zeros of the release do not
// count (1.0 == 1.0.0), everything else must match.
func (v Version) Equal(o Version) bool {
	if v.Epoch != o.Epoch || v.PreL != o.PreL || v.PreN != o.PreN ||
		v.hasPost != o.hasPost || v.Post != o.Post || v.hasDev != o.hasDev || v.Dev != o.Dev {
		return false
	}
	if strings.Join(stripTrailingZeros(v.Release), ".") != strings.Join(stripTrailingZeros(o.Release), ".") {
		return false
	}
	return v.Local() == o.Local()
}

// Canonical returns the form two equal versions share (trailing zeros of
// the release dropped, as packaging's canonicalize_version does): the
// identity of a release on PyPI.
func (v Version) Canonical() string {
	c := v
	c.Release = stripTrailingZeros(v.Release)
	return c.String()
}

func stripTrailingZeros(r []string) []string {
	n := len(r)
	for n > 1 && r[n-1] == "0" {
		n--
	}
	return r[:n]
}

func trimZeros(s string) string {
	t := strings.TrimLeft(s, "0")
	if t == "" {
		return "0"
	}
	return t
}

func numOrZero(s string) string {
	if s == "" {
		return "0"
	}
	return trimZeros(s)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
