package pypitest

import (
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/pyrepr"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
)

func TestNegotiate(t *testing.T) {
	offers := []string{"text/html", "application/json"}
	tests := []struct {
		accept []string
		want   string
	}{
		{nil, ""},
		{[]string{"*/*"}, "text/html"},
		{[]string{"application/json"}, "application/json"},
		{[]string{"text/html;q=0.5, application/json"}, "application/json"},
		{[]string{"text/*, */*;q=0.1"}, "text/html"},
		{[]string{"text/html;q=0, */*"}, "application/json"},
		{[]string{"application/xml"}, ""},
		{[]string{"application/json;q=0.9", "text/html;q=0.8"}, "application/json"},
		{[]string{"garbage"}, "text/html"},
	}
	for _, tt := range tests {
		if got := negotiate(tt.accept, offers...); got != tt.want {
			t.Errorf("negotiate(%q) = %q, want %q", tt.accept, got, tt.want)
		}
	}
}

func TestPyRepr(t *testing.T) {
	tests := map[string]string{
		"":           "''",
		"abc":        "'abc'",
		"it's":       `"it's"`,
		`it's "x"`:   `'it\'s "x"'`,
		"a\nb\\":     `'a\nb\\'`,
		"\x01\x7f":   `'\x01\x7f'`,
		"é€":         "'é€'",
		"\u200b":     `'\u200b'`,
		"\U0001F600": "'\U0001F600'",
	}
	for in, want := range tests {
		if got := pyrepr.Str(in); got != want {
			t.Errorf("pyrepr.Str(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestValidPlatform(t *testing.T) {
	tests := map[string]bool{
		"any": true, "win_amd64": true, "linux_armv7l": true, "linux_x86_64": false,
		"manylinux_2_17_x86_64": true, "manylinux2014_aarch64": true, "manylinux_2_28_ppc64": true,
		"musllinux_1_2_ppc64": false, "musllinux_1_1_riscv64": true,
		"macosx_10_9_x86_64": true, "macosx_11_0_arm64": true, "macosx_11_3_arm64": false, "macosx_16_0_arm64": false,
		"macosx_14_0_universal2": true, "ios_13_0_arm64_iphoneos": true, "ios_13_0_armv7_iphoneos": false,
		"android_21_arm64_v8a": true, "android_21_mips": false, "pyemscripten_2024_0_wasm32": true,
		"emscripten_3_1_wasm32": false,
	}
	for tag, want := range tests {
		if got := validPlatform(tag); got != want {
			t.Errorf("validPlatform(%q) = %v, want %v", tag, got, want)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	ordered := []string{"1.0.dev1", "1.0a1.dev1", "1.0a1", "1.0a2", "1.0b1", "1.0rc1", "1.0", "1.0.post1.dev1", "1.0.post1", "1.1", "1.10", "1!0.5"}
	for k := 0; k+1 < len(ordered); k++ {
		a, b := pep440.MustParse(ordered[k]), pep440.MustParse(ordered[k+1])
		if compareVersions(a, b) >= 0 || compareVersions(b, a) <= 0 {
			t.Errorf("%s should sort before %s", ordered[k], ordered[k+1])
		}
	}
	if compareVersions(pep440.MustParse("1.0"), pep440.MustParse("1.0.0")) != 0 {
		t.Error("1.0 and 1.0.0 should be equal")
	}
}

func TestParseWheelFilename(t *testing.T) {
	tests := []struct{ fn, err string }{
		{"demo-1.0-py3-none-any.whl", ""},
		{"demo-1.0-1-py2.py3-none-any.whl", ""},
		{"demo-1.0-x-py3-none-any.whl", "Invalid build number: x in 'demo-1.0-x-py3-none-any'"},
		{"de__mo-1.0-py3-none-any.whl", "Invalid project name: 'de__mo-1.0-py3-none-any'"},
		{"demo-1.x-py3-none-any.whl", "Invalid wheel filename (invalid version): 'demo-1.x-py3-none-any'"},
		{"demo-1.0-py3-none-any-x-y.whl", "Invalid wheel filename (wrong number of parts): 'demo-1.0-py3-none-any-x-y'"},
	}
	for _, tt := range tests {
		if _, err := parseWheelFilename(tt.fn); err != tt.err {
			t.Errorf("parseWheelFilename(%q) error %q, want %q", tt.fn, err, tt.err)
		}
	}
	w, _ := parseWheelFilename("Demo.Pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.MANYLINUX2014_x86_64.whl")
	if w.name != "demo-pkg" || len(w.platforms) != 2 || w.platforms[1] != "manylinux2014_x86_64" {
		t.Errorf("parsed %+v", w)
	}
}

func TestValidEntryPoints(t *testing.T) {
	tests := map[string]bool{
		"":                                      true,
		"[console_scripts]\ndemo = demo:main\n": true,
		"[console_scripts]\ndemo-cli.x = demo:main\n":       true,
		"# comment\n[gui_scripts]\nd\u00e9mo = demo:main\n": true,
		"[other]\n../x = y\n":                               true,
		"[console_scripts]\nbin/demo = demo:main\n":         false,
		"demo = demo:main\n":                                false,
		"[a]\nx = 1\n[a]\ny = 2\n":                          false,
		"[a]\nx = 1\nx = 2\n":                               false,
		"[a]\nno delimiter\n":                               false,
		"[a]\nx = 1\n  continued\n":                         true,
		"[a]\nx = \xff\n":                                   false,
	}
	for in, want := range tests {
		if got := validEntryPoints([]byte(in)); got != want {
			t.Errorf("validEntryPoints(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestBuildSdist(t *testing.T) {
	fn, b, err := BuildSdist("Foo.Bar", "1.0.post0", DistOptions{Metadata: "Metadata-Version: 2.1\nName: Foo.Bar\nVersion: 1.0.post0\n"})
	if err != nil {
		t.Fatal(err)
	}
	if fn != "foo_bar-1.0.post0.tar.gz" {
		t.Errorf("filename %q", fn)
	}
	in := inspectBytes(t, b, fn)
	if in.reason != "" || in.top != "foo_bar-1.0.post0" || !in.names["foo_bar-1.0.post0/PKG-INFO"] {
		t.Errorf("inspection: %+v", in)
	}
}
