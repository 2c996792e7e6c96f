package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/oidctest"
	"github.com/pypi-publish/pypi-publish/internal/pypitest"
)

// hostilePassword is a canary: no form of it may reach what the run
// prints or writes. Its + and / make its URL and base64 forms differ.
const hostilePassword = "pypi-CANARY-hostile+server/echo-not-a-real-token=="

// echoServer is an index that answers every upload by echoing the
// credential it was sent, in the form the case says, wrapped in terminal
// escapes and forged workflow commands.
func echoServer(t *testing.T, answer func(w http.ResponseWriter, auth, password string)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		_, password, _ := r.BasicAuth()
		answer(w, auth, password)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const forged = "\x1b[2K\r\n::error title=forged::release approved\n::add-mask::nothing\x07"

func TestHostileServerEchoesCredentials(t *testing.T) {
	cases := []struct {
		name   string
		answer func(w http.ResponseWriter, auth, password string)
	}{
		{"JSON message with the password", func(w http.ResponseWriter, _, pw string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"message": "Invalid or non-existent authentication information: %s %s"}`, pw, forged)
		}},
		{"HTML page with the Basic value", func(w http.ResponseWriter, auth, _ string) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<html><title>400 %s</title><body><h1>%s</h1>%s</body></html>", auth, auth, forged)
		}},
		{"plain text with the URL-encoded password, retried", func(w http.ResponseWriter, _, pw string) {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "upstream saw token=%s%s", url.QueryEscape(pw), forged)
		}},
		{"reason phrase with the Basic value", func(w http.ResponseWriter, auth, _ string) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			fmt.Fprintf(buf, "HTTP/1.1 403 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", auth)
			buf.Flush()
		}},
		{"password cut short", func(w http.ResponseWriter, _, pw string) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "bad credential %s...%s", pw[:30], forged)
		}},
		{"base64 of the password in JSON", func(w http.ResponseWriter, _, pw string) {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"detail": "token %s rejected"}`, base64.StdEncoding.EncodeToString([]byte(pw)))
		}},
	}
	dir := t.TempDir()
	name, data, err := pypitest.BuildWheel("demo", "1.0", pypitest.DistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, name), data, 0o644)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := echoServer(t, c.answer)
			work := t.TempDir()
			summary, output := filepath.Join(work, "summary.md"), filepath.Join(work, "output")
			env := map[string]string{
				"PYPI_PUBLISH_PASSWORD":   hostilePassword,
				"PYPI_PUBLISH_RETRY_WAIT": "1ms",
				"GITHUB_ACTIONS":          "true",
				"GITHUB_STEP_SUMMARY":     summary,
				"GITHUB_OUTPUT":           output,
			}
			var stdout, stderr bytes.Buffer
			args := []string{"pypi-publish", "--verbose", "--retries", "1", "--repository-url", srv.URL + "/legacy/", "--pypi-rules", "never", "-d", dir}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			code := exitCode(run(ctx, args, func(k string) string { return env[k] }, &stdout, &stderr), &stderr)
			if code != exitFail {
				t.Fatalf("exit %d, want %d:\n%s%s", code, exitFail, stdout.String(), stderr.String())
			}
			sum, _ := os.ReadFile(summary)
			out, _ := os.ReadFile(output)
			for where, text := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "job summary": string(sum), "outputs": string(out)} {
				checkHostileText(t, where, text)
			}
		})
	}
}

// checkHostileText fails when text holds a piece of the canary in any
// form, a terminal control character, or a workflow command the server
// forged.
func checkHostileText(t *testing.T, where, text string) {
	t.Helper()
	basic := base64.StdEncoding.EncodeToString([]byte("__token__:" + hostilePassword))
	for _, form := range []string{hostilePassword, basic, url.QueryEscape(hostilePassword), base64.StdEncoding.EncodeToString([]byte(hostilePassword))} {
		for i := 0; i+12 <= len(form); i += 4 {
			if strings.Contains(text, form[i:i+12]) {
				t.Errorf("%s holds %q, a piece of the credential:\n%s", where, form[i:i+12], text)
				return
			}
		}
	}
	if i := strings.IndexAny(text, "\x1b\x07\r\b"); i >= 0 {
		t.Errorf("%s holds control character %q:\n%q", where, text[i], text)
	}
	// The runner takes a line for a command when it starts with "::"
	// after blanks; inside our own annotation the server's text is
	// escaped data.
	forgedCommand := regexp.MustCompile(`^[ \t]*::(error title=forged|add-mask::nothing)`)
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		if line := sc.Text(); forgedCommand.MatchString(line) {
			t.Errorf("%s: the server's text became a workflow command: %q", where, line)
		}
	}
}

