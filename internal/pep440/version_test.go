package pep440

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.0", "1.0"},
		{"1.00", "1.0"},
		{"v1.0", "1.0"},
		{"01.002.0", "1.2.0"},
		{"1.0a1", "1.0a1"},
		{"1.0-alpha.1", "1.0a1"},
		{"1.0ALPHA", "1.0a0"},
		{"1.0b", "1.0b0"},
		{"1.0.beta2", "1.0b2"},
		{"1.0c1", "1.0rc1"},
		{"1.0pre1", "1.0rc1"},
		{"1.0preview-3", "1.0rc3"},
		{"1.0-1", "1.0.post1"},
		{"1.0post", "1.0.post0"},
		{"1.0.rev2", "1.0.post2"},
		{"1.0r", "1.0.post0"},
		{"1.0-dev", "1.0.dev0"},
		{"1.0dev3", "1.0.dev3"},
		{"0!1.0", "1.0"},
		{"2!1.0", "2!1.0"},
		{"1.0+Ubuntu-1", "1.0+ubuntu.1"},
		{"1.0+abc.007", "1.0+abc.7"},
		{" 1.0\t", "1.0"},
		{"1.0a1.post2.dev3", "1.0a1.post2.dev3"},
		{"123456789012345678901234567890", "123456789012345678901234567890"},
	}
	for _, tt := range tests {
		v, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q) = %v", tt.in, err)
			continue
		}
		if got := v.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestInvalid(t *testing.T) {
	for _, s := range []string{"", "1.0-foo", "foo", "1..0", "1.0+", "1.0+a..b", "1.0.", ".1", "1.0 a", "1!2!3", "1.0a1b2", "٣.٠"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) succeeded, want error", s)
		}
	}
}

func TestEqualAndLocal(t *testing.T) {
	tests := []struct {
		a, b  string
		equal bool
	}{
		{"1.0", "1.0.0", true},
		{"1.0.0", "1", true},
		{"1.0", "1.0.post0", false},
		{"1.0rc1", "1.0c1", true},
		{"1.0+a", "1.0", false},
		{"1.0+A.1", "1.0.0+a-01", true},
		{"1!1.0", "1.0", false},
		{"1.0.dev0", "1.0dev", true},
	}
	for _, tt := range tests {
		if got := MustParse(tt.a).Equal(MustParse(tt.b)); got != tt.equal {
			t.Errorf("%q == %q: %v, want %v", tt.a, tt.b, got, tt.equal)
		}
	}
	if l := MustParse("1.0+Local-7").Local(); l != "local.7" {
		t.Errorf("Local() = %q", l)
	}
	if c := MustParse("1.0.0.post0+a").Canonical(); c != "1.post0+a" {
		t.Errorf("Canonical() = %q", c)
	}
	if p := MustParse("1.0+x").Public(); p != "1.0" {
		t.Errorf("Public() = %q", p)
	}
}

func TestSpecifiers(t *testing.T) {
	valid := []string{"", ">=3.8", ">=3.8, <4", "!=3.9.*", "==1.0.*", "~=1.4", "~=1.4.5rc1", "===foobar", "==1.0+local", ">3", "<=2.0.post1", " >= 3.8 , ", "==2!1.0.*"}
	for _, s := range valid {
		if err := ParseSpecifierSet(s); err != nil {
			t.Errorf("ParseSpecifierSet(%q) = %v", s, err)
		}
	}
	invalid := []string{">=3.8.*", "~=1", "~=1.0.*", ">=1.0+local", "=>3", "3.8", ">=", "==1.0.*+x", ">= 3.8; x", "==1.*.0"}
	for _, s := range invalid {
		if err := ParseSpecifierSet(s); err == nil {
			t.Errorf("ParseSpecifierSet(%q) succeeded, want error", s)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.0", "1.0a1.post2.dev3+loc.1", "2!0.1", "v1-1", "1.0+", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		// The normalized form must itself parse to an equal version, and be
		// a fixed point: normalizing twice changes nothing.
		n := v.String()
		w, err := Parse(n)
		if err != nil {
			t.Fatalf("normalized %q of %q does not parse: %v", n, s, err)
		}
		if w.String() != n || !w.Equal(v) {
			t.Fatalf("normalization of %q not stable: %q -> %q", s, n, w.String())
		}
	})
}
