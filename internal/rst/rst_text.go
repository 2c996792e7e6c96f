package rst

import (
	"strings"
)

// Paragraphs, definition lists, section titles and transitions: docutils'
// Text and Line states.

func (d *rstDoc) noteTop(top bool, e rstTop) {
	if top {
		d.top = append(d.top, e)
	}
}

// text handles a line of text: a title if an underline follows, a
// definition list term if an indented line follows, else a paragraph.
func (d *rstDoc) text(lines []rstLine, i int, titles bool, depth int, top bool) int {
	if i+1 < len(lines) {
		next := lines[i+1].text
		switch {
		case next == "":
		case next[0] == ' ':
			d.noteTop(top, rstTop{kind: "body", line: lines[i].no})
			return d.definitionList(lines, i, depth)
		case isAdornment(next):
			if end, ok := d.underlineTitle(lines, i, titles, top); ok {
				return end
			}
		}
	}
	d.noteTop(top, rstTop{kind: "body", line: lines[i].no})
	return d.paragraph(lines, i)
}

// paragraph is docutils' Text.text/blank/eof: the lines up to a blank
// line, where an indented line is an error; a final "::" announces a
// literal block.
func (d *rstDoc) paragraph(lines []rstLine, i int) int {
	end := i + 1
	for end < len(lines) && lines[end].text != "" {
		if lines[end].text[0] == ' ' {
			d.report(lines[end].no, levelError, "Unexpected indentation.",
				"a paragraph's lines must all start in the same column; to indent a block, leave a blank line before it (a line ending in '::' then makes it a literal block)")
			break
		}
		end++
	}
	texts := make([]string, 0, end-i)
	for _, l := range lines[i:end] {
		texts = append(texts, l.text)
	}
	data := strings.TrimRightFunc(strings.Join(texts, "\n"), isPySpace)
	literal := false
	if strings.HasSuffix(data, "::") && (len(data)-2-len(strings.TrimRight(data[:len(data)-2], "\\")))%2 == 0 {
		literal = true
		switch {
		case len(data) == 2:
			data = ""
		case data[len(data)-3] == ' ' || data[len(data)-3] == '\n':
			data = strings.TrimRightFunc(data[:len(data)-3], isPySpace)
		default:
			data = data[:len(data)-1]
		}
	}
	if data != "" {
		d.inline(data, lines[i].no)
	}
	if literal {
		return d.literalBlock(lines, end)
	}
	return end
}

// literalBlock follows docutils' literal_block and quoted_literal_block,
// starting at the line after the paragraph.
func (d *rstDoc) literalBlock(lines []rstLine, start int) int {
	block, end, blankFinish := getIndented(lines, start, false, -1, -1)
	if len(trimBlank(block)) > 0 {
		if !blankFinish {
			d.unindentWarning("Literal block", lines[end].no)
		}
		return end
	}
	k := start
	for k < len(lines) && lines[k].text == "" {
		k++
	}
	const hint = "a paragraph ending in '::' must be followed by a blank line and an indented block; write ':' (or nothing) instead if no code follows"
	if k == len(lines) {
		last := 1
		if len(lines) > 0 {
			last = lines[len(lines)-1].no + 1
		}
		d.report(last, levelWarning, "Literal block expected; none found.", hint)
		return k
	}
	t := lines[k].text
	if !isNonAlnum7(t[0]) {
		d.report(lines[k].no, levelWarning, "Literal block expected; none found.", hint)
		return k
	}
	quote := t[0]
	j := k + 1
	for j < len(lines) && lines[j].text != "" && lines[j].text[0] == quote {
		j++
	}
	if j < len(lines) && lines[j].text != "" {
		if lines[j].text[0] == ' ' {
			d.report(lines[j].no, levelError, "Unexpected indentation.", "")
		} else {
			d.report(lines[j].no, levelError, "Inconsistent literal block quoting.", "")
		}
	}
	return j
}

// matchesBodyPattern reports whether a line at the start of a block is
// something other than text: any of these ends a definition list.
func matchesBodyPattern(t string) bool {
	return bulletRE.MatchString(t) || enumRE.MatchString(t) || fieldMarkerLen(t) > 0 ||
		optionRE.MatchString(t) || doctestRE.MatchString(t) || lineBlockRE.MatchString(t) ||
		gridTopRE.MatchString(t) || simpleTopRE.MatchString(t) || explicitRE.MatchString(t) ||
		anonymousRE.MatchString(t) || isAdornment(t)
}

func (d *rstDoc) definitionList(lines []rstLine, i int, depth int) int {
	for {
		d.inline(lines[i].text, lines[i].no)
		block, end, blankFinish := getIndented(lines, i+1, false, -1, -1)
		d.body(block, false, depth+1)
		if end+1 < len(lines) && !matchesBodyPattern(lines[end].text) &&
			lines[end+1].text != "" && lines[end+1].text[0] == ' ' {
			i = end
			continue
		}
		if !blankFinish {
			d.unindentWarning("Definition list", lines[end].no)
		}
		return end
	}
}

