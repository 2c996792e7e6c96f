package rst

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// This file follows docutils' Inliner: the "inline markup recognition
// rules" decide where markup may start and end, from the characters
// around it. The parser works, as docutils does, on the text with each
// backslash-escape turned into a NUL, and scans what remains after each
// construct as a fresh string (so "^" matches there again).

//go:generate sh gen_rstpunct.sh

// rstPunctTxt is docutils' punctuation_chars (see gen_rstpunct.sh).
//
//go:embed rst_punct.txt
var rstPunctTxt string

// rstPunctChars holds docutils' character classes for inline markup.
type rstPunctChars struct {
	openers, closers []rune        // index-aligned pairs, for quoted starts
	prefix, suffix   map[rune]bool // allowed before a start / after an end
	quotePairs       map[rune]string
}

var rstPunct = sync.OnceValue(func() *rstPunctChars {
	p := &rstPunctChars{prefix: map[rune]bool{}, suffix: map[rune]bool{0: true}, quotePairs: map[rune]string{}}
	for _, line := range strings.Split(rstPunctTxt, "\n") {
		key, val, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		switch key {
		case "openers":
			p.openers = []rune(val)
		case "closers":
			p.closers = []rune(val)
		case "prefix":
			for _, r := range val {
				p.prefix[r] = true
			}
		case "suffix":
			for _, r := range val {
				p.suffix[r] = true
			}
		case "quote":
			r, size := utf8.DecodeRuneInString(val)
			p.quotePairs[r] = val[size:]
		}
	}
	return p
})

// matchChars is docutils' match_chars: c1 opens and c2 closes a pair.
func (p *rstPunctChars) matchChars(c1, c2 rune) bool {
	for i, o := range p.openers {
		if o == c1 {
			return (i < len(p.closers) && p.closers[i] == c2) || strings.ContainsRune(p.quotePairs[c1], c2)
		}
	}
	return false
}

// escape2null turns each backslash-escape into NUL + the escaped char.
func escape2null(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			b.WriteByte(0)
			if i+1 < len(s) {
				_, size := utf8.DecodeRuneInString(s[i+1:])
				b.WriteString(s[i+1 : i+1+size])
				i += size
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeNull is docutils' unescape: NULs and the whitespace they escape
// disappear.
func unescapeNull(s string) string {
	s = strings.ReplaceAll(s, "\x00 ", "")
	s = strings.ReplaceAll(s, "\x00\n", "")
	return strings.ReplaceAll(s, "\x00", "")
}

// inlineBudget bounds the work on one text block, and docBudget on the
// whole description; beyond them text is not checked (docutils' own scan
// is quadratic on some inputs).
const (
	inlineBudget = 1 << 21
	docBudget    = 1 << 24
)

type inliner struct {
	d      *rstDoc
	s      string
	line   int
	after  int // the line after the text, where docutils reports duplicate targets
	steps  int
	punct  *rstPunctChars
	failed bool
}

func (in *inliner) tick(n int) bool {
	in.steps += n
	in.d.inlineSteps += n
	if in.steps > inlineBudget || in.d.inlineSteps > docBudget {
		in.failed = true
	}
	return !in.failed
}

func (in *inliner) runeAt(i int) rune {
	if i >= len(in.s) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(in.s[i:])
	return r
}

// suffixOK is end_string_suffix: the end of the text, whitespace, or a
// closing delimiter, delimiter or closer.
func (in *inliner) suffixOK(i int) bool {
	r := in.runeAt(i)
	return r < 0 || isPySpace(r) || in.punct.suffix[r]
}

// simplenameEnds returns the possible ends of a docutils simplename
// starting at i (alphanumerics with isolated internal -._+: characters),
// longest first. Only the ends of runs can be followed by the characters
// that close the constructs using it, so the others are left out.
func (in *inliner) simplenameEnds(i int) []int {
	isName := func(r rune) bool { return r != '_' && r >= 0 && isPyWord(r) }
	var ends []int
	j := i
	for {
		start := j
		for j < len(in.s) {
			r, size := utf8.DecodeRuneInString(in.s[j:])
			if !isName(r) {
				break
			}
			j += size
		}
		if j == start {
			break
		}
		ends = append(ends, j)
		if !in.tick(j - start) {
			return nil
		}
		if j < len(in.s) && strings.IndexByte("-._+:", in.s[j]) >= 0 && isName(in.runeAt(j+1)) {
			j++
			continue
		}
		break
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ends)))
	return ends
}

type inlineMatch struct {
	start, end int    // of the whole construct found by the initial pattern
	kind       string // "**", "*", "``", "_`", "|", "ref", "anon", "footnote", "`"
	role       string // for "`": a prefix role
	name       string // for "ref"
}

