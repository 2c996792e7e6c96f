package dist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/distbuild"
)

func writeDist(t *testing.T, dir string, build func(string, string, distbuild.Options) (string, []byte, error), name, version string, o distbuild.Options, rename string) string {
	t.Helper()
	filename, data, err := build(name, version, o)
	if err != nil {
		t.Fatal(err)
	}
	if rename != "" {
		filename = rename
	}
	p := filepath.Join(dir, filename)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOpenWheel(t *testing.T) {
	tests := []struct {
		name    string
		o       distbuild.Options
		rename  string
		want    string
		wantErr bool
	}{
		{"good", distbuild.Options{}, "", "", false},
		{"data descriptor", distbuild.Options{DataDescriptor: true}, "", "ZIP archive not accepted: ZIP contains a data descriptor", true},
		{"renamed", distbuild.Options{}, "demo-1.0.0-py3-none-any.whl", "WHEEL not found at demo-1.0.0.dist-info/WHEEL", true},
		{"bad entry points", distbuild.Options{Extra: map[string][]byte{"demo-1.0.dist-info/entry_points.txt": []byte("console_scripts\nx = y\n")}}, "", "has invalid entry points", true},
		{"license file missing", distbuild.Options{Metadata: "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-File: LICENSE\n\n"}, "", "License-File LICENSE does not exist in distribution file demo-1.0-py3-none-any.whl at demo-1.0.dist-info/licenses/LICENSE", true},
		{"license file present", distbuild.Options{Metadata: "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-File: LICENSE\n\n",
			Extra: map[string][]byte{"demo-1.0.dist-info/licenses/LICENSE": []byte("MIT")}}, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeDist(t, t.TempDir(), distbuild.Wheel, "demo", "1.0", tt.o, tt.rename)
			f, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			got := problems(f)
			if (tt.want == "" && got != "") || !strings.Contains(got, tt.want) {
				t.Errorf("problems = %q, want %q", got, tt.want)
			}
			if (len(f.Errors()) > 0) != tt.wantErr {
				t.Errorf("errors = %v, wantErr %v", f.Errors(), tt.wantErr)
			}
			if want, _ := HashFile(p); f.Digests != want {
				t.Errorf("digests %+v, want %+v", f.Digests, want)
			}
		})
	}
}

