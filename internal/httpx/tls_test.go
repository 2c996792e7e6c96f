package httpx

import (
	"bufio"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/httpx/tlstest"
)

// tlsServer starts an HTTPS server with cfg as its TLS configuration and
// counts its connections.
func tlsServer(t *testing.T, cfg func(*httptest.Server)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	// Refused handshakes would be logged by the server.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	cfg(srv)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// writeFile writes data into the test's directory and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTLSConfigAndHints(t *testing.T) {
	ca, err := tlstest.NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	other, err := tlstest.NewCA("another CA")
	if err != nil {
		t.Fatal(err)
	}
	_, clientPEM, err := ca.Issue(tlstest.Options{Client: true})
	if err != nil {
		t.Fatal(err)
	}
	_, foreignClientPEM, err := other.Issue(tlstest.Options{Client: true})
	if err != nil {
		t.Fatal(err)
	}
	caFile := writeFile(t, "ca.pem", ca.PEM)
	clientFile := writeFile(t, "client.pem", clientPEM)
	foreignClientFile := writeFile(t, "foreign-client.pem", foreignClientPEM)

	server := func(requireClient bool, o tlstest.Options, hosts ...string) func(*httptest.Server) {
		return func(s *httptest.Server) {
			c, err := ca.ServerConfig(requireClient, o, hosts...)
			if err != nil {
				t.Fatal(err)
			}
			s.TLS = c
		}
	}
	tests := []struct {
		name       string
		server     func(*httptest.Server)
		ca, client string
		hint       string // "" for success
	}{
		{"private CA trusted with --cert", server(false, tlstest.Options{}, "127.0.0.1"), caFile, "", ""},
		{"private CA without --cert", server(false, tlstest.Options{}, "127.0.0.1"), "", "", "--cert FILE"},
		{"wrong host name", server(false, tlstest.Options{}, "index.example"), caFile, "", "not for this host name"},
		{"expired certificate", server(false, tlstest.Options{Expired: true}, "127.0.0.1"), caFile, "", "expired"},
		{"client certificate accepted", server(true, tlstest.Options{}, "127.0.0.1"), caFile, clientFile, ""},
		{"client certificate missing", server(true, tlstest.Options{}, "127.0.0.1"), caFile, "", "--client-cert FILE"},
		{"client certificate from another CA", server(true, tlstest.Options{}, "127.0.0.1"), caFile, foreignClientFile, "--client-cert FILE"},
	}
	for _, tt := range tests {
		srv, conns := tlsServer(t, tt.server)
		for _, c := range clients {
			t.Run(tt.name+"/"+c.name, func(t *testing.T) {
				cfg := testConfig()
				if cfg.TLS, err = TLSConfig(tt.ca, tt.client); err != nil {
					t.Fatal(err)
				}
				before := conns.Load()
				resp, err := c.do(cfg, newRequest(t, http.MethodGet, srv.URL, nil))
				if tt.hint == "" {
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					return
				}
				var terr *TLSError
				if !errors.As(err, &terr) || !strings.Contains(err.Error(), tt.hint) {
					t.Fatalf("error %v: want a *TLSError mentioning %q", err, tt.hint)
				}
				if n := conns.Load() - before; n != 1 {
					t.Errorf("%d connections, want 1: no retry fixes a certificate", n)
				}
			})
		}
	}
}

func TestTLSConfigErrors(t *testing.T) {
	ca, err := tlstest.NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	caFile := writeFile(t, "ca.pem", ca.PEM)
	tests := []struct {
		name, ca, client, want string
	}{
		{"missing bundle", filepath.Join(t.TempDir(), "nope.pem"), "", "CA bundle"},
		{"bundle without certificates", writeFile(t, "empty.pem", []byte("hello\n")), "", "no PEM certificate"},
		{"client file without a key", "", caFile, "certificate and its private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TLSConfig(tt.ca, tt.client)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("TLSConfig() error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
	if c, err := TLSConfig("", ""); c != nil || err != nil {
		t.Errorf("TLSConfig(\"\", \"\") = %v, %v; want nil, nil (Go's defaults)", c, err)
	}
}

// TestProxyFromEnvironment proves that every client goes through the
// proxy HTTPS_PROXY and HTTP_PROXY name. Go reads those variables once
// per process and never proxies requests to localhost or loopback
// addresses, so the check runs in a child process (TestProxyChild) that
// starts with the variables set and asks for host names that only the
// proxy knows: it sends every connection to the test servers.
func TestProxyFromEnvironment(t *testing.T) {
	ca, err := tlstest.NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	hello := func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello from "+r.Host) }
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(hello))
	if tlsSrv.TLS, err = ca.ServerConfig(false, tlstest.Options{}, "index.internal"); err != nil {
		t.Fatal(err)
	}
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	plain := httptest.NewServer(http.HandlerFunc(hello))
	t.Cleanup(plain.Close)

	var connects, gets atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodConnect {
			connects.Add(1)
			upstream, err := net.Dial("tcp", tlsSrv.Listener.Addr().String())
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			w.WriteHeader(http.StatusOK)
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				upstream.Close()
				return
			}
			go func() { io.Copy(upstream, buf); upstream.Close() }()
			io.Copy(conn, upstream)
			conn.Close()
			return
		}
		// A plain-http request through a proxy names the whole URL.
		gets.Add(1)
		req, _ := http.NewRequest(r.Method, plain.URL+r.URL.Path, nil)
		req.Host = r.Host
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, bufio.NewReader(resp.Body))
	}))
	t.Cleanup(proxy.Close)

	cmd := exec.Command(os.Args[0], "-test.run=^TestProxyChild$", "-test.v")
	cmd.Env = append(os.Environ(),
		"HTTPX_PROXY_CHILD=1",
		"HTTPS_PROXY="+proxy.URL, "HTTP_PROXY="+proxy.URL, "NO_PROXY=", "no_proxy=",
		"HTTPX_CA_FILE="+writeFile(t, "ca.pem", ca.PEM))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "PASS") {
		t.Fatalf("child did not run:\n%s", out)
	}
	// Each of the three clients once over https, once over http.
	if c, g := connects.Load(), gets.Load(); c != 3 || g != 3 {
		t.Errorf("proxy saw %d CONNECTs and %d plain requests, want 3 and 3", c, g)
	}
}

// TestProxyChild is TestProxyFromEnvironment's child process.
func TestProxyChild(t *testing.T) {
	if os.Getenv("HTTPX_PROXY_CHILD") != "1" {
		t.Skip("runs as a child of TestProxyFromEnvironment")
	}
	for _, c := range clients {
		cfg := testConfig()
		var err error
		if cfg.TLS, err = TLSConfig(os.Getenv("HTTPX_CA_FILE"), ""); err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{"https://index.internal/simple/", "http://plain.internal/simple/"} {
			resp, err := c.do(cfg, newRequest(t, http.MethodGet, u, nil))
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, u, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if host := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://"); !strings.HasPrefix(string(body), "hello from "+strings.TrimSuffix(host, "/simple/")) {
				t.Errorf("%s %s: answer %q", c.name, u, body)
			}
		}
	}
}