// parse checks text (a paragraph, title, term or field name) that starts
// on line.
func (d *rstDoc) inline(text string, line int) {
	if d.inlineSteps > docBudget {
		d.unchecked++
		return
	}
	in := &inliner{d: d, s: escape2null(text), line: line, punct: rstPunct()}
	in.after = line + strings.Count(text, "\n") + 1
	in.run()
	if in.failed {
		d.unchecked++
	}
}

func (in *inliner) run() {
	pos := 0
	for pos < len(in.s) && !in.failed {
		m, ok := in.initial(pos)
		if !ok {
			return
		}
		switch m.kind {
		case "ref":
			in.d.refs = append(in.d.refs, rstRef{name: normalizeRefName(unescapeNull(m.name)), line: in.line})
			pos = m.end
		case "anon", "footnote":
			pos = m.end
		case "`":
			pos = in.interpreted(m, pos)
		default:
			pos = in.inlineObj(m, pos)
		}
	}
}

// initial finds the next start of inline markup in s[from:], as the
// initial_inline pattern does.
func (in *inliner) initial(from int) (inlineMatch, bool) {
	for p := from; p < len(in.s); {
		r, size := utf8.DecodeRuneInString(in.s[p:])
		if !in.tick(1) {
			return inlineMatch{}, false
		}
		if p == from || in.prefixOK(p) {
			if m, ok := in.startAt(p); ok {
				return m, true
			}
			if m, ok := in.wholeAt(p); ok {
				return m, true
			}
			if m, ok := in.backquoteAt(p); ok {
				return m, true
			}
		}
		_ = r
		p += size
	}
	return inlineMatch{}, false
}

func (in *inliner) prefixOK(p int) bool {
	prev, _ := utf8.DecodeLastRuneInString(in.s[:p])
	return isPySpace(prev) || in.punct.prefix[prev]
}

func (in *inliner) startAt(p int) (inlineMatch, bool) {
	s := in.s[p:]
	next := func(n int) rune { return in.runeAt(p + n) }
	notSpace := func(n int) bool { r := next(n); return r < 0 || !isPySpace(r) }
	var kind string
	switch {
	case strings.HasPrefix(s, "**") && notSpace(2):
		kind = "**"
	case strings.HasPrefix(s, "*") && next(1) != '*' && notSpace(1):
		kind = "*"
	case strings.HasPrefix(s, "``") && notSpace(2):
		kind = "``"
	case strings.HasPrefix(s, "_`") && notSpace(2):
		kind = "_`"
	case strings.HasPrefix(s, "|") && next(1) != '|' && notSpace(1):
		kind = "|"
	default:
		return inlineMatch{}, false
	}
	return inlineMatch{start: p, end: p + len(kind), kind: kind}, true
}

func (in *inliner) wholeAt(p int) (inlineMatch, bool) {
	for _, e := range in.simplenameEnds(p) {
		for _, refend := range []string{"__", "_"} {
			if strings.HasPrefix(in.s[e:], refend) && in.suffixOK(e+len(refend)) {
				kind := "ref"
				if refend == "__" {
					kind = "anon"
				}
				return inlineMatch{start: p, end: e + len(refend), kind: kind, name: in.s[p:e]}, true
			}
		}
	}
	if in.s[p] != '[' {
		return inlineMatch{}, false
	}
	closes := func(j int) bool { return strings.HasPrefix(in.s[j:], "]_") && in.suffixOK(j+2) }
	found := func(j int) (inlineMatch, bool) {
		return inlineMatch{start: p, end: j + 2, kind: "footnote"}, true
	}
	j := p + 1
	for j < len(in.s) && in.s[j] >= '0' && in.s[j] <= '9' {
		j++
	}
	if j > p+1 && closes(j) {
		return found(j)
	}
	if strings.HasPrefix(in.s[p+1:], "#") {
		for _, e := range append(in.simplenameEnds(p+2), p+2) {
			if closes(e) {
				return found(e)
			}
		}
	}
	if strings.HasPrefix(in.s[p+1:], "*") && closes(p+2) {
		return found(p + 2)
	}
	for _, e := range in.simplenameEnds(p + 1) {
		if closes(e) {
			return found(e)
		}
	}
	return inlineMatch{}, false
}

func (in *inliner) backquoteAt(p int) (inlineMatch, bool) {
	opens := func(q int) bool {
		r := in.runeAt(q + 1)
		return in.runeAt(q) == '`' && r != '`' && (r < 0 || !isPySpace(r))
	}
	if in.s[p] == ':' {
		for _, e := range in.simplenameEnds(p + 1) {
			if e < len(in.s) && in.s[e] == ':' && opens(e+1) {
				return inlineMatch{start: p, end: e + 2, kind: "`", role: in.s[p+1 : e]}, true
			}
		}
	}
	if opens(p) {
		return inlineMatch{start: p, end: p + 1, kind: "`"}, true
	}
	return inlineMatch{}, false
}

