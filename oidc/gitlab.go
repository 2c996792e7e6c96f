package oidc

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// GitLabTokenVar is the variable GitLab CI/CD must define for audience
// through `id_tokens:` in .gitlab-ci.yml: the audience upper-cased, every
// character outside [A-Z0-9_] and a leading digit replaced by "_", then
// "_ID_TOKEN" ("pypi" → PYPI_ID_TOKEN), the names the `id` library reads.
func GitLabTokenVar(audience string) string {
	var b strings.Builder
	for i, r := range []rune(audience) {
		r = unicode.ToUpper(r)
		switch {
		case r >= 'A' && r <= 'Z', r == '_', r >= '0' && r <= '9' && i > 0:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String() + "_ID_TOKEN"
}

// GitLabIDTokensYAML is the `id_tokens:` block a GitLab job needs to
// receive an ID token for audience, indented to sit under the job's key.
func GitLabIDTokensYAML(audience string) string {
	return fmt.Sprintf("  id_tokens:\n    %s:\n      aud: %s\n", GitLabTokenVar(audience), yamlScalar(audience))
}

// yamlScalar leaves plain audiences bare and double-quotes the rest: a
// Go-quoted string is a valid YAML double-quoted scalar.
func yamlScalar(s string) string {
	plain := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			plain = false
		}
	}
	if plain && !isYAMLKeyword(s) {
		return s
	}
	return strconv.Quote(s)
}

// isYAMLKeyword reports words YAML would read as something other than a
// string.
func isYAMLKeyword(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "~", ".inf", ".nan":
		return true
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// gitlab reads the token GitLab put in the job's environment; GitLab has
// no endpoint to ask, the pipeline declares its tokens up front.
func (s *Source) gitlab(audience string) (string, error) {
	name := GitLabTokenVar(audience)
	if tok := s.getenv(name); tok != "" {
		return strings.TrimSpace(tok), nil
	}
	return "", &PermissionError{
		Provider: GitLab,
		Missing:  name + " is not set",
		Help: "Declare an ID token for the audience " + strconv.Quote(audience) +
			" in the publishing job of .gitlab-ci.yml:\n\n" + GitLabIDTokensYAML(audience),
	}
}
