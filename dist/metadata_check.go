package dist

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
	"github.com/pypi-publish/pypi-publish/internal/pyrepr"
	"github.com/pypi-publish/pypi-publish/internal/rst"
)

// RSTChecks and RSTNotChecked say what the reStructuredText check of the
// description (package internal/rst) finds and misses; they are here so
// that the README's list can be kept in step with it from outside.
var (
	RSTChecks     = rst.Checks
	RSTNotChecked = rst.NotChecked
)

// CheckOptions says which index the metadata is checked for.
type CheckOptions struct {
	// PyPI is set when the target is pypi.org or test.pypi.org. Rules that
	// only Warehouse applies (classifiers, no local versions, no direct
	// dependencies, rendering the description) are then errors; for other
	// indexes they are warnings or skipped.
	PyPI bool
}

// CheckMetadata returns every problem PyPI would find in m, worded as
// PyPI words them: packaging's validation of core metadata plus
// Warehouse's own rules. It does not stop at the first problem.
func CheckMetadata(m *Metadata, opts CheckOptions) []Problem {
	c := &checker{m: m, opts: opts, values: map[string][]string{}}
	c.collect()
	c.checkVersions()
	c.checkRequired()
	for _, spec := range Fields {
		vs, ok := c.values[spec.Name]
		if !ok || c.tooNew(spec) {
			continue
		}
		if check := fieldChecks[spec.Name]; check != nil {
			check(c, vs)
		}
	}
	c.checkLicensePair()
	c.checkDescription()
	return c.problems
}

type checker struct {
	m        *Metadata
	opts     CheckOptions
	values   map[string][]string // canonical name -> values PyPI keeps
	mvRank   int                 // rank of a valid Metadata-Version, else -1
	problems []Problem
}

