package index

import (
	"strings"
	"testing"
)

// secret is a password planted in refused URLs: no error may show it.
const secret = "hunter2-canary"

func TestParse(t *testing.T) {
	tests := []struct {
		raw      string
		wantErr  string // "" when the URL is accepted
		wantKind Kind
	}{
		{"https://upload.pypi.org/legacy/", "", PyPI},
		{"https://upload.pypi.org/legacy", "", PyPI},
		{"https://upload.pypi.org:443/legacy/", "", PyPI},
		{"https://UPLOAD.PyPI.org/legacy/", "", PyPI},
		{"HTTPS://upload.pypi.org/legacy/", "", PyPI},
		{"  https://upload.pypi.org/legacy/\n", "", PyPI},
		{"https://test.pypi.org/legacy/", "", TestPyPI},
		{"https://pypi.org/legacy/", "", Other},
		{"https://files.pythonhosted.org/legacy/", "", Other},
		{"https://upload.pypi.org.evil.example/legacy/", "", Other},
		{"https://example.org/repo/legacy", "", Other},
		{"https://example.org:8443/upload", "", Other},
		{"https://10.0.0.1/legacy/", "", Other},
		{"http://127.0.0.1:8080/legacy/", "", Other},
		{"http://127.9.9.9/legacy/", "", Other},
		{"http://localhost:8080/legacy/", "", Other},
		{"http://LocalHost/legacy/", "", Other},
		{"http://[::1]:8080/legacy/", "", Other},

		// Plain http crosses the network only in the clear.
		{"http://upload.pypi.org/legacy/", "plain http", Other},
		{"http://test.pypi.org/legacy/", "plain http", Other},
		{"http://example.org/legacy/", "plain http", Other},
		{"http://10.0.0.1/legacy/", "plain http", Other},
		{"http://0.0.0.0:8080/legacy/", "plain http", Other},
		{"http://localhost.example/legacy/", "plain http", Other},
		{"http://127.0.0.1.example/legacy/", "plain http", Other},

		// Credentials belong in --user/--password.
		{"https://__token__:" + secret + "@upload.pypi.org/legacy/", "--user/--password", Other},
		{"https://" + secret + "@upload.pypi.org/legacy/", "--user/--password", Other},
		{"https://@upload.pypi.org/legacy/", "--user/--password", Other},
		{"http://u:" + secret + "@127.0.0.1/legacy/", "--user/--password", Other},

		// A query string or fragment is where a secret hides as often.
		{"https://example.org/legacy/?token=" + secret, "query string or fragment", Other},
		{"https://example.org/legacy/#" + secret, "query string or fragment", Other},
		{"https://example.org/legacy/?", "query string or fragment", Other},

		// Not an http(s) URL with a host.
		{"ftp://upload.pypi.org/legacy/", "expected an http(s) URL", Other},
		{"file:///tmp/legacy", "expected an http(s) URL", Other},
		{"javascript:alert(1)", "expected an http(s) URL", Other},
		{"upload.pypi.org/legacy/", "expected an http(s) URL", Other},
		{"//upload.pypi.org/legacy/", "expected an http(s) URL", Other},
		{"https:upload.pypi.org", "expected an http(s) URL", Other},
		{"https://", "expected an http(s) URL", Other},
		{"https:///legacy/", "expected an http(s) URL", Other},
		{"https://:443/legacy/", "expected an http(s) URL", Other},
		{"", "expected an http(s) URL", Other},
		{"pypi", "expected an http(s) URL", Other},
		{"https://exa mple.org/", "expected an http(s) URL", Other},
		{"https://[::1/legacy/", "expected an http(s) URL", Other},
		{"%zz", "expected an http(s) URL", Other},
		{"\x00https://upload.pypi.org/", "expected an http(s) URL", Other},
		{"ftp://u:" + secret + "@upload.pypi.org/", "expected an http(s) URL", Other},
		{"htps://u:" + secret + "@upload.pypi.org/?token=" + secret, "expected an http(s) URL", Other},
		{"https:u:" + secret + "@upload.pypi.org/", "expected an http(s) URL", Other},
		{"https://u:" + secret + " @upload.pypi.org/", "expected an http(s) URL", Other},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := Parse(tt.raw)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Parse(%q) = %v, want an error", tt.raw, got)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %q, want it to say %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows the secret", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != tt.wantKind {
				t.Errorf("Kind = %v, want %v", got.Kind, tt.wantKind)
			}
			if got.IsPyPI() != (tt.wantKind != Other) {
				t.Errorf("IsPyPI() = %v", got.IsPyPI())
			}
			// The URL as given, but for the scheme url.Parse lowers.
			if want := strings.TrimSpace(tt.raw); !strings.EqualFold(got.String(), want) {
				t.Errorf("String() = %q, want %q", got.String(), want)
			}
		})
	}
}

