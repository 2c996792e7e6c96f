package rst

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// This file follows docutils' Body state machine closely enough to know,
// for each line, which construct it belongs to. Each body() call parses
// one nested block (the document, a block quote, a list item, ...) whose
// lines have had their common indentation removed.

// maxRSTDepth bounds nesting; deeper blocks are not checked.
const maxRSTDepth = 24

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

func isNonAlnum7(c byte) bool {
	return c > ' ' && c < 0x7f && !isASCIIAlnum(c)
}

// isAdornment matches docutils' "line" pattern: one 7-bit punctuation
// character repeated (trailing spaces are already gone).
func isAdornment(s string) bool {
	if s == "" || !isNonAlnum7(s[0]) {
		return false
	}
	return strings.Count(s, s[:1]) == len(s)
}

var (
	bulletRE     = regexp.MustCompile(`^[-+*\x{2022}\x{2023}\x{2043}]( +|$)`)
	enumRE       = regexp.MustCompile(`^(\(?)([0-9]+|[a-zA-Z]|[ivxlcdm]+|[IVXLCDM]+|#)([.)])( +|$)`)
	optionRE     = regexp.MustCompile(`^(?:(?:-|\+)[a-zA-Z0-9](?: ?(?:[a-zA-Z][a-zA-Z0-9_-]*|<[^<>]+>))?|(?:--|/)[a-zA-Z0-9][a-zA-Z0-9_-]*(?:=(?:[a-zA-Z][a-zA-Z0-9_-]*|<[^<>]+>))?)(?:, (?:(?:-|\+)[a-zA-Z0-9](?: ?(?:[a-zA-Z][a-zA-Z0-9_-]*|<[^<>]+>))?|(?:--|/)[a-zA-Z0-9][a-zA-Z0-9_-]*(?:=(?:[a-zA-Z][a-zA-Z0-9_-]*|<[^<>]+>))?))*(?:  +| ?$)`)
	doctestRE    = regexp.MustCompile(`^>>>( +|$)`)
	lineBlockRE  = regexp.MustCompile(`^\|( +|$)`)
	gridTopRE    = regexp.MustCompile(`^\+-[-+]+-\+ *$`)
	simpleTopRE  = regexp.MustCompile(`^=+( +=+)+ *$`)
	simpleEdgeRE = regexp.MustCompile(`^=+[ =]*$`)
	explicitRE   = regexp.MustCompile(`^\.\.( +|$)`)
	anonymousRE  = regexp.MustCompile(`^__( +|$)`)
	romanRE      = regexp.MustCompile(`^(?:M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))$`)
)

// fieldMarkerLen matches docutils' field_marker pattern,
// :(?![: ])([^:\\]|\\.|:(?!([ `]|$)))*(?<! ):( +|$), returning the match
// length or 0.
func fieldMarkerLen(s string) int {
	if len(s) < 3 || s[0] != ':' || s[1] == ':' || s[1] == ' ' {
		return 0
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ':':
			if i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '`' {
				continue // a colon inside the name
			}
			if i+1 < len(s) && s[i+1] == '`' || s[i-1] == ' ' || i == 1 {
				return 0
			}
			j := i + 1
			for j < len(s) && s[j] == ' ' {
				j++
			}
			return j
		}
	}
	return 0
}

