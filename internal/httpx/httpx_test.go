package httpx

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// resetConn ends the connection under w with a TCP reset, before any
// answer: what a crashing server or a dropping middlebox looks like.
func resetConn(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

func TestRetryPolicy(t *testing.T) {
	// outcome is what one client sees: how many requests reached the
	// server and the final status, 0 for a transport error.
	type outcome struct{ requests, status int }
	resetThen := func(codes ...int) func(http.ResponseWriter, *http.Request, int) {
		return func(w http.ResponseWriter, r *http.Request, n int) {
			if n <= len(codes) && codes[n-1] == 0 {
				resetConn(t, w)
				return
			}
			statuses(codes[min(n, len(codes))-1])(w, r, 1)
		}
	}
	tests := []struct {
		name      string
		handler   func(http.ResponseWriter, *http.Request, int)
		once      outcome
		retrying  outcome
		wantRetry bool
	}{
		{"200", statuses(200), outcome{1, 200}, outcome{1, 200}, false},
		{"201", statuses(201), outcome{1, 201}, outcome{1, 201}, false},
		{"500 until retries run out", statuses(500), outcome{1, 500}, outcome{4, 500}, true},
		{"502 until retries run out", statuses(502), outcome{1, 502}, outcome{4, 502}, true},
		{"503 until retries run out", statuses(503), outcome{1, 503}, outcome{4, 503}, true},
		{"504 until retries run out", statuses(504), outcome{1, 504}, outcome{4, 504}, true},
		{"429 until retries run out", statuses(429), outcome{1, 429}, outcome{4, 429}, true},
		{"503 then 200", statuses(503, 200), outcome{1, 503}, outcome{2, 200}, true},
		{"429, 502 then 200", statuses(429, 502, 200), outcome{1, 429}, outcome{3, 200}, true},
		{"501 is not retried", statuses(501), outcome{1, 501}, outcome{1, 501}, false},
		{"400 is not retried", statuses(400), outcome{1, 400}, outcome{1, 400}, false},
		{"401 is not retried", statuses(401), outcome{1, 401}, outcome{1, 401}, false},
		{"403 is not retried", statuses(403), outcome{1, 403}, outcome{1, 403}, false},
		{"404 is not retried", statuses(404), outcome{1, 404}, outcome{1, 404}, false},
		{"409 is not retried", statuses(409), outcome{1, 409}, outcome{1, 409}, false},
		{"503 then 400 stops", statuses(503, 400, 200), outcome{1, 503}, outcome{2, 400}, true},
		{"connection reset then 200", resetThen(0, 200), outcome{1, 0}, outcome{2, 200}, true},
		{"connection reset until retries run out", resetThen(0, 0, 0, 0, 0), outcome{1, 0}, outcome{4, 0}, true},
	}
	for _, tt := range tests {
		for _, c := range clients {
			t.Run(tt.name+"/"+c.name, func(t *testing.T) {
				var bodies atomic.Int32
				srv := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
					// Every attempt carries the whole body again.
					if b, _ := io.ReadAll(r.Body); string(b) == "payload" {
						bodies.Add(1)
					}
					tt.handler(w, r, n)
				})
				want := tt.once
				if c.retry {
					want = tt.retrying
				}
				resp, err := c.do(testConfig(), newRequest(t, http.MethodPost, srv.URL+"/upload", strings.NewReader("payload")))
				if got := int(srv.requests.Load()); got != want.requests {
					t.Errorf("server got %d requests, want %d", got, want.requests)
				}
				if got := int(bodies.Load()); got != want.requests {
					t.Errorf("%d requests carried the body, want %d", got, want.requests)
				}
				if want.status == 0 {
					if err == nil {
						resp.Body.Close()
						t.Fatalf("got %s, want a transport error", resp.Status)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if resp.StatusCode != want.status {
					t.Errorf("status %d, want %d", resp.StatusCode, want.status)
				}
				// The last answer comes through whole, so callers can show
				// the server's message.
				if b, _ := io.ReadAll(resp.Body); !strings.HasPrefix(string(b), "body of answer") {
					t.Errorf("body %q, want the server's", b)
				}
			})
		}
	}
}

func TestCheckRetry(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	urlErr := func(err error) error { return &url.Error{Op: "Post", URL: "https://upload.example/legacy/", Err: err} }
	tests := []struct {
		name    string
		ctx     context.Context
		status  int
		err     error
		want    bool
		wantErr bool
	}{
		{"200", nil, 200, nil, false, false},
		{"301", nil, 301, nil, false, false},
		{"400", nil, 400, nil, false, false},
		{"404", nil, 404, nil, false, false},
		{"429", nil, 429, nil, true, false},
		{"500", nil, 500, nil, true, false},
		{"501", nil, 501, nil, false, false},
		{"503", nil, 503, nil, true, false},
		{"599", nil, 599, nil, true, false},
		{"connection reset", nil, 0, urlErr(errors.New("read: connection reset by peer")), true, false},
		{"unexpected EOF", nil, 0, urlErr(io.ErrUnexpectedEOF), true, false},
		{"stall", nil, 0, urlErr(&TimeoutError{Host: "h", After: time.Second}), true, false},
		{"redirect", nil, 0, urlErr(&RedirectError{From: "a", To: "b"}), false, false},
		{"unknown authority", nil, 0, urlErr(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), false, false},
		{"hostname mismatch", nil, 0, urlErr(&tls.CertificateVerificationError{Err: x509.HostnameError{Host: "h"}}), false, false},
		{"unsupported scheme", nil, 0, urlErr(errors.New(`unsupported protocol scheme "ftp"`)), false, false},
		{"context canceled", canceled, 503, nil, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			var resp *http.Response
			if tt.err == nil {
				resp = &http.Response{StatusCode: tt.status, Status: strconv.Itoa(tt.status) + " " + http.StatusText(tt.status)}
			}
			got, err := checkRetry(ctx, resp, tt.err)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("checkRetry = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	const lo, hi = time.Second, 30 * time.Second
	header := func(v string) *http.Response {
		return &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {v}}}
	}
	date := func(d time.Duration) *http.Response {
		return header(time.Now().Add(d).UTC().Format(http.TimeFormat))
	}
	tests := []struct {
		name     string
		lo, hi   time.Duration
		attempt  int
		resp     *http.Response
		min, max time.Duration
	}{
		{"Retry-After seconds", lo, hi, 0, header("5"), 5 * time.Second, 5 * time.Second},
		{"Retry-After beyond the backoff cap", lo, hi, 0, header("90"), 90 * time.Second, 90 * time.Second},
		{"Retry-After two minutes", lo, hi, 0, header("120"), 2 * time.Minute, 2 * time.Minute},
		{"Retry-After capped at two minutes", lo, hi, 0, header("3600"), 2 * time.Minute, 2 * time.Minute},
		{"Retry-After that overflows a Duration", lo, hi, 0, header("99999999999999999"), 2 * time.Minute, 2 * time.Minute},
		{"Retry-After max int64", lo, hi, 0, header("9223372036854775807"), 2 * time.Minute, 2 * time.Minute},
		{"Retry-After 0 waits the minimum", lo, hi, 3, header("0"), lo, lo},
		{"Retry-After date", lo, hi, 0, date(30 * time.Second), 28 * time.Second, 30 * time.Second},
		{"Retry-After date capped", lo, hi, 0, date(time.Hour), 2 * time.Minute, 2 * time.Minute},
		{"Retry-After date in the past", lo, hi, 0, date(-time.Hour), lo, lo},
		{"Retry-After negative is ignored", lo, hi, 0, header("-5"), lo / 2, lo},
		{"Retry-After garbage is ignored", lo, hi, 1, header("soon"), lo, 2 * lo},
		{"no answer, attempt 0", lo, hi, 0, nil, lo / 2, lo},
		{"no header, attempt 1", lo, hi, 1, &http.Response{StatusCode: 500}, lo, 2 * lo},
		{"attempt 4", lo, hi, 4, nil, 8 * lo, 16 * lo},
		{"attempt 5 reaches the cap", lo, hi, 5, nil, hi / 2, hi},
		{"attempt 40 does not overflow", lo, hi, 40, nil, hi / 2, hi},
		{"attempt 1000 does not overflow", lo, hi, 1000, nil, hi / 2, hi},
		{"test wait", time.Millisecond, time.Millisecond, 3, nil, time.Millisecond / 2, time.Millisecond},
		{"zero wait", 0, 0, 2, nil, 0, 0},
	}
	b := backoff(DefaultRetryAfterMax)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The jitter is random: many draws must all stay in bounds.
			for range 200 {
				if got := b(tt.lo, tt.hi, tt.attempt, tt.resp); got < tt.min || got > tt.max {
					t.Fatalf("backoff = %s, want within [%s, %s]", got, tt.min, tt.max)
				}
			}
		})
	}
	// Retrying uses this backoff, with the cap.
	r := testConfig().Retrying()
	if got := r.Backoff(lo, hi, 0, header("3600")); got != DefaultRetryAfterMax {
		t.Errorf("Retrying().Backoff with Retry-After 3600 = %s, want %s", got, DefaultRetryAfterMax)
	}
	if got := r.Backoff(lo, hi, 0, header("7")); got != 7*time.Second {
		t.Errorf("Retrying().Backoff with Retry-After 7 = %s, want 7s", got)
	}
}

