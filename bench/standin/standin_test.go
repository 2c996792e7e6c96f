package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"github.com/pypi-publish/pypi-publish/upload"
)

// TestMakers: every distribution the tool writes opens without a problem
// in the dist package, which applies PyPI's rules.
func TestMakers(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		args []string
		want []string
	}{
		{"mkdist", []string{"ppdemo-act", "0.2.0"}, []string{"ppdemo_act-0.2.0-py3-none-any.whl", "ppdemo_act-0.2.0.tar.gz"}},
		{"mkwheel", []string{"ppdemo", "0.1.0"}, []string{"ppdemo-0.1.0-py3-none-any.whl"}},
		{"smallwheels", []string{"-n", "2"}, []string{"benchpkg00-1.0-py3-none-any.whl", "benchpkg01-1.0-py3-none-any.whl"}},
		{"bigwheel", []string{"-size", "100000"}, []string{"bigwheel-1.0-py3-none-any.whl"}},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			dir := t.TempDir()
			var out bytes.Buffer
			if err := run(tc.cmd, append([]string{"-dir", dir}, tc.args...), &out); err != nil {
				t.Fatal(err)
			}
			if got := names(t, dir); strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("wrote %q, want %q", got, tc.want)
			}
			for _, name := range tc.want {
				f, err := dist.Open(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if len(f.Problems) > 0 {
					t.Errorf("%s: %v", name, f.Problems)
				}
			}
			if tc.cmd == "bigwheel" && strings.TrimSpace(out.String()) != filepath.Join(dir, tc.want[0]) {
				t.Errorf("printed %q, want the wheel's path", out.String())
			}
		})
	}
}

// TestMkdistDiffers: two builds of the same name differ, which is what
// .ci/act's skip-existing conflict relies on.
func TestMkdistDiffers(t *testing.T) {
	var wheels [2][]byte
	for i := range wheels {
		dir := t.TempDir()
		if err := run("mkwheel", []string{"-dir", dir, "ppdemo", "0.1.0"}, io.Discard); err != nil {
			t.Fatal(err)
		}
		var err error
		if wheels[i], err = os.ReadFile(filepath.Join(dir, "ppdemo-0.1.0-py3-none-any.whl")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // the marker is the build time
	}
	if bytes.Equal(wheels[0], wheels[1]) {
		t.Fatal("two builds wrote the same bytes")
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		args []string
		want string
	}{
		{"frobnicate", nil, `unknown command "frobnicate"`},
		{"mkdist", []string{"-dir", "x", "only-name"}, "want NAME VERSION"},
		{"serve", []string{"stray"}, "unexpected arguments"},
		{"bigwheel", []string{"-size", "-1"}, "negative"},
		{"smallwheels", []string{"-n", "lots"}, "invalid value"},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			err := run(tc.cmd, tc.args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestServe: the job environment, a real upload with the token, the
// state the benchmarks read, the release downloads, and the sink.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	releases := filepath.Join(dir, "releases")
	if err := os.MkdirAll(filepath.Join(releases, "v1.2.3"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(releases, "v1.2.3", "asset"), []byte("binary"), 0o644); err != nil {
		t.Fatal(err)
	}
	envFile := filepath.Join(dir, "job.env")
	w, err := serve([]string{"-token", "pypi-test", "-env", envFile, "-releases", releases})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	data, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for line := range strings.Lines(string(data)) {
		k, v, _ := strings.Cut(strings.TrimSpace(line), "=")
		env[k] = v
	}
	for k, want := range map[string]string{
		"E2E_INDEX_URL":                w.indexURL + "/legacy/",
		"E2E_STATE_URL":                w.indexURL + "/_standin/state",
		"E2E_TOKEN":                    "pypi-test",
		"ACTIONS_ID_TOKEN_REQUEST_URL": w.issuer.TokenURL(),
		"PYPI_PUBLISH_DOWNLOAD_BASE":   w.indexURL + "/releases/download",
	} {
		if env[k] != want {
			t.Errorf("%s=%q, want %q", k, env[k], want)
		}
	}
	if env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] == "" {
		t.Error("no ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	}

	if got := get(t, env["PYPI_PUBLISH_DOWNLOAD_BASE"]+"/v1.2.3/asset"); got != "binary" {
		t.Errorf("release download: %q", got)
	}
	var before state
	if err := json.Unmarshal([]byte(get(t, env["E2E_STATE_URL"])), &before); err != nil {
		t.Fatal(err)
	}
	if before.FirstUploadNS != 0 || len(before.Files) != 0 {
		t.Errorf("state before any upload: %+v", before)
	}

	distDir := t.TempDir()
	if err := run("mkwheel", []string{"-dir", distDir, "ppdemo", "0.1.0"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	f, err := dist.Open(filepath.Join(distDir, "ppdemo-0.1.0-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	hc := &httpx.Config{Retries: 0}
	c := &upload.Client{URL: env["E2E_INDEX_URL"], Username: "__token__", Password: "pypi-test", HTTP: hc.Retrying()}
	if _, err := c.Upload(context.Background(), f, upload.Options{}); err != nil {
		t.Fatal(err)
	}
	var after state
	if err := json.Unmarshal([]byte(get(t, env["E2E_STATE_URL"])), &after); err != nil {
		t.Fatal(err)
	}
	if after.FirstUploadNS == 0 || after.Uploads != 1 || len(after.Files) != 1 ||
		after.Files[0].Filename != f.Filename || after.Files[0].SHA256 != f.Digests.SHA256 {
		t.Errorf("state after the upload: %+v", after)
	}

	sink, err := serve([]string{"-sink"})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	resp, err := http.Post(sink.indexURL+"/legacy/", "application/octet-stream", strings.NewReader("anything"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("sink answered %s", resp.Status)
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", url, resp.Status, body)
	}
	return string(body)
}
