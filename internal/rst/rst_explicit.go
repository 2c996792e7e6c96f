package rst

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Explicit markup: directives, hyperlink targets, substitution
// definitions, footnotes, citations and comments (docutils' Explicit
// state and explicit_construct).

const rstSimplename = `(?:[\p{L}\p{N}](?:[\p{L}\p{N}]|[-._+:][\p{L}\p{N}])*)`

var (
	footnoteRE  = regexp.MustCompile(`^\.\. +\[(?:[0-9]+|#|#` + rstSimplename + `|\*)\]( +|$)`)
	citationRE  = regexp.MustCompile(`^\.\. +\[` + rstSimplename + `\]( +|$)`)
	targetRE    = regexp.MustCompile(`^\.\. +_[^ ]`)
	substDefRE  = regexp.MustCompile(`^\.\. +\|[^ ]`)
	directiveRE = regexp.MustCompile(`^\.\. +(` + rstSimplename + `) ?::( +|$)`)
	embeddedDir = regexp.MustCompile(`^(` + rstSimplename + `) ?::( +|$)`)
)

// knownDirectives are docutils' directives and their English aliases.
var knownDirectives = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`admonition attention caution class code code-block
		compound container contents csv-table danger date default-role epigraph error
		figure footer header highlights hint image important include line-block
		list-table math meta note parsed-literal pull-quote raw replace
		restructuredtext-test-directive role rubric section-numbering sectnum sidebar
		sourcecode table target-notes tip title topic unicode warning`) {
		knownDirectives[n] = true
	}
}

// explicitList parses a run of explicit markup blocks (which need no blank
// lines between them) and returns where it ends and what kind of top-level
// element it makes.
func (d *rstDoc) explicitList(lines []rstLine, i int, titles bool, depth int) (int, string) {
	kind := "invisible"
	for {
		end, blankFinish, k := d.explicitConstruct(lines, i, depth)
		if k != "invisible" {
			kind = "other"
		}
		for end < len(lines) && lines[end].text == "" {
			end, blankFinish = end+1, true
		}
		if end < len(lines) && (explicitRE.MatchString(lines[end].text) || anonymousRE.MatchString(lines[end].text)) {
			i = end
			continue
		}
		if !blankFinish && end < len(lines) {
			d.unindentWarning("Explicit markup", lines[end].no)
		}
		return end, kind
	}
}

func (d *rstDoc) explicitConstruct(lines []rstLine, i int, depth int) (int, bool, string) {
	t := lines[i].text
	if m := anonymousRE.FindString(t); m != "" {
		_, end, bf := getIndented(lines, i, true, utf8.RuneCountInString(m), -1)
		return end, bf, "other"
	}
	if m := footnoteRE.FindString(t); m != "" {
		return d.explicitBody(lines, i, m, depth)
	}
	if m := citationRE.FindString(t); m != "" {
		return d.explicitBody(lines, i, m, depth)
	}
	if targetRE.MatchString(t) {
		start := strings.IndexByte(t, '_') + 1
		block, end, bf := getIndented(lines, i, true, start, -1)
		// A target with a URI renders as nothing; an internal one does.
		if d.hyperlinkTarget(block, lines[i].no) {
			return end, bf, "invisible"
		}
		return end, bf, "other"
	}
	if substDefRE.MatchString(t) {
		start := strings.IndexByte(t, '|') + 1
		block, end, bf := getIndented(lines, i, false, start, -1)
		d.substitutionDef(t[start:], len(trimBlank(block)) == 1, lines[i].no)
		return end, bf, "invisible"
	}
	if m := directiveRE.FindStringSubmatch(t); m != nil {
		end, bf := d.directive(m[1], lines, i, len(m[0]), depth)
		return end, bf, "other"
	}
	// A comment; ".." alone before a blank line is an empty comment and
	// the indented block after it is not part of it.
	if strings.TrimSpace(t[2:]) == "" && (i+1 >= len(lines) || lines[i+1].text == "") {
		return i + 1, true, "invisible"
	}
	_, end, bf := getIndented(lines, i, false, len(explicitRE.FindString(t)), -1)
	return end, bf, "invisible"
}

// explicitBody parses a footnote or citation, whose body is body elements.
func (d *rstDoc) explicitBody(lines []rstLine, i int, marker string, depth int) (int, bool, string) {
	block, end, bf := getIndented(lines, i, false, utf8.RuneCountInString(marker), -1)
	d.body(block, false, depth+1)
	return end, bf, "other"
}

