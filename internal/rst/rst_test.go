package rst

import (
	"strconv"
	"strings"
	"testing"
)

// Every expectation here was checked against docutils (through
// readme_renderer, as PyPI runs it): the message and line are docutils'.
func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // Messages, in order; nil for a description that renders
	}{
		{"short underline below 4 is text", "Title\n===\n\ntext", nil},
		{"underline too short", "Title\n====\n\ntext", []string{"line 2: Warning: Title underline too short."}},
		{"underline too short later", "first\n\nLong title here\n----\n\ntext", []string{"line 4: Warning: Title underline too short."}},
		{"wide characters count double", "日本語\n======\n\ntext", nil},
		{"wide title too short", "日本語\n=====\n\ntext", []string{"line 2: Warning: Title underline too short."}},
		{"combining marks count zero", "e\u0301 combining: e\u0301\n================\n\nx", nil},
		{"overline mismatch", "=====\nTitle\n======\n\ntext", []string{"line 1: Severe: Title overline & underline mismatch."}},
		{"overline too short", "====\nLong Title\n====\n\ntext", []string{"line 1: Warning: Title overline too short."}},
		{"levels", "=====\nTitle\n=====\n\nSub\n---\n\nSub2\n~~~~\n\nOther\n=====\n\nDeep\n~~~~", nil},
		{"level inconsistent", "Title\n=====\n\nSub\n---\n\nDeep\n~~~~\n\nOther\n=====\n\nBad\n~~~~\n\nx",
			[]string{"line 13: Severe: Title level inconsistent:"}},
		{"title in block quote", "Intro\n\n  Sub\n  ---", []string{"line 4: Severe: Unexpected section title."}},
		{"transition in list", "- item\n\n  ----\n\n- b", []string{"line 3: Severe: Unexpected section title or transition."}},
		{"transition at end", "text\n\n----", []string{"line 3: Error: Document may not end with a transition."}},
		{"transition at start", "----\n\ntext", []string{"line 1: Error: Document or section may not begin with a transition."}},
		{"transition after title", "Title\n=====\n\n----\n\ntext", []string{"line 4: Error: Document or section may not begin with a transition."}},
		{"adjacent transitions", "text\n\n----\n\n----\n\nmore", []string{"line 5: Error: At least one body element must separate transitions; adjacent transitions are not allowed."}},
		{"lone title", "Title\n=====", []string{"No content rendered from RST source."}},
		{"title and subtitle", "Title\n=====\n\nSubtitle\n--------", []string{"No content rendered from RST source."}},
		{"comment only", ".. comment only", []string{"No content rendered from RST source."}},
		{"blank", "  \n\n", []string{"No content rendered from RST source."}},
		{"internal target renders", ".. _foo:", nil},
		{"definition list", "Para\n    indented", nil},
		{"unexpected indentation", "Line1\nLine2\n    indented", []string{"line 3: Error: Unexpected indentation."}},
		{"bullet list unindent", "- a\nb", []string{"line 2: Warning: Bullet list ends without a blank line; unexpected unindent."}},
		{"bullet list other bullet", "* a\n+ b", []string{"line 2: Warning: Bullet list ends without a blank line; unexpected unindent."}},
		{"bullet list ok", "- a\n- b\n\n  continued\n\ntext", nil},
		{"bullet list short indent", "* a\n  b\n c", []string{"line 3: Warning: Bullet list ends without a blank line; unexpected unindent."}},
		{"enumerated list", "1. a\n2. b\nnext", []string{"line 2: Warning: Enumerated list ends without a blank line; unexpected unindent."}},
		{"not an enumerated list", "1. a\n3. b", nil},
		{"field list", ":field: value\ntext", []string{"line 2: Warning: Field list ends without a blank line; unexpected unindent."}},
		{"definition list unindent", "term\n    definition\nnext", []string{"line 3: Warning: Definition list ends without a blank line; unexpected unindent."}},
		{"block quote unindent", "para\n\n    quote\nnext", []string{"line 4: Warning: Block quote ends without a blank line; unexpected unindent."}},
		{"literal block expected", "Example::\n\nText after", []string{"line 3: Warning: Literal block expected; none found."}},
		{"literal block at end", "Example::", []string{"line 2: Warning: Literal block expected; none found."}},
		{"quoted literal block", "Example::\n\n> quoted", nil},
		{"literal block unindent", "Example::\n\n    code\nnext", []string{"line 4: Warning: Literal block ends without a blank line; unexpected unindent."}},
		{"literal block ok", "Example::\n\n    code\n\n    more\n  less", nil},
		{"escaped colons", "Not literal\\::\n\ntext", nil},
		{"explicit markup unindent", ".. _foo: http://a\ntext", []string{"line 2: Warning: Explicit markup ends without a blank line; unexpected unindent."}},
		{"explicit markup run", ".. _foo: http://a\n.. _bar: http://b\n\ntext foo_ bar_", nil},
		{"duplicate embedded", "`docs <http://a>`_ and `docs <http://b>`_", []string{"line 2: Warning: Duplicate explicit target name: \"docs\"."}},
		{"same embedded twice", "`docs <http://a>`_ and `docs <http://a>`_", nil},
		{"duplicate explicit", ".. _a: http://x\n\ntext\n\n.. _a: http://y", []string{"line 5: Warning: Duplicate explicit target name: \"a\"."}},
		{"duplicate internal", ".. _a:\n\ntext\n\n.. _a:\n\nmore", []string{"line 5: Warning: Duplicate explicit target name: \"a\"."}},
		{"unknown target", "see foo_ here", []string{"line 1: Error: Unknown target name: \"foo\"."}},
		{"unknown target in url", "see http://example.com/foo_ here", []string{"line 1: Error: Unknown target name: \"foo\"."}},
		{"unknown target second line", "first\n\npara one\nline two foo_\nline three", []string{"line 3: Error: Unknown target name: \"foo\"."}},
		{"target is case-insensitive", "a `b`_ c\n\n.. _B: http://x", nil},
		{"section is a target", "Usage\n=====\n\nSee Usage_.", nil},
		{"snake case", "snake_case_var and __init__ and _private", nil},
		{"substitution as target", "text\n\n.. |a| replace:: x\n\n|a|_", []string{"line 5: Error: Unknown target name: \"a\"."}},
		{"undefined substitution", "|undefined| text", []string{"line 1: Error: Undefined substitution referenced: \"undefined\"."}},
		{"substitution case", "|SUB|\n\n.. |sub| replace:: x", nil},
		{"duplicate substitution", "text\n\n.. |sub| image:: x.png\n.. |sub| image:: y.png", []string{"line 4: Error: Duplicate substitution definition name: \"sub\"."}},
		{"emphasis", "para one\nline two *emph\nline three", []string{"line 1: Warning: Inline emphasis start-string without end-string."}},
		{"strong", "**strong", []string{"line 1: Warning: Inline strong start-string without end-string."}},
		{"literal", "``lit", []string{"line 1: Warning: Inline literal start-string without end-string."}},
		{"interpreted", "`interp", []string{"line 1: Warning: Inline interpreted text or phrase reference start-string without end-string."}},
		{"quoted starts", "\"*\" and '*' and (*) and <*> and [*] and {*} and «*»", nil},
		{"not a start", "x (*) y, 2*3*4 = 24, a*b", nil},
		{"markup ok", "a *b* c**d** e ``x`` `t` :sup:`2` |s|\n\n.. |s| replace:: S", nil},
		{"escaped", "\\*not emphasis and \\`not either", nil},
		{"unknown role", ":class:`Foo`", []string{"line 1: Error: Unknown interpreted text role \"class\"."}},
		{"suffix role", "`Foo`:func:", []string{"line 1: Error: Unknown interpreted text role \"func\"."}},
		{"custom role", ".. role:: custom\n\n:custom:`x`", nil},
		{"unknown directive", ".. highlight:: python\n\ntext", []string{"line 1: Error: Unknown directive type \"highlight\"."}},
		{"raw disabled", ".. raw:: html\n\n   <b>x</b>", []string{"line 1: Warning: \"raw\" directive disabled."}},
		{"include disabled", ".. include:: foo.rst", []string{"line 1: Warning: \"include\" directive disabled."}},
		{"code-block swallowed", ".. code-block:: python\n   print(1)", []string{"line 1: Error: Error in \"code-block\" directive: maximum 1 argument(s) allowed, 2 supplied."}},
		{"code-block empty", ".. code-block:: python\n", []string{"line 1: Error: Content block expected for the \"code-block\" directive; none found."}},
		{"code-block sphinx option", ".. code-block:: python\n   :linenos:\n\n   print(1)", []string{"line 1: Error: Error in \"code-block\" directive: unknown option: \"linenos\"."}},
		{"code-block ok", ".. code-block:: python\n   :number-lines:\n\n   print(1)", nil},
		{"code-block without language", "..  code-block::\n\n    A -> B\n    B -> C", nil},
		{"note empty", ".. note::\n\ntext", []string{"line 1: Error: Content block expected for the \"note\" directive; none found."}},
		{"note option", ".. note::\n   :foo: bar\n\n   text", []string{"line 1: Error: Error in \"note\" directive: unknown option: \"foo\"."}},
		{"note content checked", ".. note:: This uses :ref:`x`.", []string{"line 1: Error: Unknown interpreted text role \"ref\"."}},
		{"image ok", ".. image:: https://img.shields.io/badge.svg\n   :target: https://example.org\n\ntext", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range Check(tt.in) {
				got = append(got, p.Message)
				if want := messageLine(p.Message); p.Line != want {
					t.Errorf("problem %+v: Line %d, want %d as in the message", p, p.Line, want)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Check(%q)\n got: %q\nwant: %q", tt.in, got, tt.want)
			}
		})
	}
}

