package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/attest"
	"github.com/pypi-publish/pypi-publish/internal/attest/sigstoretest"
	"github.com/pypi-publish/pypi-publish/internal/httpx/tlstest"
	"github.com/pypi-publish/pypi-publish/internal/oidctest"
	"github.com/pypi-publish/pypi-publish/internal/pypitest"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script")

// testToken is the API token the stand-in index accepts in scripts. It is
// a canary: no script output may contain it.
const testToken = "pypi-CANARY-AgEIcHlwaS5vcmcCJGUxZjQ3"

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"pypi-publish": main})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Setup:               setupScript,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"mkdist": cmdMkdist,
			"pypi":   cmdPypi,
			"oidc":   cmdOIDC,
			"masked": cmdMasked,
			"tlsidx": cmdTLSIndex,
			"sigstore": func(ts *testscript.TestScript, neg bool, args []string) {
				// sigstore fail PATH-PREFIX N STATUS: fail the fake Fulcio or Rekor.
				n, _ := strconv.Atoi(args[2])
				status, _ := strconv.Atoi(args[3])
				ts.Value("sigstore").(*sigstoretest.Sigstore).FailNext(args[1], n, status)
			},
		},
	})
}

// standinAudience is the stand-in index's OIDC audience: pypi-publish
// sends a token for PyPI's own audience ("pypi") only to PyPI.
const standinAudience = "pypi-standin"

// setupScript gives every script its own stand-in PyPI, reachable as
// $PYPI, that accepts $TOKEN, and points the action inputs at it.
func setupScript(env *testscript.Env) error {
	idx := pypitest.NewIndex(pypitest.Options{KeepContent: true, Audience: standinAudience})
	idx.AddToken(testToken)
	srv := httptest.NewServer(idx)
	env.Defer(func() { srv.Close(); idx.Close() })
	env.Values["index"] = idx

	// Two fake OIDC issuers the index trusts: GitHub Actions (its token
	// endpoint is always configured; GITHUB_ACTIONS=true turns it on) and
	// GitLab (a script sets PYPI_ID_TOKEN=$GITLAB_ID_TOKEN and GITLAB_CI).
	github := oidctest.NewIssuer()
	githubSrv := httptest.NewServer(github)
	github.SetURL(githubSrv.URL)
	gitlab := oidctest.NewIssuer()
	gitlab.SetBaseClaims(oidctest.GitLabClaims("octo-group/octo-project"))
	gitlabSrv := httptest.NewServer(gitlab)
	gitlab.SetURL(gitlabSrv.URL)
	env.Defer(func() { githubSrv.Close(); gitlabSrv.Close() })
	idx.TrustIssuer("github", github.URL())
	idx.TrustIssuer("gitlab", gitlab.URL())
	env.Values["github"] = github
	env.Values["gitlab"] = gitlab
	env.Values["claims"] = map[string]any{}
	env.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", github.TokenURL())
	env.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", github.RequestToken())
	env.Setenv("REQUEST_TOKEN", github.RequestToken())
	env.Setenv("GITLAB_ID_TOKEN", gitlab.Mint(standinAudience, nil))
	env.Setenv("GITLAB_ID_TOKEN_2", gitlab.Mint(standinAudience, nil))
	env.Setenv("GITLAB_PYPI_ID_TOKEN", gitlab.Mint("pypi", nil))
	env.Setenv("GITLAB_SIGSTORE_TOKEN", gitlab.Mint("sigstore", nil))
	env.Setenv("PYPI_PUBLISH_DMI_PRODUCT_NAME_PATH", filepath.Join(env.WorkDir, "no-dmi"))
	env.Setenv("GITHUB_ACTIONS", "")
	env.Setenv("GITLAB_CI", "")

	// A fake Fulcio and Rekor v1 for attestations, and its trust root.
	sig, err := sigstoretest.New()
	if err != nil {
		return err
	}
	sigSrv := httptest.NewServer(sig)
	env.Defer(sigSrv.Close)
	sig.SetURL(sigSrv.URL)
	rootJSON, err := sig.TrustedRootJSON()
	if err != nil {
		return err
	}
	rootPath := filepath.Join(env.WorkDir, "trusted_root.json")
	if err := os.WriteFile(rootPath, rootJSON, 0o644); err != nil {
		return err
	}
	env.Values["sigstore"] = sig
	env.Setenv("PYPI_PUBLISH_SIGSTORE_FULCIO_URL", sigSrv.URL)
	env.Setenv("PYPI_PUBLISH_SIGSTORE_REKOR_URL", sigSrv.URL)
	env.Setenv("PYPI_PUBLISH_SIGSTORE_TRUSTED_ROOT", rootPath)
	env.Setenv("GITHUB_ISSUER", github.URL())
	env.Setenv("PYPI", srv.URL)
	env.Setenv("TOKEN", testToken)
	env.Setenv("PYPI_PUBLISH_RETRY_WAIT", "5ms")
	env.Setenv("PYPI_PUBLISH_PYPI_RULES", "always")
	env.Setenv("PYPI_PUBLISH_REPOSITORY_URL", srv.URL+"/legacy/")
	// A terminal is never attached in scripts; make that explicit for
	// anything that looks at the environment.
	env.Setenv("TERM", "dumb")
	return nil
}