// hyperlinkTarget records ".. _name: uri" for the duplicate check and
// reports whether the target has a URI. Names it cannot parse the way
// docutils does are left alone.
func (d *rstDoc) hyperlinkTarget(block []rstLine, line int) bool {
	if len(block) == 0 {
		return false
	}
	parts := make([]string, len(block))
	for i, l := range block {
		parts[i] = strings.TrimSpace(l.text)
	}
	text := escape2null(strings.Join(parts, " "))
	if strings.HasPrefix(text, "_") {
		return false // anonymous: ".. __: uri"
	}
	var name, rest string
	if strings.HasPrefix(text, "`") {
		end := strings.Index(text[1:], "`")
		if end < 0 {
			return false
		}
		name, rest = text[1:1+end], text[2+end:]
	} else {
		colon := findTargetColon(text)
		if colon < 0 {
			return false
		}
		name, rest = text[:colon], text[colon:]
	}
	rest = strings.TrimPrefix(strings.TrimLeft(rest, " "), ":")
	if strings.HasSuffix(name, " ") || name == "" {
		return false
	}
	uri := strings.Join(strings.FieldsFunc(unescapeNull(rest), isPySpace), "")
	if strings.HasSuffix(uri, "_") && !strings.Contains(uri, "://") && !strings.Contains(uri, ":") {
		return false // an indirect target ("name_"): no URI to compare
	}
	d.explicitTarget(normalizeRefName(unescapeNull(name)), uri, uri != "", line)
	return uri != ""
}

// findTargetColon finds the colon ending a target name: the first
// unescaped colon followed by a space or the end, as docutils' lazy
// pattern finds it.
func findTargetColon(s string) int {
	for i := 1; i < len(s); i++ {
		if s[i] != ':' || s[i-1] == 0 {
			continue
		}
		if i+1 == len(s) || s[i+1] == ' ' {
			return i
		}
	}
	return -1
}

// substitutionDef checks ".. |name| directive:: ..." for an unknown
// directive and for a name defined twice.
func (d *rstDoc) substitutionDef(rest string, oneLine bool, line int) {
	end := -1
	for i := 1; i < len(rest); i++ {
		if rest[i] == '|' && rest[i-1] != ' ' && rest[i-1] != '\\' && (i+1 == len(rest) || rest[i+1] == ' ') {
			end = i
			break
		}
	}
	if end < 0 {
		return
	}
	name := strings.Join(strings.FieldsFunc(rest[:end], isPySpace), " ")
	m := embeddedDir.FindStringSubmatch(strings.TrimLeft(rest[end+1:], " "))
	if m == nil {
		return
	}
	if !knownDirectives[strings.ToLower(m[1])] {
		d.report(line, levelError, "Unknown directive type \""+m[1]+"\".", directiveHint(m[1]))
		return
	}
	switch strings.ToLower(m[1]) {
	case "image", "replace", "unicode", "date":
	default:
		return
	}
	if !oneLine || strings.TrimSpace(strings.TrimLeft(rest[end+1:], " ")[len(m[0]):]) == "" && strings.ToLower(m[1]) != "date" {
		return // a definition docutils may find invalid does not count
	}
	if d.substSeen[name] {
		d.report(line, levelError, "Duplicate substitution definition name: \""+name+"\".", "each |name| may be defined once; rename one of them")
		return
	}
	d.substSeen[name] = true
}

// Options the checked directives accept.
var (
	admonitionDirectives = map[string]bool{"attention": true, "caution": true, "danger": true, "error": true,
		"hint": true, "important": true, "note": true, "tip": true, "warning": true, "compound": true}
	quoteDirectives  = map[string]bool{"epigraph": true, "highlights": true, "pull-quote": true}
	codeDirectives   = map[string]bool{"code": true, "code-block": true, "sourcecode": true}
	titledDirectives = map[string]bool{"admonition": true, "topic": true, "sidebar": true, "container": true}
)

// directive checks a directive and parses the bodies that are ordinary
// body elements. name is as written; the block is what docutils gives
// the directive.
func (d *rstDoc) directive(name string, lines []rstLine, i, markerLen int, depth int) (int, bool) {
	block, end, bf := getIndented(lines, i, false, utf8.RuneCountInString(lines[i].text[:markerLen]), -1)
	lname := strings.ToLower(name)
	no := lines[i].no
	switch {
	case !knownDirectives[lname]:
		d.report(no, levelError, "Unknown directive type \""+name+"\".", directiveHint(name))
	case lname == "include" && hasDirectiveContent(block):
		// docutils refuses the content first ("no content permitted").
	case lname == "raw" || lname == "include":
		// docutils reads the options first: an unknown one is another
		// error, which we do not model.
		if onlyOptions(block, "file", "url", "encoding", "class", "literal", "code", "parser", "tab-width",
			"start-line", "end-line", "start-after", "end-before", "number-lines", "name") {
			d.report(no, levelWarning, "\""+name+"\" directive disabled.",
				"PyPI turns off "+lname+" for safety; inline the content instead")
		}
	case admonitionDirectives[lname] || quoteDirectives[lname]:
		content, ok := d.directiveParts(name, block, no, !quoteDirectives[lname], false, []string{"class", "name"})
		if ok {
			d.body(content, false, depth+1)
		}
	case codeDirectives[lname]:
		d.directiveParts(name, block, no, true, true, []string{"class", "name", "number-lines"})
	case titledDirectives[lname] && depth == 0:
		// The argument (title, classes) runs to the first blank line.
		// docutils refuses topics and sidebars below the top level, and
		// class names it cannot use, and then reads no content.
		b := directiveBlock(block)
		for k, l := range b {
			if l.text == "" {
				if lname != "container" || simpleClassNames(b[:k]) {
					d.body(b[k+1:], false, depth+1)
				}
				break
			}
		}
	}
	return end, bf
}