func TestTarget(t *testing.T) {
	tests := []struct {
		raw                                  string
		name, host, website, publisher, oidc string
		simple                               string
	}{
		{"https://upload.pypi.org/legacy/", "PyPI", "upload.pypi.org", "https://pypi.org", "https://pypi.org", "https://upload.pypi.org",
			"https://pypi.org/simple/"},
		{"https://upload.pypi.org/legacy", "PyPI", "upload.pypi.org", "https://pypi.org", "https://pypi.org", "https://upload.pypi.org",
			"https://pypi.org/simple/"},
		{"https://Upload.PyPI.org/legacy/", "PyPI", "Upload.PyPI.org", "https://pypi.org", "https://pypi.org", "https://Upload.PyPI.org",
			"https://pypi.org/simple/"},
		{"https://test.pypi.org/legacy/", "TestPyPI", "test.pypi.org", "https://test.pypi.org", "https://test.pypi.org", "https://test.pypi.org",
			"https://test.pypi.org/simple/"},
		// Other *.pypi.org hosts configure publishers on pypi.org.
		{"https://staging.pypi.org/legacy/", "staging.pypi.org", "staging.pypi.org", "", "https://pypi.org", "https://staging.pypi.org",
			"https://staging.pypi.org/simple/"},
		{"http://127.0.0.1:8080/legacy/", "127.0.0.1:8080", "127.0.0.1:8080", "", "http://127.0.0.1:8080", "http://127.0.0.1:8080",
			"http://127.0.0.1:8080/simple/"},
		{"http://[::1]:8080/legacy/", "[::1]:8080", "[::1]:8080", "", "http://[::1]:8080", "http://[::1]:8080",
			"http://[::1]:8080/simple/"},
		{"https://example.org/repo/legacy", "example.org", "example.org", "", "https://example.org", "https://example.org",
			"https://example.org/repo/simple/"},
		{"https://example.org/a%2Fb/legacy/", "example.org", "example.org", "", "https://example.org", "https://example.org",
			"https://example.org/a%2Fb/simple/"},
		{"https://example.org/legacy", "example.org", "example.org", "", "https://example.org", "https://example.org",
			"https://example.org/simple/"},
		// A layout we do not know has no simple API (TestSimpleURL has
		// the ones we know).
		{"https://example.org/upload", "example.org", "example.org", "", "https://example.org", "https://example.org", ""},
		{"https://example.org/notlegacy/", "example.org", "example.org", "", "https://example.org", "https://example.org", ""},
		{"https://example.org/legacy/upload", "example.org", "example.org", "", "https://example.org", "https://example.org", ""},
		// pypiserver uploads to its root.
		{"https://example.org", "example.org", "example.org", "", "https://example.org", "https://example.org", "https://example.org/simple/"},
		{"https://example.org:8443/", "example.org:8443", "example.org:8443", "", "https://example.org:8443", "https://example.org:8443", "https://example.org:8443/simple/"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			target, err := Parse(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ what, got, want string }{
				{"Name", target.Name(), tt.name},
				{"Host", target.Host(), tt.host},
				{"Website", target.Website(), tt.website},
				{"PublisherSite", target.PublisherSite(), tt.publisher},
				{"OIDCBase", target.OIDCBase().String(), tt.oidc},
				{"SimpleURL", target.SimpleURL(), tt.simple},
			} {
				if c.got != c.want {
					t.Errorf("%s() = %q, want %q", c.what, c.got, c.want)
				}
			}
		})
	}
}

