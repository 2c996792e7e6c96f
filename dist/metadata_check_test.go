package dist

import (
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/pyrepr"
)

// base is valid 2.4 metadata that each case extends.
const base = "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\n"

func checkText(t *testing.T, text string, pypi bool) []Problem {
	t.Helper()
	m, err := ParseMetadata([]byte(text))
	if err != nil {
		t.Fatalf("ParseMetadata: %v", err)
	}
	return CheckMetadata(m, CheckOptions{PyPI: pypi})
}

func TestCheckMetadataRules(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		field   string // of the expected problem
		message string // exact Message; "" means no error at all
		warning bool
	}{
		{"valid minimal", base, "", "", false},
		{"missing metadata version", "Name: demo\nVersion: 1.0\n", "Metadata-Version", "None is not a valid metadata version", false},
		{"metadata 2.0", "Metadata-Version: 2.0\nName: demo\nVersion: 1.0\n", "Metadata-Version", "'2.0' is not a valid metadata version", false},
		{"metadata 3.0", "Metadata-Version: 3.0\nName: demo\nVersion: 1.0\n", "Metadata-Version", "'3.0' is not a valid metadata version", false},
		{"missing name", "Metadata-Version: 2.1\nVersion: 1.0\n", "Name", "'name' is a required field", false},
		{"UNKNOWN name", "Metadata-Version: 2.1\nName: UNKNOWN\nVersion: 1.0\n", "Name", "'name' is a required field", false},
		{"missing version", "Metadata-Version: 2.1\nName: demo\n", "Version", "'version' is a required field", false},
		{"bad name pypi", "Metadata-Version: 2.1\nName: Bad!\nVersion: 1.0\n", "Name",
			"'Bad!' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'.", false},
		{"bad name other index", "Metadata-Version: 2.1\nName: -demo\nVersion: 1.0\n", "Name", "'-demo' is invalid for 'name'", false},
		{"bad version", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0-foo\n", "Version", "'1.0-foo' is invalid for 'version'", false},
		{"local version pypi", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0+abc\n", "Version",
			"The use of local versions in '1.0+abc' is not allowed. See https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers for more information.", false},
		{"field too new", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nLicense-Expression: MIT\n", "License-Expression", "license-expression introduced in metadata version 2.4, not 2.1", false},
		{"dynamic too new", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nDynamic: Requires-Dist\n", "Dynamic", "dynamic introduced in metadata version 2.2, not 2.1", false},
		{"maintainer too new", "Metadata-Version: 1.1\nName: demo\nVersion: 1.0\nMaintainer: me\n", "Maintainer", "maintainer introduced in metadata version 1.2, not 1.1", false},
		{"classifier too new", "Metadata-Version: 1.0\nName: demo\nVersion: 1.0\nClassifier: Framework :: Django\n", "Classifier", "classifier introduced in metadata version 1.1, not 1.0", false},
		{"import-name too new", "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nImport-Name: demo\n", "Import-Name", "import-name introduced in metadata version 2.5, not 2.4", false},
		{"license-file in 2.1 is dropped", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nLicense-File: LICENSE\n", "License-File",
			"license-file introduced in metadata version 2.4, not 2.1; it is left out of the upload", true},
		{"summary two lines", base + "Summary: one\n", "", "", false},
		{"summary too long", base + "Summary: " + strings.Repeat("x", 513) + "\n", "Summary", "'summary' field must be 512 characters or less.", false},
		{"summary 512 ok", base + "Summary: " + strings.Repeat("é", 512) + "\n", "", "", false},
		{"content type", base + "Description-Content-Type: text/html\n", "Description-Content-Type",
			"'description-content-type' must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not 'text/html'", false},
		{"content type charset", base + "Description-Content-Type: text/markdown; charset=latin-1\n", "Description-Content-Type",
			"'description-content-type' can only specify the UTF-8 charset, not ['l', 'a', 't', 'i', 'n', '-', '1']", false},
		{"content type lowercase utf-8", base + "Description-Content-Type: text/markdown; charset=utf-8\n", "Description-Content-Type",
			"charset=utf-8: packaging compares the charset with \"UTF-8\" exactly, so the index may refuse it", true},
		{"content type variant", base + "Description-Content-Type: text/markdown; variant=Original\n", "Description-Content-Type",
			"valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not 'Original'", false},
		{"content type ok", base + "Description-Content-Type: text/markdown; charset=UTF-8; variant=CommonMark\n", "", "", false},
		{"home page url", base + "Home-page: www.example.org\n", "Home-page", "'www.example.org' is not a valid url.", false},
		{"home page ok", base + "Home-page: https://example.org/a%20b?x=1#frag ment\n", "", "", false},
		{"download url space", base + "Download-URL: https://example.org/a b\n", "Download-URL", "'https://example.org/a b' is not a valid url.", false},
		{"url other index", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nHome-page: ftp://x\n", "Home-page", "PyPI would refuse this: 'ftp://x' is not a valid url.", true},
		{"email no at", base + "Author-email: someone\n", "Author-email",
			"'someone' is not a valid email address: The email address is not valid. It must have exactly one @-sign.", false},
		{"email no dot", base + "Maintainer-email: Me <me@localhost>\n", "Maintainer-email",
			"'me@localhost' is not a valid email address: The part after the @-sign is not valid. It should have a period.", false},
		{"email list ok", base + "Author-email: A <a@x.org>, \"B, Jr\" <b@y.org>\n", "", "", false},
		{"email ok", base + "Author-email: Daniel Holth <dholth@fastmail.fm>\n", "", "", false},
		{"project url label", base + "Project-URL: " + strings.Repeat("L", 33) + ", https://x.org\n", "Project-URL", "'" + strings.Repeat("L", 33) + "' must be 32 characters or less.", false},
		{"project url no label", base + "Project-URL: , https://x.org\n", "Project-URL", "Must have a label", false},
		{"project url no url", base + "Project-URL: Docs\n", "Project-URL", "Must have a URL", false},
		{"project url bad url", base + "Project-URL: Docs, docs.example.org\n", "Project-URL", "'docs.example.org' is not a valid url", false},
		{"project url duplicate", base + "Project-URL: Docs, https://a.org\nProject-URL: Docs, https://b.org\n", "Project-URL", "'project_urls' has invalid data", false},
		{"repeated single field", base + "Summary: a\nSummary: b\n", "Summary", "'summary' has invalid data", false},
		{"classifier unknown top level", base + "Classifier: Programing Language :: Python\n", "Classifier", "'Programing Language :: Python' is not a valid classifier.", false},
		{"classifier wrong case", base + "Classifier: License :: OSI Approved :: Mit License\n", "Classifier", "'License :: OSI Approved :: Mit License' is not a valid classifier.", false},
		{"classifier private", base + "Classifier: Private :: Do Not Upload\n", "Classifier", "'Private :: Do Not Upload' is not a valid classifier.", false},
		{"classifier private other index", "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nClassifier: Private :: Do Not Upload\n", "", "", false},
		{"classifier deprecated", base + "Classifier: Natural Language :: Ukranian\n", "Classifier",
			"The classifier 'Natural Language :: Ukranian' has been deprecated, use one of ['Natural Language :: Ukrainian'] instead.", false},
		{"classifier maybe newer", base + "Classifier: Programming Language :: Python :: 3.99\n", "Classifier",
			"'Programming Language :: Python :: 3.99' is not in trove-classifiers as of 2026-01-14 (the list this pypi-publish knows); unless it was added since, PyPI will answer: 'Programming Language :: Python :: 3.99' is not a valid classifier.", true},
		{"classifier ok", base + "Classifier: Programming Language :: Python :: 3 :: Only\n", "", "", false},
		{"requires-dist invalid", base + "Requires-Dist: foo>=1.0.*\n", "Requires-Dist", "'foo>=1.0.*' is invalid for 'requires-dist'", false},
		{"requires-dist url", base + "Requires-Dist: foo @ https://x.org/foo.whl\n", "Requires-Dist", "Can't have direct dependency: foo @ https://x.org/foo.whl", false},
		{"requires-dist url other index", "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nRequires-Dist: foo @ https://x.org/foo.whl\n", "", "", false},
		{"provides-dist invalid", base + "Provides-Dist: foo bar\n", "Provides-Dist",
			"'foo bar' is invalid: Expected end or semicolon (after name and no valid version specifier) (at character 5)", false},
		{"requires-python", base + "Requires-Python: >=3.8,<>4\n", "Requires-Python", "'>=3.8,<>4' is invalid for 'requires-python'", false},
		{"requires-python ok", base + "Requires-Python: >=3.8, !=3.9.*\n", "", "", false},
		{"provides-extra", base + "Provides-Extra: -bad\n", "Provides-Extra", "'-bad' is invalid for 'provides-extra'", false},
		{"dynamic not allowed", base + "Dynamic: Version\n", "Dynamic", "'version' is not allowed as a dynamic field", false},
		{"dynamic not valid", base + "Dynamic: Colour\n", "Dynamic", "'colour' is not a valid dynamic field", false},
		{"dynamic ok", base + "Dynamic: Requires-Dist\nDynamic: license-file\n", "", "", false},
		{"license expression", base + "License-Expression: MIT OR\n", "License-Expression", "'MIT OR' is invalid for 'license-expression'", false},
		{"license expression unknown id", base + "License-Expression: Apache2\n", "License-Expression", "'Apache2' is invalid for 'license-expression'", false},
		{"license expression ok", base + "License-Expression: (MIT OR Apache-2.0) AND GPL-2.0-or-later WITH Classpath-exception-2.0 OR LicenseRef-Mine\n", "", "", false},
		{"license and expression", base + "License: MIT\nLicense-Expression: MIT\n", "License",
			"License is deprecated when License-Expression is present. Only License-Expression should be present.", false},
		{"license-file parent", base + "License-File: ../LICENSE\n", "License-File", "'../LICENSE' is invalid for 'license-file', parent directory indicators are not allowed", false},
		{"license-file glob", base + "License-File: LICEN*\n", "License-File", "'LICEN*' is invalid for 'license-file', paths must be resolved", false},
		{"license-file absolute", base + "License-File: /LICENSE\n", "License-File", "'/LICENSE' is invalid for 'license-file', paths must be relative", false},
		{"license-file windows absolute", base + "License-File: C:\\LICENSE\n", "License-File", "'C:\\\\LICENSE' is invalid for 'license-file', paths must be relative", false},
		{"license-file backslash", base + "License-File: licenses\\MIT\n", "License-File", "'licenses\\\\MIT' is invalid for 'license-file', paths must use '/' delimiter", false},
		{"license-file dot", base + "License-File: ./LICENSE\n", "License-File", "'./LICENSE' is invalid for 'license-file', paths must use '/' delimiter", false},
		{"license-file ok", base + "License-File: licenses/LICENSE.txt\n", "", "", false},
		{"import-name keyword", "Metadata-Version: 2.5\nName: demo\nVersion: 1.0\nImport-Name: demo.class\n", "Import-Name", "'demo.class' is invalid for 'import-name'; 'class' is a keyword", false},
		{"import-name option", "Metadata-Version: 2.5\nName: demo\nVersion: 1.0\nImport-Name: demo; public\n", "Import-Name", "'demo; public' is invalid for 'import-name'; the only valid option is 'private'", false},
		{"import-name ok", "Metadata-Version: 2.5\nName: demo\nVersion: 1.0\nImport-Name: demo._impl; private\nImport-Namespace: demo\n", "", "", false},
		{"unknown field", base + "X-Custom: 1\n", "X-Custom", "unknown field 'X-Custom': PyPI ignores it", true},
		{"rst description", base + "\nTitle\n====\n\ntext\n", "Description", "The description failed to render in the default format of reStructuredText.", false},
		{"rst description explicit", base + "Description-Content-Type: text/x-rst\n\n*oops\n", "Description", "The description failed to render for 'text/x-rst'.", false},
		{"markdown description", base + "Description-Content-Type: text/markdown\n\n*oops\n", "", "", false},
		{"rst other index", "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\n\n*oops\n", "Description",
			"PyPI would refuse this: The description failed to render in the default format of reStructuredText.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pypi := !strings.Contains(tt.name, "other index")
			problems := checkText(t, tt.text, pypi)
			if tt.message == "" {
				for _, p := range problems {
					if !p.Warning {
						t.Errorf("unexpected error: %s", p)
					}
				}
				return
			}
			for _, p := range problems {
				if p.Field == tt.field && p.Message == tt.message {
					if p.Warning != tt.warning {
						t.Errorf("Warning = %v, want %v", p.Warning, tt.warning)
					}
					if p.Hint == "" {
						t.Errorf("no hint for %s", p)
					}
					return
				}
			}
			t.Errorf("no problem %s: %q; got:", tt.field, tt.message)
			for _, p := range problems {
				t.Logf("  %s: %q (warning %v)", p.Field, p.Message, p.Warning)
			}
		})
	}
}

// CheckMetadata reports every problem, not just the first.
func TestCheckMetadataCollectsAll(t *testing.T) {
	problems := checkText(t, "Metadata-Version: 2.1\nName: Bad!\nVersion: 1.0-foo\nSummary: a\nSummary: b\nLicense-Expression: MIT\nClassifier: Private :: x\n", true)
	fields := map[string]bool{}
	for _, p := range problems {
		if !p.Warning {
			fields[p.Field] = true
		}
	}
	for _, f := range []string{"Name", "Version", "Summary", "License-Expression", "Classifier"} {
		if !fields[f] {
			t.Errorf("no error for %s in %v", f, problems)
		}
	}
}

func TestCheckLicenseExpression(t *testing.T) {
	tests := []struct{ in, canonical, reason string }{
		{"mit", "MIT", ""},
		{"MIT or apache-2.0", "MIT OR Apache-2.0", ""},
		{"(MIT OR Apache-2.0) AND BSD-3-Clause", "(MIT OR Apache-2.0) AND BSD-3-Clause", ""},
		{"GPL-2.0+", "GPL-2.0+", ""},
		{"licenseref-My.Own-1", "LicenseRef-My.Own-1", ""},
		{"", "", "Invalid license expression: ''"},
		{"MIT AND", "", "Invalid license expression: 'MIT AND'"},
		{"((MIT))", "", "Invalid license expression: '((MIT))'"},
		{"MIT (Apache-2.0)", "", "Invalid license expression: 'MIT (Apache-2.0)'"},
		{"MIT Apache-2.0", "", "Invalid license expression: 'MIT Apache-2.0'"},
		{"()", "", "Invalid license expression: '()'"},
		{"MIT WITH Bogus-exception", "", "Unknown license exception: 'bogus-exception'"},
		{"Apache 2.0", "", "Invalid license expression: 'Apache 2.0'"},
		{"GPLv3", "", "Unknown license: 'gplv3'"},
		{"LicenseRef-a_b", "", "Invalid licenseref: 'licenseref-a_b'"},
	}
	for _, tt := range tests {
		got, reason, _ := checkLicenseExpression(tt.in)
		if got != tt.canonical || reason != tt.reason {
			t.Errorf("checkLicenseExpression(%q) = %q, %q; want %q, %q", tt.in, got, reason, tt.canonical, tt.reason)
		}
	}
	if _, _, dep := checkLicenseExpression("GPL-3.0"); len(dep) != 1 {
		t.Errorf("GPL-3.0 should be reported as deprecated, got %v", dep)
	}
}

func TestPyRepr(t *testing.T) {
	tests := map[string]string{
		"abc":         `'abc'`,
		"it's":        `"it's"`,
		`"'`:          `'"\''`,
		"a\nb\\":      `'a\nb\\'`,
		"\x00é\u200b": `'\x00é\u200b'`,
	}
	for in, want := range tests {
		if got := pyrepr.Str(in); got != want {
			t.Errorf("pyrepr.Str(%q) = %s, want %s", in, got, want)
		}
	}
}
