package pypitest

import (
	"bytes"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

func TestFailNext(t *testing.T) {
	idx, srv := newIndex(t, Options{})
	idx.FailNext(2, http.StatusServiceUnavailable, "7")
	u := wheelUpload(t, "demo", "1.0")
	for k := 0; k < 2; k++ {
		r := send(t, srv.URL, u)
		if r.status != "503 Service Unavailable" || r.header.Get("Retry-After") != "7" ||
			!bytes.Contains(r.body, []byte("Error 503 Service Unavailable")) {
			t.Fatalf("attempt %d: %s, Retry-After %q, body %q", k, r.status, r.header.Get("Retry-After"), r.body)
		}
	}
	if r := send(t, srv.URL, u); r.code != 200 {
		t.Fatalf("third attempt: %s", r.status)
	}
	if idx.Uploads() != 3 || len(idx.Files()) != 1 {
		t.Errorf("Uploads() = %d, Files() = %d; want 3, 1", idx.Uploads(), len(idx.Files()))
	}
	idx.FailNext(1, http.StatusTooManyRequests, "")
	if r := send(t, srv.URL, u); r.status != "429 Too Many Requests" || r.header.Get("Retry-After") != "" {
		t.Errorf("429: %s, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
}

// countingReader counts what the client managed to send.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func TestDropNext(t *testing.T) {
	idx, srv := newIndex(t, Options{})
	idx.DropNext(1, 64<<10)
	u := wheelUpload(t, "demo", "1.0")
	// A body far bigger than the socket buffers, so the drop happens while
	// the client is still sending.
	u.set("description", string(bytes.Repeat([]byte("x"), 24<<20)))
	body, ctype := u.body()
	total := int64(body.(*bytes.Buffer).Len())
	cr := &countingReader{r: body}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/legacy/", cr)
	req.ContentLength = total
	req.Header.Set("Content-Type", ctype)
	req.SetBasicAuth("__token__", token)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped upload answered %s", resp.Status)
	}
	if sent := cr.n.Load(); sent >= total {
		t.Errorf("the client sent all %d bytes before the drop", sent)
	}
	if r := send(t, srv.URL, wheelUpload(t, "demo", "1.0")); r.code != 200 {
		t.Fatalf("next upload: %s", r.status)
	}
	if idx.Uploads() != 2 {
		t.Errorf("Uploads() = %d, want 2", idx.Uploads())
	}
	if log := idx.Requests(); len(log) != 2 || log[0].Status != 0 {
		t.Errorf("Requests() = %+v, want a first entry with status 0", log)
	}
}

func TestSetDelay(t *testing.T) {
	idx, srv := newIndex(t, Options{})
	idx.SetDelay(150 * time.Millisecond)
	start := time.Now()
	if r := send(t, srv.URL, wheelUpload(t, "demo", "1.0")); r.code != 200 {
		t.Fatal(r.status)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("answered after %v, want at least 150ms", d)
	}
}