func TestProjectAndFileURL(t *testing.T) {
	const digest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		raw, name, version, digest, file string
		project, fileURL                 string
	}{
		{"https://upload.pypi.org/legacy/", "demo-pkg", "1.0", digest, "demo_pkg-1.0-py3-none-any.whl",
			"https://pypi.org/project/demo-pkg/1.0/",
			"https://files.pythonhosted.org/packages/01/23/456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/demo_pkg-1.0-py3-none-any.whl"},
		{"https://test.pypi.org/legacy/", "demo", "2.0rc1", digest, "demo-2.0rc1.tar.gz",
			"https://test.pypi.org/project/demo/2.0rc1/",
			"https://test-files.pythonhosted.org/packages/01/23/456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/demo-2.0rc1.tar.gz"},
		// A file name is one path segment, escaped.
		{"https://upload.pypi.org/legacy/", "demo", "1.0", digest, "a b/c?.whl",
			"https://pypi.org/project/demo/1.0/",
			"https://files.pythonhosted.org/packages/01/23/456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/a%20b%2Fc%3F.whl"},
		// A digest too short to split has no file URL.
		{"https://upload.pypi.org/legacy/", "demo", "1.0", "0123", "demo-1.0.tar.gz", "https://pypi.org/project/demo/1.0/", ""},
		{"https://upload.pypi.org/legacy/", "demo", "1.0", "", "demo-1.0.tar.gz", "https://pypi.org/project/demo/1.0/", ""},
		// Other indexes: pages we cannot know.
		{"https://example.org/legacy/", "demo", "1.0", digest, "demo-1.0.tar.gz", "", ""},
		{"http://127.0.0.1:8080/legacy/", "demo", "1.0", digest, "demo-1.0.tar.gz", "", ""},
		{"https://staging.pypi.org/legacy/", "demo", "1.0", digest, "demo-1.0.tar.gz", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw+" "+tt.file, func(t *testing.T) {
			target, err := Parse(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := target.ProjectURL(tt.name, tt.version); got != tt.project {
				t.Errorf("ProjectURL = %q, want %q", got, tt.project)
			}
			if got := target.FileURL(tt.digest, tt.file); got != tt.fileURL {
				t.Errorf("FileURL = %q, want %q", got, tt.fileURL)
			}
		})
	}
}

func TestNamed(t *testing.T) {
	tests := []struct {
		name string
		want string
		ok   bool
	}{
		{"pypi", PyPIUploadURL, true},
		{"PyPI", PyPIUploadURL, true},
		{"testpypi", TestPyPIUploadURL, true},
		{"TestPyPI", TestPyPIUploadURL, true},
		{"test-pypi", "", false},
		{"", "", false},
		{"https://upload.pypi.org/legacy/", "", false},
		{" pypi", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Named(tt.name)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Named(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
			}
			if !ok {
				return
			}
			// What a name stands for parses as that index.
			target, err := Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[string]Kind{PyPIUploadURL: PyPI, TestPyPIUploadURL: TestPyPI}[got]; target.Kind != want {
				t.Errorf("Parse(%q).Kind = %v, want %v", got, target.Kind, want)
			}
		})
	}
}