// TestRetryingSettings checks that Config reaches the retrying client.
func TestRetryingSettings(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		max      int
		min, top time.Duration
	}{
		{"defaults", Config{Retries: 5}, 5, DefaultWaitMin, DefaultWaitMax},
		{"no retries", Config{}, 0, DefaultWaitMin, DefaultWaitMax},
		{"test wait", Config{Retries: 2, RetryWait: time.Millisecond}, 2, time.Millisecond, time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.cfg.Retrying()
			if r.RetryMax != tt.max || r.RetryWaitMin != tt.min || r.RetryWaitMax != tt.top {
				t.Errorf("RetryMax %d, waits [%s, %s]; want %d, [%s, %s]", r.RetryMax, r.RetryWaitMin, r.RetryWaitMax, tt.max, tt.min, tt.top)
			}
		})
	}
}

func TestRedirectsAreRefused(t *testing.T) {
	tests := []struct {
		code     int
		location string // relative to the target server; "" for the origin
		wantTo   string
	}{
		{http.StatusMovedPermanently, "/elsewhere/?token=" + canary, "/elsewhere/"},
		{http.StatusFound, "/elsewhere/?token=" + canary, "/elsewhere/"},
		{http.StatusSeeOther, "/elsewhere/#" + canary, "/elsewhere/"},
		{http.StatusTemporaryRedirect, "/elsewhere/?token=" + canary, "/elsewhere/"},
		{http.StatusPermanentRedirect, "/elsewhere/?token=" + canary, "/elsewhere/"},
		{http.StatusPermanentRedirect, "userinfo", "/elsewhere/"},
		{http.StatusFound, "", "/moved/"},
	}
	for _, tt := range tests {
		for _, c := range clients {
			t.Run(strconv.Itoa(tt.code)+"/"+tt.location+"/"+c.name, func(t *testing.T) {
				// http.Client logs a round tripper that returns both an
				// answer and an error; such a line must never appear.
				var stdlog bytes.Buffer
				log.SetOutput(&stdlog)
				t.Cleanup(func() { log.SetOutput(defaultLogOutput) })

				var targetAuth atomic.Value
				target := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
					targetAuth.Store(r.Header.Get("Authorization"))
				})
				var location, wantTo string
				switch tt.location {
				case "":
					location, wantTo = tt.wantTo, ""
				case "userinfo":
					location = "http://__token__:" + canary + "@" + target.Listener.Addr().String() + tt.wantTo
					wantTo = target.URL + tt.wantTo
				default:
					location, wantTo = target.URL+tt.location, target.URL+tt.wantTo
				}
				origin := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
					w.Header().Set("Location", location)
					w.WriteHeader(tt.code)
				})
				if wantTo == "" {
					wantTo = origin.URL + tt.wantTo
				}
				req := newRequest(t, http.MethodPost, origin.URL+"/legacy/?api_key="+canary, strings.NewReader("payload"))
				req.Header.Set("Authorization", "Bearer "+canary)
				resp, err := c.do(testConfig(), req)
				if resp != nil {
					resp.Body.Close()
				}
				var rerr *RedirectError
				if !errors.As(err, &rerr) {
					t.Fatalf("error %v (%T), want a *RedirectError", err, err)
				}
				if rerr.From != origin.URL+"/legacy/" || rerr.To != wantTo {
					t.Errorf("From %q To %q; want %q, %q", rerr.From, rerr.To, origin.URL+"/legacy/", wantTo)
				}
				if rerr.StatusCode != tt.code || !strings.HasPrefix(rerr.Status, strconv.Itoa(tt.code)) {
					t.Errorf("StatusCode %d Status %q, want %d", rerr.StatusCode, rerr.Status, tt.code)
				}
				if msg := rerr.Error(); !strings.Contains(msg, rerr.From) || !strings.Contains(msg, rerr.To) {
					t.Errorf("Error() = %q; want it to name both URLs", msg)
				}
				if n := origin.requests.Load(); n != 1 {
					t.Errorf("origin got %d requests; a redirect is never retried or followed", n)
				}
				if n := target.requests.Load(); n != 0 || targetAuth.Load() != nil {
					t.Errorf("redirect target got %d requests (Authorization %q): nothing may reach it", n, targetAuth.Load())
				}
				if msg := RedactError(err).Error(); strings.Contains(msg, canary) {
					t.Errorf("redacted error %q holds the secret", msg)
				}
				if stdlog.Len() > 0 {
					t.Errorf("standard log got %q", stdlog.String())
				}
			})
		}
	}
}

