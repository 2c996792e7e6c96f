package pyproject

import (
	"strings"
	"testing"
)

const sample = `[project]
name = "demo"
version = "1.0"
dependencies = [
  "requests>=2",  # a list we skip
]

[[tool.uv.index]]
name = "corp"   # our registry
url = "https://pypi.corp.example/simple/"
publish-url = "https://pypi.corp.example/legacy/"

[tool.uv]
dev-dependencies = []

[[ tool.uv.index ]]
name = 'testpypi'
url = 'https://test.pypi.org/simple/'
publish-url = 'https://test.pypi.org/legacy/'
explicit = true

[[tool.uv.index]]
"name" = "esc\u0061ped"
url = "https://x.example/simple/"
`

func TestUVIndexes(t *testing.T) {
	got, err := UVIndexes([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := []Index{
		{Name: "corp", URL: "https://pypi.corp.example/simple/", PublishURL: "https://pypi.corp.example/legacy/", Line: 8},
		{Name: "testpypi", URL: "https://test.pypi.org/simple/", PublishURL: "https://test.pypi.org/legacy/", Line: 16},
		{Name: "escaped", URL: "https://x.example/simple/", Line: 22},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("index %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if ix, ok := Find(got, "corp"); !ok || ix.PublishURL == "" {
		t.Errorf("Find(corp) = %+v, %v", ix, ok)
	}
	if _, ok := Find(got, "Corp"); ok {
		t.Error("names are compared exactly")
	}
}

func TestUVIndexesErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"[[tool.uv.index]]\nname = corp\n", "pyproject.toml:2: name: expected a string"},
		{"[[tool.uv.index]]\nurl = \"https://x\n", "pyproject.toml:2: url: unterminated string"},
		{"[[tool.uv.index]]\nname = \"\"\"corp\"\"\"\n", "multi-line strings"},
		{"[[tool.uv.index]]\nname = \"a\" b\n", "unexpected"},
	} {
		_, err := UVIndexes([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("UVIndexes(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
	// Values of other tables are not ours to judge.
	if _, err := UVIndexes([]byte("[tool.other]\nname = bare\n")); err != nil {
		t.Errorf("a value outside uv's index tables was judged: %v", err)
	}
}

func FuzzUVIndexes(f *testing.F) {
	f.Add(sample)
	f.Add("[[tool.uv.index]]\nname = \"\\\"\"\n")
	f.Fuzz(func(t *testing.T, data string) {
		indexes, err := UVIndexes([]byte(data))
		if err != nil {
			return
		}
		for _, ix := range indexes {
			if ix.Line < 1 {
				t.Fatalf("index without a line: %+v", ix)
			}
		}
	})
}