func fakeIndex(ts *testscript.TestScript) *pypitest.Index {
	return ts.Value("index").(*pypitest.Index)
}

// mkdist [-dir D] wheel|sdist NAME VERSION [key=value ...] writes a
// distribution built in Go into D (default dist). Keys: tag=, metadata=
// (a file in the script's work dir holding the whole METADATA),
// filename= (rename the result), datadescriptor=true (a zip PyPI refuses),
// size=N (pad the archive with an N-byte file).
func cmdMkdist(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! mkdist")
	}
	dir := "dist"
	if len(args) > 1 && args[0] == "-dir" {
		dir, args = args[1], args[2:]
	}
	if len(args) < 3 {
		ts.Fatalf("usage: mkdist [-dir D] wheel|sdist NAME VERSION [key=value ...]")
	}
	kind, name, version := args[0], args[1], args[2]
	var opts pypitest.DistOptions
	rename := ""
	for _, kv := range args[3:] {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "tag":
			opts.Tag = v
		case "metadata":
			opts.Metadata = ts.ReadFile(v)
		case "filename":
			rename = v
		case "datadescriptor":
			opts.DataDescriptor = v == "true"
		case "size":
			n, err := strconv.Atoi(v)
			ts.Check(err)
			opts.Extra = map[string][]byte{"pad.bin": bytes.Repeat([]byte{'x'}, n)}
		default:
			ts.Fatalf("mkdist: unknown key %q", k)
		}
	}
	var filename string
	var data []byte
	var err error
	switch kind {
	case "wheel":
		filename, data, err = pypitest.BuildWheel(name, version, opts)
	case "sdist":
		filename, data, err = pypitest.BuildSdist(name, version, opts)
	default:
		ts.Fatalf("mkdist: kind must be wheel or sdist")
	}
	ts.Check(err)
	if rename != "" {
		filename = rename
	}
	ts.Check(os.MkdirAll(ts.MkAbs(dir), 0o755))
	ts.Check(os.WriteFile(filepath.Join(ts.MkAbs(dir), filename), data, 0o644))
}