// TestHostileFilename publishes (as a dry run on GitHub) a file whose
// name holds a newline, a forged workflow command and table-breaking
// characters: nothing it holds may become a command, a second table row
// or a broken output.
func TestHostileFilename(t *testing.T) {
	dir := t.TempDir()
	_, data, err := pypitest.BuildWheel("demo", "1.0", pypitest.DistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	evil := "demo-1.0-py3-none-any|x`y\n::error title=forged::release approved\x1b[2K.whl"
	if err := os.WriteFile(filepath.Join(dir, evil), data, 0o644); err != nil {
		t.Skipf("this file system refuses the name: %v", err)
	}
	work := t.TempDir()
	summary := filepath.Join(work, "summary.md")
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary, "GITHUB_OUTPUT": filepath.Join(work, "output")}
	var stdout, stderr bytes.Buffer
	args := []string{"pypi-publish", "--print-hash", "-n", "--repository-url", "https://upload.example.org/legacy/", "-d", dir}
	code := exitCode(run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr), &stderr)
	if code != exitFail {
		t.Fatalf("exit %d, want %d (preflight refuses the name):\n%s%s", code, exitFail, stdout.String(), stderr.String())
	}
	sum, _ := os.ReadFile(summary)
	for where, text := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "job summary": string(sum)} {
		checkHostileText(t, where, text)
	}
	rows := 0
	for _, line := range strings.Split(string(sum), "\n") {
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| file ") {
			rows++
			if n := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(line, -1)); n != 6 {
				t.Errorf("table row has %d cell borders, want 6: %q", n, line)
			}
		}
	}
	if rows != 1 {
		t.Errorf("job summary has %d table rows, want 1:\n%s", rows, sum)
	}
}

// TestCredentialsNeverFollowRedirects points trusted publishing at an
// index whose mint-token (and then the CI's token endpoint) answers with
// a redirect to another server: the ID token must not be sent there, and
// the run must say where the redirect went.
func TestCredentialsNeverFollowRedirects(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		fmt.Fprint(w, `{"success": true, "token": "pypi-stolen", "expires": 9999999999, "value": "x"}`)
	}))
	defer other.Close()
	dir := t.TempDir()
	name, data, err := pypitest.BuildWheel("demo", "1.0", pypitest.DistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, name), data, 0o644)

	for _, status := range []int{301, 302, 307, 308} {
		for _, where := range []string{"mint-token", "token endpoint"} {
			t.Run(fmt.Sprintf("%s %d", where, status), func(t *testing.T) {
				iss := oidctest.NewIssuer()
				issSrv := httptest.NewServer(iss)
				defer issSrv.Close()
				iss.SetURL(issSrv.URL)
				tokenURL := iss.TokenURL()
				if where == "token endpoint" {
					redirector := httptest.NewServer(http.RedirectHandler(other.URL+"/token", status))
					defer redirector.Close()
					tokenURL = redirector.URL + "/token?api-version=2.0"
				}
				index := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					switch r.URL.Path {
					case "/_/oidc/audience":
						fmt.Fprint(w, `{"audience": "pypi-standin"}`)
					case "/_/oidc/mint-token":
						http.Redirect(w, r, other.URL+"/_/oidc/mint-token", status)
					default:
						http.NotFound(w, r)
					}
				}))
				defer index.Close()
				env := map[string]string{
					"GITHUB_ACTIONS":                 "true",
					"ACTIONS_ID_TOKEN_REQUEST_URL":   tokenURL,
					"ACTIONS_ID_TOKEN_REQUEST_TOKEN": iss.RequestToken(),
					"PYPI_PUBLISH_RETRY_WAIT":        "1ms",
				}
				var stdout, stderr bytes.Buffer
				args := []string{"pypi-publish", "--retries", "1", "--attestations=false", "--repository-url", index.URL + "/legacy/", "-d", dir}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				code := exitCode(run(ctx, args, func(k string) string { return env[k] }, &stdout, &stderr), &stderr)
				out := stdout.String() + stderr.String()
				if code != exitFail {
					t.Errorf("exit %d, want %d:\n%s", code, exitFail, out)
				}
				if n := elsewhere.Load(); n != 0 {
					t.Fatalf("the redirect target got %d requests:\n%s", n, out)
				}
				if !strings.Contains(out, other.URL) || !strings.Contains(out, "redirect") {
					t.Errorf("the failure does not name the redirect and its target:\n%s", out)
				}
				if strings.Contains(out, iss.RequestToken()) || strings.Contains(out, "eyJ") {
					t.Errorf("a credential reached the output:\n%s", out)
				}
			})
		}
	}
}