// quoted is docutils' quoted_start: a start-string enclosed in a matching
// pair ("(*)", "'*'") or ending the text is not markup.
func (in *inliner) quoted(m inlineMatch, from int) bool {
	if m.start == from {
		return false
	}
	if m.end >= len(in.s) {
		return true
	}
	pre, _ := utf8.DecodeLastRuneInString(in.s[:m.start])
	return in.punct.matchChars(pre, in.runeAt(m.end))
}

var inlineNames = map[string]string{
	"**": "strong", "*": "emphasis", "``": "literal", "_`": "target", "|": "substitution_reference",
}

// inlineObj handles the simple start-strings and returns where scanning
// goes on.
func (in *inliner) inlineObj(m inlineMatch, from int) int {
	if in.quoted(m, from) {
		return m.end
	}
	q, endLen, ok := in.findEnd(m.kind, m.end)
	if in.failed {
		// The search stopped at the budget, not at the end of the
		// text: the end-string may well be there.
		return m.end
	}
	if !ok || q == m.end {
		in.d.report(in.line, levelWarning, "Inline "+inlineNames[m.kind]+" start-string without end-string.", inlineHint(m.kind))
		return m.end
	}
	if m.kind == "|" {
		name := unescapeNull(in.s[m.end:q])
		in.d.substRefs = append(in.d.substRefs, rstRef{name: strings.Join(strings.FieldsFunc(name, isPySpace), " "), line: in.line})
		if endLen == 2 { // |name|_ also refers to the target "name"
			in.d.refs = append(in.d.refs, rstRef{name: normalizeRefName(name), line: in.line})
		}
	}
	return q + endLen
}

// findEnd finds the first end-string for kind in the text from i, with
// lookbehinds that cannot see before i (docutils searches a new string).
func (in *inliner) findEnd(kind string, i int) (q, n int, ok bool) {
	end := kind
	escapeBlocks := true
	switch kind {
	case "_`":
		end = "`"
	case "``":
		escapeBlocks = false
	}
	for q = i; q < len(in.s); q++ {
		if !in.tick(1) {
			return 0, 0, false
		}
		if !strings.HasPrefix(in.s[q:], end) {
			continue
		}
		if q > i {
			prev, _ := utf8.DecodeLastRuneInString(in.s[:q])
			if isPySpace(prev) || (escapeBlocks && prev == 0) {
				continue
			}
		}
		if kind == "|" {
			for k := 2; k >= 0; k-- {
				if strings.HasPrefix(in.s[q+1:], strings.Repeat("_", k)) && in.suffixOK(q+1+k) {
					return q, 1 + k, true
				}
			}
			continue
		}
		if in.suffixOK(q + len(end)) {
			return q, len(end), true
		}
	}
	return 0, 0, false
}

// interpreted handles `text`, :role:`text`, `text`:role: and `text`_.
func (in *inliner) interpreted(m inlineMatch, from int) int {
	role := m.role
	if role == "" && in.quoted(m, from) {
		return m.end
	}
	q, endRole, refend, textEnd, ok := in.findInterpretedEnd(m.end)
	if in.failed { // as in inlineObj: no end found is not no end
		return m.end
	}
	if !ok || q == m.end {
		in.d.report(in.line, levelWarning, "Inline interpreted text or phrase reference start-string without end-string.", inlineHint("`"))
		return m.end
	}
	position := "prefix"
	if endRole != "" {
		if role != "" {
			in.d.report(in.line, levelWarning, "Multiple roles in interpreted text (both prefix and suffix present; only one allowed).", "")
			return textEnd
		}
		role, position = endRole, "suffix"
	}
	escaped := in.s[m.end:q]
	if refend != "" {
		if role != "" {
			in.d.report(in.line, levelWarning, "Mismatch: both interpreted text role "+position+" and reference suffix.", "")
			return textEnd
		}
		in.phraseRef(escaped, refend == "__")
		return textEnd
	}
	if role != "" && !in.d.knownRole(role) {
		in.d.report(in.line, levelError, "Unknown interpreted text role \""+role+"\".", roleHint(role))
	}
	return textEnd
}