// pypi inspects and steers the stand-in index:
//
//	pypi uploaded FILE        the index stores FILE, byte for byte as dist/FILE
//	pypi files N              the index stores N files
//	pypi posts N              the index received N upload requests
//	pypi field FILE KEY VALUE the upload of FILE carried KEY=VALUE
//	pypi fail N STATUS [RETRY-AFTER]  fail the next N uploads
//	pypi drop N BYTES         drop the connection of the next N uploads after BYTES
//	pypi token TOKEN [PROJECT ...]    accept another token
//	pypi project NAME         the project exists already
//	pypi publisher github OWNER/REPO WORKFLOW [ENV]   add a trusted publisher for demo
//	pypi publisher gitlab NAMESPACE/PROJECT FILE [ENV]
//	pypi attested FILE        the upload of FILE carried an attestation that verifies
//	pypi mints N              the index minted N tokens
//	pypi jtis N               the index saw N mint requests with N distinct jtis
//	pypi failmint N STATUS    fail the next N mint requests before reading them
//	pypi failmintafterclaim N answer 503 to the next N mint requests after spending their JWT
//	pypi tokenlifetime D      minted tokens live for duration D
//	pypi delay D              every answer waits D first
//	pypi audience AUD         announce and expect the OIDC audience AUD
//	pypi burned N             the index revoked N minted tokens
//	pypi noburn               burn-token answers 404
//	pypi trustedpublishing on|disabled|absent  offered, turned off (403) or missing (404)
func cmdPypi(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: pypi uploaded|files|posts|field|fail|drop|token|project ...")
	}
	idx := fakeIndex(ts)
	check := func(ok bool, format string, a ...any) {
		if ok == neg {
			if neg {
				ts.Fatalf("unexpectedly: "+format, a...)
			}
			ts.Fatalf(format, a...)
		}
	}
	switch args[0] {
	case "uploaded":
		f, ok := idx.File(args[1])
		if ok && !neg {
			local := ts.ReadFile(filepath.Join("dist", args[1]))
			if string(f.Content) != local {
				ts.Fatalf("index holds %d bytes for %s, dist has %d (or they differ)", len(f.Content), args[1], len(local))
			}
		}
		check(ok, "%s not on the index", args[1])
	case "files":
		n, _ := strconv.Atoi(args[1])
		check(len(idx.Files()) == n, "index stores %d files, want %d", len(idx.Files()), n)
	case "posts":
		n, _ := strconv.Atoi(args[1])
		check(idx.Uploads() == n, "index received %d uploads, want %d", idx.Uploads(), n)
	case "field":
		f, ok := idx.File(args[1])
		if !ok {
			ts.Fatalf("%s not on the index", args[1])
		}
		got := f.Form[args[2]]
		check(len(got) > 0 && strings.Join(got, "\n") == args[3], "%s: field %s = %q, want %q", args[1], args[2], got, args[3])
	case "fail":
		n, _ := strconv.Atoi(args[1])
		status, _ := strconv.Atoi(args[2])
		retryAfter := ""
		if len(args) > 3 {
			retryAfter = args[3]
		}
		idx.FailNext(n, status, retryAfter)
	case "drop":
		n, _ := strconv.Atoi(args[1])
		after, _ := strconv.ParseInt(args[2], 10, 64)
		idx.DropNext(n, after)
	case "token":
		idx.AddToken(args[1], args[2:]...)
	case "project":
		idx.AddProject(args[1])
	case "publisher":
		// pypi publisher github OWNER/REPO WORKFLOW [ENVIRONMENT]
		// pypi publisher gitlab NAMESPACE/PROJECT CONFIG-FILE [ENVIRONMENT]
		p := pypitest.Publisher{Kind: args[1]}
		switch args[1] {
		case "github":
			owner, repo, _ := strings.Cut(args[2], "/")
			p.Owner, p.Repository, p.OwnerID, p.Workflow = owner, repo, oidctest.GitHubClaims(args[2])["repository_owner_id"].(string), args[3]
		case "gitlab":
			p.ProjectPath, p.ConfigFile = args[2], args[3]
		default:
			ts.Fatalf("pypi publisher: kind must be github or gitlab")
		}
		if len(args) > 4 {
			p.Environment = args[4]
		}
		p.Projects = []string{"demo"}
		idx.AddProject("demo")
		idx.AddPublisher(p)
	case "attested":
		// pypi attested FILE: the upload of FILE carried an attestation
		// that verifies against the fake Sigstore for this repository's
		// release workflow.
		f, ok := idx.File(args[1])
		if !ok {
			ts.Fatalf("%s not on the index", args[1])
		}
		var list []json.RawMessage
		if err := json.Unmarshal([]byte(f.Attestations), &list); err != nil || len(list) != 1 {
			check(false, "%s: attestations field %q is not a one-element array", args[1], f.Attestations)
			return
		}
		a, err := attest.Parse(list[0])
		ts.Check(err)
		trusted, err := attest.LoadTrustedRoot(ts.MkAbs("trusted_root.json"))
		ts.Check(err)
		id := attest.Identity{Issuer: ts.Getenv("GITHUB_ISSUER"), SANRegex: `https://github\.com/octo-org/octo-repo/.*`}
		err = attest.Verify(a, f.Filename, f.SHA256, trusted, id)
		check(err == nil, "%s: attestation does not verify: %v", args[1], err)
	case "mints":
		n, _ := strconv.Atoi(args[1])
		check(idx.MintedTokens() == n, "index minted %d tokens, want %d", idx.MintedTokens(), n)
	case "jtis":
		// pypi jtis N: the index saw N mint requests, all with different jtis.
		n, _ := strconv.Atoi(args[1])
		jtis := idx.JTIs()
		distinct := map[string]bool{}
		for _, j := range jtis {
			distinct[j] = true
		}
		check(len(jtis) == n && len(distinct) == n, "index saw jtis %q, want %d distinct", jtis, n)
	case "failmint":
		n, _ := strconv.Atoi(args[1])
		status, _ := strconv.Atoi(args[2])
		idx.FailMint(n, status)
	case "failmintafterclaim":
		n, _ := strconv.Atoi(args[1])
		idx.FailMintAfterClaim(n)
	case "tokenlifetime":
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		idx.SetTokenLifetime(d)
	case "delay":
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		idx.SetDelay(d)
	case "audience":
		idx.SetAudience(args[1])
	case "burned":
		n, _ := strconv.Atoi(args[1])
		burned, _ := idx.Burned()
		check(burned == n, "index revoked %d tokens, want %d", burned, n)
	case "noburn":
		idx.DisableBurn(true)
	case "trustedpublishing":
		idx.SetTrustedPublishing(args[1])
	default:
		ts.Fatalf("pypi: unknown subcommand %q", args[0])
	}
}

