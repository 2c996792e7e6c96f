package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/ghactions"
)

// resolve runs the publishing command's configuration only, with env as
// the whole environment and prompt as the terminal (nil: none).
func resolve(t *testing.T, args []string, env map[string]string, prompt func(string) (string, error)) (*config.Config, error) {
	t.Helper()
	a := &app{env: &config.Env{Getenv: func(k string) string { return env[k] }, Scrub: ghactions.NewScrubber(), ReadSecret: prompt},
		stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	var cfg *config.Config
	app := a.cli()
	resolveOnly := func(c *cli.Context) error {
		var err error
		cfg, err = a.env.Resolve(c)
		return err
	}
	app.Action = resolveOnly
	for _, cmd := range app.Commands {
		if cmd.Name == "upload" {
			cmd.Action = resolveOnly
		}
	}
	err := app.RunContext(context.Background(), append([]string{"pypi-publish"}, args...))
	return cfg, err
}

func TestPasswordPrompt(t *testing.T) {
	noDMI := filepath.Join(t.TempDir(), "no-dmi")
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		terminal bool
		asked    bool
	}{
		{"terminal, no password, no CI, user", []string{"-u", "alice"}, nil, true, true},
		{"terminal, trusted publishing never", []string{"--trusted-publishing", "never"}, nil, true, true},
		{"no terminal", []string{"-u", "alice"}, nil, false, false},
		{"CI set", []string{"-u", "alice"}, map[string]string{"CI": "true"}, true, false},
		{"GitLab CI", []string{"-u", "alice"}, map[string]string{"GITLAB_CI": "true"}, true, false},
		{"password given", []string{"-u", "alice", "-p", "pw"}, nil, true, false},
		{"token given", []string{"-t", "pypi-x"}, nil, true, false},
		{"dry run", []string{"-u", "alice", "-n"}, nil, true, false},
		{"trusted publishing always", []string{"--trusted-publishing", "always"}, nil, true, false},
		{"an ID token is there: trusted publishing applies", nil, map[string]string{"PYPI_PUBLISH_ID_TOKEN": "x.y.z"}, true, false},
		{"upload subcommand", []string{"upload", "-u", "alice"}, nil, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"PYPI_PUBLISH_DMI_PRODUCT_NAME_PATH": noDMI}
			for k, v := range tt.env {
				env[k] = v
			}
			asked := false
			var prompt func(string) (string, error)
			if tt.terminal {
				prompt = func(p string) (string, error) {
					asked = true
					if !strings.Contains(p, "upload.pypi.org") && !strings.Contains(p, "PyPI") {
						t.Errorf("prompt %q does not name the index", p)
					}
					return " typed-secret\n", nil
				}
			}
			cfg, err := resolve(t, tt.args, env, prompt)
			if err != nil {
				t.Fatal(err)
			}
			if asked != tt.asked {
				t.Fatalf("asked = %v, want %v", asked, tt.asked)
			}
			if asked && cfg.Password != "typed-secret" {
				t.Errorf("password %q, want the typed one, trimmed", cfg.Password)
			}
		})
	}
}

func TestCredentialPrecedence(t *testing.T) {
	dir := t.TempDir()
	rc := filepath.Join(dir, ".pypirc")
	writeTestFile(t, rc, "[pypi]\nusername = file-user\npassword = file-pass\n")
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		user, pass string
		err        string
	}{
		{"file", nil, nil, "file-user", "file-pass", ""},
		{"environment beats file", nil, map[string]string{"TWINE_USERNAME": "env-user", "TWINE_PASSWORD": "env-pass"}, "env-user", "env-pass", ""},
		{"flag beats environment", []string{"-u", "flag-user", "-p", "flag-pass"}, map[string]string{"TWINE_USERNAME": "env-user", "TWINE_PASSWORD": "env-pass"}, "flag-user", "flag-pass", ""},
		{"uv token beats the file", nil, map[string]string{"UV_PUBLISH_TOKEN": "pypi-uv"}, "__token__", "pypi-uv", ""},
		{"password variable beside token variable", nil, map[string]string{"UV_PUBLISH_TOKEN": "pypi-uv", "TWINE_PASSWORD": "x"}, "", "", "not both"},
		{"flag password beats token variable", []string{"-p", "flag-pass"}, map[string]string{"UV_PUBLISH_TOKEN": "pypi-uv"}, "file-user", "flag-pass", ""},
		{"token flag beats password variable", []string{"-t", "pypi-flag"}, map[string]string{"TWINE_PASSWORD": "env-pass"}, "__token__", "pypi-flag", ""},
		{"URL ignores the file, as twine does", []string{"--repository-url", "https://example.org/legacy/"}, nil, "__token__", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"HOME": dir, "PYPI_PUBLISH_DMI_PRODUCT_NAME_PATH": filepath.Join(dir, "no-dmi")}
			for k, v := range tt.env {
				env[k] = v
			}
			cfg, err := resolve(t, append([]string{"-n"}, tt.args...), env, nil)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.User != tt.user || cfg.Password != tt.pass {
				t.Errorf("user %q password %q, want %q %q", cfg.User, cfg.Password, tt.user, tt.pass)
			}
		})
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