// messageLine is the line number a docutils-style message starts with
// ("line 3: ..."), or 0 for a message without one.
func messageLine(msg string) int {
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0
	}
	digits, _, _ := strings.Cut(rest, ":")
	n, err := strconv.Atoi(digits)
	if err != nil {
		return -1
	}
	return n
}

func TestDocs(t *testing.T) {
	if len(Checks) == 0 || len(NotChecked) == 0 {
		t.Error("Checks and NotChecked document the checker and must not be empty")
	}
}

// Pathological input must cost work linear in its size, apart from the
// inliner's fixed budget, and once a budget runs out the text it stopped
// in must be left unchecked, not reported. Work is counted in steps
// (bytes and lines of parsed blocks, characters scanned by the inliner),
// so the bounds are exact, not timings.
func TestCheckBounded(t *testing.T) {
	var nested strings.Builder
	for i := range 2000 {
		nested.WriteString(strings.Repeat(" ", i) + "- item\n\n")
	}
	const unclosed = "line 1: Warning: Inline emphasis start-string without end-string."
	tests := []struct {
		name string
		in   string
		want []string // Messages
		// unchecked is how many text blocks a budget cut short; with
		// none, the inliner's work must also be linear.
		unchecked int
	}{
		// docutils' scan for an end-string is quadratic here: every *a
		// searches to the end. The first search finishes and finds
		// none; the second runs out of budget and says nothing.
		{"unclosed starts", strings.Repeat("*a -b- ", 200000), []string{unclosed}, 1},
		// Every '-' may start a name running to the end.
		{"long name", strings.Repeat("a-", 300000) + "_", nil, 1},
		// The end-string is there, past the budget: no warning.
		{"end past budget", "*a " + strings.Repeat("x ", inlineBudget/2) + "b*", nil, 1},
		// Many quadratic paragraphs: each fits its own budget, and the
		// document's budget stops the rest (each checked one has 500
		// unclosed starts).
		{"many paragraphs", strings.Repeat(strings.Repeat("*a -b- ", 500)+"\n\n", 1000), nil, 981},
		{"deep indentation", strings.Repeat(" ", 5000) + "x\n" + strings.Repeat("  ", 3000) + "y", nil, 0},
		// Nesting beyond maxRSTDepth is not parsed.
		{"nested lists", nested.String(), nil, 0},
		// Well-formed markup is checked to the end, in one pass.
		{"long paragraph", strings.Repeat("*a* ", 200000) + "*b", []string{unclosed}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := check(tt.in)
			size := 0 // the text as parsed: tabs expanded, one per line end
			for _, l := range d.lines {
				size += len(l.text) + 1
			}
			if max := (maxRSTDepth + 1) * size; d.blockSteps > max {
				t.Errorf("block steps %d, want at most %d (%d levels of %d)", d.blockSteps, max, maxRSTDepth+1, size)
			}
			// One tick can overshoot the budget, by at most the text.
			if max := docBudget + size; d.inlineSteps > max {
				t.Errorf("inline steps %d, want at most %d", d.inlineSteps, max)
			}
			if tt.unchecked == 0 && d.inlineSteps > 2*size {
				t.Errorf("inline steps %d for %d bytes, want at most twice as many", d.inlineSteps, size)
			}
			if d.unchecked != tt.unchecked {
				t.Errorf("%d text blocks unchecked, want %d", d.unchecked, tt.unchecked)
			}
			var got []string
			for _, p := range d.problems {
				got = append(got, p.Message)
			}
			if tt.name == "many paragraphs" {
				// Too many to spell out: every start in the paragraphs
				// checked in full is reported, and some of those in
				// the one the budget cut short; none after it.
				full := 1000 - tt.unchecked
				lastLine := 2*full + 1
				for _, m := range got {
					if n := messageLine(m); n%2 != 1 || n > lastLine ||
						m != "line "+strconv.Itoa(n)+": Warning: Inline emphasis start-string without end-string." {
						t.Fatalf("unexpected problem %q", m)
					}
				}
				if len(got) < 500*full || len(got) >= 500*(full+1) {
					t.Errorf("%d problems, want %d to %d", len(got), 500*full, 500*(full+1)-1)
				}
				return
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