// masked checks the last command's output: a token was masked with
// ::add-mask:: and appears nowhere else, in stdout or stderr.
func cmdMasked(ts *testscript.TestScript, neg bool, args []string) {
	stdout, stderr := ts.ReadFile("stdout"), ts.ReadFile("stderr")
	m := regexp.MustCompile(`(?m)^::add-mask::(\S+)$`).FindStringSubmatch(stdout)
	if m == nil {
		ts.Fatalf("no ::add-mask:: line in stdout")
	}
	token := m[1]
	if n := strings.Count(stdout, token); n != 1 {
		ts.Fatalf("the masked token appears %d times in stdout, want only in the mask line", n)
	}
	if strings.Contains(stderr, token) {
		ts.Fatalf("the masked token appears in stderr")
	}
}

// oidc steers the fake GitHub issuer:
//
//	oidc claim KEY VALUE   put KEY=VALUE in every token ("-" removes it)
//	oidc fail N STATUS     fail the next N token requests
//	oidc requests N        the token endpoint was asked N times
func cmdOIDC(ts *testscript.TestScript, neg bool, args []string) {
	iss := ts.Value("github").(*oidctest.Issuer)
	switch args[0] {
	case "claim":
		var v any = args[2]
		if args[2] == "-" {
			v = nil
		}
		claims := ts.Value("claims").(map[string]any)
		claims[args[1]] = v
		iss.SetClaims(claims)
	case "fail":
		n, _ := strconv.Atoi(args[1])
		status, _ := strconv.Atoi(args[2])
		iss.FailNext(n, status)
	case "requests":
		n, _ := strconv.Atoi(args[1])
		if (iss.Requests() == n) == neg {
			ts.Fatalf("token endpoint asked %d times, want %d", iss.Requests(), n)
		}
	default:
		ts.Fatalf("oidc: unknown subcommand %q", args[0])
	}
}

