package dist

import (
	_ "embed"
	"regexp"
	"strings"
	"sync"

	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/internal/pyrepr"
)

// classifiersTxt is pypa/trove-classifiers as of the date in its header
// (see gen_classifiers.sh). PyPI's list may have grown since, so a
// classifier missing from it may just be newer: checkClassifier only
// calls that an error when it cannot be a recent addition.
//
//go:embed classifiers.txt
var classifiersTxt string

type classifierList struct {
	version    string
	known      map[string]bool
	deprecated map[string][]string // classifier -> replacements
	topLevel   map[string]bool     // "Programming Language", ...
	folded     map[string]string   // foldClassifier(c) -> c
}

var classifiers = sync.OnceValue(func() *classifierList {
	l := &classifierList{known: map[string]bool{}, deprecated: map[string][]string{},
		topLevel: map[string]bool{}, folded: map[string]string{}}
	deprecated := false
	for _, line := range strings.Split(classifiersTxt, "\n") {
		switch {
		case line == "":
		case line == "# deprecated":
			deprecated = true
		case strings.HasPrefix(line, "#"):
			if m := listDate.FindStringSubmatch(line); m != nil {
				l.version = m[1]
			}
		case deprecated:
			old, instead, _ := strings.Cut(line, " -> ")
			l.deprecated[strings.TrimSpace(old)] = []string{}
			for _, r := range strings.Split(instead, ";") {
				if r = strings.TrimSpace(r); r != "" {
					l.deprecated[strings.TrimSpace(old)] = append(l.deprecated[strings.TrimSpace(old)], r)
				}
			}
		default:
			l.known[line] = true
			l.topLevel[topClassifier(line)] = true
			l.folded[foldClassifier(line)] = line
		}
	}
	return l
})

// listDate finds the list's date in its header.
var listDate = regexp.MustCompile(`\((\d{4}-\d{2}-\d{2})\)`)

func topClassifier(c string) string {
	top, _, _ := strings.Cut(c, "::")
	return strings.TrimSpace(top)
}

// foldClassifier ignores case and spacing, to tell a typo of a known
// classifier from a classifier newer than our list.
func foldClassifier(c string) string {
	parts := strings.Split(c, "::")
	for i, p := range parts {
		parts[i] = strings.Join(strings.Fields(strings.ToLower(p)), " ")
	}
	return strings.Join(parts, "::")
}

// checkClassifier applies PyPI's rule that every classifier is one of
// trove-classifiers' and not a deprecated one.
func checkClassifier(c string) *Problem {
	l := classifiers()
	p := &Problem{Field: "Classifier", Message: "'" + c + "' is not a valid classifier."}
	switch {
	case strings.HasPrefix(c, "Private ::"):
		p.Message = pyrepr.Str(c) + " is not a valid classifier."
		p.Hint = "PyPI refuses every \"Private ::\" classifier; projects add one on purpose so that they are never uploaded by mistake. Remove it if this project is meant to be public"
	case l.known[c]:
		return nil
	case l.deprecated[c] != nil:
		instead := l.deprecated[c]
		p.Message = "The classifier " + pyrepr.Str(c) + " has been deprecated."
		if len(instead) > 0 {
			p.Message = "The classifier " + pyrepr.Str(c) + " has been deprecated, use one of " + pyrepr.List(instead) + " instead."
		}
		p.Hint = "replace it in your project's classifiers"
	case l.folded[foldClassifier(c)] != "":
		p.Message = pyrepr.Str(c) + " is not a valid classifier."
		p.Hint = "classifiers must match exactly: did you mean " + pyrepr.Str(l.folded[foldClassifier(c)]) + "?"
	case !l.topLevel[topClassifier(c)]:
		p.Message = pyrepr.Str(c) + " is not a valid classifier."
		p.Hint = "see " + index.PyPIClassifiersURL + " for the list PyPI accepts"
	default:
		p.Warning = true
		p.Message = pyrepr.Str(c) + " is not in trove-classifiers as of " + l.version + " (the list this pypi-publish knows); unless it was added since, PyPI will answer: " + pyrepr.Str(c) + " is not a valid classifier."
		p.Hint = "check it against " + index.PyPIClassifiersURL
	}
	return p
}
