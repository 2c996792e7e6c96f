package pypirc

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestRepository(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		repo   string
		want   Repository
		wantOK bool
	}{
		{"empty file knows pypi", "", "pypi",
			Repository{Name: "pypi", URL: pypiURL}, true},
		{"empty file knows testpypi", "", "testpypi",
			Repository{Name: "testpypi", URL: testPyPIURL}, true},
		{"unknown name", "", "private", Repository{}, false},
		{"listed section", `
[distutils]
index-servers =
    pypi
    private

[private]
repository = https://pypi.example.com/legacy/
username = alice
password: s3cr3t%(x)s
`, "private", Repository{Name: "private", URL: "https://pypi.example.com/legacy/", Username: "alice", Password: "s3cr3t%(x)s"}, true},
		{"section not in index-servers is ignored, as twine does", `
[distutils]
index-servers = pypi
[private]
repository = https://pypi.example.com/legacy/
`, "private", Repository{}, false},
		{"testpypi exists though not listed, with its built-in URL only", `
[distutils]
index-servers = pypi
[testpypi]
password = ignored-as-twine-does
`, "testpypi", Repository{Name: "testpypi", URL: testPyPIURL}, true},
		{"pypi keys override the built-in URL", `
[pypi]
repository = https://mirror.example/legacy/
username = __token__
password = pypi-abc
`, "pypi", Repository{Name: "pypi", URL: "https://mirror.example/legacy/", Username: "__token__", Password: "pypi-abc"}, true},
		{"server-login gives defaults", `
[server-login]
username = bob
password = pw
[pypi]
password = other
`, "pypi", Repository{Name: "pypi", URL: pypiURL, Username: "bob", Password: "other"}, true},
		{"DEFAULT keys are inherited", `
[DEFAULT]
username = carol
[pypi]
`, "pypi", Repository{Name: "pypi", URL: pypiURL, Username: "carol"}, true},
		{"keys are case-insensitive, comments and blanks skipped, certificates read", `
# a comment
; another
[distutils]
Index-Servers = corp
[corp]
  ; indented comment
REPOSITORY=https://corp.example/simple-upload/
Ca_Cert = /etc/corp-ca.pem
client_cert = /home/me/client.pem
`, "corp", Repository{Name: "corp", URL: "https://corp.example/simple-upload/", CACert: "/etc/corp-ca.pem", ClientCert: "/home/me/client.pem"}, true},
		{"section names are case-sensitive", "[distutils]\nindex-servers = Corp\n[corp]\nusername = x\n", "Corp", Repository{Name: "Corp"}, true},
		{"CRLF and a byte-order mark", "\ufeff[pypi]\r\nusername = dave\r\n", "pypi", Repository{Name: "pypi", URL: pypiURL, Username: "dave"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := f.Repository(tt.repo)
			if ok != tt.wantOK || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Repository(%q) = %+v, %v; want %+v, %v", tt.repo, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestNamesAndUnlisted(t *testing.T) {
	f, err := Parse([]byte("[distutils]\nindex-servers = pypi corp\n[corp]\n[forgotten]\n[server-login]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Names(), []string{"corp", "pypi", "testpypi"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
	if got, want := f.Unlisted(), []string{"forgotten"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Unlisted() = %q, want %q", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, file string
		line       int
	}{
		{"key before section", "username = x\n", 1},
		{"unclosed header", "[pypi\n", 1},
		{"no delimiter", "[pypi]\nusername\n", 2},
		{"no key", "[pypi]\n= x\n", 2},
		{"duplicate section", "[pypi]\n[pypi]\n", 2},
		{"duplicate key", "[pypi]\nusername = a\nUsername = b\n", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.file))
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line != tt.line {
				t.Errorf("Parse() error = %v, want a SyntaxError on line %d", err, tt.line)
			}
		})
	}
}

// TestErrorDoesNotShowAPassword: a refused line is not quoted, so a
// secret on a malformed line does not reach the log.
func TestErrorDoesNotShowAPassword(t *testing.T) {
	_, err := Parse([]byte("[pypi]\npypi-CANARY-a-line-without-a-key\n"))
	if err == nil || strings.Contains(err.Error(), "CANARY") {
		t.Errorf("error %v: want one that does not quote the line", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("[distutils]\nindex-servers =\n  pypi\n  corp\n[corp]\nrepository = https://x/\n"))
	f.Add([]byte("[DEFAULT]\nusername=a\n[pypi]\npassword:b\n  more\n"))
	f.Add([]byte("\ufeff; c\n[server-login]\nusername = u\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		for _, name := range append(p.Names(), p.Unlisted()...) {
			r, ok := p.Repository(name)
			if ok && r.Name != name {
				t.Fatalf("Repository(%q).Name = %q", name, r.Name)
			}
		}
		if _, ok := p.Repository("pypi"); !ok {
			t.Fatal("pypi is always a repository")
		}
	})
}