// TestNoSecretsInOutput runs whole uploads, failing and succeeding, with
// --verbose and checks that the token appears nowhere in what a user or a
// log would see.
func TestNoSecretsInOutput(t *testing.T) {
	idx := pypitest.NewIndex(pypitest.Options{})
	idx.AddToken(testToken)
	srv := httptest.NewServer(idx)
	defer srv.Close()
	defer idx.Close()
	dir := t.TempDir()
	for _, kind := range []string{"wheel", "sdist"} {
		build := pypitest.BuildWheel
		if kind == "sdist" {
			build = pypitest.BuildSdist
		}
		name, data, err := build("canary-demo", "1.0", pypitest.DistOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runs := []struct {
		name  string
		setup func()
		args  []string
		code  int
	}{
		{"success", nil, nil, exitOK},
		{"identical re-upload", nil, nil, exitOK},
		{"bad token", nil, []string{"--password", testToken + "x"}, exitFail},
		{"server errors until retries run out", func() { idx.FailNext(10, 503, "") }, []string{"--retries", "2"}, exitFail},
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			if r.setup != nil {
				r.setup()
			}
			var stdout, stderr bytes.Buffer
			args := append([]string{"pypi-publish", "--verbose", "--print-hash", "--repository-url", srv.URL + "/legacy/", "--pypi-rules", "always", "-d", dir}, r.args...)
			getenv := func(k string) string {
				switch k {
				case "PYPI_PUBLISH_PASSWORD":
					return testToken
				case "PYPI_PUBLISH_RETRY_WAIT":
					return "1ms"
				}
				return ""
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := run(ctx, args, getenv, &stdout, &stderr)
			code := exitCode(err, &stderr)
			out := stdout.String() + stderr.String()
			if code != r.code {
				t.Errorf("exit %d, want %d: the run did not go as the case says, so the check below may cover nothing:\n%s", code, r.code, out)
			}
			if strings.Contains(out, testToken) || strings.Contains(out, strings.TrimPrefix(testToken, "pypi-")) {
				t.Errorf("the token leaked (exit %d):\n%s", code, out)
			}
			if !strings.Contains(out, "[verbose] POST") {
				t.Errorf("verbose output has no request log; the test checks nothing:\n%s", out)
			}
			t.Logf("exit %d, %d bytes of output", code, len(out))
		})
	}
}

// trustedStandIn serves a stand-in PyPI that trusts a fake GitHub
// issuer, both on 127.0.0.1 until the test ends; indexURL is its upload
// URL.
func trustedStandIn(t *testing.T) (idx *pypitest.Index, indexURL string, iss *oidctest.Issuer) {
	t.Helper()
	iss = oidctest.NewIssuer()
	issSrv := httptest.NewServer(iss)
	t.Cleanup(issSrv.Close)
	iss.SetURL(issSrv.URL)
	idx = pypitest.NewIndex(pypitest.Options{Audience: standinAudience})
	srv := httptest.NewServer(idx)
	t.Cleanup(func() { srv.Close(); idx.Close() })
	idx.TrustIssuer("github", iss.URL())
	return idx, srv.URL + "/legacy/", iss
}

// TestNoSecretsTrustedPublishing runs trusted publishing, succeeding and
// failing, with --verbose on GitHub, and checks that the request token,
// the ID tokens (every JWT starts "eyJ") and the minted token appear
// nowhere but in the one ::add-mask:: line, in output or job summary.
func TestNoSecretsTrustedPublishing(t *testing.T) {
	dir := t.TempDir()
	name, data, err := pypitest.BuildWheel("canary-demo", "1.0", pypitest.DistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, name), data, 0o644)
	publisher := pypitest.Publisher{Kind: "github", Owner: "octo-org", Repository: "octo-repo", OwnerID: "1234567", Workflow: "release.yml", Projects: []string{"canary-demo"}}
	runs := []struct {
		name  string
		setup func(*pypitest.Index, *oidctest.Issuer)
		ok    bool
	}{
		{"no publisher", func(*pypitest.Index, *oidctest.Issuer) {}, false},
		{"mint fails every time", func(idx *pypitest.Index, _ *oidctest.Issuer) {
			idx.AddPublisher(publisher)
			idx.FailMintAfterClaim(10)
		}, false},
		{"token endpoint fails", func(idx *pypitest.Index, iss *oidctest.Issuer) {
			idx.AddPublisher(publisher)
			iss.FailNext(100, 500)
		}, false},
		{"success", func(idx *pypitest.Index, _ *oidctest.Issuer) { idx.AddPublisher(publisher) }, true},
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			idx, indexURL, iss := trustedStandIn(t)
			idx.AddProject("canary-demo")
			r.setup(idx, iss)
			// Attestations are signed by a fake Sigstore: no test may
			// reach production.
			sig, err := sigstoretest.New()
			if err != nil {
				t.Fatal(err)
			}
			sigSrv := httptest.NewServer(sig)
			defer sigSrv.Close()
			sig.SetURL(sigSrv.URL)
			rootJSON, _ := sig.TrustedRootJSON()
			rootPath := filepath.Join(t.TempDir(), "trusted_root.json")
			os.WriteFile(rootPath, rootJSON, 0o644)
			summary := filepath.Join(t.TempDir(), "summary.md")
			env := map[string]string{
				"PYPI_PUBLISH_SIGSTORE_FULCIO_URL":   sigSrv.URL,
				"PYPI_PUBLISH_SIGSTORE_REKOR_URL":    sigSrv.URL,
				"PYPI_PUBLISH_SIGSTORE_TRUSTED_ROOT": rootPath,
				"GITHUB_ACTIONS":                     "true",
				"GITHUB_STEP_SUMMARY":                summary,
				"ACTIONS_ID_TOKEN_REQUEST_URL":       iss.TokenURL(),
				"ACTIONS_ID_TOKEN_REQUEST_TOKEN":     iss.RequestToken(),
				"PYPI_PUBLISH_RETRY_WAIT":            "1ms",
			}
			var stdout, stderr bytes.Buffer
			args := []string{"pypi-publish", "--verbose", "--repository-url", indexURL, "--pypi-rules", "always", "-d", dir}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err = run(ctx, args, func(k string) string { return env[k] }, &stdout, &stderr)
			if (err == nil) != r.ok {
				t.Fatalf("run: %v\n%s%s", err, stdout.String(), stderr.String())
			}
			sum, _ := os.ReadFile(summary)
			out := stdout.String() + stderr.String() + string(sum)
			if strings.Contains(out, iss.RequestToken()) {
				t.Errorf("the request token leaked:\n%s", out)
			}
			if strings.Contains(out, "eyJ") {
				t.Errorf("an ID token leaked:\n%s", out)
			}
			masked := 0
			for _, line := range strings.Split(stdout.String(), "\n") {
				if minted, ok := strings.CutPrefix(line, "::add-mask::"); ok {
					masked++
					if n := strings.Count(out, minted); n != 1 {
						t.Errorf("the minted token appears %d times, want once (the mask line)", n)
					}
				}
			}
			if r.ok && masked != 1 {
				t.Errorf("%d mask lines, want 1", masked)
			}
			if r.ok && sig.Entries() == 0 {
				t.Errorf("nothing was signed: the test did not cover the Sigstore token")
			}
		})
	}
}

