package dist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParseMetadata(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "metadata", "*"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("Metadata-Version: 2.4\nName: x\nVersion: 1+a\nDynamic: Name\nProject-URL: a,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMetadata(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "metadata: ") {
				t.Errorf("error without prefix: %v", err)
			}
			return
		}
		for _, fl := range m.Fields {
			if fl.Name == "" || strings.ContainsAny(fl.Name, ":\r\n \t") {
				t.Errorf("bad field name %q", fl.Name)
			}
			if fl.Value != strings.TrimSpace(fl.Value) {
				t.Errorf("value %q not trimmed", fl.Value)
			}
		}
		if m.Name != m.Get("name") || m.Version != m.Get("VERSION") {
			t.Errorf("Name/Version disagree with Get")
		}
		for _, pypi := range []bool{true, false} {
			for _, p := range CheckMetadata(m, CheckOptions{PyPI: pypi}) {
				if p.Message == "" || p.Field == "" {
					t.Errorf("empty problem %+v", p)
				}
			}
		}
	})
}
