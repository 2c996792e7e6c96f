// Package rst finds the reStructuredText problems that make PyPI refuse a
// description.
//
// PyPI renders a description that has no content type, or text/x-rst,
// with docutils (through readme_renderer) and halt_level 2: the first
// warning aborts rendering and the upload is refused. Check finds the
// docutils warnings and errors that most often break uploads, by
// re-implementing the parts of docutils' parser that produce them.
//
// False positives would block good uploads, so every check only fires on
// input it models exactly; constructs it does not model (tables, option
// lists, line blocks, most directive bodies) are skipped as a whole.
package rst

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Checks describes what Check detects.
var Checks = []string{
	"section titles: underline or overline too short, overline and underline that differ, a missing underline, inconsistent title levels, titles where docutils allows none (in lists, block quotes, directives)",
	"transitions at the start or end of the document, right after a title, and two transitions in a row (only checked when nothing else was found, since docutils' own messages change what it sees)",
	"inline markup opened and never closed: *emphasis*, **strong**, ``literal``, `interpreted text`, |substitution|, _`target`, with docutils' rules for what may stand before and after the markup",
	"unknown interpreted text roles (Sphinx roles such as :class: or :ref:); roles declared with the role directive are known",
	"unknown directives (Sphinx directives such as toctree, highlight, versionadded), and the raw and include directives, which PyPI disables",
	"directives that need content and have none, and code-block arguments that swallowed the code (no blank line after the directive)",
	"missing blank lines: after explicit markup, bullet, enumerated, field and definition lists, block quotes and literal blocks",
	"unexpected indentation inside a paragraph",
	"a paragraph ending in '::' with no literal block after it",
	"references to undefined targets (name_ or `text`_), undefined substitutions, duplicate explicit target names (including two `text <url>`_ links with the same text and different URLs), duplicate substitution definitions",
	"a description that renders to nothing (blank, or only a title)",
}

// NotChecked lists docutils problems Check does not detect, so that a
// clean result is not read as a guarantee.
var NotChecked = []string{
	"anything inside tables, option lists, line blocks, doctest blocks and the bodies of directives other than admonitions, containers, topics and sidebars",
	"directive options and arguments, apart from code-block's argument count",
	"enumerated lists numbered with letters or Roman numerals (they are parsed, but never reported)",
	"footnote and citation references, anonymous hyperlink mismatches, and problems found by docutils' later transforms other than target and substitution resolution",
	"malformed hyperlink targets, and the contents of :pep:, :rfc: and :raw: roles",
	"raw and include directives with options docutils does not know (docutils reports the option instead)",
	"differences between docutils releases: the checks were compared with docutils 0.19 through readme_renderer",
}

// rstLine is a line of the description, tab-expanded and right-trimmed as
// docutils stores it, with its 1-based line number.
type rstLine struct {
	text string
	no   int
}

// Problem is one docutils message that stops PyPI from rendering the
// description.
type Problem struct {
	// Line is the 1-based line docutils reports, or 0 for
	// readme_renderer's own message, which has none.
	Line int
	// Message reads like docutils' report: "line 3: Warning: Title
	// underline too short.".
	Message string
	// Hint says what to do about it; may be empty.
	Hint string
}

// Check returns the docutils warnings and errors Check models (see
// Checks) for text, ordered by line.
func Check(text string) []Problem {
	return check(text).problems
}

// check is Check returning the whole state, whose work counters the
// tests read.
func check(text string) *rstDoc {
	d := newRSTDoc(text)
	if d.blank() {
		d.report(1, levelInfo, "No content rendered from RST source.", "the description is empty apart from whitespace")
		return d
	}
	d.body(d.lines, true, 0)
	d.finish()
	return d
}

// docutils' message levels; halt_level 2 makes every one of these fatal.
const (
	levelInfo    = 0 // used for readme_renderer's own message
	levelWarning = 2
	levelError   = 3
	levelSevere  = 4
)

func (d *rstDoc) report(line, level int, msg, hint string) {
	if level == levelInfo { // readme_renderer's own message has no line
		d.problems = append(d.problems, Problem{Message: msg, Hint: hint})
		return
	}
	label := map[int]string{levelWarning: "Warning", levelError: "Error", levelSevere: "Severe"}[level]
	d.problems = append(d.problems, Problem{Line: line, Message: fmt.Sprintf("line %d: %s: %s", line, label, msg), Hint: hint})
}

// splitRSTLines does what docutils' string2lines does: \v and \f become
// spaces, lines split wherever Python's str.splitlines splits, tabs expand
// to 8-column stops, and trailing whitespace goes.
func splitRSTLines(text string) []rstLine {
	text = strings.NewReplacer("\v", " ", "\f", " ", "\r\n", "\n").Replace(text)
	var lines []rstLine
	start := 0
	emit := func(end int) {
		lines = append(lines, rstLine{text: expandTabs(text[start:end]), no: len(lines) + 1})
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch r {
		case '\n', '\r', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			emit(i)
			start = i + size
		}
		i += size
	}
	if start < len(text) {
		emit(len(text))
	}
	return lines
}

func expandTabs(s string) string {
	if strings.IndexByte(s, '\t') >= 0 {
		var b strings.Builder
		col := 0
		for _, r := range s {
			if r == '\t' {
				n := 8 - col%8
				b.WriteString(strings.Repeat(" ", n))
				col += n
				continue
			}
			b.WriteRune(r)
			col++
		}
		s = b.String()
	}
	return strings.TrimRightFunc(s, isPySpace)
}

// isPySpace is Python's str.isspace for one character.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// columnWidth is docutils' column_width, erring low: only the East Asian
// ranges known to be wide count double, and every mark counts zero, so a
// "too short" underline is only reported when it certainly is.
func columnWidth(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc):
		case r >= 0x1100 && r <= 0x115f, r >= 0x2e80 && r <= 0x303e, r >= 0x3041 && r <= 0x33ff,
			r >= 0x3400 && r <= 0x4dbf, r >= 0x4e00 && r <= 0x9fff, r >= 0xa000 && r <= 0xa4cf,
			r >= 0xac00 && r <= 0xd7a3, r >= 0xf900 && r <= 0xfaff, r >= 0xfe30 && r <= 0xfe4f,
			r >= 0xff00 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6, r >= 0x20000 && r <= 0x2fffd,
			r >= 0x30000 && r <= 0x3fffd:
			w += 2
		default:
			w++
		}
	}
	return w
}

// normalizeRefName is docutils' fully_normalize_name.
func normalizeRefName(s string) string {
	return strings.ToLower(strings.Join(strings.FieldsFunc(s, isPySpace), " "))
}
