package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/oidctest"
	"github.com/pypi-publish/pypi-publish/internal/pypitest"
)

// world is what serve started: the index with its extras, and the OIDC
// issuer, each on its own 127.0.0.1 port.
type world struct {
	indexURL string
	token    string
	issuer   *oidctest.Issuer
	idx      *pypitest.Index
	servers  []*http.Server

	mu          sync.Mutex
	firstUpload time.Time
}

// Close stops both servers and the index.
func (w *world) Close() {
	for _, s := range w.servers {
		s.Close()
	}
	w.idx.Close()
}

// listen serves h on a fresh 127.0.0.1 port and returns its base URL.
func (w *world) listen(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listen: %w", err)
	}
	s := &http.Server{Handler: h}
	w.servers = append(w.servers, s)
	go s.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

func serve(args []string) (*world, error) {
	fs := newFlags("serve")
	token := fs.String("token", "pypi-standin-token", "API token the index accepts")
	sink := fs.Bool("sink", false, "answer every upload with 200 after reading the body (measures the client alone)")
	envFile := fs.String("env", "", "file to write the job's environment to (KEY=VALUE lines)")
	releases := fs.String("releases", "", "directory served as /releases/download/ (<version>/<asset>)")
	// Above PyPI's 100 MiB, so that bench/run's big wheel can go to the
	// index as well as to the sink.
	maxFileSize := fs.Int64("max-file-size", 4<<30, "per-file limit of the index, in bytes")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("serve: unexpected arguments %q", fs.Args())
	}

	w := &world{
		token:  *token,
		issuer: oidctest.NewIssuer(),
		// Only sizes and digests are kept, so gigabytes can be uploaded.
		// Its own OIDC audience: pypi-publish sends a "pypi" ID token to
		// PyPI only.
		idx: pypitest.NewIndex(pypitest.Options{MaxFileSize: *maxFileSize, Audience: "pypi-standin"}),
	}
	issuerURL, err := w.listen(w.issuer)
	if err != nil {
		w.Close()
		return nil, err
	}
	w.issuer.SetURL(issuerURL)

	w.idx.AddToken(*token)
	w.idx.TrustIssuer("github", issuerURL)
	// The publisher matches the issuer's default claims: repository
	// octo-org/octo-repo, workflow release.yml, no environment.
	owner, repo, _ := strings.Cut(oidctest.DefaultRepository, "/")
	w.idx.AddProject("ppdemo")
	w.idx.AddPublisher(pypitest.Publisher{Kind: "github", Owner: owner, Repository: repo,
		OwnerID: "1234567", Workflow: "release.yml", Projects: []string{"ppdemo"}})

	var index http.Handler = w.idx
	if *sink {
		index = http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
		})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/_standin/state", w.serveState)
	if *releases != "" {
		mux.Handle("/releases/download/", http.StripPrefix("/releases/download/", http.FileServer(http.Dir(*releases))))
	}
	mux.HandleFunc("/", func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/legacy/" {
			w.mu.Lock()
			if w.firstUpload.IsZero() {
				w.firstUpload = time.Now()
			}
			w.mu.Unlock()
		}
		index.ServeHTTP(rw, r)
	})
	if w.indexURL, err = w.listen(mux); err != nil {
		w.Close()
		return nil, err
	}

	if *envFile != "" {
		if err := w.writeEnv(*envFile); err != nil {
			w.Close()
			return nil, err
		}
	}
	return w, nil
}

// writeEnv writes the job's environment to file under a temporary name
// first: the scripts wait for the file to be non-empty, and must never
// read half of it.
func (w *world) writeEnv(file string) error {
	env := strings.Join([]string{
		"E2E_INDEX_URL=" + w.indexURL + "/legacy/",
		"E2E_STATE_URL=" + w.indexURL + "/_standin/state",
		"E2E_TOKEN=" + w.token,
		"ACTIONS_ID_TOKEN_REQUEST_URL=" + w.issuer.TokenURL(),
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + w.issuer.RequestToken(),
		"PYPI_PUBLISH_DOWNLOAD_BASE=" + w.indexURL + "/releases/download",
	}, "\n") + "\n"
	if err := os.WriteFile(file+".tmp", []byte(env), 0o600); err != nil {
		return fmt.Errorf("job environment: %w", err)
	}
	if err := os.Rename(file+".tmp", file); err != nil {
		return fmt.Errorf("job environment: %w", err)
	}
	return nil
}

// state is the JSON of /_standin/state.
type state struct {
	Files         []stateFile
	Uploads       int
	MintedTokens  int
	OIDCRequests  int
	FirstUploadNS int64 // 0 until an upload request arrived
}

type stateFile struct {
	Filename, Project, Version, SHA256 string
	Size                               int64
}

func (w *world) serveState(rw http.ResponseWriter, _ *http.Request) {
	s := state{Uploads: w.idx.Uploads(), MintedTokens: w.idx.MintedTokens(), OIDCRequests: w.issuer.Requests()}
	for _, f := range w.idx.Files() {
		s.Files = append(s.Files, stateFile{f.Filename, f.Project, f.Version, f.SHA256, f.Size})
	}
	w.mu.Lock()
	if !w.firstUpload.IsZero() {
		s.FirstUploadNS = w.firstUpload.UnixNano()
	}
	w.mu.Unlock()
	rw.Header().Set("Content-Type", "application/json")
	json.NewEncoder(rw).Encode(s)
}
