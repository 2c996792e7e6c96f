package rst

import (
	"regexp"
	"sort"
	"strings"
)

// rstDoc is the state of one Check run: what docutils' parser keeps in
// its memo (title styles, section level) and in the document (names,
// references, substitutions), plus the problems found.
type rstDoc struct {
	lines    []rstLine
	problems []Problem

	titleStyles  []string // adornment styles in order of first use
	sectionLevel int

	// top records the kind of each top-level element, for the checks on
	// transitions and on empty output.
	top []rstTop

	refs, substRefs []rstRef
	// targets and substDefs are over-collected from every line, so that
	// a reference is only reported when no definition can exist.
	targets     map[string]bool
	substDefs   map[string]bool // lowercase, whitespace-normalized
	customRoles map[string]bool

	explicit    map[string]explicitTarget
	substSeen   map[string]bool // exact names, for duplicate definitions
	inlineSteps int             // work done by the inliner, against docBudget

	// blockSteps is the work done on blocks: the bytes and lines of every
	// block body() parses. A line is in at most one block per nesting
	// level, so this stays below (maxRSTDepth+2) times the input; the
	// tests hold it to that.
	blockSteps int
	// unchecked counts the text blocks the inliner gave up on (or never
	// started) because a budget ran out; their inline markup is not
	// checked.
	unchecked int
}

type rstRef struct {
	name string
	line int
}

type explicitTarget struct {
	uri      string
	hasURI   bool
	poisoned bool // a duplicate already took the name away
}

// rstTop kinds.
type rstTop struct {
	kind  string // "title", "transition", "body", "invisible" (comment, target), "other"
	line  int
	level int // for titles
}

func newRSTDoc(text string) *rstDoc {
	d := &rstDoc{
		lines:       splitRSTLines(text),
		targets:     map[string]bool{},
		substDefs:   map[string]bool{},
		customRoles: map[string]bool{},
		explicit:    map[string]explicitTarget{},
		substSeen:   map[string]bool{},
	}
	d.prescan()
	return d
}

func (d *rstDoc) blank() bool {
	for _, l := range d.lines {
		if l.text != "" {
			return false
		}
	}
	return true
}

var (
	prescanTargetRE = regexp.MustCompile(`\.\.\s+_(` + "`" + `[^` + "`" + `]+` + "`" + `|[^:]+):`)
	prescanNameRE   = regexp.MustCompile(`^\s*:name:\s*(.+)$`)
	prescanLabelRE  = regexp.MustCompile(`\.\.\s+\[([^\]]+)\]`)
	prescanInlineRE = regexp.MustCompile("_`([^`]+)`")
	prescanPhraseRE = regexp.MustCompile("`([^`<]*)<[^`>]*>`_")
	prescanSubstRE  = regexp.MustCompile(`\.\.\s+\|([^|]+)\|`)
	prescanRoleRE   = regexp.MustCompile(`^\s*\.\.\s+role::\s*([^\s(]+)`)
	markupCharsRE   = regexp.MustCompile("[*`|_\\\\]")
)

// prescan collects every name a reference could resolve to, every
// substitution definition and every custom role, wherever they are: a
// reference is only reported when none of these can match it.
func (d *rstDoc) prescan() {
	add := func(name string) {
		name = strings.Trim(name, "`")
		d.targets[normalizeRefName(name)] = true
		d.targets[normalizeRefName(markupCharsRE.ReplaceAllString(name, ""))] = true
	}
	for i, l := range d.lines {
		t := l.text
		for _, m := range prescanTargetRE.FindAllStringSubmatch(t, -1) {
			add(m[1])
		}
		if m := prescanNameRE.FindStringSubmatch(t); m != nil {
			add(m[1])
		}
		for _, m := range prescanLabelRE.FindAllStringSubmatch(t, -1) {
			add(strings.TrimPrefix(m[1], "#"))
		}
		for _, m := range prescanInlineRE.FindAllStringSubmatch(t, -1) {
			add(m[1])
		}
		for _, m := range prescanPhraseRE.FindAllStringSubmatch(t, -1) {
			add(m[1])
		}
		for _, m := range prescanSubstRE.FindAllStringSubmatch(t, -1) {
			d.substDefs[strings.ToLower(strings.Join(strings.FieldsFunc(m[1], isPySpace), " "))] = true
		}
		if m := prescanRoleRE.FindStringSubmatch(t); m != nil {
			d.customRoles[strings.ToLower(m[1])] = true
		}
		// Any line with an adornment line next to it may be a title,
		// and titles are implicit targets.
		if i+1 < len(d.lines) && isAdornment(d.lines[i+1].text) {
			add(strings.TrimSpace(t))
		}
	}
}

