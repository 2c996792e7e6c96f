package dist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseMetadataRealWorld(t *testing.T) {
	tests := []struct {
		file                        string
		metadataVersion, name, vers string
		get                         map[string]string
		descPrefix                  string
	}{
		{"pip-23.0.1.METADATA", "2.1", "pip", "23.0.1",
			map[string]string{"home-page": "https://pip.pypa.io/", "Requires-Python": ">=3.7", "license-file": "LICENSE.txt"},
			"pip - The Python Package Installer\n=================================="},
		{"setuptools-66.1.1.METADATA", "2.1", "setuptools", "66.1.1",
			map[string]string{"Keywords": "CPAN PyPI distutils eggs package management", "Author": "Python Packaging Authority"},
			""},
		{"wheel-0.45.1.METADATA", "2.3", "wheel", "0.45.1",
			map[string]string{"Maintainer-email": "Alex Grönholm <alex.gronholm@nextday.fi>", "Provides-Extra": "test"},
			"wheel\n====="},
		{"oldstyle-0.1.PKG-INFO", "1.1", "oldstyle", "0.1",
			map[string]string{"Home-page": "UNKNOWN", "Platform": "UNKNOWN"},
			"Oldstyle\n========\n\nIndented by setuptools' rfc822_escape::\n\n    code stays indented\n\nThe end."},
		{"crlf-demo-1.0.METADATA", "2.4", "crlf-demo", "1.0",
			map[string]string{"Summary": "CRLF line  ends and a folded summary", "License-Expression": "MIT OR Apache-2.0"},
			"# Demo\r\n\r\nBody.\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "metadata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := ParseMetadata(data)
			if err != nil {
				t.Fatalf("ParseMetadata: %v", err)
			}
			if m.MetadataVersion != tt.metadataVersion || m.Name != tt.name || m.Version != tt.vers {
				t.Errorf("got (%q, %q, %q), want (%q, %q, %q)", m.MetadataVersion, m.Name, m.Version, tt.metadataVersion, tt.name, tt.vers)
			}
			for k, want := range tt.get {
				if got := m.Get(k); got != want {
					t.Errorf("Get(%q) = %q, want %q", k, got, want)
				}
			}
			if !strings.HasPrefix(m.Description, tt.descPrefix) {
				t.Errorf("Description starts %q, want prefix %q", clip(m.Description, 80), tt.descPrefix)
			}
		})
	}
}

// The real files must pass our checks, or we would refuse uploads PyPI
// accepted.
func TestCheckMetadataRealWorldClean(t *testing.T) {
	for _, file := range []string{"pip-23.0.1.METADATA", "setuptools-66.1.1.METADATA", "wheel-0.45.1.METADATA", "oldstyle-0.1.PKG-INFO"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "metadata", file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := ParseMetadata(data)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range CheckMetadata(m, CheckOptions{PyPI: true}) {
				if !p.Warning {
					t.Errorf("unexpected error: %s", p)
				}
			}
		})
	}
}

func TestParseMetadataFields(t *testing.T) {
	m, err := ParseMetadata([]byte("Metadata-Version: 2.1\nName:  spaced  \nClassifier: A :: B\nclassifier: C :: D\nKeywords: a, b,\n c\nX-Custom:\n\nbody\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{{"Metadata-Version", "2.1"}, {"Name", "spaced"}, {"Classifier", "A :: B"}, {"classifier", "C :: D"}, {"Keywords", "a, b, c"}, {"X-Custom", ""}}
	if len(m.Fields) != len(want) {
		t.Fatalf("Fields = %q, want %q", m.Fields, want)
	}
	for i := range want {
		if m.Fields[i] != want[i] {
			t.Errorf("Fields[%d] = %q, want %q", i, m.Fields[i], want[i])
		}
	}
	if got := m.All("CLASSIFIER"); len(got) != 2 || got[1] != "C :: D" {
		t.Errorf("All(CLASSIFIER) = %q", got)
	}
	if m.Get("Missing") != "" || m.All("Missing") != nil {
		t.Error("absent field should be empty")
	}
	if m.Description != "body\n" {
		t.Errorf("Description = %q", m.Description)
	}
}

func TestParseMetadataDescriptionHeader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Description: one\n        two\n        \n        three\n", "one\ntwo\n\nthree"},
		{"Description: one\n       |  two\n       |\n       |three\n", "one\n  two\n\nthree"},
		{"Description: one\n        |  two\n        |three\n", "one\n  two\nthree"},
		{"Description: one\n\ttab\n", "one\ntab"},
	}
	for _, tt := range tests {
		m, err := ParseMetadata([]byte("Name: x\n" + tt.in))
		if err != nil {
			t.Fatal(err)
		}
		if m.Description != tt.want {
			t.Errorf("%q: Description = %q, want %q", tt.in, m.Description, tt.want)
		}
	}
}

func TestParseMetadataErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Name: x\n\xff\n", "not valid UTF-8 at byte 8"},
		{"Name: x\nno colon here\n", "line 2: header line without a colon"},
		{" leading\nName: x\n", "line 1: continuation line before any header"},
		{"Na me: x\n", "line 1: header name \"Na me\""},
		{": x\n", "line 1: header line with an empty name"},
	}
	for _, tt := range tests {
		_, err := ParseMetadata([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "metadata: ") {
			t.Errorf("ParseMetadata(%q) error = %v, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestParseMetadataEmpty(t *testing.T) {
	for _, in := range []string{"", "\n", "\r\n\r\nbody"} {
		m, err := ParseMetadata([]byte(in))
		if err != nil {
			t.Errorf("ParseMetadata(%q): %v", in, err)
			continue
		}
		if len(m.Fields) != 0 {
			t.Errorf("ParseMetadata(%q) has fields %q", in, m.Fields)
		}
	}
}
