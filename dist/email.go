package dist

import (
	"strings"
	"unicode"

	"github.com/pypi-publish/pypi-publish/internal/pyrepr"
)

// The address and URL checks below mirror what PyPI runs on Author-email,
// Maintainer-email, Home-page, Download-URL and Project-URL (Python's
// email.utils.parseaddr plus the email-validator package; rfc3986). They
// only refuse what those certainly refuse: a value they cannot model
// (several addresses, a quoted local part) passes.

// emailProblem returns why the address in an Author-email or
// Maintainer-email value is invalid, and the address, or "" if it passes.
func emailProblem(value string) (addr, why string) {
	if splitAddressList(value) > 1 {
		// parseaddr gives up on lists, so PyPI checks nothing.
		return "", ""
	}
	addr = strings.TrimSpace(value)
	if lt := strings.LastIndexByte(addr, '<'); lt >= 0 {
		gt := strings.IndexByte(addr[lt:], '>')
		if gt < 0 {
			return "", "" // parseaddr's recovery is hard to predict
		}
		addr = strings.TrimSpace(addr[lt+1 : lt+gt])
	} else if i := strings.IndexByte(addr, '('); i >= 0 {
		return "", "" // a comment: parseaddr strips it, we don't model it
	}
	if addr == "" || strings.ContainsAny(addr, "\"\\") {
		return "", ""
	}
	if strings.Count(addr, "@") != 1 {
		return addr, "The email address is not valid. It must have exactly one @-sign."
	}
	local, domain, _ := strings.Cut(addr, "@")
	switch {
	case local == "":
		return addr, "There must be something before the @-sign."
	case domain == "":
		return addr, "There must be something after the @-sign."
	case strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, ".."):
		return addr, "The email address contains a period in a position where it is not permitted."
	}
	for _, r := range local {
		if r < 0x80 && !isAtext(byte(r)) && r != '.' {
			return addr, "The email address contains invalid characters before the @-sign: " + pyrepr.Str(string(r)) + "."
		}
	}
	if !strings.Contains(domain, ".") {
		return addr, "The part after the @-sign is not valid. It should have a period."
	}
	labels := strings.Split(domain, ".")
	for _, l := range labels {
		if l == "" {
			return addr, "An email address cannot have a period immediately after the @-sign, two periods in a row, or end with a period."
		}
		if strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return addr, "An email address cannot have a hyphen immediately after the @-sign or before a period."
		}
		for _, r := range l {
			if r < 0x80 && !isASCIIAlnum(byte(r)) && r != '-' {
				return addr, "The part after the @-sign contains invalid characters: " + pyrepr.Str(string(r)) + "."
			}
		}
	}
	if tld := labels[len(labels)-1]; strings.Trim(tld, "0123456789") == "" {
		return addr, "The part after the @-sign is not valid. It is not within a valid top-level domain."
	}
	return "", ""
}

// isAtext reports the characters RFC 5322 allows unquoted in a local part.
func isAtext(c byte) bool {
	return isASCIIAlnum(c) || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// splitAddressList counts the comma-separated addresses in v, ignoring
// commas inside quotes, angle brackets and comments.
func splitAddressList(v string) int {
	n, depth, quoted := 1, 0, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<' || c == '(':
			depth++
		case c == '>' || c == ')':
			depth--
		case c == ',' && depth <= 0:
			n++
		}
	}
	return n
}

// validURL applies PyPI's is_valid_uri(url, require_authority=False): an
// http or https scheme, and a host, path and query without characters RFC
// 3986 forbids (the fragment and user info are not checked there either).
// Characters we are not sure about pass.
func validURL(u string) bool {
	scheme, rest, ok := strings.Cut(u, ":")
	if !ok {
		return false
	}
	switch strings.ToLower(scheme) {
	case "http", "https":
	default:
		return false
	}
	rest, _, _ = strings.Cut(rest, "#")
	if auth, ok := strings.CutPrefix(rest, "//"); ok {
		end := strings.IndexAny(auth, "/?")
		if end < 0 {
			end = len(auth)
		}
		host := auth[:end]
		if i := strings.LastIndexByte(host, '@'); i >= 0 {
			host = host[i+1:]
		}
		rest = host + auth[end:]
	}
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; {
		case c <= ' ' || c == 0x7f, c == '"', c == '<', c == '>':
			return false
		case c == '%':
			if i+2 >= len(rest) || !isHex(rest[i+1]) || !isHex(rest[i+2]) {
				return false
			}
		}
	}
	return !strings.ContainsFunc(rest, unicode.IsSpace)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// urlHint explains the usual causes of an invalid URL.
func urlHint(u string) string {
	if !strings.HasPrefix(strings.ToLower(u), "http://") && !strings.HasPrefix(strings.ToLower(u), "https://") {
		return "PyPI only accepts http and https URLs, with the scheme written out (https://…)"
	}
	return "percent-encode spaces and other characters URLs may not contain"
}
