package httpx

import (
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://upload.pypi.org/legacy/", "https://upload.pypi.org/legacy/"},
		{"http://127.0.0.1:8080/legacy/", "http://127.0.0.1:8080/legacy/"},
		{"https://__token__:" + canary + "@upload.example/legacy/", "https://upload.example/legacy/"},
		{"https://" + canary + "@upload.example/legacy/", "https://upload.example/legacy/"},
		{"https://upload.example/legacy/?api_key=" + canary, "https://upload.example/legacy/"},
		{"https://upload.example/legacy/?", "https://upload.example/legacy/"},
		{"https://upload.example/legacy/#" + canary, "https://upload.example/legacy/"},
		{"https://u:" + canary + "@upload.example/a%2Fb/?k=" + canary + "#" + canary, "https://upload.example/a%2Fb/"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			u, err := url.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := Redact(u); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if u.String() != tt.in {
				t.Errorf("Redact changed its argument to %q", u)
			}
		})
	}
}

func TestRedactError(t *testing.T) {
	plain := errors.New("plain " + "error")
	tests := []struct {
		name string
		err  error
		want string
		is   error
	}{
		{"url.Error", &url.Error{Op: "Post", URL: "https://__token__:" + canary + "@upload.example/legacy/?k=" + canary, Err: io.ErrUnexpectedEOF},
			"Post https://upload.example/legacy/: unexpected EOF", io.ErrUnexpectedEOF},
		{"unparsable URL", &url.Error{Op: "Get", URL: "http://[::1" + canary, Err: io.EOF}, "Get: EOF", io.EOF},
		{"other error", plain, plain.Error(), plain},
		{"nil", nil, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RedactError(tt.err)
			if tt.err == nil {
				if got != nil {
					t.Errorf("RedactError(nil) = %v", got)
				}
				return
			}
			if got.Error() != tt.want {
				t.Errorf("RedactError = %q, want %q", got, tt.want)
			}
			if !errors.Is(got, tt.is) {
				t.Errorf("RedactError lost the wrapped error %v", tt.is)
			}
		})
	}
}

func TestReadCapped(t *testing.T) {
	tests := []struct {
		name          string
		r             io.Reader
		limit         int64
		want          string
		wantTruncated bool
		wantErr       bool
	}{
		{"empty", strings.NewReader(""), 10, "", false, false},
		{"under the limit", strings.NewReader("hello"), 10, "hello", false, false},
		{"at the limit", strings.NewReader("0123456789"), 10, "0123456789", false, false},
		{"one over", strings.NewReader("0123456789A"), 10, "0123456789", true, false},
		{"far over", strings.NewReader(strings.Repeat("x", 1<<20)), 4, "xxxx", true, false},
		{"endless", zeros{}, 3, "\x00\x00\x00", true, false},
		{"limit 0", strings.NewReader("x"), 0, "", true, false},
		{"limit 0, empty", strings.NewReader(""), 0, "", false, false},
		{"error after some bytes", io.MultiReader(strings.NewReader("part"), iotest.ErrReader(io.ErrUnexpectedEOF)), 10, "part", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counter := &countingReader{r: tt.r}
			data, truncated, err := ReadCapped(counter, tt.limit)
			if string(data) != tt.want || truncated != tt.wantTruncated || (err != nil) != tt.wantErr {
				t.Errorf("ReadCapped = %q, %v, %v; want %q, %v, error %v", data, truncated, err, tt.want, tt.wantTruncated, tt.wantErr)
			}
			// A server decides how much it sends: no more than one byte
			// past the limit is ever read.
			if counter.n > tt.limit+1 {
				t.Errorf("read %d bytes for a limit of %d", counter.n, tt.limit)
			}
		})
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
