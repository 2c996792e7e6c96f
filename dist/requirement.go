package dist

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Requirement is a parsed PEP 508 dependency specifier, as found in
// Requires-Dist ("requests[socks] >=2.8; python_version < '3.12'").
type Requirement struct {
	Name      string
	Extras    []string
	Specifier string // the version specifiers as written, "" if none
	URL       string // set for a direct reference ("name @ url")
	Marker    string // the environment marker as written, "" if none
}

// ParseRequirement parses s with the grammar and token rules of
// packaging.requirements.Requirement (packaging >= 22), so that what it
// refuses is what twine and PyPI refuse. The error says what was expected
// and where.
func ParseRequirement(s string) (Requirement, error) {
	p := &reqParser{src: s}
	r, err := p.requirement()
	if err != nil {
		return Requirement{}, err
	}
	return r, nil
}

type reqParser struct {
	src string
	pos int
}

// reqError is packaging's ParserSyntaxError, without the source echo.
type reqError struct {
	msg string
	at  int
}

func (e *reqError) Error() string {
	return fmt.Sprintf("%s (at character %d)", e.msg, e.at+1)
}

func (p *reqParser) fail(format string, args ...any) error {
	return &reqError{msg: fmt.Sprintf(format, args...), at: p.pos}
}

func (p *reqParser) rest() string { return p.src[p.pos:] }

func (p *reqParser) atEnd() bool { return p.pos >= len(p.src) }

// ws consumes packaging's WS token: spaces and tabs only.
func (p *reqParser) ws() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

func (p *reqParser) peekByte(c byte) bool {
	return p.pos < len(p.src) && p.src[p.pos] == c
}

func (p *reqParser) requirement() (Requirement, error) {
	var r Requirement
	p.ws()
	n := identifierLen(p.src, p.pos)
	if n == 0 {
		return r, p.fail("Expected package name at the start of dependency specifier")
	}
	r.Name = p.src[p.pos : p.pos+n]
	p.pos += n
	p.ws()
	extras, err := p.extras()
	if err != nil {
		return r, err
	}
	r.Extras = extras
	p.ws()
	if err := p.details(&r); err != nil {
		return r, err
	}
	if !p.atEnd() {
		return r, p.fail("Expected end of dependency specifier")
	}
	return r, nil
}

func (p *reqParser) extras() ([]string, error) {
	if !p.peekByte('[') {
		return nil, nil
	}
	open := p.pos
	p.pos++
	p.ws()
	var extras []string
	if n := identifierLen(p.src, p.pos); n > 0 {
		extras = append(extras, p.src[p.pos:p.pos+n])
		p.pos += n
		for {
			p.ws()
			if identifierLen(p.src, p.pos) > 0 {
				return nil, p.fail("Expected comma between extra names")
			}
			if !p.peekByte(',') {
				break
			}
			p.pos++
			p.ws()
			n := identifierLen(p.src, p.pos)
			if n == 0 {
				return nil, p.fail("Expected extra name after comma")
			}
			extras = append(extras, p.src[p.pos:p.pos+n])
			p.pos += n
		}
	}
	p.ws()
	if !p.peekByte(']') {
		return nil, &reqError{msg: "Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras", at: open}
	}
	p.pos++
	return extras, nil
}

func (p *reqParser) details(r *Requirement) error {
	if p.peekByte('@') {
		p.pos++
		p.ws()
		n := strings.IndexAny(p.rest(), " \t")
		if n < 0 {
			n = len(p.rest())
		}
		if n == 0 {
			return p.fail("Expected URL after @")
		}
		r.URL = p.src[p.pos : p.pos+n]
		p.pos += n
		if p.atEnd() {
			return nil
		}
		p.ws() // at least one: the URL stopped at whitespace
		if p.atEnd() {
			return nil
		}
		return p.marker(r, "URL and whitespace")
	}
	spec, err := p.specifier()
	if err != nil {
		return err
	}
	r.Specifier = spec
	p.ws()
	if p.atEnd() {
		return nil
	}
	after := "version specifier"
	if spec == "" {
		after = "name and no valid version specifier"
	}
	return p.marker(r, after)
}

