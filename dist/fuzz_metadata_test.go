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

func FuzzCheckRST(f *testing.F) {
	for _, s := range []string{
		"Title\n=====\n\ntext *emph* and ``lit`` and `ref`_\n\n.. _ref: http://x\n",
		"- a\n- b\n\n1. one\n2. two\n\nterm\n   def\n\n:field: body\n",
		"Example::\n\n    code\n\n.. note:: text\n\n.. code-block:: python\n\n   x = 1\n",
		"=====\nTitle\n=====\n\nSub\n---\n\n----\n\n|s| :class:`c`\n\n.. |s| image:: x.png\n",
		"+---+\n| a |\n+---+\n\n=== ===\n a   b\n=== ===\n\n>>> 1\n\n| line\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range CheckRST(s) {
			if p.Field != "Description" || p.Message == "" {
				t.Errorf("bad problem %+v", p)
			}
		}
	})
}
