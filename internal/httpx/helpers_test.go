package httpx

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// canary is a secret planted in URLs and headers: no log line and no
// redacted error may contain it.
const canary = "s3cr3t-canary-value"

// testUA is the User-Agent of every test client.
const testUA = "pypi-publish/test"

// server is an httptest server on 127.0.0.1 that counts its requests.
type server struct {
	*httptest.Server
	requests atomic.Int32
}

// serve starts a server for the test. A handler that blocks must also
// wait on a channel closed by a cleanup registered after serve (cleanups
// run last first), or Close waits for it forever.
func serve(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, int(s.requests.Add(1)))
	}))
	t.Cleanup(s.Close)
	return s
}

// statuses answers the nth request with codes[n-1], the last code
// repeating.
func statuses(codes ...int) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, n int) {
		w.WriteHeader(codes[min(n, len(codes))-1])
		io.WriteString(w, "body of answer "+http.StatusText(codes[min(n, len(codes))-1]))
	}
}

// testConfig is a policy with quick retries and a generous timeout.
func testConfig() *Config {
	return &Config{UserAgent: testUA, Retries: 3, RetryWait: time.Millisecond, Timeout: 10 * time.Second}
}

// client is one of the three clients a Config builds, behind one
// signature: send a request, get the answer.
type client struct {
	name  string
	retry bool
	do    func(c *Config, req *http.Request) (*http.Response, error)
}

var clients = []client{
	{"Once", false, func(c *Config, req *http.Request) (*http.Response, error) { return c.Once().Do(req) }},
	{"Retrying", true, func(c *Config, req *http.Request) (*http.Response, error) {
		rreq, err := retryablehttp.FromRequest(req)
		if err != nil {
			return nil, err
		}
		return c.Retrying().Do(rreq)
	}},
	{"Standard", true, func(c *Config, req *http.Request) (*http.Response, error) { return c.Standard().Do(req) }},
}

func newRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// logLines collects a Config's log.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, formatLine(format, args...))
}

func (l *logLines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func formatLine(format string, args ...any) string {
	return strings.TrimSpace(fmt.Sprintf(format, args...))
}