// TestREADMEListsRSTChecks keeps README's promise about which
// reStructuredText problems are detected in step with the code.
func TestREADMEListsRSTChecks(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range append(append([]string{}, dist.RSTChecks...), dist.RSTNotChecked...) {
		if !strings.Contains(string(readme), "- "+item+"\n") {
			t.Errorf("README.md does not list %q", item)
		}
	}
}

// tlsidx [-clientcert] serves the script's stand-in index over HTTPS as
// $TLSPYPI, with a certificate from a private CA written to ca.pem; with
// -clientcert the server also requires a client certificate from that
// CA. client.pem holds one with its key, other.pem one from another CA.
func cmdTLSIndex(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! tlsidx")
	}
	ca, err := tlstest.NewCA("script CA")
	ts.Check(err)
	other, err := tlstest.NewCA("another CA")
	ts.Check(err)
	srv := httptest.NewUnstartedServer(fakeIndex(ts))
	// Refused handshakes would be logged by the server.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS, err = ca.ServerConfig(len(args) > 0 && args[0] == "-clientcert", tlstest.Options{}, "127.0.0.1")
	ts.Check(err)
	srv.StartTLS()
	ts.Defer(srv.Close)
	_, client, err := ca.Issue(tlstest.Options{Client: true})
	ts.Check(err)
	_, foreign, err := other.Issue(tlstest.Options{Client: true})
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs("ca.pem"), ca.PEM, 0o644))
	ts.Check(os.WriteFile(ts.MkAbs("client.pem"), client, 0o600))
	ts.Check(os.WriteFile(ts.MkAbs("other.pem"), foreign, 0o600))
	ts.Setenv("TLSPYPI", srv.URL)
}