// findInterpretedEnd searches for the closing backquote with its optional
// :role: and _ or __ suffix, trying them in the regex's order.
func (in *inliner) findInterpretedEnd(i int) (q int, role, refend string, end int, ok bool) {
	for q = i; q < len(in.s); q++ {
		if !in.tick(1) {
			return
		}
		if in.s[q] != '`' {
			continue
		}
		if q > i {
			prev, size := utf8.DecodeLastRuneInString(in.s[:q])
			if isPySpace(prev) || prev == 0 {
				escaped := q-size > i && in.s[q-size-1] == 0
				if !escaped {
					continue
				}
			}
		}
		after := q + 1
		var roleEnds []int
		if after < len(in.s) && in.s[after] == ':' {
			for _, e := range in.simplenameEnds(after + 1) {
				if e < len(in.s) && in.s[e] == ':' {
					roleEnds = append(roleEnds, e+1)
				}
			}
		}
		for _, re := range append(roleEnds, after) {
			for _, rf := range []string{"__", "_", ""} {
				if strings.HasPrefix(in.s[re:], rf) && in.suffixOK(re+len(rf)) {
					if re != after {
						role = in.s[after+1 : re-1]
					}
					return q, role, rf, re + len(rf), true
				}
			}
		}
	}
	return 0, "", "", 0, false
}

// phraseRef records a `text`_ reference, or the target that an embedded
// `text <url>`_ defines.
func (in *inliner) phraseRef(escaped string, anonymous bool) {
	text, alias, embedded := splitEmbedded(escaped)
	if !embedded {
		if !anonymous {
			in.d.refs = append(in.d.refs, rstRef{name: normalizeRefName(unescapeNull(escaped)), line: in.line})
		}
		return
	}
	if strings.HasSuffix(alias, "_") && !strings.HasSuffix(alias, "\x00_") && !strings.Contains(alias, "://") && !strings.HasPrefix(alias, "mailto:") {
		in.d.refs = append(in.d.refs, rstRef{name: normalizeRefName(unescapeNull(alias[:len(alias)-1])), line: in.line})
		return
	}
	if anonymous {
		return
	}
	uri := strings.Join(strings.FieldsFunc(unescapeNull(alias), isPySpace), "")
	name := text
	if name == "" {
		name = alias
	}
	in.d.explicitTarget(normalizeRefName(unescapeNull(name)), uri, true, in.after)
}

// splitEmbedded finds a trailing "<alias>" as docutils' embedded_link
// pattern does: preceded by spaces or newlines (or at the start), not
// starting with whitespace, and with no unescaped angle brackets inside.
func splitEmbedded(escaped string) (text, alias string, ok bool) {
	if !strings.HasSuffix(escaped, ">") {
		return "", "", false
	}
	end := len(escaped) - 1
	lt := -1
	for i := end - 1; i >= 0; i-- {
		c := escaped[i]
		if (c == '<' || c == '>') && !(i > 0 && escaped[i-1] == 0) {
			if c == '>' {
				return "", "", false
			}
			lt = i
			break
		}
	}
	if lt < 0 || lt+1 >= end {
		return "", "", false
	}
	alias = escaped[lt+1 : end]
	first, _ := utf8.DecodeRuneInString(alias)
	last, _ := utf8.DecodeLastRuneInString(alias)
	if isPySpace(first) || isPySpace(last) || last == 0 {
		return "", "", false
	}
	before := escaped[:lt]
	trimmed := strings.TrimRight(before, " \n")
	if lt > 0 && len(trimmed) == len(before) {
		return "", "", false // "<" must follow a space or start the text
	}
	return trimmed, alias, true
}

var builtinRoles = map[string]bool{}

func init() {
	for _, r := range strings.Fields(`abbreviation ab acronym ac anonymous-reference
		citation-reference code emphasis footnote-reference index i literal math
		named-reference pep-reference pep raw restructuredtext-unimplemented-role
		rfc-reference rfc strong subscript sub substitution-reference superscript sup
		target title-reference title t uri-reference uri url`) {
		builtinRoles[r] = true
	}
}

func (d *rstDoc) knownRole(role string) bool {
	r := strings.ToLower(role)
	return builtinRoles[r] || d.customRoles[r]
}

func inlineHint(kind string) string {
	switch kind {
	case "*", "**":
		return "escape a literal asterisk as \\*, or close the markup (the closing * must follow a non-space and be followed by a space or punctuation)"
	case "``":
		return "close the inline literal with ``; the closing `` must follow a non-space"
	case "|":
		return "escape a literal | as \\|, or close the substitution with |"
	case "_`":
		return "close the inline target with a backquote"
	}
	return "close the interpreted text or reference with a backquote, or escape a literal backquote as \\`"
}

func roleHint(role string) string {
	return "docutils has no :" + role + ": role (roles such as :class:, :ref:, :func: and :doc: come from Sphinx, which PyPI does not run); use ``literal`` text or a plain link instead, or declare it with \".. role:: " + role + "\""
}
