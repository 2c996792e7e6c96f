package dist

import (
	"regexp"
	"testing"
)

func TestLookupField(t *testing.T) {
	tests := []struct {
		name, canonical, key string
		multiple             bool
		since                string
	}{
		{"Home-Page", "Home-page", "home_page", false, "1.0"},
		{"home-page", "Home-page", "home_page", false, "1.0"},
		{"CLASSIFIER", "Classifier", "classifiers", true, "1.1"},
		{"Project-Url", "Project-URL", "project_urls", true, "1.2"},
		{"Download-URL", "Download-URL", "download_url", false, "1.1"},
		{"Requires-Dist", "Requires-Dist", "requires_dist", true, "1.2"},
		{"Description-Content-Type", "Description-Content-Type", "description_content_type", false, "2.1"},
		{"Provides-Extra", "Provides-Extra", "provides_extra", true, "2.1"},
		{"Dynamic", "Dynamic", "dynamic", true, "2.2"},
		{"License-Expression", "License-Expression", "license_expression", false, "2.4"},
		{"License-File", "License-File", "license_file", true, "2.4"},
		{"Import-Name", "Import-Name", "import_name", true, "2.5"},
		{"Import-Namespace", "Import-Namespace", "import_namespace", true, "2.5"},
		{"Platform", "Platform", "platform", true, "1.0"},
		{"Supported-Platform", "Supported-Platform", "supported_platform", true, "1.1"},
		{"Keywords", "Keywords", "keywords", false, "1.0"},
		{"Author-Email", "Author-email", "author_email", false, "1.0"},
	}
	for _, tt := range tests {
		f, ok := LookupField(tt.name)
		if !ok {
			t.Errorf("LookupField(%q) not found", tt.name)
			continue
		}
		if f.Name != tt.canonical || f.FormKey != tt.key || f.Multiple != tt.multiple || f.Since != tt.since {
			t.Errorf("LookupField(%q) = %+v", tt.name, f)
		}
	}
	for _, unknown := range []string{"", "X-Foo", "Home_page", "Classifiers"} {
		if _, ok := LookupField(unknown); ok {
			t.Errorf("LookupField(%q) found", unknown)
		}
	}
}

func TestFieldsTable(t *testing.T) {
	keyRE := regexp.MustCompile(`^[a-z_]+$`)
	seenName, seenKey := map[string]bool{}, map[string]bool{}
	for _, f := range Fields {
		if seenName[f.Name] || seenKey[f.FormKey] {
			t.Errorf("duplicate %+v", f)
		}
		seenName[f.Name], seenKey[f.FormKey] = true, true
		if !keyRE.MatchString(f.FormKey) {
			t.Errorf("%s: form key %q", f.Name, f.FormKey)
		}
		if versionRank(f.Since) < 0 {
			t.Errorf("%s: Since %q is not a metadata version", f.Name, f.Since)
		}
	}
	if len(Fields) != 32 {
		t.Errorf("len(Fields) = %d, want 32", len(Fields))
	}
	// The first three are what the upload form requires, in twine's order.
	for i, want := range []string{"metadata_version", "name", "version"} {
		if Fields[i].FormKey != want {
			t.Errorf("Fields[%d] = %s, want %s", i, Fields[i].FormKey, want)
		}
	}
}