func (p *reqParser) marker(r *Requirement, after string) error {
	if !p.peekByte(';') {
		return p.fail("Expected end or semicolon (after %s)", after)
	}
	p.pos++
	start := p.pos
	if err := p.markerExpr(); err != nil {
		return err
	}
	r.Marker = strings.TrimSpace(p.src[start:p.pos])
	p.ws()
	return nil
}

func (p *reqParser) specifier() (string, error) {
	paren := p.peekByte('(')
	open := p.pos
	if paren {
		p.pos++
	}
	p.ws()
	start := p.pos
	for {
		n := specifierLen(p.rest())
		if n == 0 {
			break
		}
		p.pos += n
		if strings.HasPrefix(p.rest(), ".*") {
			return "", p.fail(".* suffix can only be used with `==` or `!=` operators")
		}
		if localTrailRE.MatchString(p.rest()) {
			return "", p.fail("Local version label can only be used with `==` or `!=` operators")
		}
		p.ws()
		if !p.peekByte(',') {
			break
		}
		p.pos++
		p.ws()
	}
	spec := strings.TrimSpace(p.src[start:p.pos])
	p.ws()
	if paren {
		if !p.peekByte(')') {
			return "", &reqError{msg: "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier", at: open}
		}
		p.pos++
	}
	return spec, nil
}

// markerExpr parses marker_atom (BOOLOP marker_atom)*.
func (p *reqParser) markerExpr() error {
	if err := p.markerAtom(); err != nil {
		return err
	}
	for {
		n := wordLen(p.src, p.pos, "or")
		if n == 0 {
			n = wordLen(p.src, p.pos, "and")
		}
		if n == 0 {
			return nil
		}
		p.pos += n
		if err := p.markerAtom(); err != nil {
			return err
		}
	}
}

func (p *reqParser) markerAtom() error {
	p.ws()
	if p.peekByte('(') {
		open := p.pos
		p.pos++
		p.ws()
		if err := p.markerExpr(); err != nil {
			return err
		}
		p.ws()
		if !p.peekByte(')') {
			return &reqError{msg: "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression", at: open}
		}
		p.pos++
	} else if err := p.markerItem(); err != nil {
		return err
	}
	p.ws()
	return nil
}

func (p *reqParser) markerItem() error {
	p.ws()
	if err := p.markerVar(); err != nil {
		return err
	}
	p.ws()
	switch {
	case wordLen(p.src, p.pos, "in") > 0:
		p.pos += 2
	case wordLen(p.src, p.pos, "not") > 0:
		p.pos += 3
		if !p.peekByte(' ') && !p.peekByte('\t') {
			return p.fail("Expected whitespace after 'not'")
		}
		p.ws()
		if wordLen(p.src, p.pos, "in") == 0 {
			return p.fail("Expected 'in' after 'not'")
		}
		p.pos += 2
	default:
		n := 0
		for _, op := range []string{"===", "==", "~=", "!=", "<=", ">=", "<", ">"} {
			if strings.HasPrefix(p.rest(), op) {
				n = len(op)
				break
			}
		}
		if n == 0 {
			return p.fail("Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in")
		}
		p.pos += n
	}
	p.ws()
	if err := p.markerVar(); err != nil {
		return err
	}
	p.ws()
	return nil
}

// markerVariables are the names packaging's VARIABLE token accepts;
// "extras" and "dependency_groups" came with PEP 751 (packaging 25).
var markerVariables = []string{
	"python_version", "python_full_version", "os_name", "os.name",
	"sys_platform", "sys.platform", "platform_release", "platform_system",
	"platform_version", "platform.version", "platform_machine", "platform.machine",
	"platform_python_implementation", "platform.python_implementation",
	"python_implementation", "implementation_name", "implementation_version",
	"extras", "extra", "dependency_groups",
}

func (p *reqParser) markerVar() error {
	for _, v := range markerVariables {
		if n := wordLen(p.src, p.pos, v); n > 0 {
			p.pos += n
			return nil
		}
	}
	if p.peekByte('\'') || p.peekByte('"') {
		q := p.src[p.pos]
		end := strings.IndexByte(p.src[p.pos+1:], q)
		if end >= 0 {
			p.pos += end + 2
			return nil
		}
	}
	return p.fail("Expected a marker variable or quoted string")
}