// getIndented is docutils' StringList.get_indented. With firstIndent >= 0
// the first line is taken whatever its indentation and loses firstIndent
// columns; with blockIndent >= 0 every later line needs that much
// indentation. It returns the block (indentation removed), the index of
// the first line after it and whether a blank line ended it.
func getIndented(lines []rstLine, start int, untilBlank bool, firstIndent, blockIndent int) ([]rstLine, int, bool) {
	end := start
	if firstIndent >= 0 {
		end++
	}
	indent := blockIndent
	blankFinish := true
	for end < len(lines) {
		t := lines[end].text
		if t != "" && (t[0] != ' ' || (blockIndent >= 0 && strings.TrimSpace(prefixRunes(t, blockIndent)) != "")) {
			blankFinish = end > start && lines[end-1].text == ""
			break
		}
		if t == "" {
			if untilBlank {
				break
			}
		} else if blockIndent < 0 {
			if in := indentOf(t); indent < 0 || in < indent {
				indent = in
			}
		}
		end++
	}
	block := make([]rstLine, end-start)
	copy(block, lines[start:end])
	if firstIndent >= 0 && len(block) > 0 {
		block[0].text = dropColumns(block[0].text, firstIndent)
	}
	if indent > 0 {
		from := 0
		if firstIndent >= 0 {
			from = 1
		}
		for i := from; i < len(block); i++ {
			block[i].text = dropColumns(block[i].text, indent)
		}
	}
	return block, end, blankFinish
}

