package pypitest

import (
	"sort"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/pyrepr"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
)

// metaField describes one core metadata field as a form key.
type metaField struct {
	email string // the field's name in METADATA, lowercased; used in messages
	kind  int    // single, list, keywords or urls
	added string // metadata version that introduced it
}

const (
	single = iota
	list
	keywords
	urls
)

// metaFields maps form keys to core metadata fields (packaging's
// RawMetadata, with Warehouse's singular form names for list fields).
var metaFields = map[string]metaField{
	"metadata_version":         {"metadata-version", single, "1.0"},
	"name":                     {"name", single, "1.0"},
	"version":                  {"version", single, "1.0"},
	"dynamic":                  {"dynamic", list, "2.2"},
	"platform":                 {"platform", list, "1.0"},
	"supported_platform":       {"supported-platform", list, "1.1"},
	"summary":                  {"summary", single, "1.0"},
	"description":              {"description", single, "1.0"},
	"description_content_type": {"description-content-type", single, "2.1"},
	"keywords":                 {"keywords", keywords, "1.0"},
	"home_page":                {"home-page", single, "1.0"},
	"download_url":             {"download-url", single, "1.1"},
	"author":                   {"author", single, "1.0"},
	"author_email":             {"author-email", single, "1.0"},
	"maintainer":               {"maintainer", single, "1.2"},
	"maintainer_email":         {"maintainer-email", single, "1.2"},
	"license":                  {"license", single, "1.0"},
	"license_expression":       {"license-expression", single, "2.4"},
	"license_file":             {"license-file", list, "2.4"},
	"classifiers":              {"classifier", list, "1.1"},
	"requires_dist":            {"requires-dist", list, "1.2"},
	"requires_python":          {"requires-python", single, "1.2"},
	"requires_external":        {"requires-external", list, "1.2"},
	"project_urls":             {"project-url", urls, "1.2"},
	"provides_extra":           {"provides-extra", list, "2.1"},
	"provides_dist":            {"provides-dist", list, "1.2"},
	"obsoletes_dist":           {"obsoletes-dist", list, "1.2"},
	"requires":                 {"requires", list, "1.1"},
	"provides":                 {"provides", list, "1.1"},
	"obsoletes":                {"obsoletes", list, "1.1"},
	"import_name":              {"import-name", list, "2.5"},
	"import_namespace":         {"import-namespace", list, "2.5"},
}

var metadataVersions = []string{"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"}

// meta is the validated core metadata of an upload.
type meta struct {
	name, summary, requiresPython string
	version                       pep440.Version
	licenseFiles                  []string
}

// metaError is one complaint about a field; raw ones are sent as they are,
// the others get the core-metadata "See" link.
type metaError struct {
	field, msg string
	raw        bool
}

// checkMetadata validates the core metadata fields of the form as
// Warehouse's metadata.parse does (packaging's rules, then PyPI's), and
// returns the message of the error Warehouse would report, or "".
func checkMetadata(f *form) (meta, string) {
	vals := map[string][]string{}
	var order []string
	for _, fl := range f.fields {
		if _, ok := metaFields[fl.name]; !ok || fl.value == "" {
			continue
		}
		if vals[fl.name] == nil {
			order = append(order, fl.name)
		}
		vals[fl.name] = append(vals[fl.name], fl.value)
	}
	// Values that cannot be parsed at all are reported on their own.
	var errs []metaError
	for _, k := range order {
		v := vals[k]
		switch metaFields[k].kind {
		case single, keywords:
			if len(v) > 1 {
				errs = append(errs, metaError{field: k, msg: pyrepr.Str(k) + " has invalid data"})
			}
		case urls:
			labels := map[string]bool{}
			for _, pair := range v {
				label, _, _ := strings.Cut(pair, ",")
				label = strings.TrimSpace(label)
				if labels[label] {
					errs = append(errs, metaError{field: k, msg: pyrepr.Str(k) + " has invalid data"})
					break
				}
				labels[label] = true
			}
		}
	}
	if len(errs) > 0 {
		return meta{}, report(errs)
	}
	one := func(k string) string {
		if v := vals[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	m := meta{name: one("name"), summary: one("summary"), requiresPython: one("requires_python"), licenseFiles: vals["license_file"]}
	errs = packagingChecks(vals, &m)
	if len(errs) == 0 {
		errs = warehouseChecks(vals, m)
	}
	if len(errs) > 0 {
		return meta{}, report(errs)
	}
	return m, ""
}

// packagingChecks is packaging.metadata.Metadata.from_raw.
func packagingChecks(vals map[string][]string, m *meta) []metaError {
	var errs []metaError
	add := func(k, msg string) { errs = append(errs, metaError{field: metaFields[k].email, msg: msg}) }
	mv, age := "", -1
	if v := vals["metadata_version"]; len(v) > 0 {
		mv = v[0]
	}
	for k, s := range metadataVersions {
		if s == mv {
			age = k
		}
	}
	if age < 0 {
		shown := "None"
		if mv != "" {
			shown = pyrepr.Str(mv)
		}
		add("metadata_version", shown+" is not a valid metadata version")
	}
	keys := []string{"name", "version"}
	for k := range vals {
		if k != "name" && k != "version" && k != "metadata_version" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys[2:])
	for _, k := range keys {
		fd := metaFields[k]
		if age >= 0 {
			if added := indexOf(metadataVersions, fd.added); added > age {
				add(k, fd.email+" introduced in metadata version "+fd.added+", not "+mv)
				continue
			}
		}
		if msg := checkValue(k, vals[k], m); msg != "" {
			add(k, msg)
		}
	}
	return errs
}

// report picks the error Warehouse shows: metadata-version, name or
// version first, else the alphabetically first field; its first error.
func report(errs []metaError) string {
	pick := ""
	for _, f := range []string{"metadata-version", "name", "version"} {
		for _, e := range errs {
			if e.field == f && pick == "" {
				pick = f
			}
		}
	}
	if pick == "" {
		pick = errs[0].field
		for _, e := range errs {
			if e.field < pick {
				pick = e.field
			}
		}
	}
	for _, e := range errs {
		if e.field == pick {
			if e.raw {
				return e.msg
			}
			msg := e.msg
			if !strings.HasSuffix(msg, ".") {
				msg += "."
			}
			return msg + " " + coreMetadataURL
		}
	}
	return ""
}

func indexOf(list []string, s string) int {
	for k, v := range list {
		if v == s {
			return k
		}
	}
	return -1
}