// isPyWord reports whether r is in Python's \w for str patterns.
func isPyWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// runeBefore returns the rune ending at byte offset i, or -1 at the start.
func runeBefore(s string, i int) rune {
	if i <= 0 {
		return -1
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

func runeAt(s string, i int) rune {
	if i >= len(s) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

// wordLen returns len(w) if w occurs at s[i:] with a word boundary (as
// Python's \b) on both sides, else 0.
func wordLen(s string, i int, w string) int {
	if !strings.HasPrefix(s[i:], w) {
		return 0
	}
	first, _ := utf8.DecodeRuneInString(w)
	last, _ := utf8.DecodeLastRuneInString(w)
	if b := runeBefore(s, i); b >= 0 && isPyWord(b) == isPyWord(first) {
		return 0
	}
	if a := runeAt(s, i+len(w)); isPyWord(last) == (a >= 0 && isPyWord(a)) {
		return 0
	}
	return len(w)
}

// identifierLen matches packaging's IDENTIFIER token,
// \b[a-zA-Z0-9][a-zA-Z0-9._-]*\b, at s[i:] and returns its length.
func identifierLen(s string, i int) int {
	if i >= len(s) || !isASCIIAlnum(s[i]) {
		return 0
	}
	if b := runeBefore(s, i); b >= 0 && isPyWord(b) {
		return 0
	}
	j := i + 1
	for j < len(s) && (isASCIIAlnum(s[j]) || s[j] == '.' || s[j] == '_' || s[j] == '-') {
		j++
	}
	// Back off until the end is a word boundary, as the regex engine would.
	for j > i {
		last := runeBefore(s, j)
		next := runeAt(s, j)
		if isPyWord(last) != (next >= 0 && isPyWord(next)) {
			return j - i
		}
		j--
	}
	return 0
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// The version parts of packaging's Specifier regex; \s there is Python's,
// which also covers \v and Unicode spaces.
const (
	pyWS       = `[\t\n\v\f\r \x1c-\x1f\x85\p{Z}]`
	specPre    = `(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?`
	specPost   = `(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?`
	specDev    = `(?:[-_.]?dev[-_.]?[0-9]*)?`
	specLocal  = `(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`
	specNumber = pyWS + `*v?(?:[0-9]+!)?[0-9]+`
)

var (
	specIdentityRE = regexp.MustCompile(`^` + pyWS + `*[^\t\n\v\f\r \x1c-\x1f\x85\p{Z};)]*`)
	specEqualRE    = regexp.MustCompile(`(?i)^` + specNumber + `(?:\.[0-9]+)*(?:\.\*|` + specPre + specPost + specDev + specLocal + `)?`)
	specCompatRE   = regexp.MustCompile(`(?i)^` + specNumber + `(?:\.[0-9]+)+` + specPre + specPost + specDev)
	specOrderRE    = regexp.MustCompile(`(?i)^` + specNumber + `(?:\.[0-9]+)*` + specPre + specPost + specDev)
	localTrailRE   = regexp.MustCompile(`(?i)^\+[a-z0-9]+(?:[-_.][a-z0-9]+)*`)
)

// specifierLen matches packaging's SPECIFIER token at the start of s and
// returns its length, 0 if there is none. The operators are tried in the
// regex's order, each with the version shape it allows.
func specifierLen(s string) int {
	for _, op := range []string{"~=", "==", "!=", "<=", ">=", "<", ">", "==="} {
		if !strings.HasPrefix(s, op) {
			continue
		}
		var re *regexp.Regexp
		switch op {
		case "===":
			re = specIdentityRE
		case "==", "!=":
			re = specEqualRE
		case "~=":
			re = specCompatRE
		default:
			re = specOrderRE
		}
		if loc := re.FindStringIndex(s[len(op):]); loc != nil {
			return len(op) + loc[1]
		}
	}
	return 0
}