func TestPreflight(t *testing.T) {
	type dist struct {
		sdist   bool
		name    string
		version string
		o       distbuild.Options
		rename  string
	}
	meta := func(name, version string) distbuild.Options {
		return distbuild.Options{Metadata: "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\nSummary: s\n\n"}
	}
	// A wheel as setuptools 66/wheel 0.38 named it: the project name as
	// written, dots and capitals kept, in the filename and dist-info.
	legacyInfo := "Gitea.MD_Demo-1.2.0.dist-info/"
	legacyName := distbuild.Options{Metadata: "Metadata-Version: 2.1\nName: Gitea.MD-Demo\nVersion: 1.2.0\nSummary: s\n\n",
		Extra: map[string][]byte{
			legacyInfo + "METADATA": []byte("Metadata-Version: 2.1\nName: Gitea.MD-Demo\nVersion: 1.2.0\nSummary: s\n\n"),
			legacyInfo + "WHEEL":    []byte("Wheel-Version: 1.0\nGenerator: bdist_wheel (0.38.4)\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
			legacyInfo + "RECORD":   []byte(""),
		}}
	tests := []struct {
		name     string
		pypi     bool
		dists    []dist
		wantOK   bool
		want     []string
		warnings []string
	}{
		{"wheel and sdist", true, []dist{{false, "demo", "1.0", distbuild.Options{}, ""}, {true, "demo", "1.0", distbuild.Options{}, ""}}, true, nil, nil},
		{"non-normalized sdist on PyPI", true, []dist{{true, "demo", "1.0", distbuild.Options{}, "Demo-1.0.tar.gz"}}, false,
			[]string{"Filename 'Demo-1.0.tar.gz' is invalid, should be 'demo-1.0.tar.gz'."}, nil},
		{"non-normalized sdist elsewhere", false, []dist{{true, "demo", "1.0", distbuild.Options{}, "Demo-1.0.tar.gz"}}, true,
			nil, []string{"PyPI would refuse this name"}},
		{"sdist of another project", true, []dist{{true, "demo", "1.0", meta("other", "1.0"), ""}}, false,
			[]string{"Start filename for 'other' with 'other'."}, nil},
		{"sdist version not normalized", true, []dist{{true, "demo", "1.0", meta("demo", "1.00"), "demo-1.00.tar.gz"}}, false,
			[]string{"Filename 'demo-1.00.tar.gz' is invalid, should be 'demo-1.0.tar.gz'."}, nil},
		{"non-normalized wheel on PyPI", true, []dist{{false, "Gitea.MD-Demo", "1.2.0", legacyName, "Gitea.MD_Demo-1.2.0-py3-none-any.whl"}}, false,
			[]string{"Filename 'Gitea.MD_Demo-1.2.0-py3-none-any.whl' should contain the normalized project name 'gitea_md_demo', not 'Gitea.MD_Demo'."}, nil},
		{"non-normalized wheel elsewhere", false, []dist{{false, "Gitea.MD-Demo", "1.2.0", legacyName, "Gitea.MD_Demo-1.2.0-py3-none-any.whl"}}, true,
			nil, []string{"PyPI would refuse this name: Filename 'Gitea.MD_Demo-1.2.0-py3-none-any.whl' should contain the normalized project name"}},
		{"wheel of another project elsewhere", false, []dist{{false, "demo", "1.0", meta("other", "1.0"), ""}}, false,
			[]string{"Start filename for 'other' with 'other'."}, nil},
		{"wheel of another version", true, []dist{{false, "demo", "1.0", meta("demo", "2.0"), ""}}, false,
			[]string{"Version in filename should be '2.0' not '1.0'."}, nil},
		{"wheel version PEP 440-equal", true, []dist{{false, "demo", "1.0", meta("demo", "1.0.0"), ""}}, true, nil, nil},
		{"linux_x86_64 on PyPI", true, []dist{{false, "demo", "1.0", distbuild.Options{Tag: "cp312-cp312-linux_x86_64"}, ""}}, false,
			[]string{"Binary wheel 'demo-1.0-cp312-cp312-linux_x86_64.whl' has an unsupported platform tag 'linux_x86_64'."}, nil},
		{"linux_x86_64 elsewhere", false, []dist{{false, "demo", "1.0", distbuild.Options{Tag: "cp312-cp312-linux_x86_64"}, ""}}, true, nil, nil},
		{"two sdists", true, []dist{{true, "demo", "1.0", distbuild.Options{}, ""}, {true, "demo", "1.0", meta("Demo", "1.0.0"), "demo-1.0.0.tar.gz"}}, false,
			[]string{"Only one sdist may be uploaded per release."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var files []*File
			for _, d := range tt.dists {
				build := distbuild.Wheel
				if d.sdist {
					build = distbuild.Sdist
				}
				f, err := Open(writeDist(t, dir, build, d.name, d.version, d.o, d.rename))
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, f)
			}
			ok := Preflight(files, PreflightOptions{PyPI: tt.pypi, VerifyMetadata: false})
			var errs, warns []string
			for _, f := range files {
				for _, p := range f.Problems {
					if p.Warning {
						warns = append(warns, p.Message)
					} else {
						errs = append(errs, p.Message)
					}
				}
			}
			if ok != tt.wantOK {
				t.Errorf("Preflight = %v, want %v; errors %q", ok, tt.wantOK, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(strings.Join(errs, "\n"), w) {
					t.Errorf("errors %q lack %q", errs, w)
				}
			}
			for _, w := range tt.warnings {
				if !strings.Contains(strings.Join(warns, "\n"), w) {
					t.Errorf("warnings %q lack %q", warns, w)
				}
			}
		})
	}
}
