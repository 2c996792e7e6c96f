package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/pypitest"
)

// TestTrustedFailureSummaryReadsAsAPage: the job summary of a refused
// exchange is Markdown a person reads on GitHub: a verdict, the publisher
// PyPI needs and the claims as tables, links that can be clicked, and no
// preformatted block whose lines scroll sideways.
func TestTrustedFailureSummaryReadsAsAPage(t *testing.T) {
	dir := t.TempDir()
	name, data, err := pypitest.BuildWheel("demo", "1.0", pypitest.DistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, name), data, 0o644)
	idx, indexURL, iss := trustedStandIn(t)
	idx.AddProject("demo")
	summary := filepath.Join(t.TempDir(), "summary.md")
	env := map[string]string{
		"GITHUB_ACTIONS":                 "true",
		"GITHUB_STEP_SUMMARY":            summary,
		"ACTIONS_ID_TOKEN_REQUEST_URL":   iss.TokenURL(),
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": iss.RequestToken(),
	}
	var stdout, stderr bytes.Buffer
	args := []string{"pypi-publish", "--repository-url", indexURL, "--pypi-rules", "always", "-d", dir}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if code := exitCode(run(ctx, args, func(k string) string { return env[k] }, &stdout, &stderr), &stderr); code != exitFail {
		t.Fatalf("exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	page := string(md)
	if strings.Contains(page, "```") {
		t.Errorf("the summary has a preformatted block:\n%s", page)
	}
	for _, line := range strings.Split(page, "\n") {
		if strings.HasPrefix(line, "    ") && len(line) > 120 {
			t.Errorf("an indented (preformatted) line of %d characters: %q", len(line), line)
		}
	}
	for _, want := range []string{
		"## ❌ Trusted publishing exchange failure",
		"| setting | value |",
		"| Owner | octo-org |",
		"| claim | value |",
		"| `repository` | `octo-org/octo-repo` |",
		"[publisher settings of the project (1)](http://127.0.0.1:",
		"[a pending publisher, for a project not yet on the index](http://127.0.0.1:",
		"[configure a trusted publisher](https://docs.pypi.org/trusted-publishers/)",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the summary lacks %q:\n%s", want, page)
		}
	}
	if !regexp.MustCompile(`(?m)^Token request failed: the server refused the request for the following reasons:`).MatchString(page) {
		t.Errorf("no one-line verdict at the top:\n%s", page)
	}
	t.Logf("%s", page)
}
