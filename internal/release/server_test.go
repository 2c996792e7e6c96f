package release

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/internal/pypitest"
	"github.com/pypi-publish/pypi-publish/upload"
)

// stand is the pypitest index on a loopback server, with a clock the
// test can move and a log, kept on the server's side, of when each
// upload request arrived and when its answer began.
type stand struct {
	idx *pypitest.Index
	srv *httptest.Server

	mu     sync.Mutex
	offset time.Duration // added to the index's clock
	reqs   []*request
	open   int // requests not answered yet
	most   int // the most open at once
	// arrive, when set, is called as upload request n (from 1) arrives,
	// before the index sees it.
	arrive func(n int)
}

type request struct{ arrived, answered time.Time }

func newStand(t *testing.T) *stand {
	t.Helper()
	s := &stand{}
	s.idx = pypitest.NewIndex(pypitest.Options{Now: s.now, Audience: "pypi-standin"})
	t.Cleanup(func() { s.idx.Close() })
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *stand) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Add(s.offset)
}

// advance moves the index's clock, not ours.
func (s *stand) advance(d time.Duration) {
	s.mu.Lock()
	s.offset += d
	s.mu.Unlock()
}

func (s *stand) target(t *testing.T) *index.Target {
	tg, err := index.Parse(s.srv.URL + "/legacy/")
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func (s *stand) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/legacy/" {
		s.idx.ServeHTTP(w, r)
		return
	}
	req := &request{arrived: time.Now()}
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	n := len(s.reqs)
	s.open++
	s.most = max(s.most, s.open)
	arrive := s.arrive
	s.mu.Unlock()
	if arrive != nil {
		arrive(n)
	}
	m := &marker{ResponseWriter: w, mark: func() {
		s.mu.Lock()
		req.answered = time.Now()
		s.open--
		s.mu.Unlock()
	}}
	s.idx.ServeHTTP(m, r)
	m.once.Do(m.mark)
}

// requests returns a copy of the log.
func (s *stand) requests() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []request
	for _, r := range s.reqs {
		out = append(out, *r)
	}
	return out
}

func (s *stand) mostAtOnce() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.most
}

// marker notes when an answer begins: before its first byte can reach
// the client, so before the client can act on it.
type marker struct {
	http.ResponseWriter
	once sync.Once
	mark func()
}

func (m *marker) WriteHeader(code int) {
	m.once.Do(m.mark)
	m.ResponseWriter.WriteHeader(code)
}

func (m *marker) Write(b []byte) (int, error) {
	m.once.Do(m.mark)
	return m.ResponseWriter.Write(b)
}

// Hijack is how pypitest writes Warehouse's reason phrases.
func (m *marker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	m.once.Do(m.mark)
	return http.NewResponseController(m.ResponseWriter).Hijack()
}

func (m *marker) Unwrap() http.ResponseWriter { return m.ResponseWriter }

// wheels writes n wheels of distinct projects pa, pb, … and opens them.
func wheels(t *testing.T, n int) []*dist.File {
	t.Helper()
	return wheelsWith(t, n, pypitest.DistOptions{})
}

// wheelsWith writes the wheels built with o.
func wheelsWith(t *testing.T, n int, o pypitest.DistOptions) []*dist.File {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i := range n {
		name := "p" + string(rune('a'+i))
		filename, data, err := pypitest.BuildWheel(name, "1.0", o)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, filename)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	files, err := Open(t.Context(), paths, 4)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// client uploads to the stand with an API token of the user.
func (s *stand) client(token string) *upload.Client {
	return &upload.Client{
		URL:      s.srv.URL + "/legacy/",
		HTTP:     (&httpx.Config{Retries: 2, RetryWait: time.Millisecond, Timeout: 10 * time.Second}).Retrying(),
		Username: "__token__",
		Password: token,
	}
}

func quietUI() (*console.UI, *bytes.Buffer) {
	var out bytes.Buffer
	return console.New(&out, &out, false, false, nil), &out
}