// defaultLogOutput is where the standard logger writes outside the tests
// that capture it.
var defaultLogOutput = log.Writer()

func TestWatchdog(t *testing.T) {
	const timeout = 250 * time.Millisecond
	const tick = 25 * time.Millisecond // well under the timeout
	tests := []struct {
		name     string
		handler  func(t *testing.T, release <-chan struct{}) func(http.ResponseWriter, *http.Request, int)
		body     func() io.Reader
		onlyOnce bool // for bodies too large to buffer for a retry
		// wantErr: "" success, "send" the request fails, "read" reading
		// the answer fails.
		wantErr string
		want    string
	}{{
		name: "never answers",
		handler: func(_ *testing.T, release <-chan struct{}) func(http.ResponseWriter, *http.Request, int) {
			return func(_ http.ResponseWriter, r *http.Request, _ int) {
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}
		},
		wantErr: "send",
	}, {
		name: "reads the upload and never answers",
		handler: func(_ *testing.T, release <-chan struct{}) func(http.ResponseWriter, *http.Request, int) {
			return func(_ http.ResponseWriter, r *http.Request, _ int) {
				io.Copy(io.Discard, r.Body)
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}
		},
		body:    func() io.Reader { return strings.NewReader(strings.Repeat("x", 1<<20)) },
		wantErr: "send",
	}, {
		name: "never reads the upload",
		handler: func(_ *testing.T, release <-chan struct{}) func(http.ResponseWriter, *http.Request, int) {
			return func(_ http.ResponseWriter, r *http.Request, _ int) {
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}
		},
		// More than the socket buffers hold, so the send itself stalls.
		body:     func() io.Reader { return io.LimitReader(zeros{}, 256<<20) },
		onlyOnce: true,
		wantErr:  "send",
	}, {
		name: "stalls mid-answer",
		handler: func(t *testing.T, release <-chan struct{}) func(http.ResponseWriter, *http.Request, int) {
			return func(w http.ResponseWriter, r *http.Request, _ int) {
				w.Header().Set("Content-Length", "100")
				io.WriteString(w, "first part")
				if err := http.NewResponseController(w).Flush(); err != nil {
					t.Error(err)
				}
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}
		},
		wantErr: "read",
		want:    "first part",
	}, {
		name: "slow but moving answer",
		handler: func(t *testing.T, _ <-chan struct{}) func(http.ResponseWriter, *http.Request, int) {
			return func(w http.ResponseWriter, _ *http.Request, _ int) {
				rc := http.NewResponseController(w)
				for range 20 {
					io.WriteString(w, "x")
					if err := rc.Flush(); err != nil {
						t.Error(err)
					}
					time.Sleep(tick)
				}
			}
		},
		want: strings.Repeat("x", 20),
	}, {
		name: "slow but moving upload",
		handler: func(*testing.T, <-chan struct{}) func(http.ResponseWriter, *http.Request, int) {
			return func(w http.ResponseWriter, r *http.Request, _ int) {
				b, _ := io.ReadAll(r.Body)
				io.WriteString(w, strconv.Itoa(len(b)))
			}
		},
		body: func() io.Reader { return &slowReader{n: 20, tick: tick} },
		want: "20",
	}}
	for _, tt := range tests {
		for _, c := range clients {
			if tt.onlyOnce && c.retry {
				continue
			}
			t.Run(tt.name+"/"+c.name, func(t *testing.T) {
				rel := make(chan struct{})
				srv := serve(t, tt.handler(t, rel))
				t.Cleanup(func() { close(rel) }) // before the server closes
				cfg := testConfig()
				cfg.Timeout, cfg.Retries = timeout, 0
				var req *http.Request
				if tt.body != nil {
					req = newRequest(t, http.MethodPost, srv.URL+"/legacy/", tt.body())
				} else {
					req = newRequest(t, http.MethodGet, srv.URL+"/simple/", nil)
				}
				resp, err := c.do(cfg, req)
				if tt.wantErr == "send" {
					if err == nil {
						resp.Body.Close()
						t.Fatalf("got %s, want a *TimeoutError", resp.Status)
					}
					checkTimeout(t, err, srv, timeout)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				if tt.wantErr == "read" {
					checkTimeout(t, err, srv, timeout)
				} else if err != nil {
					t.Fatal(err)
				}
				if string(b) != tt.want {
					t.Errorf("body %q, want %q", b, tt.want)
				}
			})
		}
	}
}

func checkTimeout(t *testing.T, err error, srv *server, after time.Duration) {
	t.Helper()
	var terr *TimeoutError
	if !errors.As(err, &terr) {
		t.Fatalf("error %v (%T), want a *TimeoutError", err, err)
	}
	if terr.Host != srv.Listener.Addr().String() || terr.After != after {
		t.Errorf("TimeoutError{Host %q, After %s}; want %q, %s", terr.Host, terr.After, srv.Listener.Addr(), after)
	}
	if !terr.Timeout() {
		t.Error("Timeout() = false")
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("%v is not a timeout net.Error", err)
	}
}

// TestStallIsRetried: a stalled attempt is a transient failure like a
// connection reset.
func TestStallIsRetried(t *testing.T) {
	rel := make(chan struct{})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			select {
			case <-rel:
			case <-r.Context().Done():
			}
			return
		}
		io.WriteString(w, "ok")
	})
	t.Cleanup(func() { close(rel) }) // before the server closes
	cfg := testConfig()
	cfg.Timeout, cfg.Retries = 200*time.Millisecond, 2
	resp, err := cfg.Standard().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := srv.requests.Load(); n != 2 {
		t.Errorf("server got %d requests, want 2", n)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// slowReader yields n bytes, one per tick.
type slowReader struct {
	n    int
	tick time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	time.Sleep(r.tick)
	r.n--
	p[0] = 'y'
	return 1, nil
}

func TestUserAgent(t *testing.T) {
	for _, c := range clients {
		t.Run(c.name, func(t *testing.T) {
			var got atomic.Value
			srv := serve(t, func(_ http.ResponseWriter, r *http.Request, _ int) { got.Store(r.UserAgent()) })
			req := newRequest(t, http.MethodGet, srv.URL, nil)
			// The policy's User-Agent wins over a caller's.
			req.Header.Set("User-Agent", "something-else")
			resp, err := c.do(testConfig(), req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got.Load() != testUA {
				t.Errorf("User-Agent %q, want %q", got.Load(), testUA)
			}
		})
	}
}

func TestLogHasNoSecrets(t *testing.T) {
	tests := []struct {
		name    string
		handler func(http.ResponseWriter, *http.Request, int)
		minLog  int
	}{
		{"200", statuses(200), 2},
		{"503 then 200", statuses(503, 200), 2},
		{"403", statuses(403), 2},
		{"redirect", func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Location", "http://__token__:"+canary+"@127.0.0.1:1/x?token="+canary)
			w.WriteHeader(http.StatusFound)
		}, 1},
	}
	for _, tt := range tests {
		for _, c := range clients {
			t.Run(tt.name+"/"+c.name, func(t *testing.T) {
				srv := serve(t, tt.handler)
				var logs logLines
				cfg := testConfig()
				cfg.Log = logs.logf
				u := "http://__token__:" + canary + "@" + srv.Listener.Addr().String() + "/legacy/?api_key=" + canary + "#" + canary
				req := newRequest(t, http.MethodPost, u, strings.NewReader("payload"))
				req.Header.Set("Authorization", "Bearer "+canary)
				req.Header.Set("X-Api-Key", canary)
				resp, err := c.do(cfg, req)
				if err == nil {
					resp.Body.Close()
				} else if msg := RedactError(err).Error(); strings.Contains(msg, canary) {
					t.Errorf("redacted error %q holds the secret", msg)
				}
				lines := logs.all()
				if len(lines) < tt.minLog {
					t.Fatalf("log %q; want at least %d lines", lines, tt.minLog)
				}
				for _, l := range lines {
					if strings.Contains(l, canary) || strings.Contains(l, "__token__") || strings.Contains(l, "api_key") || strings.Contains(l, "Bearer") {
						t.Errorf("log line %q holds a secret", l)
					}
					if !strings.Contains(l, srv.URL+"/legacy/") {
						t.Errorf("log line %q does not name the URL", l)
					}
				}
			})
		}
	}
}

func TestTLS(t *testing.T) {
	srv, conns := tlsServer(t, func(*httptest.Server) {})
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())

	for _, c := range clients {
		t.Run("trusted/"+c.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.TLS = &tls.Config{RootCAs: pool}
			resp, err := c.do(cfg, newRequest(t, http.MethodGet, srv.URL, nil))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		})
		t.Run("untrusted is not retried/"+c.name, func(t *testing.T) {
			before := conns.Load()
			_, err := c.do(testConfig(), newRequest(t, http.MethodGet, srv.URL, nil))
			var verr *tls.CertificateVerificationError
			if !errors.As(err, &verr) {
				t.Fatalf("error %v, want a certificate verification error", err)
			}
			if n := conns.Load() - before; n != 1 {
				t.Errorf("%d connections, want 1: a certificate problem is not retried", n)
			}
		})
	}
}