// underlineTitle handles a text line followed by an adornment line. It
// returns false when docutils reads the pair as text (a short underline).
func (d *rstDoc) underlineTitle(lines []rstLine, i int, titles bool, top bool) (int, bool) {
	title, under := lines[i].text, lines[i+1].text
	if columnWidth(title) > len(under) {
		if len(under) < 4 {
			return 0, false
		}
		d.report(lines[i+1].no, levelWarning, "Title underline too short.",
			"make the underline at least as long as the title text")
	}
	if !titles {
		d.report(lines[i+1].no, levelSevere, "Unexpected section title.",
			"titles are only allowed at the top level, not inside lists, block quotes or directives; remove the indentation or the underline")
		d.noteTop(top, rstTop{kind: "other", line: lines[i].no})
		return i + 2, true
	}
	d.section(strings.TrimSpace(title), under[:1], lines[i].no, top)
	return i + 2, true
}

// line handles an adornment line at the start of a block: an overline,
// a transition, or (when short) text.
func (d *rstDoc) line(lines []rstLine, i int, titles bool, depth int, top bool) int {
	t := lines[i].text
	asText := func() int { return d.text(lines, i, titles, depth, top) }
	if !titles {
		if t == "::" || len(t) < 4 {
			return asText()
		}
		d.report(lines[i].no, levelSevere, "Unexpected section title or transition.",
			"titles and transitions are only allowed at the top level, not inside lists, block quotes or directives")
		return i + 1
	}
	if i+1 >= len(lines) || lines[i+1].text == "" {
		if len(t) < 4 {
			return asText()
		}
		d.noteTop(top, rstTop{kind: "transition", line: lines[i].no})
		return i + 1
	}
	next := lines[i+1].text
	if next[0] != ' ' && isAdornment(next) {
		if len(t) < 4 {
			return asText()
		}
		d.report(lines[i].no, levelError, "Invalid section title or transition marker.",
			"a transition needs blank lines around it; a title needs text between its overline and underline")
		return i + 2
	}
	return d.overlineTitle(lines, i, depth, top)
}

// overlineTitle is docutils' Line.text; short overlines go back to text.
func (d *rstDoc) overlineTitle(lines []rstLine, i int, depth int, top bool) int {
	over := lines[i].text
	short := len(over) < 4
	if i+2 >= len(lines) {
		if short {
			return d.text(lines, i, true, depth, top)
		}
		d.report(lines[i].no, levelSevere, "Incomplete section title.", "add the underline, as long as the overline")
		return len(lines)
	}
	title, under := lines[i+1].text, lines[i+2].text
	switch {
	case under == "" || under[0] == ' ' || !isAdornment(under):
		if short {
			return d.text(lines, i, true, depth, top)
		}
		d.report(lines[i].no, levelSevere, "Missing matching underline for section title overline.",
			"an overlined title needs an underline of the same character and length")
		return i + 3
	case over != under:
		if short {
			return d.text(lines, i, true, depth, top)
		}
		d.report(lines[i].no, levelSevere, "Title overline & underline mismatch.",
			"make the overline and underline the same character and length")
		return i + 3
	}
	if columnWidth(title) > len(over) {
		if short {
			return d.text(lines, i, true, depth, top)
		}
		d.report(lines[i].no, levelWarning, "Title overline too short.",
			"make the overline and underline at least as long as the title text")
	}
	d.section(strings.TrimSpace(title), over[:1]+under[:1], lines[i+1].no, top)
	return i + 3
}

// section is docutils' check_subsection: a title style seen before must
// be at most one level deeper than the current section; a new style must
// start the next level down.
func (d *rstDoc) section(title, style string, line int, top bool) {
	level := 0
	for i, s := range d.titleStyles {
		if s == style {
			level = i + 1
		}
	}
	ok := false
	switch {
	case level == 0 && len(d.titleStyles) == d.sectionLevel:
		d.titleStyles = append(d.titleStyles, style)
		level, ok = len(d.titleStyles), true
	case level > 0 && level <= d.sectionLevel+1:
		ok = true
	}
	if !ok {
		d.report(line, levelSevere, "Title level inconsistent:",
			"this title's adornment style is used for a deeper level than the current section allows; use the same underline style for titles of the same level ("+d.stylesHint()+")")
		d.noteTop(top, rstTop{kind: "other", line: line})
		return
	}
	d.sectionLevel = level
	d.noteTop(top, rstTop{kind: "title", line: line, level: level})
	d.inline(title, line)
}

func (d *rstDoc) stylesHint() string {
	parts := make([]string, len(d.titleStyles))
	for i, s := range d.titleStyles {
		if len(s) == 2 {
			parts[i] = "level " + itoa(i+1) + ": over- and underlined with " + s[:1]
		} else {
			parts[i] = "level " + itoa(i+1) + ": underlined with " + s
		}
	}
	return strings.Join(parts, "; ")
}
