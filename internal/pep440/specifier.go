package pep440

import (
	"fmt"
	"regexp"
	"strings"
)

// The operator-specific shapes follow packaging.specifiers.Specifier: only
// == and != take a ".*" suffix, ~= needs two release components, and only
// == / != / === may carry a local version.
var specifierRE = regexp.MustCompile(`(?i)^\s*(?:` +
	`(?:===\s*[^\s;)]*)` +
	`|(?:(?:==|!=)\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*(?:\.\*|` +
	`(?:[-_\.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_\.]?[0-9]*)?` +
	`(?:(?:-[0-9]+)|(?:[-_\.]?(?:post|rev|r)[-_\.]?[0-9]*))?` +
	`(?:[-_\.]?dev[-_\.]?[0-9]*)?` +
	`(?:\+[a-z0-9]+(?:[-_\.][a-z0-9]+)*)?))` +
	`|(?:~=\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+` +
	`(?:[-_\.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_\.]?[0-9]*)?` +
	`(?:(?:-[0-9]+)|(?:[-_\.]?(?:post|rev|r)[-_\.]?[0-9]*))?` +
	`(?:[-_\.]?dev[-_\.]?[0-9]*)?)` +
	`|(?:(?:<=|>=|<|>)\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*` +
	`(?:[-_\.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_\.]?[0-9]*)?` +
	`(?:(?:-[0-9]+)|(?:[-_\.]?(?:post|rev|r)[-_\.]?[0-9]*))?` +
	`(?:[-_\.]?dev[-_\.]?[0-9]*)?)` +
	`)\s*$`)

// ParseSpecifier validates one clause such as ">=3.8" or "!=3.9.*".
func ParseSpecifier(s string) error {
	if len(s) > 1024 || !specifierRE.MatchString(s) {
		return fmt.Errorf("%w: invalid specifier %q", ErrInvalid, s)
	}
	return nil
}

// ParseSpecifierSet validates a comma-separated set of clauses, as
// packaging.specifiers.SpecifierSet does: empty clauses are ignored, so
// "" is the set that matches everything.
func ParseSpecifierSet(s string) error {
	for _, clause := range strings.Split(s, ",") {
		if strings.TrimSpace(clause) == "" {
			continue
		}
		if err := ParseSpecifier(clause); err != nil {
			return err
		}
	}
	return nil
}
