package dist

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, norm, file string }{
		{"Django", "django", "django"},
		{"zope.interface", "zope-interface", "zope_interface"},
		{"Foo__Bar--baz..Qux", "foo-bar-baz-qux", "foo_bar_baz_qux"},
		{"a_b-c.d", "a-b-c-d", "a_b_c_d"},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.norm {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.norm)
		}
		if got := FilenameName(tt.in); got != tt.file {
			t.Errorf("FilenameName(%q) = %q, want %q", tt.in, got, tt.file)
		}
	}
}

func TestParseWheelFilename(t *testing.T) {
	good := []struct {
		in   string
		want WheelName
	}{
		{"demo-1.0-py3-none-any.whl", WheelName{"demo", "1.0", "", "py3", "none", "any"}},
		{"demo_pkg-2.0.1-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
			WheelName{"demo_pkg", "2.0.1", "1", "cp312", "cp312", "manylinux_2_17_x86_64.manylinux2014_x86_64"}},
		{"Foo.Bar-1.0-py2.py3-none-any.whl", WheelName{"Foo.Bar", "1.0", "", "py2.py3", "none", "any"}},
		{"x-1.0-12abc-py3-none-any.whl", WheelName{"x", "1.0", "12abc", "py3", "none", "any"}},
	}
	for _, tt := range good {
		got, err := ParseWheelFilename(tt.in)
		if err != nil {
			t.Errorf("ParseWheelFilename(%q) = %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseWheelFilename(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	bad := []struct{ in, msg string }{
		{"demo-1.0-py3-none.whl", "Invalid wheel filename (wrong number of parts): 'demo-1.0-py3-none.whl'"},
		{"demo-1.0-1-2-py3-none-any.whl", "wrong number of parts"},
		{"de__mo-1.0-py3-none-any.whl", "Invalid project name: 'de__mo-1.0-py3-none-any.whl'"},
		{"de mo-1.0-py3-none-any.whl", "Invalid project name"},
		{"demo-1.x-py3-none-any.whl", "Invalid wheel filename (invalid version): 'demo-1.x-py3-none-any.whl'"},
		{"demo-1.0-abc-py3-none-any.whl", "Invalid build number: abc in 'demo-1.0-abc-py3-none-any.whl'"},
		{"demo-1.0-py3-none-any.zip", "extension must be '.whl'"},
	}
	for _, tt := range bad {
		_, err := ParseWheelFilename(tt.in)
		if err == nil || !errors.Is(err, ErrBadFilename) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ParseWheelFilename(%q) = %v, want error containing %q", tt.in, err, tt.msg)
		}
	}
}

func TestParseSdistFilename(t *testing.T) {
	tests := []struct {
		in      string
		want    SdistName
		wantErr bool
	}{
		{"demo-1.0.tar.gz", SdistName{"demo", "1.0", ".tar.gz"}, false},
		{"demo_pkg-2.0rc1.tar.gz", SdistName{"demo_pkg", "2.0rc1", ".tar.gz"}, false},
		{"Foo-Bar-1.0.zip", SdistName{"Foo-Bar", "1.0", ".zip"}, false},
		{"demo.tar.gz", SdistName{}, true},
		{"demo-.tar.gz", SdistName{}, true},
		{"demo-one.tar.gz", SdistName{}, true},
		{"demo-1.0.tgz", SdistName{}, true},
	}
	for _, tt := range tests {
		got, err := ParseSdistFilename(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseSdistFilename(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && got != tt.want {
			t.Errorf("ParseSdistFilename(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestSdistFilename(t *testing.T) {
	tests := []struct{ name, version, want string }{
		{"Demo-Pkg", "1.00", "demo_pkg-1.0.tar.gz"},
		{"zope.interface", "5.0.0", "zope_interface-5.0.0.tar.gz"},
		{"x", "1.0-1", "x-1.0.post1.tar.gz"},
		{"x", "not a version", ""},
	}
	for _, tt := range tests {
		if got := SdistFilename(tt.name, tt.version); got != tt.want {
			t.Errorf("SdistFilename(%q, %q) = %q, want %q", tt.name, tt.version, got, tt.want)
		}
	}
}

func TestUnsupportedPlatform(t *testing.T) {
	tests := []struct{ tag, bad string }{
		{"any", ""},
		{"manylinux_2_17_x86_64.manylinux2014_x86_64", ""},
		{"musllinux_1_2_aarch64", ""},
		{"macosx_10_9_universal2", ""},
		{"macosx_14_0_arm64", ""},
		{"win_amd64", ""},
		{"ios_13_0_arm64_iphoneos", ""},
		{"android_21_arm64_v8a", ""},
		{"pyemscripten_2024_0_wasm32", ""},
		{"linux_x86_64", "linux_x86_64"},
		{"manylinux2014_x86_64.linux_x86_64", "linux_x86_64"},
		{"musllinux_1_2_ppc64", "musllinux_1_2_ppc64"},
		{"macosx_16_0_arm64", "macosx_16_0_arm64"},
	}
	for _, tt := range tests {
		if got := UnsupportedPlatform(tt.tag); got != tt.bad {
			t.Errorf("UnsupportedPlatform(%q) = %q, want %q", tt.tag, got, tt.bad)
		}
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
	}{
		{"a-1.0-py3-none-any.whl", Wheel},
		{"a-1.0.tar.gz", Sdist},
		{"a-1.0.zip", Sdist},
		{"a-1.0.tar.gz.publish.attestation", 0},
		{"a-1.0-py3-none-any.whl.asc", 0},
		{"SHA256SUMS", 0},
		{"a-1.0-py3.8.egg", 0},
		{"a-1.0.tar.bz2", 0},
		{"README", 0},
	}
	for _, tt := range tests {
		k, err := KindOf(tt.name)
		if k != tt.kind || (tt.kind == 0) != errors.Is(err, ErrNotDistribution) {
			t.Errorf("KindOf(%q) = %v, %v; want %v", tt.name, k, err, tt.kind)
		}
	}
}

func FuzzParseFilename(f *testing.F) {
	for _, s := range []string{"demo-1.0-py3-none-any.whl", "a-1-1-b-c-d.whl", "demo-1.0.tar.gz", "Foo-Bar-1.0.zip", "-.whl", "--.tar.gz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if w, err := ParseWheelFilename(s); err == nil {
			if w.Name == "" && w.Version == "" || w.Python == "" || w.ABI == "" || w.Platform == "" {
				t.Fatalf("%q parsed to incomplete %+v", s, w)
			}
			if !strings.HasPrefix(s, w.Name+"-"+w.Version+"-") {
				t.Fatalf("%q parsed to %+v, which is not its prefix", s, w)
			}
		}
		if sd, err := ParseSdistFilename(s); err == nil {
			if sd.Name+"-"+sd.Version+sd.Ext != s {
				t.Fatalf("%q does not rebuild from %+v", s, sd)
			}
		}
		_ = UnsupportedPlatform(s)
		_ = SdistFilename(s, s)
	})
}
