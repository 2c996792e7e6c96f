package pypitest

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"golang.org/x/crypto/blake2b"
)

// maxFieldBytes bounds the text fields of one upload (descriptions can be
// long, but not this long).
const maxFieldBytes = 32 << 20

var errFieldsTooLarge = errors.New("form fields too large")

// field is one text value of the upload form.
type field struct{ name, value string }

// form is a parsed upload request.
type form struct {
	fields     []field  // text fields in order received (sanitized once checked)
	rawFields  []field  // the text fields before sanitizing
	fileFields []string // names of parts other than content sent as files
	order      []string // names of all parts in order
	content    *spooled // the (last) content part, nil if none
	contentStr bool     // content arrived as a plain field
}

// spooled is an uploaded file, written to disk while it was hashed.
type spooled struct {
	filename  string
	partType  string // the part's Content-Type, as sent
	path      string // "" when nothing was kept on disk
	size      int64
	truncated bool // bigger than the file limit: the disk copy is partial
	sha256    string
	md5       string
	blake2    string
}

func (f *form) cleanup() {
	if f != nil && f.content != nil && f.content.path != "" {
		os.Remove(f.content.path)
	}
}

// first returns the first value, as WTForms reads a field.
func (f *form) first(name string) (string, bool) {
	for _, fl := range f.fields {
		if fl.name == name {
			return fl.value, true
		}
	}
	return "", false
}

// last returns the last value, as WebOb's MultiDict.get does.
func (f *form) last(name string) (string, bool) {
	for k := len(f.fields) - 1; k >= 0; k-- {
		if f.fields[k].name == name {
			return f.fields[k].value, true
		}
	}
	return "", false
}

// readForm reads the whole request body, spooling the content part to a
// temporary file in dir while hashing it. At most limit bytes of it are
// written to disk; bigger uploads are only counted and hashed, since they
// will be refused anyway.
func readForm(r *http.Request, dir string, limit int64) (*form, error) {
	defer io.Copy(io.Discard, r.Body)
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		return readMultipart(multipart.NewReader(r.Body, params["boundary"]), dir, limit)
	case "application/x-www-form-urlencoded":
		return readURLEncoded(r.Body)
	}
	return &form{}, nil
}

func readMultipart(mr *multipart.Reader, dir string, limit int64) (*form, error) {
	f := &form{}
	budget := int64(maxFieldBytes)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		if err != nil {
			f.cleanup()
			return nil, err
		}
		name := part.FormName()
		f.order = append(f.order, name)
		filename, isFile := partFilename(part)
		switch {
		case isFile && name == "content":
			sp, err := spool(part, filename, dir, limit)
			if err != nil {
				f.cleanup()
				return nil, err
			}
			f.cleanup() // WebOb keeps the last content part; drop the earlier one
			sp.partType = part.Header.Get("Content-Type")
			f.content, f.contentStr = sp, false
		case isFile:
			f.fileFields = append(f.fileFields, name)
			io.Copy(io.Discard, part)
		default:
			b, err := io.ReadAll(io.LimitReader(part, budget+1))
			if err != nil {
				f.cleanup()
				return nil, err
			}
			if budget -= int64(len(b)); budget < 0 {
				f.cleanup()
				return nil, errFieldsTooLarge
			}
			if name == "content" {
				f.cleanup()
				f.content, f.contentStr = nil, true
			}
			f.fields = append(f.fields, field{name, string(b)})
		}
	}
}

// partFilename returns the filename parameter exactly as sent (Part.FileName
// would strip directories, hiding the slashes Warehouse refuses).
func partFilename(p *multipart.Part) (string, bool) {
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err != nil {
		return "", false
	}
	fn, ok := params["filename"]
	return fn, ok
}

func spool(r io.Reader, filename, dir string, limit int64) (*spooled, error) {
	tmp, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return nil, err
	}
	defer tmp.Close()
	sp := &spooled{filename: filename, path: tmp.Name()}
	hs, hm := sha256.New(), md5.New()
	hb, _ := blake2b.New256(nil)
	disk := &limitedWriter{w: tmp, n: limit}
	fan := newFanout(hs, hm, hb, disk)
	n, err := io.CopyBuffer(fan, r, make([]byte, 1<<20))
	fan.close()
	if err == nil {
		err = disk.err
	}
	if err != nil {
		os.Remove(tmp.Name())
		return nil, err
	}
	sp.size, sp.truncated = n, n > limit
	sp.sha256, sp.md5, sp.blake2 = hexSum(hs), hexSum(hm), hexSum(hb)
	return sp, nil
}

// fanout writes each chunk to several writers at once, one goroutine
// each, so that hashing gigabyte uploads three ways uses every core. The
// writers must not fail (hashes never do; limitedWriter keeps its error).
type fanout struct {
	chunks []chan []byte
	done   sync.WaitGroup
}

func newFanout(ws ...io.Writer) *fanout {
	f := &fanout{}
	for _, w := range ws {
		ch := make(chan []byte)
		f.chunks = append(f.chunks, ch)
		go func() {
			for p := range ch {
				w.Write(p)
				f.done.Done()
			}
		}()
	}
	return f
}

func (f *fanout) Write(p []byte) (int, error) {
	f.done.Add(len(f.chunks))
	for _, ch := range f.chunks {
		ch <- p
	}
	f.done.Wait() // p is reused by the caller once we return
	return len(p), nil
}

func (f *fanout) close() {
	for _, ch := range f.chunks {
		close(ch)
	}
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// limitedWriter writes the first n bytes and silently drops the rest.
type limitedWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.err == nil && l.n > 0 {
		q := p[:min(int64(len(p)), l.n)]
		var k int
		k, l.err = l.w.Write(q)
		l.n -= int64(k)
	}
	return len(p), nil
}

// readURLEncoded reads a form sent without multipart, keeping the order
// of the fields (url.ParseQuery would lose it).
func readURLEncoded(body io.Reader) (*form, error) {
	b, err := io.ReadAll(io.LimitReader(body, maxFieldBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFieldBytes {
		return nil, errFieldsTooLarge
	}
	f := &form{}
	for _, kv := range strings.Split(string(b), "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, errors.Join(err1, err2)
		}
		f.order = append(f.order, k)
		if k == "content" {
			f.contentStr = true
		}
		f.fields = append(f.fields, field{k, v})
	}
	return f, nil
}