func TestObserver(t *testing.T) {
	tests := []struct {
		name         string
		codes        []int
		retries      int
		wantAttempts int
		wantRetries  []int
	}{
		{"first try", []int{200}, 3, 1, nil},
		{"two retries", []int{503, 429, 200}, 3, 3, []int{1, 2}},
		{"retries run out", []int{502}, 2, 3, []int{1, 2}},
		{"not retried", []int{404}, 3, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, statuses(tt.codes...))
			var got []int
			var reasons []string
			o := &Observer{OnRetry: func(attempt int, reason string) {
				got = append(got, attempt)
				reasons = append(reasons, reason)
			}}
			cfg := testConfig()
			cfg.Retries = tt.retries
			req, err := http.NewRequestWithContext(Observe(context.Background(), o), http.MethodGet, srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := cfg.Standard().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if o.Attempts() != tt.wantAttempts {
				t.Errorf("Attempts() = %d, want %d", o.Attempts(), tt.wantAttempts)
			}
			if !slices.Equal(got, tt.wantRetries) {
				t.Errorf("OnRetry attempts %v, want %v", got, tt.wantRetries)
			}
			for i, r := range reasons {
				if want := http.StatusText(tt.codes[min(i, len(tt.codes)-1)]); !strings.Contains(r, want) {
					t.Errorf("reason %q, want it to say %q", r, want)
				}
			}
		})
	}
}