func (c *checker) add(field, hint, format string, args ...any) {
	c.problems = append(c.problems, Problem{Field: field, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// warehouse adds a problem that only Warehouse reports: an error for
// PyPI, a warning for other indexes.
func (c *checker) warehouse(field, hint, format string, args ...any) {
	p := Problem{Field: field, Message: fmt.Sprintf(format, args...), Hint: hint, Warning: !c.opts.PyPI}
	if p.Warning {
		p.Message = "PyPI would refuse this: " + p.Message
	}
	c.problems = append(c.problems, p)
}

// collect groups the values by field, dropping what PyPI drops (empty
// values and "UNKNOWN", which old setuptools writes for unset fields),
// and reports unknown and repeated fields.
func (c *checker) collect() {
	count := map[string]int{}
	for _, f := range c.m.Fields {
		spec, ok := LookupField(f.Name)
		if !ok {
			c.problems = append(c.problems, Problem{Field: f.Name, Warning: true,
				Message: fmt.Sprintf("unknown field %s: PyPI ignores it", pyrepr.Str(f.Name)),
				Hint:    "twine check and twine upload refuse unknown fields; remove it or fix its spelling"})
			continue
		}
		count[spec.Name]++
		if f.Value == "" || f.Value == "UNKNOWN" {
			continue
		}
		c.values[spec.Name] = append(c.values[spec.Name], f.Value)
	}
	for _, spec := range Fields {
		if !spec.Multiple && count[spec.Name] > 1 {
			c.add(spec.Name, fmt.Sprintf("%s may appear only once; the metadata has it %d times", spec.Name, count[spec.Name]),
				"%s has invalid data", pyrepr.Str(spec.FormKey))
		}
	}
}

func (c *checker) first(name string) string {
	if vs := c.values[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

const upgradeBackend = "upgrade your build backend (setuptools, hatchling, flit-core, poetry-core, maturin, …) and rebuild"

func (c *checker) checkVersions() {
	mv := c.first("Metadata-Version")
	c.mvRank = versionRank(mv)
	switch {
	case mv == "":
		c.add("Metadata-Version", "the build backend must write Metadata-Version first; "+upgradeBackend, "None is not a valid metadata version")
	case mv == "2.0":
		c.add("Metadata-Version", "2.0 was never a standard version (PEP 426 was withdrawn) and PyPI no longer accepts it; "+upgradeBackend,
			"%s is not a valid metadata version", pyrepr.Str(mv))
	case c.mvRank < 0:
		c.add("Metadata-Version", "PyPI accepts "+strings.Join(metadataVersions, ", ")+"; "+upgradeBackend,
			"%s is not a valid metadata version", pyrepr.Str(mv))
	}
}

// tooNew reports (once) a field newer than the declared metadata version.
// Like packaging, it then skips the field's own checks.
func (c *checker) tooNew(spec FieldSpec) bool {
	if c.mvRank < 0 || versionRank(spec.Since) <= c.mvRank {
		return false
	}
	mv := metadataVersions[c.mvRank]
	msg := fmt.Sprintf("%s introduced in metadata version %s, not %s", strings.ToLower(spec.Name), spec.Since, mv)
	hint := fmt.Sprintf("the build backend wrote %s without declaring Metadata-Version %s or later; %s", spec.Name, spec.Since, upgradeBackend)
	if spec.Name == "License-File" {
		// twine leaves License-File out below 2.4 (setuptools < 77 wrote it
		// in 2.1 metadata), so PyPI never sees it.
		c.problems = append(c.problems, Problem{Field: spec.Name, Warning: true, Message: msg + "; it is left out of the upload", Hint: hint})
		return true
	}
	c.add(spec.Name, hint, "%s", msg)
	return true
}

func (c *checker) checkRequired() {
	if c.first("Name") == "" {
		c.add("Name", "set the project name in pyproject.toml ([project] name)", "'name' is a required field")
	}
	if c.first("Version") == "" {
		c.add("Version", "set the version in pyproject.toml ([project] version, or your version plugin)", "'version' is a required field")
	}
}

var fieldChecks = map[string]func(*checker, []string){
	"Name":                     (*checker).checkName,
	"Version":                  (*checker).checkVersion,
	"Summary":                  (*checker).checkSummary,
	"Description-Content-Type": (*checker).checkContentType,
	"Home-page":                func(c *checker, vs []string) { c.checkURLs("Home-page", vs) },
	"Download-URL":             func(c *checker, vs []string) { c.checkURLs("Download-URL", vs) },
	"Author-email":             func(c *checker, vs []string) { c.checkEmails("Author-email", vs) },
	"Maintainer-email":         func(c *checker, vs []string) { c.checkEmails("Maintainer-email", vs) },
	"Project-URL":              (*checker).checkProjectURLs,
	"Classifier":               (*checker).checkClassifiers,
	"Requires-Dist":            (*checker).checkRequiresDist,
	"Provides-Dist":            func(c *checker, vs []string) { c.checkOtherDist("Provides-Dist", vs) },
	"Obsoletes-Dist":           func(c *checker, vs []string) { c.checkOtherDist("Obsoletes-Dist", vs) },
	"Requires-Python":          (*checker).checkRequiresPython,
	"Provides-Extra":           (*checker).checkProvidesExtra,
	"Dynamic":                  (*checker).checkDynamic,
	"License-Expression":       (*checker).checkLicenseExpression,
	"License-File":             (*checker).checkLicenseFiles,
	"Import-Name":              func(c *checker, vs []string) { c.checkImportNames("Import-Name", vs) },
	"Import-Namespace":         func(c *checker, vs []string) { c.checkImportNames("Import-Namespace", vs) },
}

// nameRE is PyPI's (and PEP 508's) rule for project names.
var nameRE = regexp.MustCompile(`(?i)^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`)

func (c *checker) checkName(vs []string) {
	v := vs[0]
	if nameRE.MatchString(v) {
		return
	}
	hint := "project names are ASCII letters, digits, '.', '_' and '-', starting and ending with a letter or digit"
	if c.opts.PyPI {
		// The upload form rejects the name before the metadata is read.
		shown := v
		if r := []rune(v); len(r) > 60 {
			shown = string(r[:30]) + "..." + string(r[len(r)-30:])
		}
		c.add("Name", hint, "%s is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'.", pyrepr.Str(shown))
		return
	}
	c.add("Name", hint, "%s is invalid for 'name'", pyrepr.Str(v))
}

func (c *checker) checkVersion(vs []string) {
	v := vs[0]
	parsed, err := pep440.Parse(v)
	if err != nil {
		c.add("Version", "versions follow PEP 440 (e.g. 1.2.3, 1.2.3rc1, 1.2.3.post1, 1.2.3.dev4); see https://packaging.python.org/en/latest/specifications/version-specifiers/",
			"%s is invalid for 'version'", pyrepr.Str(v))
		return
	}
	if c.opts.PyPI && parsed.Local() != "" {
		c.add("Version", "PyPI refuses local versions (the '+"+parsed.Local()+"' part); build from a tag, or configure your version plugin (setuptools-scm: local_scheme = \"no-local-version\")",
			"The use of local versions in %s is not allowed. See https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers for more information.", pyrepr.Str(v))
	}
}

func (c *checker) checkSummary(vs []string) {
	v := vs[0]
	if strings.ContainsAny(v, "\r\n") {
		c.add("Summary", "the summary must be one line; put longer text in the description", "'summary' must be a single line")
	}
	if n := utf8.RuneCountInString(v); n > 512 {
		c.warehouse("Summary", fmt.Sprintf("the summary has %d characters; shorten it and move the rest to the description", n),
			"'summary' field must be 512 characters or less.")
	}
}

// checkContentType follows packaging: the type must be one of three, the
// charset (if given) UTF-8, and a Markdown variant GFM or CommonMark.
func (c *checker) checkContentType(vs []string) {
	v := vs[0]
	ct, params := parseContentType(v)
	hint := "use text/markdown, text/x-rst or text/plain (pyproject.toml: readme = {file = \"README.md\", content-type = \"text/markdown\"})"
	if (ct != "text/plain" && ct != "text/x-rst" && ct != "text/markdown") || !strings.Contains(strings.ToLower(v), ct) {
		c.add("Description-Content-Type", hint,
			"'description-content-type' must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not %s", pyrepr.Str(v))
		return
	}
	if cs, ok := params["charset"]; ok && cs != "UTF-8" {
		if strings.EqualFold(cs, "UTF-8") {
			c.problems = append(c.problems, Problem{Field: "Description-Content-Type", Warning: true,
				Message: fmt.Sprintf("charset=%s: packaging compares the charset with \"UTF-8\" exactly, so the index may refuse it", cs),
				Hint:    "write charset=UTF-8 in upper case"})
		} else {
			c.add("Description-Content-Type", "the description must be UTF-8; drop the charset parameter",
				"'description-content-type' can only specify the UTF-8 charset, not %s", pyrepr.List(splitRunes(cs)))
		}
	}
	if variant, ok := params["variant"]; ok && ct == "text/markdown" && variant != "GFM" && variant != "CommonMark" {
		c.add("Description-Content-Type", "use variant=GFM or variant=CommonMark, or leave the variant out",
			"valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not %s", pyrepr.Str(variant))
	}
}

// parseContentType splits "text/markdown; charset=UTF-8; variant=GFM"
// into the lowercase type and its parameters (names lowercased, quotes
// removed).
func parseContentType(v string) (string, map[string]string) {
	parts := strings.Split(v, ";")
	ct := strings.ToLower(strings.TrimSpace(parts[0]))
	params := map[string]string{}
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		params[strings.ToLower(strings.TrimSpace(k))] = val
	}
	return ct, params
}

func (c *checker) checkURLs(field string, vs []string) {
	for _, v := range vs {
		if !validURL(v) {
			c.warehouse(field, urlHint(v), "%s is not a valid url.", pyrepr.Str(v))
		}
	}
}

func (c *checker) checkEmails(field string, vs []string) {
	for _, v := range vs {
		if addr, why := emailProblem(v); why != "" {
			c.warehouse(field, "write addresses as name@example.org or \"Name <name@example.org>\"; in pyproject.toml, authors = [{name = \"…\", email = \"…\"}]",
				"%s is not a valid email address: %s", pyrepr.Str(addr), why)
		}
	}
}

func (c *checker) checkProjectURLs(vs []string) {
	seen := map[string]bool{}
	dup := false
	for _, v := range vs {
		label, url, _ := strings.Cut(v, ",")
		label, url = strings.TrimSpace(label), strings.TrimSpace(url)
		if seen[label] {
			dup = true
		}
		seen[label] = true
		switch {
		case label == "":
			c.warehouse("Project-URL", "write Project-URL as \"Label, https://…\" ([project.urls] in pyproject.toml)", "Must have a label")
		case utf8.RuneCountInString(label) > 32:
			c.warehouse("Project-URL", "shorten the label in [project.urls]", "%s must be 32 characters or less.", pyrepr.Str(label))
		}
		switch {
		case url == "":
			c.warehouse("Project-URL", "write Project-URL as \"Label, https://…\" ([project.urls] in pyproject.toml)", "Must have a URL")
		case !validURL(url):
			c.warehouse("Project-URL", urlHint(url), "%s is not a valid url", pyrepr.Str(url))
		}
	}
	if dup {
		c.add("Project-URL", "each Project-URL label may appear only once", "'project_urls' has invalid data")
	}
}

func (c *checker) checkClassifiers(vs []string) {
	if !c.opts.PyPI {
		return // other indexes do not check classifiers; Private :: is for them
	}
	seen := map[string]bool{}
	for _, v := range vs {
		if seen[v] {
			continue
		}
		seen[v] = true
		if p := checkClassifier(v); p != nil {
			c.problems = append(c.problems, *p)
		}
	}
}

func (c *checker) checkRequiresDist(vs []string) {
	for _, v := range vs {
		r, err := ParseRequirement(v)
		if err != nil {
			c.add("Requires-Dist", "dependencies follow PEP 508, e.g. \"requests[socks]>=2.8; python_version < '3.12'\": "+err.Error(),
				"%s is invalid for 'requires-dist'", pyrepr.Str(v))
			continue
		}
		if r.URL != "" && c.opts.PyPI {
			c.add("Requires-Dist", "PyPI refuses dependencies given by URL (name @ url); depend on a release published on PyPI instead",
				"Can't have direct dependency: %s", v)
		}
	}
}

func (c *checker) checkOtherDist(field string, vs []string) {
	for _, v := range vs {
		r, err := ParseRequirement(v)
		if err != nil {
			c.warehouse(field, "the value must be a PEP 508 requirement", "%s is invalid: %s", pyrepr.Str(v), err.Error())
			continue
		}
		if r.URL != "" && c.opts.PyPI {
			c.add(field, "PyPI refuses URLs here", "Can't have direct dependency: %s", pyrepr.Str(v))
		}
	}
}

func (c *checker) checkRequiresPython(vs []string) {
	if err := pep440.ParseSpecifierSet(vs[0]); err != nil {
		c.add("Requires-Python", "write version specifiers such as \">=3.9\" or \">=3.9,!=3.10.*\" (requires-python in pyproject.toml)",
			"%s is invalid for 'requires-python'", pyrepr.Str(vs[0]))
	}
}

func (c *checker) checkProvidesExtra(vs []string) {
	for _, v := range vs {
		if !nameRE.MatchString(v) {
			c.add("Provides-Extra", "extra names follow the same rule as project names: letters, digits, '.', '_' and '-'",
				"%s is invalid for 'provides-extra'", pyrepr.Str(v))
		}
	}
}

func (c *checker) checkDynamic(vs []string) {
	for _, v := range vs {
		f := strings.ToLower(v)
		switch _, known := LookupField(f); {
		case f == "name" || f == "version" || f == "metadata-version":
			c.add("Dynamic", "name and version must be static in an sdist's metadata (PEP 643); fix the build backend's configuration",
				"%s is not allowed as a dynamic field", pyrepr.Str(f))
		case !known:
			c.add("Dynamic", "Dynamic lists core metadata field names, such as Requires-Dist",
				"%s is not a valid dynamic field", pyrepr.Str(f))
		}
	}
}

func (c *checker) checkLicenseExpression(vs []string) {
	v := vs[0]
	_, reason, deprecated := checkLicenseExpression(v)
	if reason != "" {
		c.add("License-Expression", reason+"; use SPDX identifiers (https://spdx.org/licenses/) joined with AND, OR, WITH and parentheses, or LicenseRef-<name> for others",
			"%s is invalid for 'license-expression'", pyrepr.Str(v))
		return
	}
	for _, id := range deprecated {
		c.problems = append(c.problems, Problem{Field: "License-Expression", Warning: true,
			Message: fmt.Sprintf("%s is a deprecated SPDX identifier", pyrepr.Str(id)),
			Hint:    "see https://spdx.org/licenses/ for its replacement (e.g. GPL-3.0-only or GPL-3.0-or-later)"})
	}
}

func (c *checker) checkLicensePair() {
	if c.first("License") == "" || c.first("License-Expression") == "" || c.tooNewQuiet("License-Expression") {
		return
	}
	c.add("License", "remove the license text or classifier-era License field; with PEP 639, license = \"MIT\" in pyproject.toml writes only License-Expression",
		"License is deprecated when License-Expression is present. Only License-Expression should be present.")
}

func (c *checker) tooNewQuiet(name string) bool {
	spec, _ := LookupField(name)
	return c.mvRank >= 0 && versionRank(spec.Since) > c.mvRank
}

// checkLicenseFiles applies packaging's path rules for License-File.
func (c *checker) checkLicenseFiles(vs []string) {
	const hint = "License-File paths are relative to the project root, use '/' and no '..' or globs; fix license-files in pyproject.toml"
	for _, v := range vs {
		var why string
		switch {
		case strings.Contains(v, ".."):
			why = "parent directory indicators are not allowed"
		case strings.Contains(v, "*"):
			why = "paths must be resolved"
		case strings.HasPrefix(v, "/") || windowsAbsolute(v):
			why = "paths must be relative"
		case windowsAsPosix(v) != v:
			why = "paths must use '/' delimiter"
		default:
			continue
		}
		c.add("License-File", hint, "%s is invalid for 'license-file', %s", pyrepr.Str(v), why)
	}
}

// windowsAbsolute is PureWindowsPath.is_absolute: a drive and a root
// ("C:\x", "C:/x") or a UNC share ("\\server\share").
func windowsAbsolute(p string) bool {
	p = strings.ReplaceAll(p, "\\", "/")
	if strings.HasPrefix(p, "//") {
		return true
	}
	return len(p) >= 3 && isASCIIAlnum(p[0]) && !('0' <= p[0] && p[0] <= '9') && p[1] == ':' && p[2] == '/'
}

// windowsAsPosix is PureWindowsPath(p).as_posix() for a relative path:
// '\' becomes '/', and empty and "." components disappear.
func windowsAsPosix(p string) string {
	var parts []string
	for _, part := range strings.Split(strings.ReplaceAll(p, "\\", "/"), "/") {
		if part != "" && part != "." {
			parts = append(parts, part)
		}
	}
	if len(parts) == 0 {
		return "."
	}
	return strings.Join(parts, "/")
}

// checkImportNames applies packaging's rule for Import-Name and
// Import-Namespace: dotted Python identifiers, no keywords, optionally
// followed by "; private".
func (c *checker) checkImportNames(field string, vs []string) {
	key := strings.ToLower(field)
	hint := field + " takes a dotted module name, such as \"mypkg\" or \"mypkg.sub\", optionally followed by \"; private\""
	for _, v := range vs {
		name, opt, semi := strings.Cut(v, ";")
		name = strings.TrimRight(name, " \t")
		if semi && strings.TrimSpace(opt) != "private" {
			c.add(field, hint, "%s is invalid for %s; the only valid option is 'private'", pyrepr.Str(v), pyrepr.Str(key))
			continue
		}
		for _, id := range strings.Split(name, ".") {
			if !isPyIdentifier(id) {
				c.add(field, hint, "%s is invalid for %s; %s is not a valid identifier", pyrepr.Str(name), pyrepr.Str(key), pyrepr.Str(id))
				break
			}
			if pyKeywords[id] {
				c.add(field, hint, "%s is invalid for %s; %s is a keyword", pyrepr.Str(name), pyrepr.Str(key), pyrepr.Str(id))
				break
			}
		}
	}
}

func (c *checker) checkDescription() {
	// Checked as docutils reads it, with any line ending.
	desc := strings.ReplaceAll(c.m.Description, "\r\n", "\n")
	if c.m.Get("Description") != "" && strings.TrimSpace(desc) != c.m.Get("Description") {
		c.problems = append(c.problems, Problem{Field: "Description", Warning: true,
			Message: "the metadata has both a Description header and a body; the body is uploaded",
			Hint:    "twine refuses such metadata; rebuild with a current build backend"})
	}
	if desc == "" || desc == "UNKNOWN" {
		return
	}
	ct, _ := parseContentType(c.first("Description-Content-Type"))
	if ct != "" && ct != "text/x-rst" {
		return // Markdown and plain text always render
	}
	found := rst.Check(desc)
	if len(found) == 0 {
		return
	}
	head := Problem{Field: "Description", Warning: !c.opts.PyPI,
		Message: "The description failed to render in the default format of reStructuredText.",
		Hint:    "PyPI renders it with docutils and refuses the upload at the first warning; fix the problems below"}
	if ct != "" {
		head.Message = fmt.Sprintf("The description failed to render for %s.", pyrepr.Str(c.first("Description-Content-Type")))
	} else if looksLikeMarkdown(desc) {
		head.Hint = "the description looks like Markdown: declare it (pyproject.toml: readme = \"README.md\", or Description-Content-Type: text/markdown)"
	}
	if head.Warning {
		head.Message = "PyPI would refuse this: " + head.Message
	}
	c.problems = append(c.problems, head)
	for _, p := range found {
		c.problems = append(c.problems, Problem{Field: "Description", Message: p.Message, Hint: p.Hint, Warning: head.Warning})
	}
}

// looksLikeMarkdown spots the usual signs of a Markdown README.
func looksLikeMarkdown(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "# ") || strings.HasPrefix(line, "## ") || strings.HasPrefix(line, "```") || strings.Contains(line, "](http") {
			return true
		}
	}
	return false
}
