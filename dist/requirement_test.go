package dist

import (
	"strings"
	"testing"
)

// The expectations come from packaging.requirements.Requirement; where
// packaging 25+ changed behaviour (PEP 751 marker variables, the ".*"
// message) the newer behaviour is expected.
func TestParseRequirement(t *testing.T) {
	tests := []struct {
		in      string
		url     string
		wantErr string // "" for valid
	}{
		{in: "requests"},
		{in: "requests>=2.8"},
		{in: "requests[socks]>=2.8; python_version < '3.12'"},
		{in: `requests [security,tests] >= 2.8.1, == 2.8.* ; python_version < "2.7"`},
		{in: "name@http://foo.com", url: "http://foo.com"},
		{in: "name @ https://x.org/a.whl ; os_name=='posix'", url: "https://x.org/a.whl"},
		{in: "name @ https://x.org/a.whl;os_name=='posix'", url: "https://x.org/a.whl;os_name=='posix'"},
		{in: "foo (>=1.0)"},
		{in: "foo(>=1.0,<2)"},
		{in: "foo==1.0+local"},
		{in: "foo~=1.0"},
		{in: `foo; extra == 'x' or extra == "y"`},
		{in: "foo; os.name == 'nt'"},
		{in: "foo; 'a' not in extra"},
		{in: "foo===anything"},
		{in: "foo ==="},
		{in: "foo>=1,"},
		{in: "foo>=v1.0"},
		{in: "foo>=1.0RC1"},
		{in: "foo[a,b]@ http://x", url: "http://x"},
		{in: "foo; extras == 'x'"},
		{in: "foo; dependency_groups == 'x'"},
		{in: "foo==1.0.post1.dev2"},
		{in: "foo>1.0.post"},
		{in: "foo<=1!2.0"},
		{in: "foo!=1.*"},
		{in: "foo; (python_version >= '3' and os_name == 'nt') or extra == 'a'"},
		{in: "foo>=1.0.*", wantErr: ".* suffix can only be used with `==` or `!=` operators"},
		{in: "foo>=1.0+local", wantErr: "Local version label can only be used with `==` or `!=` operators"},
		{in: "foo~=1", wantErr: "Expected end or semicolon (after name and no valid version specifier)"},
		{in: "foo==1.0-foo", wantErr: "Expected end or semicolon (after version specifier)"},
		{in: "foo bar", wantErr: "Expected end or semicolon"},
		{in: "-foo", wantErr: "Expected package name at the start of dependency specifier"},
		{in: "foo-", wantErr: "Expected end or semicolon"},
		{in: "foo.", wantErr: "Expected end or semicolon"},
		{in: "foo[bar", wantErr: "Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras"},
		{in: "foo[bar baz]", wantErr: "Expected comma between extra names"},
		{in: "foo[bar,]", wantErr: "Expected extra name after comma"},
		{in: "foo; bogus == '1'", wantErr: "Expected a marker variable or quoted string"},
		{in: "foo; python_version", wantErr: "Expected marker operator"},
		{in: "foo; python_version >= '3' and", wantErr: "Expected a marker variable or quoted string"},
		{in: "foo; (python_version >= '3'", wantErr: "Expected matching RIGHT_PARENTHESIS"},
		{in: "foo; 'a' notin extra", wantErr: "Expected marker operator"},
		{in: "foo==", wantErr: "Expected end or semicolon"},
		{in: "foo>=1,,<2", wantErr: "Expected end or semicolon (after version specifier)"},
		{in: "Ünicode", wantErr: "Expected package name"},
		{in: "foo @", wantErr: "Expected URL after @"},
		{in: "foo>=1 ;", wantErr: "Expected a marker variable or quoted string"},
		{in: "foo (>=1", wantErr: "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier"},
		{in: "foo!=1.*.2", wantErr: "Expected end or semicolon (after version specifier)"},
		{in: "", wantErr: "Expected package name"},
	}
	for _, tt := range tests {
		r, err := ParseRequirement(tt.in)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("ParseRequirement(%q): %v", tt.in, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseRequirement(%q) error = %v, want %q", tt.in, err, tt.wantErr)
		case err == nil && r.URL != tt.url:
			t.Errorf("ParseRequirement(%q).URL = %q, want %q", tt.in, r.URL, tt.url)
		}
	}
}

func TestParseRequirementParts(t *testing.T) {
	r, err := ParseRequirement(" requests [socks, security] (>=2.8, <3) ; python_version < '3.12' ")
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "requests" || len(r.Extras) != 2 || r.Extras[1] != "security" || r.Specifier != ">=2.8, <3" || r.Marker != "python_version < '3.12'" {
		t.Errorf("got %+v", r)
	}
}
