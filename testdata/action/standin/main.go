// Command standin is the world the action's end-to-end test (.ci/act) and
// start-up benchmark (bench/startup) run against, all on 127.0.0.1:
//
//   - a stand-in PyPI (internal/pypitest) that accepts an API token and
//     trusts a fake GitHub Actions OIDC issuer (internal/oidctest) for a
//     trusted publisher of project ppdemo;
//   - that issuer's token endpoint, for ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN;
//   - a stand-in for GitHub's release downloads, serving a directory at
//     /releases/download/<version>/<asset>;
//   - GET /_standin/state: what the index holds, as JSON, with the time the
//     first upload request arrived (the benchmark's "first byte").
//
// Usage:
//
//	standin serve -env FILE [-releases DIR] [-token T]
//	    writes KEY=VALUE lines for the job's environment to FILE, then
//	    serves until interrupted
//	standin mkdist -dir D NAME VERSION
//	    writes a wheel and an sdist of NAME VERSION into D
//	standin mkwheel -dir D NAME VERSION
//	    writes only the wheel
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/oidctest"
	"github.com/pypi-publish/pypi-publish/internal/pypitest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: standin serve|mkdist|mkwheel [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "mkdist":
		err = mkdist(os.Args[2:], true)
	case "mkwheel":
		err = mkdist(os.Args[2:], false)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "standin:", err)
		os.Exit(1)
	}
}

// listen serves h on a fresh 127.0.0.1 port and returns its base URL.
func listen(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go http.Serve(ln, h)
	return "http://" + ln.Addr().String(), nil
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	envFile := fs.String("env", "", "file to write the job's environment to (KEY=VALUE lines)")
	releases := fs.String("releases", "", "directory served as /releases/download/ (<version>/<asset>)")
	token := fs.String("token", "pypi-e2e-token", "API token the index accepts")
	fs.Parse(args)
	if *envFile == "" {
		return fmt.Errorf("serve: -env is required")
	}

	issuer := oidctest.NewIssuer()
	issuerURL, err := listen(issuer)
	if err != nil {
		return err
	}
	issuer.SetURL(issuerURL)

	idx := pypitest.NewIndex(pypitest.Options{KeepContent: false})
	defer idx.Close()
	idx.AddToken(*token)
	idx.TrustIssuer("github", issuerURL)
	// The publisher matches the issuer's default claims: repository
	// octo-org/octo-repo, workflow release.yml, no environment.
	owner, repo, _ := strings.Cut(oidctest.DefaultRepository, "/")
	idx.AddProject("ppdemo")
	idx.AddPublisher(pypitest.Publisher{Kind: "github", Owner: owner, Repository: repo,
		OwnerID: "1234567", Workflow: "release.yml", Projects: []string{"ppdemo"}})

	var mu sync.Mutex
	var firstUpload time.Time
	mux := http.NewServeMux()
	mux.HandleFunc("/_standin/state", func(w http.ResponseWriter, r *http.Request) {
		type file struct {
			Filename, Project, Version, SHA256 string
			Size                               int64
		}
		state := struct {
			Files         []file
			Uploads       int
			MintedTokens  int
			OIDCRequests  int
			FirstUploadNS int64
		}{Uploads: idx.Uploads(), MintedTokens: idx.MintedTokens(), OIDCRequests: issuer.Requests()}
		for _, f := range idx.Files() {
			state.Files = append(state.Files, file{f.Filename, f.Project, f.Version, f.SHA256, f.Size})
		}
		mu.Lock()
		if !firstUpload.IsZero() {
			state.FirstUploadNS = firstUpload.UnixNano()
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(state)
	})
	if *releases != "" {
		mux.Handle("/releases/download/", http.StripPrefix("/releases/download/", http.FileServer(http.Dir(*releases))))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/legacy/" {
			mu.Lock()
			if firstUpload.IsZero() {
				firstUpload = time.Now()
			}
			mu.Unlock()
		}
		idx.ServeHTTP(w, r)
	})
	indexURL, err := listen(mux)
	if err != nil {
		return err
	}

	env := strings.Join([]string{
		"E2E_INDEX_URL=" + indexURL + "/legacy/",
		"E2E_STATE_URL=" + indexURL + "/_standin/state",
		"E2E_TOKEN=" + *token,
		"ACTIONS_ID_TOKEN_REQUEST_URL=" + issuer.TokenURL(),
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + issuer.RequestToken(),
		"PYPI_PUBLISH_DOWNLOAD_BASE=" + indexURL + "/releases/download",
	}, "\n") + "\n"
	if err := os.WriteFile(*envFile+".tmp", []byte(env), 0o600); err != nil {
		return err
	}
	if err := os.Rename(*envFile+".tmp", *envFile); err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return nil
}

func mkdist(args []string, sdist bool) error {
	fs := flag.NewFlagSet("mkdist", flag.ExitOnError)
	dir := fs.String("dir", "dist", "where to write")
	fs.Parse(args)
	if fs.NArg() != 2 {
		return fmt.Errorf("mkdist: want NAME VERSION")
	}
	name, version := fs.Arg(0), fs.Arg(1)
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	// A marker file makes each build's bytes differ from a file of the
	// same name uploaded before, which is what skip-existing is about.
	opts := pypitest.DistOptions{Extra: map[string][]byte{"standin.txt": []byte(time.Now().String())}}
	builders := []func(string, string, pypitest.DistOptions) (string, []byte, error){pypitest.BuildWheel}
	if sdist {
		builders = append(builders, pypitest.BuildSdist)
	}
	for _, build := range builders {
		filename, data, err := build(name, version, opts)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(*dir, filename), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