func TestPassLastAnswer(t *testing.T) {
	body := &closeRecorder{Reader: strings.NewReader("x")}
	resp, err := passLastAnswer(&http.Response{Body: body}, io.ErrUnexpectedEOF, 1)
	if resp != nil || err != io.ErrUnexpectedEOF || !body.closed {
		t.Errorf("with an error: %v, %v, closed %v; want nil, the error, closed", resp, err, body.closed)
	}
	last := &http.Response{StatusCode: 503, Body: io.NopCloser(strings.NewReader("x"))}
	if resp, err := passLastAnswer(last, nil, 4); resp != last || err != nil {
		t.Errorf("retries run out: %v, %v; want the last answer", resp, err)
	}
}

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

// TestWatchdogRewoundBody: when the transport sends the body again from
// GetBody (a dead reused connection), that copy moving keeps the attempt
// alive too.
func TestWatchdogRewoundBody(t *testing.T) {
	const timeout, tick = 250 * time.Millisecond, 25 * time.Millisecond
	inner := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		// What the transport does on a dead connection: read a little
		// of the first body, then start over from GetBody.
		req.Body.Read(make([]byte, 1))
		req.Body.Close()
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer body.Close()
		for {
			time.Sleep(tick)
			if _, err := body.Read(make([]byte, 1)); err == io.EOF {
				break
			}
			if err := context.Cause(req.Context()); err != nil {
				return nil, err
			}
		}
		return &http.Response{StatusCode: 200, Status: "200 OK", Body: http.NoBody, Request: req}, nil
	})
	cfg := &Config{Timeout: timeout, Transport: inner}
	payload := strings.Repeat("z", 20) // 20 ticks: twice the timeout
	resp, err := cfg.Once().Do(newRequest(t, http.MethodPost, "http://127.0.0.1:1/legacy/", strings.NewReader(payload)))
	if err != nil {
		t.Fatalf("a body resent from GetBody that keeps moving failed: %v", err)
	}
	resp.Body.Close()
}
