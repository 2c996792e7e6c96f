package pypitest

import (
	"mime"
	"net/url"
	"sort"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/pyrepr"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
)

// checkValue validates one field's values the way packaging's converters
// do; fields it does not model are accepted.
func checkValue(k string, v []string, m *meta) string {
	field := pyrepr.Str(metaFields[k].email)
	first := ""
	if len(v) > 0 {
		first = v[0]
	}
	switch k {
	case "name":
		if first == "" {
			return field + " is a required field"
		}
		if !projectNameRE.MatchString(first) {
			return pyrepr.Str(first) + " is invalid for " + field
		}
	case "version":
		if first == "" {
			return field + " is a required field"
		}
		ver, err := pep440.Parse(first)
		if err != nil {
			return pyrepr.Str(first) + " is invalid for " + field
		}
		m.version = ver
	case "summary":
		if strings.Contains(first, "\n") {
			return field + " must be a single line"
		}
	case "description_content_type":
		return checkContentType(first, field)
	case "requires_python":
		if pep440.ParseSpecifierSet(first) != nil {
			return pyrepr.Str(first) + " is invalid for " + field
		}
	case "dynamic":
		for _, d := range v {
			d = strings.ToLower(d)
			switch {
			case d == "name" || d == "version" || d == "metadata-version":
				return pyrepr.Str(d) + " is not allowed as a dynamic field"
			case !isEmailField(d):
				return pyrepr.Str(d) + " is not a valid dynamic field"
			}
		}
	case "provides_extra":
		for _, e := range v {
			if !projectNameRE.MatchString(e) {
				return pyrepr.Str(e) + " is invalid for " + field
			}
		}
	case "license_file":
		for _, p := range v {
			if msg := checkLicensePath(p); msg != "" {
				return pyrepr.Str(p) + " is invalid for " + field + ", " + msg
			}
		}
	}
	return ""
}

func checkContentType(value, field string) string {
	ct, params, err := mime.ParseMediaType(value)
	if err != nil {
		ct, params = "text/plain", nil
	}
	switch ct {
	case "text/plain", "text/x-rst", "text/markdown":
	default:
		ct = ""
	}
	if ct == "" || !strings.Contains(strings.ToLower(value), ct) {
		return field + " must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not " + pyrepr.Str(value)
	}
	if cs, ok := params["charset"]; ok && cs != "UTF-8" {
		chars := make([]string, 0, len(cs))
		for _, r := range cs {
			chars = append(chars, pyrepr.Str(string(r)))
		}
		return field + " can only specify the UTF-8 charset, not [" + strings.Join(chars, ", ") + "]"
	}
	if v, ok := params["variant"]; ok && ct == "text/markdown" && v != "GFM" && v != "CommonMark" {
		return "valid Markdown variants for " + field + " are ['GFM', 'CommonMark'], not " + pyrepr.Str(v)
	}
	return ""
}

// checkLicensePath applies PEP 639's rules for License-File paths.
func checkLicensePath(p string) string {
	switch {
	case strings.Contains(p, ".."):
		return "parent directory indicators are not allowed"
	case strings.Contains(p, "*"):
		return "paths must be resolved"
	case strings.HasPrefix(p, "/") || (len(p) > 2 && p[1] == ':' && (p[2] == '\\' || p[2] == '/')) || strings.HasPrefix(p, `\\`):
		return "paths must be relative"
	case strings.Contains(p, `\`):
		return "paths must use '/' delimiter"
	}
	return ""
}

func isEmailField(s string) bool {
	for _, f := range metaFields {
		if f.email == s {
			return true
		}
	}
	return s == "license-file" || s == "classifier"
}

// warehouseChecks are PyPI's rules layered on packaging's.
func warehouseChecks(vals map[string][]string, m meta) []metaError {
	var errs []metaError
	if l := m.version.Local(); l != "" {
		errs = append(errs, metaError{field: "version", raw: true, msg: "The use of local versions in " +
			pyrepr.Str(m.version.String()) + " is not allowed. See https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers for more information."})
	}
	if len([]rune(m.summary)) > 512 {
		errs = append(errs, metaError{field: "summary", msg: "'summary' field must be 512 characters or less."})
	}
	var bad []string
	for _, c := range vals["classifiers"] {
		// Only trove-classifiers' names are allowed; the stand-in knows
		// one rule of that list: "Private ::" classifiers never are.
		if strings.HasPrefix(c, "Private ::") {
			bad = append(bad, c)
		}
	}
	sort.Strings(bad)
	for _, c := range bad {
		errs = append(errs, metaError{field: "classifier", msg: pyrepr.Str(c) + " is not a valid classifier."})
	}
	for _, k := range []string{"home_page", "download_url"} {
		if v := vals[k]; len(v) > 0 && !validURL(v[0]) {
			errs = append(errs, metaError{field: metaFields[k].email, msg: pyrepr.Str(v[0]) + " is not a valid url."})
		}
	}
	for _, pair := range vals["project_urls"] {
		label, u, _ := strings.Cut(pair, ",")
		label, u = strings.TrimSpace(label), strings.TrimSpace(u)
		var msg string
		switch {
		case label == "":
			msg = "Must have a label"
		case len([]rune(label)) > 32:
			msg = pyrepr.Str(label) + " must be 32 characters or less."
		case u == "":
			msg = "Must have a URL"
		case !validURL(u):
			msg = pyrepr.Str(u) + " is not a valid url"
		}
		if msg != "" {
			errs = append(errs, metaError{field: "project-url", msg: msg})
		}
	}
	if len(vals["license"]) > 0 && len(vals["license_expression"]) > 0 {
		errs = append(errs, metaError{field: "license", msg: "License is deprecated when License-Expression is present. Only License-Expression should be present."})
	}
	return errs
}

// validURL is Warehouse's is_valid_uri without a required authority:
// an http or https URL.
func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https"))
}