func prefixRunes(s string, n int) string {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// dropColumns removes the first n characters (docutils slices by
// character; the indentation being removed is spaces).
func dropColumns(s string, n int) string {
	if n <= len(s) && strings.TrimLeft(s[:n], " ") == "" {
		return s[n:]
	}
	for i := 0; i < n && s != ""; i++ {
		_, size := utf8.DecodeRuneInString(s)
		s = s[size:]
	}
	return s
}

func trimBlank(block []rstLine) []rstLine {
	for len(block) > 0 && block[0].text == "" {
		block = block[1:]
	}
	for len(block) > 0 && block[len(block)-1].text == "" {
		block = block[:len(block)-1]
	}
	return block
}

// body parses a block of body elements. titles is docutils' match_titles:
// only the document itself (and its sections) may have titles.
func (d *rstDoc) body(lines []rstLine, titles bool, depth int) {
	if depth > maxRSTDepth {
		return
	}
	top := depth == 0
	note := func(kind string, line int) {
		if top {
			d.top = append(d.top, rstTop{kind: kind, line: line})
		}
	}

	for i := 0; i < len(lines); {
		t := lines[i].text
		if t == "" {
			i++
			continue
		}
		if t[0] == ' ' { // block quote
			block, end, blankFinish := getIndented(lines, i, false, -1, -1)
			d.body(block, false, depth+1)
			if !blankFinish {
				d.unindentWarning("Block quote", lines[end].no)
			}
			note("body", lines[i].no)
			i = end
			continue
		}
		var next int
		c := t[0] // the patterns below all start with a known character
		switch {
		case strings.IndexByte("-+*\xe2", c) >= 0 && bulletRE.MatchString(t):
			next = d.bulletList(lines, i, depth)
			note("body", lines[i].no)
		case (isASCIIAlnum(c) || c == '(' || c == '#') && d.isEnumItem(lines, i):
			next = d.enumList(lines, i, depth)
			note("body", lines[i].no)
		case c == ':' && fieldMarkerLen(t) > 0:
			next = d.fieldList(lines, i, depth)
			note("other", lines[i].no)
		case (c == '-' || c == '+' || c == '/') && optionRE.MatchString(t):
			next = d.optionList(lines, i)
			note("body", lines[i].no)
		case c == '>' && doctestRE.MatchString(t):
			next = textBlockEnd(lines, i)
			note("body", lines[i].no)
		case c == '|' && lineBlockRE.MatchString(t):
			next = lineBlockEnd(lines, i)
			note("body", lines[i].no)
		case c == '+' && gridTopRE.MatchString(t):
			next = gridTableEnd(lines, i)
			note("body", lines[i].no)
		case c == '=' && simpleTopRE.MatchString(t):
			next = simpleTableEnd(lines, i)
			note("body", lines[i].no)
		case (c == '.' || c == '_') && (explicitRE.MatchString(t) || anonymousRE.MatchString(t)):
			var kind string
			next, kind = d.explicitList(lines, i, titles, depth)
			note(kind, lines[i].no)
		case isAdornment(t):
			next = d.line(lines, i, titles, depth, top)
		default:
			next = d.text(lines, i, titles, depth, top)
		}
		if next <= i { // never loop
			next = i + 1
		}
		i = next
	}
}

func (d *rstDoc) unindentWarning(what string, line int) {
	d.report(line, levelWarning, what+" ends without a blank line; unexpected unindent.",
		"leave a blank line after the "+strings.ToLower(what)+", or indent this line to continue it")
}

// textBlockEnd skips a block that ends at the next blank line (doctest
// blocks, line blocks, grid tables).
func textBlockEnd(lines []rstLine, i int) int {
	for i < len(lines) && lines[i].text != "" {
		i++
	}
	return i
}

// lineBlockEnd skips a line block: "|" lines, each with the indented
// lines that continue it, up to a blank line or another line.
func lineBlockEnd(lines []rstLine, i int) int {
	for i < len(lines) && lineBlockRE.MatchString(lines[i].text) {
		i++
		for i < len(lines) && lines[i].text != "" && lines[i].text[0] == ' ' {
			i++
		}
	}
	return i
}

// gridTableEnd skips a grid table: it ends at a blank line or at the
// first line that does not start with '+' or '|'.
func gridTableEnd(lines []rstLine, i int) int {
	for i < len(lines) && lines[i].text != "" && (lines[i].text[0] == '+' || lines[i].text[0] == '|') {
		i++
	}
	return i
}

// simpleTableEnd follows docutils' isolate_simple_table.
func simpleTableEnd(lines []rstLine, start int) int {
	found := 0
	for i := start + 1; i < len(lines); i++ {
		if !simpleEdgeRE.MatchString(lines[i].text) {
			continue
		}
		found++
		if found == 2 || i == len(lines)-1 || lines[i+1].text == "" {
			return i + 1
		}
	}
	return len(lines)
}

func (d *rstDoc) bulletList(lines []rstLine, i int, depth int) int {
	bullet := lines[i].text[:utf8RuneLen(lines[i].text)]
	for {
		end, blankFinish := d.listItem(lines, i, len(bulletRE.FindString(lines[i].text)), depth)
		if end < len(lines) && bulletRE.MatchString(lines[end].text) && strings.HasPrefix(lines[end].text, bullet) {
			i = end
			continue
		}
		if !blankFinish {
			d.unindentWarning("Bullet list", lines[end].no)
		}
		return end
	}
}

func utf8RuneLen(s string) int {
	_, size := utf8.DecodeRuneInString(s)
	return size
}

// listItem parses the item whose marker (and following spaces) take the
// first markerLen bytes of lines[i], as docutils' list_item does.
func (d *rstDoc) listItem(lines []rstLine, i, markerLen int, depth int) (int, bool) {
	t := lines[i].text
	cols := utf8.RuneCountInString(t[:markerLen])
	var block []rstLine
	var end int
	var blankFinish bool
	if markerLen < len(t) {
		block, end, blankFinish = getIndented(lines, i, false, cols, cols)
	} else {
		block, end, blankFinish = getIndented(lines, i, false, cols, -1)
	}
	d.body(block, false, depth+1)
	return end, blankFinish
}

type enumerator struct {
	format   string // "period", "rparen", "parens"
	sequence string // "arabic", "auto", "alpha", "roman"
	ordinal  int
	width    int // bytes of the marker and its spaces
}

func parseEnumerator(s string) (enumerator, bool) {
	m := enumRE.FindStringSubmatch(s)
	if m == nil {
		return enumerator{}, false
	}
	e := enumerator{width: len(m[0])}
	switch {
	case m[1] == "(" && m[3] == ")":
		e.format = "parens"
	case m[1] == "" && m[3] == ")":
		e.format = "rparen"
	case m[1] == "" && m[3] == ".":
		e.format = "period"
	default:
		return enumerator{}, false
	}
	text := m[2]
	switch {
	case text == "#":
		e.sequence, e.ordinal = "auto", 1
	case text[0] >= '0' && text[0] <= '9':
		e.sequence = "arabic"
		if len(text) > 9 {
			return enumerator{}, false
		}
		for _, c := range text {
			e.ordinal = e.ordinal*10 + int(c-'0')
		}
	case len(text) == 1 && text != "i" && text != "I":
		e.sequence, e.ordinal = "alpha", 1
	default:
		if strings.ToUpper(text) != text && strings.ToLower(text) != text {
			return enumerator{}, false
		}
		if !romanRE.MatchString(strings.ToUpper(text)) {
			return enumerator{}, false
		}
		e.sequence, e.ordinal = "roman", 1
	}
	return e, true
}

func (e enumerator) formatted(ordinal int, auto bool) string {
	n := "#"
	if !auto {
		n = itoa(ordinal)
	}
	switch e.format {
	case "parens":
		return "(" + n + ")"
	case "rparen":
		return n + ")"
	}
	return n + "."
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// isEnumItem is docutils' is_enumerated_list_item: a valid enumerator
// whose next line is blank, indented, missing, or the next enumerator.
// Letter and Roman enumerators are only taken when the next line settles
// it without knowing the sequence.
func (d *rstDoc) isEnumItem(lines []rstLine, i int) bool {
	e, ok := parseEnumerator(lines[i].text)
	if !ok {
		return false
	}
	if i+1 >= len(lines) || lines[i+1].text == "" || lines[i+1].text[0] == ' ' {
		return true
	}
	if e.sequence != "arabic" && e.sequence != "auto" {
		return false
	}
	nextLine := lines[i+1].text
	return strings.HasPrefix(nextLine, e.formatted(e.ordinal+1, false)) || strings.HasPrefix(nextLine, e.formatted(0, true))
}

// enumList parses an enumerated list. Only lists numbered with digits or
// '#' are followed item to item; the others are parsed one item at a
// time and never reported.
func (d *rstDoc) enumList(lines []rstLine, i int, depth int) int {
	first, _ := parseEnumerator(lines[i].text)
	last := first
	auto := first.sequence == "auto"
	for {
		end, blankFinish := d.listItem(lines, i, last.width, depth)
		if first.sequence != "arabic" && first.sequence != "auto" {
			return end
		}
		if end < len(lines) {
			if e, ok := parseEnumerator(lines[end].text); ok && e.format == first.format &&
				(e.sequence == "auto" || (e.sequence == "arabic" && !auto && e.ordinal == last.ordinal+1)) &&
				d.isEnumItem(lines, end) {
				i, last = end, e
				continue
			}
		}
		if !blankFinish {
			d.unindentWarning("Enumerated list", lines[end].no)
		}
		return end
	}
}

func (d *rstDoc) fieldList(lines []rstLine, i int, depth int) int {
	for {
		t := lines[i].text
		n := fieldMarkerLen(t)
		name := strings.TrimRight(t[1:n], " ")
		name = strings.TrimSuffix(name, ":")
		d.inline(name, lines[i].no)
		block, end, blankFinish := getIndented(lines, i, false, utf8.RuneCountInString(t[:n]), -1)
		d.body(block, false, depth+1)
		if end < len(lines) && fieldMarkerLen(lines[end].text) > 0 {
			i = end
			continue
		}
		if !blankFinish {
			d.unindentWarning("Field list", lines[end].no)
		}
		return end
	}
}

// optionList skips an option list; its items are not checked.
func (d *rstDoc) optionList(lines []rstLine, i int) int {
	for {
		n := len(optionRE.FindString(lines[i].text))
		_, end, _ := getIndented(lines, i, false, n, -1)
		if end < len(lines) && optionRE.MatchString(lines[end].text) {
			i = end
			continue
		}
		return end
	}
}