// directiveParts splits a directive block as parse_directive_block does
// for directives with options and at most one argument, reports unknown
// options, extra arguments and missing content, and returns the content.
func (d *rstDoc) directiveParts(name string, block []rstLine, line int, hasOptions, oneArg bool, options []string) ([]rstLine, bool) {
	b := directiveBlock(block)
	blank := len(b)
	for k, l := range b {
		if l.text == "" {
			blank = k
			break
		}
	}
	head := b[:blank]
	var opts []rstLine
	if hasOptions {
		for k, l := range head {
			if fieldMarkerLen(l.text) > 0 {
				head, opts = head[:k], head[k:]
				break
			}
		}
	}
	for _, o := range opts {
		n := fieldMarkerLen(o.text)
		if n == 0 {
			if o.text[0] == ' ' {
				continue
			}
			return nil, false // not an option list: docutils says more than we model
		}
		opt := strings.ToLower(strings.TrimSuffix(strings.TrimRight(o.text[1:n], " "), ":"))
		known := false
		for _, k := range options {
			known = known || k == opt
		}
		if !known {
			d.report(line, levelError, "Error in \""+name+"\" directive: unknown option: \""+opt+"\".",
				"docutils' "+name+" directive accepts only :"+strings.Join(options, ":, :")+":; options such as :linenos: and :emphasize-lines: are Sphinx's")
			return nil, false
		}
	}
	var content []rstLine
	if oneArg {
		var args []string
		for _, l := range head {
			args = append(args, strings.Fields(l.text)...)
		}
		if len(args) > 1 {
			d.report(line, levelError, "Error in \""+name+"\" directive: maximum 1 argument(s) allowed, "+itoa(len(args))+" supplied.",
				"leave a blank line between the directive line (with its language) and the indented code")
			return nil, false
		}
		if blank < len(b) {
			content = b[blank+1:]
		}
	} else {
		content = append(append([]rstLine{}, head...), b[blank:]...)
	}
	if len(trimBlank(content)) == 0 {
		d.report(line, levelError, "Content block expected for the \""+name+"\" directive; none found.",
			"indent the directive's content under it, after a blank line")
		return nil, false
	}
	return trimBlank(content), true
}

var classNameRE = regexp.MustCompile(`^[A-Za-z][-A-Za-z0-9_]*$`)

func simpleClassNames(head []rstLine) bool {
	for _, l := range head {
		for _, f := range strings.Fields(l.text) {
			if !classNameRE.MatchString(f) {
				return false
			}
		}
	}
	return true
}

// hasDirectiveContent reports whether a block has lines after its first
// paragraph (the arguments and options).
func hasDirectiveContent(block []rstLine) bool {
	b := directiveBlock(block)
	for k, l := range b {
		if l.text == "" {
			return len(trimBlank(b[k:])) > 0
		}
	}
	return false
}

// onlyOptions reports whether every option line in the block's first
// paragraph names one of names.
func onlyOptions(block []rstLine, names ...string) bool {
	for _, l := range directiveBlock(block) {
		if l.text == "" {
			return true
		}
		if n := fieldMarkerLen(l.text); n > 0 {
			opt := strings.ToLower(strings.TrimSuffix(strings.TrimRight(l.text[1:n], " "), ":"))
			found := false
			for _, k := range names {
				found = found || k == opt
			}
			if !found {
				return false
			}
		}
	}
	return true
}

// directiveBlock trims a directive block as parse_directive_block does:
// one leading blank line (an empty directive line) and all trailing ones.
func directiveBlock(block []rstLine) []rstLine {
	if len(block) > 0 && block[0].text == "" {
		block = block[1:]
	}
	for len(block) > 0 && block[len(block)-1].text == "" {
		block = block[:len(block)-1]
	}
	return block
}

func directiveHint(name string) string {
	switch strings.ToLower(name) {
	case "toctree", "autoclass", "autofunction", "automodule", "literalinclude", "highlight", "versionadded",
		"versionchanged", "deprecated", "seealso", "only", "glossary", "code-block-caption", "tab", "tabs":
		return "\"" + name + "\" is a Sphinx directive; PyPI renders with plain docutils, which does not know it"
	}
	return "docutils knows no such directive (PyPI renders with plain docutils, without Sphinx or its extensions)"
}