func TestPyPIFamily(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"pypi.org", true},
		{"upload.pypi.org", true},
		{"test.pypi.org", true},
		{"staging.pypi.org", true},
		{"PyPI.org", true},
		{"evilpypi.org", false},
		{"pypi.org.evil.example", false},
		{"pypi.com", false},
		{"files.pythonhosted.org", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := PyPIFamily(tt.host); got != tt.want {
			t.Errorf("PyPIFamily(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"LOCALHOST", true},
		{"127.0.0.1", true},
		{"127.255.255.254", true},
		{"::1", true},
		{"::ffff:127.0.0.1", true},
		{"0.0.0.0", false},
		{"::", false},
		{"10.0.0.1", false},
		{"localhost.example", false},
		{"127.0.0.1.example", false},
		{"[::1]", false}, // a Hostname never has brackets
		{"", false},
	}
	for _, tt := range tests {
		if got := IsLoopback(tt.host); got != tt.want {
			t.Errorf("IsLoopback(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}

func TestParseAllowInsecureHTTP(t *testing.T) {
	tests := []struct {
		raw      string
		ok       bool
		insecure bool
	}{
		{"http://devpi.internal:3141/root/dev/", true, true},
		{"http://10.0.0.5/legacy/", true, true},
		{"http://127.0.0.1:8080/legacy/", true, false},
		{"https://example.org/legacy/", true, false},
		// PyPI's hosts never take credentials in clear.
		{"http://upload.pypi.org/legacy/", false, false},
		{"http://test.pypi.org/legacy/", false, false},
		{"http://UPLOAD.pypi.org/legacy/", false, false},
		{"http://pypi.org/legacy/", false, false},
	}
	for _, tt := range tests {
		tg, err := ParseWith(tt.raw, Options{AllowInsecureHTTP: true})
		if (err == nil) != tt.ok {
			t.Errorf("ParseWith(%q) error %v, want ok=%v", tt.raw, err, tt.ok)
			continue
		}
		if err == nil && tg.Insecure != tt.insecure {
			t.Errorf("ParseWith(%q).Insecure = %v", tt.raw, tg.Insecure)
		}
		if _, err := Parse(tt.raw); tt.insecure && err == nil {
			t.Errorf("Parse(%q) accepted plain http without the option", tt.raw)
		}
	}
}

// TestSimpleURL has a row for each index layout we know, and the near
// misses that must not be guessed.
func TestSimpleURL(t *testing.T) {
	tests := []struct {
		upload, simple, layout string
	}{
		{"https://upload.pypi.org/legacy/", "https://pypi.org/simple/", "PyPI"},
		{"https://test.pypi.org/legacy/", "https://test.pypi.org/simple/", "TestPyPI"},
		{"https://warehouse.example/legacy/", "https://warehouse.example/simple/", "Warehouse"},
		{"https://example.org/sub/legacy", "https://example.org/sub/simple/", "Warehouse"},

		{"https://gitea.example/api/packages/alice/pypi", "https://gitea.example/api/packages/alice/pypi/simple/", "Gitea or Forgejo"},
		{"https://codeberg.org/api/packages/bob/pypi/", "https://codeberg.org/api/packages/bob/pypi/simple/", "Gitea or Forgejo"},
		{"http://127.0.0.1:3300/api/packages/alice/pypi", "http://127.0.0.1:3300/api/packages/alice/pypi/simple/", "Gitea or Forgejo"},
		{"https://example.org/git/api/packages/org/pypi", "https://example.org/git/api/packages/org/pypi/simple/", "Gitea or Forgejo"},
		// An owner named like a route is still an owner.
		{"https://gitea.example/api/packages/pypi/pypi", "https://gitea.example/api/packages/pypi/pypi/simple/", "Gitea or Forgejo"},

		{"https://devpi.example/alice/dev/", "https://devpi.example/alice/dev/+simple/", "devpi"},
		{"https://devpi.example:3141/root/staging", "https://devpi.example:3141/root/staging/+simple/", "devpi"},

		{"https://pypiserver.example/", "https://pypiserver.example/simple/", "pypiserver"},
		{"http://localhost:8080", "http://localhost:8080/simple/", "pypiserver"},

		{"https://acme.jfrog.io/artifactory/api/pypi/pypi-local", "https://acme.jfrog.io/artifactory/api/pypi/pypi-local/simple/", "Artifactory"},
		{"https://repo.example/artifactory/api/pypi/py/", "https://repo.example/artifactory/api/pypi/py/simple/", "Artifactory"},

		{"https://nexus.example/repository/pypi-hosted/", "https://nexus.example/repository/pypi-hosted/simple/", "Nexus Repository"},
		{"https://example.org/nexus/repository/py", "https://example.org/nexus/repository/py/simple/", "Nexus Repository"},

		{"https://gitlab.example.com/api/v4/projects/42/packages/pypi", "https://gitlab.example.com/api/v4/projects/42/packages/pypi/simple/", "GitLab"},
		{"https://gitlab.com/api/v4/projects/group%2Fproj/packages/pypi/", "https://gitlab.com/api/v4/projects/group%2Fproj/packages/pypi/simple/", "GitLab"},

		{"https://acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/shared/", "https://acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/shared/simple/", "AWS CodeArtifact"},

		{"https://europe-west1-python.pkg.dev/my-project/my-repo/", "https://europe-west1-python.pkg.dev/my-project/my-repo/simple/", "Google Artifact Registry"},

		{"https://pkgs.dev.azure.com/org/proj/_packaging/feed/pypi/upload/", "https://pkgs.dev.azure.com/org/proj/_packaging/feed/pypi/simple/", "Azure Artifacts"},
		{"https://pkgs.dev.azure.com/org/_packaging/feed/pypi/upload", "https://pkgs.dev.azure.com/org/_packaging/feed/pypi/simple/", "Azure Artifacts"},
		{"https://org.pkgs.visualstudio.com/_packaging/feed/pypi/upload/", "https://org.pkgs.visualstudio.com/_packaging/feed/pypi/simple/", "Azure Artifacts"},

		// Unsure: no guess.
		{"https://example.org/upload", "", ""},
		{"https://example.org/a/b/c", "", ""},
		{"https://example.org/api/packages/alice", "", ""},
		{"https://example.org/api/v4/projects/42/packages/npm", "", ""},
		{"https://example.org/_packaging/feed/pypi/", "", ""},
		{"https://example.org/repository/", "", ""},
		{"https://example.org/pypi/shared/", "", ""},   // CodeArtifact's path on another host
		{"https://example.org/+simple/x/", "", ""},     // devpi's own route, not /USER/INDEX
		{"https://example.org/legacy/upload/", "", ""}, // not devpi's /USER/INDEX
		{"https://example.org/root/pypi/", "", ""},     // devpi's PyPI mirror takes no uploads
		{"https://europe-python.pkg.dev/only-project/", "", ""},
		{"https://example.org/simple/", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.upload, func(t *testing.T) {
			target, err := Parse(tt.upload)
			if err != nil {
				t.Fatal(err)
			}
			if got := target.SimpleURL(); got != tt.simple {
				t.Errorf("SimpleURL() = %q, want %q", got, tt.simple)
			}
			if got := target.Layout(); got != tt.layout {
				t.Errorf("Layout() = %q, want %q", got, tt.layout)
			}
		})
	}
}

func TestWithSimpleURL(t *testing.T) {
	tests := []struct {
		upload   string
		insecure bool // parsed with AllowInsecureHTTP
		check    string
		want     string // "" when refused
		wantErr  string
	}{
		{"https://upload.pypi.org/legacy/", false, "https://pypi.org/simple/", "https://pypi.org/simple/", ""},
		{"https://example.org/upload", false, "https://example.org/simple/", "https://example.org/simple/", ""},
		{"https://example.org/upload", false, "  https://mirror.example/pypi/simple  ", "https://mirror.example/pypi/simple", ""},
		{"http://127.0.0.1:1/legacy/", false, "http://localhost:2/simple/", "http://localhost:2/simple/", ""},
		{"https://example.org/upload", false, "http://example.org/simple/", "", "plain http"},
		{"http://devpi.internal/a/b/", true, "http://devpi.internal/a/b/+simple/", "http://devpi.internal/a/b/+simple/", ""},
		{"http://devpi.internal/a/b/", true, "http://pypi.org/simple/", "", "plain http"},
		{"https://example.org/upload", false, "https://u:" + secret + "@example.org/simple/", "", "credentials"},
		{"https://example.org/upload", false, "https://example.org/simple/?token=" + secret, "", "query string"},
		{"https://example.org/upload", false, "https://example.org/simple/#x", "", "query string"},
		{"https://example.org/upload", false, "ftp://example.org/simple/", "", "expected an http(s) URL"},
		{"https://example.org/upload", false, "", "", "expected an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.check, func(t *testing.T) {
			target, err := ParseWith(tt.upload, Options{AllowInsecureHTTP: tt.insecure})
			if err != nil {
				t.Fatal(err)
			}
			before := target.SimpleURL()
			got, err := target.WithSimpleURL(tt.check)
			if target.SimpleURL() != before {
				t.Errorf("WithSimpleURL changed the receiver's SimpleURL to %q", target.SimpleURL())
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "check URL") {
					t.Fatalf("WithSimpleURL(%q) = %v, want an error about %q", tt.check, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error shows the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.SimpleURL() != tt.want || got.Layout() != "--check-url" {
				t.Errorf("SimpleURL() = %q (%s), want %q", got.SimpleURL(), got.Layout(), tt.want)
			}
			if got.String() != target.String() || got.Kind != target.Kind {
				t.Errorf("the copy changed the upload target: %s %v", got, got.Kind)
			}
		})
	}
}

func TestTokenPage(t *testing.T) {
	for raw, want := range map[string]string{
		PyPIUploadURL:     PyPITokenPage,
		TestPyPIUploadURL: "https://test.pypi.org/manage/account/token/",
		"https://gitea.example/api/packages/a/pypi": "",
	} {
		target, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := target.TokenPage(); got != want {
			t.Errorf("%s: TokenPage() = %q, want %q", raw, got, want)
		}
	}
}