// explicitTarget applies docutils' rule for duplicate explicit names: a
// second target with the same name is a warning unless both point to the
// same URI.
func (d *rstDoc) explicitTarget(name, uri string, hasURI bool, line int) {
	if name == "" {
		return
	}
	old, seen := d.explicit[name]
	if !seen {
		d.explicit[name] = explicitTarget{uri: uri, hasURI: hasURI}
		return
	}
	same := !old.poisoned && old.hasURI && hasURI && comparableURI(old.uri) == comparableURI(uri)
	if same {
		return
	}
	d.report(line, levelWarning, "Duplicate explicit target name: \""+name+"\".",
		"two links or targets share this name but point to different places; give them different text, or use anonymous links (`text <url>`__, two underscores)")
	d.explicit[name] = explicitTarget{poisoned: true}
}

// comparableURI ignores the escaping differences our parse does not model.
func comparableURI(u string) string {
	return strings.NewReplacer("\\", "", "\x00", "").Replace(u)
}

// finish runs the checks docutils makes after parsing: references,
// substitutions, transitions and empty output.
func (d *rstDoc) finish() {
	for _, r := range d.refs {
		if r.name != "" && !d.targets[r.name] {
			d.report(r.line, levelError, "Unknown target name: \""+r.name+"\".",
				"a name_ or `text`_ reference needs a target (.. _"+r.name+": URL) or a section of that title; write `text <URL>`_ for an inline link, or escape a trailing underscore as \\_")
		}
	}
	for _, r := range d.substRefs {
		if r.name != "" && !d.substDefs[strings.ToLower(r.name)] {
			d.report(r.line, levelError, "Undefined substitution referenced: \""+r.name+"\".",
				"define it (.. |"+r.name+"| image:: URL, or replace::), or escape the bars as \\|")
		}
	}
	if len(d.problems) == 0 {
		// Any message docutils emits becomes a node between the
		// elements, which changes what the transition rules see.
		d.checkTransitions()
		d.checkEmptyOutput()
	}
	sort.SliceStable(d.problems, func(i, j int) bool { return d.problems[i].Line < d.problems[j].Line })
}

// checkTransitions applies docutils' Transitions transform to the top
// level: no transition first, right after a title, next to another, or
// last. Elements we cannot see into ("invisible", "other") make the
// check give up on that neighbourhood.
func (d *rstDoc) checkTransitions() {
	const hint = "a transition (a line of 4 or more punctuation characters) must stand between two body elements; remove it"
	for i, e := range d.top {
		if e.kind != "transition" {
			continue
		}
		prev := "start"
		if i > 0 {
			prev = d.top[i-1].kind
		}
		switch prev {
		case "start", "title":
			d.report(e.line, levelError, "Document or section may not begin with a transition.", hint)
		case "transition":
			d.report(e.line, levelError, "At least one body element must separate transitions; adjacent transitions are not allowed.", hint)
		}
		if i == len(d.top)-1 {
			d.report(e.line, levelError, "Document may not end with a transition.", hint)
		}
	}
}

// checkEmptyOutput reports what readme_renderer refuses because nothing
// is left once docutils has made a lone title the document title.
func (d *rstDoc) checkEmptyOutput() {
	var titles []rstTop
	for _, e := range d.top {
		switch e.kind {
		case "title":
			titles = append(titles, e)
		case "invisible":
		default:
			return
		}
	}
	if len(d.top) > 0 && len(titles) == 0 || len(titles) == 1 || (len(titles) == 2 && titles[0].level == 1 && titles[1].level == 2) {
		d.report(0, levelInfo, "No content rendered from RST source.",
			"docutils turns a lone title into the document title, which PyPI does not show, leaving nothing; add some text under the title")
	}
}
