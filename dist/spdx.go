package dist

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/pypi-publish/pypi-publish/internal/pyrepr"
)

//go:generate sh gen_spdx.sh

// spdxIDs lists the SPDX license and exception identifiers (see
// gen_spdx.sh for where they come from and how to refresh them).
//
//go:embed spdx_ids.txt
var spdxIDs string

type spdxList struct {
	licenses   map[string]string // lowercase -> canonical
	deprecated map[string]bool   // lowercase, deprecated license ids
	exceptions map[string]string // lowercase -> canonical
}

var spdx = sync.OnceValue(func() *spdxList {
	l := &spdxList{licenses: map[string]string{}, deprecated: map[string]bool{}, exceptions: map[string]string{}}
	for _, line := range strings.Split(spdxIDs, "\n") {
		kind, id, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		switch kind {
		case "license":
			l.licenses[strings.ToLower(id)] = id
		case "deprecated":
			l.licenses[strings.ToLower(id)] = id
			l.deprecated[strings.ToLower(id)] = true
		case "exception":
			l.exceptions[strings.ToLower(id)] = id
		}
	}
	return l
})

var licenseRefRE = regexp.MustCompile(`^[A-Za-z0-9.-]*$`)

// checkLicenseExpression validates an SPDX expression the way
// packaging.licenses.canonicalize_license_expression does (which is what
// PyPI runs): operators and identifiers are case-insensitive, "+" may
// follow a license, LicenseRef-… is free-form, and the grammar is checked
// by mapping every operand to False and the operators to Python's, so its
// quirks (no "((") are kept. It returns the canonical expression, a reason
// when the expression is refused, and the deprecated identifiers used.
func checkLicenseExpression(expr string) (canonical string, reason string, deprecated []string) {
	invalid := fmt.Sprintf("Invalid license expression: %s", pyrepr.Str(expr))
	if expr == "" {
		return "", invalid, nil
	}
	padded := strings.NewReplacer("(", " ( ", ")", " ) ").Replace(expr)
	refs := map[string]string{}
	for _, t := range strings.Fields(padded) {
		if strings.HasPrefix(strings.ToLower(t), "licenseref-") {
			refs[strings.ToLower(t)] = "LicenseRef-" + t[len("licenseref-"):]
		}
	}
	tokens := strings.Fields(strings.ToLower(padded))
	if !licenseGrammarOK(tokens) {
		return "", invalid, nil
	}
	l := spdx()
	out := make([]string, 0, len(tokens))
	for _, t := range tokens {
		switch t {
		case "or", "and", "with", "(", ")":
			out = append(out, strings.ToUpper(t))
			continue
		}
		if len(out) > 0 && out[len(out)-1] == "WITH" {
			id, ok := l.exceptions[t]
			if !ok {
				return "", fmt.Sprintf("Unknown license exception: %s", pyrepr.Str(t)), nil
			}
			out = append(out, id)
			continue
		}
		base, plus := strings.CutSuffix(t, "+")
		suffix := ""
		if plus {
			suffix = "+"
		}
		if strings.HasPrefix(base, "licenseref-") {
			if !licenseRefRE.MatchString(base) {
				return "", fmt.Sprintf("Invalid licenseref: %s", pyrepr.Str(base)), nil
			}
			out = append(out, refs[base]+suffix)
			continue
		}
		id, ok := l.licenses[base]
		if !ok {
			return "", fmt.Sprintf("Unknown license: %s", pyrepr.Str(base)), nil
		}
		if l.deprecated[base] {
			deprecated = append(deprecated, id)
		}
		out = append(out, id+suffix)
	}
	canonical = strings.NewReplacer("( ", "(", " )", ")").Replace(strings.Join(out, " "))
	return canonical, "", deprecated
}

// licenseGrammarOK is the Python-eval check of packaging: operands become
// False, WITH becomes or, and the result must be a well-formed boolean
// expression; an opening parenthesis must start the expression or follow
// an operator.
func licenseGrammarOK(tokens []string) bool {
	depth := 0
	expectOperand := true
	prev := ""
	for _, t := range tokens {
		switch t {
		case "(":
			if prev != "" && prev != "or" && prev != "and" && prev != "with" {
				return false
			}
			if !expectOperand {
				return false
			}
			depth++
		case ")":
			if expectOperand || depth == 0 {
				return false
			}
			depth--
		case "or", "and", "with":
			if expectOperand {
				return false
			}
			expectOperand = true
		default:
			if !expectOperand {
				return false
			}
			expectOperand = false
		}
		prev = t
	}
	return depth == 0 && !expectOperand
}
