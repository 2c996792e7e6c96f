package pypitest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// fault is one injected failure for a coming upload request.
type fault struct {
	drop       bool
	afterBytes int64 // drop: how much of the body to read first
	status     int
	retryAfter string
}

// FailNext makes the next n upload requests fail with status, after their
// body has been read in full, with a Retry-After header when retryAfter is
// not empty. The answer looks like one from PyPI's CDN: the standard
// reason phrase and a small HTML page.
func (i *Index) FailNext(n int, status int, retryAfter string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	for ; n > 0; n-- {
		i.faults = append(i.faults, fault{status: status, retryAfter: retryAfter})
	}
}

// DropNext makes the next n upload requests end abruptly: afterBytes of
// the body are read, then the connection is closed without an answer.
func (i *Index) DropNext(n int, afterBytes int64) {
	i.mu.Lock()
	defer i.mu.Unlock()
	for ; n > 0; n-- {
		i.faults = append(i.faults, fault{drop: true, afterBytes: afterBytes})
	}
}

// SetDelay makes the index wait d before answering each upload, once the
// body has been read.
func (i *Index) SetDelay(d time.Duration) {
	i.mu.Lock()
	i.delay = d
	i.mu.Unlock()
}

// nextFault counts an upload request and takes the first pending fault.
func (i *Index) nextFault() (fault, bool, time.Duration) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.uploads++
	if len(i.faults) == 0 {
		return fault{}, false, i.delay
	}
	f := i.faults[0]
	i.faults = i.faults[1:]
	return f, true, i.delay
}

// inject carries out a fault.
func inject(w http.ResponseWriter, r *http.Request, f fault) {
	if f.drop {
		io.CopyN(io.Discard, r.Body, f.afterBytes)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			// Without a connection of our own, a panic is the only way to
			// make net/http abort the response.
			panic(http.ErrAbortHandler)
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0) // send a reset, as a crashing proxy would
		}
		conn.Close()
		return
	}
	io.Copy(io.Discard, r.Body)
	if f.retryAfter != "" {
		w.Header().Set("Retry-After", f.retryAfter)
	}
	text := http.StatusText(f.status)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(cdnPage(f.status, text))))
	w.WriteHeader(f.status)
	io.WriteString(w, cdnPage(f.status, text))
}

// cdnPage is an error page in the style of the cache in front of PyPI.
func cdnPage(status int, text string) string {
	return fmt.Sprintf("<!DOCTYPE html>\n<html>\n  <head>\n    <title>%d %s</title>\n  </head>\n"+
		"  <body>\n    <h1>Error %d %s</h1>\n    <p>%s</p>\n    <h3>Error %d</h3>\n"+
		"    <p>Details: cache-pypitest</p>\n    <hr>\n    <p>Varnish cache server</p>\n  </body>\n</html>\n",
		status, text, status, text, text, status)
}
