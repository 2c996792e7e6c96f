package dist

import "strings"

// FieldSpec describes one core metadata field.
type FieldSpec struct {
	// Name is the header name as the core metadata spec writes it.
	Name string
	// FormKey is the key of the field in the upload form (twine's name,
	// which PyPI reads): lowercase, "_" for "-", and for some fields a
	// name of its own ("classifiers", "project_urls").
	FormKey string
	// Multiple is set for fields that may appear more than once; each
	// value is then sent as its own form field.
	Multiple bool
	// Since is the metadata version that introduced the field.
	Since string
}

// Fields lists every core metadata field from 1.0 to 2.5 in the order
// twine sends them: the single-use fields, the multiple-use fields, then
// project_urls, keywords, and the 2.5 import fields (which twine does not
// send, but PyPI accepts).
var Fields = []FieldSpec{
	{"Metadata-Version", "metadata_version", false, "1.0"},
	{"Name", "name", false, "1.0"},
	{"Version", "version", false, "1.0"},
	{"Summary", "summary", false, "1.0"},
	{"Description", "description", false, "1.0"},
	{"Home-page", "home_page", false, "1.0"},
	{"Author", "author", false, "1.0"},
	{"Author-email", "author_email", false, "1.0"},
	{"License", "license", false, "1.0"},
	{"Download-URL", "download_url", false, "1.1"},
	{"Maintainer", "maintainer", false, "1.2"},
	{"Maintainer-email", "maintainer_email", false, "1.2"},
	{"Requires-Python", "requires_python", false, "1.2"},
	{"Description-Content-Type", "description_content_type", false, "2.1"},
	{"License-Expression", "license_expression", false, "2.4"},
	{"Platform", "platform", true, "1.0"},
	{"Supported-Platform", "supported_platform", true, "1.1"},
	{"Classifier", "classifiers", true, "1.1"},
	{"Requires", "requires", true, "1.1"},
	{"Provides", "provides", true, "1.1"},
	{"Obsoletes", "obsoletes", true, "1.1"},
	{"Requires-Dist", "requires_dist", true, "1.2"},
	{"Provides-Dist", "provides_dist", true, "1.2"},
	{"Obsoletes-Dist", "obsoletes_dist", true, "1.2"},
	{"Requires-External", "requires_external", true, "1.2"},
	{"Provides-Extra", "provides_extra", true, "2.1"},
	{"Dynamic", "dynamic", true, "2.2"},
	{"License-File", "license_file", true, "2.4"},
	{"Project-URL", "project_urls", true, "1.2"},
	{"Keywords", "keywords", false, "1.0"},
	{"Import-Name", "import_name", true, "2.5"},
	{"Import-Namespace", "import_namespace", true, "2.5"},
}

var fieldIndex = func() map[string]int {
	idx := make(map[string]int, len(Fields))
	for i, f := range Fields {
		idx[strings.ToLower(f.Name)] = i
	}
	return idx
}()

// LookupField returns the spec of the header name, matched without regard
// to case, so "Home-Page" finds "Home-page".
func LookupField(name string) (FieldSpec, bool) {
	i, ok := fieldIndex[strings.ToLower(name)]
	if !ok {
		return FieldSpec{}, false
	}
	return Fields[i], true
}

// metadataVersions are the versions PyPI accepts, oldest first. 2.0 was
// never a standard (PEP 426 was withdrawn) and PyPI refuses it.
var metadataVersions = []string{"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"}

// versionRank returns the position of v in metadataVersions, or -1.
func versionRank(v string) int {
	for i, s := range metadataVersions {
		if s == v {
			return i
		}
	}
	return -1
}
