package pypitest

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pypi-publish/pypi-publish/internal/zipcheck"
)

// inspection is what Warehouse's _is_valid_dist_file concludes about an
// uploaded file, computed before taking the index lock because it may
// read the whole file.
type inspection struct {
	reason string // "" when valid, else the text after "Invalid distribution file. "
	file   *os.File
	zip    *zipcheck.Archive // wheels and zip sdists
	names  map[string]bool   // tar member names (sdists)
	top    string            // os.path.commonprefix of the member names
}

func (in *inspection) close() {
	if in != nil && in.file != nil {
		in.file.Close()
	}
}

// Limits on how much of a tar.gz we look at; past them the stand-in stops
// reading and accepts what it has seen (Warehouse reads everything).
const (
	maxTarBytes   = 8 << 30
	maxTarMembers = 1 << 20
)

// inspect runs Warehouse's archive checks on the spooled upload, for a
// filename that has passed the extension rules.
func inspect(sp *spooled, filename string) *inspection {
	in := &inspection{}
	f, err := os.Open(sp.path)
	if err != nil {
		in.reason = "None"
		return in
	}
	in.file = f
	size := sp.size
	if isZipfile(f, size) && isTarfile(f) {
		in.reason = "File is both a zip and a tar file"
		return in
	}
	switch {
	case strings.HasSuffix(filename, ".zip") || strings.HasSuffix(filename, ".whl"):
		in.reason = in.inspectZip(f, size, filename)
	case strings.HasSuffix(filename, ".tar.gz"):
		in.reason = in.inspectTar(f)
	}
	return in
}

// isZipfile is zipfile.is_zipfile: an end of central directory record can
// be found.
func isZipfile(f io.ReaderAt, size int64) bool {
	_, err := zipcheck.Open(f, size)
	var ze *zipcheck.Error
	return !(errors.As(err, &ze) && ze.Reason == "File is not a zipfile")
}

func (in *inspection) inspectZip(f *os.File, size int64, filename string) string {
	a, err := zipcheck.Open(f, size)
	if err != nil {
		return reasonOf(err)
	}
	in.zip = a
	var target, missing string
	if strings.HasSuffix(filename, ".zip") {
		top := commonPrefix(a.Names())
		if top == "" || top == "." || top == "/" {
			return "Incorrect number of top-level directories in sdist"
		}
		target = pathJoin(top, "PKG-INFO")
		missing = "PKG-INFO not found at " + target
	} else {
		parts := strings.SplitN(filename, "-", 3)
		if len(parts) < 3 {
			return "Unable to parse name and version from wheel filename"
		}
		target = parts[0] + "-" + parts[1] + ".dist-info/WHEEL"
		missing = "WHEEL not found at " + target
	}
	if _, err := a.ReadFile(target, 1<<20); err != nil && !errors.Is(err, zipcheck.ErrTooLarge) {
		if errors.Is(err, zipcheck.ErrNotExist) {
			return missing
		}
		return reasonOf(err)
	}
	return reasonOf(a.Framing())
}

func reasonOf(err error) string {
	if err == nil {
		return ""
	}
	var ze *zipcheck.Error
	if errors.As(err, &ze) {
		return ze.Reason
	}
	return "None"
}

// inspectTar follows Warehouse for .tar.gz sdists: a tar file at all, then
// readable as gzip-compressed tar (any failure there is reported as
// "None"), no sparse members, one top-level directory holding PKG-INFO.
func (in *inspection) inspectTar(f *os.File) string {
	if !isTarfile(f) {
		return "File is not a tarfile"
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "None"
	}
	gz, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return "None"
	}
	capped := &capReader{r: gz, n: maxTarBytes}
	tr := tar.NewReader(capped)
	in.names = map[string]bool{}
	var names []string
	for len(names) < maxTarMembers {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if capped.n == 0 {
				break
			}
			return "None"
		}
		if h.Typeflag == tar.TypeGNUSparse || hasSparseRecords(h) {
			return "tar archive not accepted: Sparse members are not allowed. See https://docs.pypi.org/archives for more information"
		}
		name := h.Name
		if h.Typeflag == tar.TypeDir {
			name = strings.TrimRight(name, "/")
		}
		names = append(names, name)
		in.names[name] = true
	}
	in.top = commonPrefix(names)
	if in.top == "" || in.top == "." || in.top == "/" {
		return "Incorrect number of top-level directories in sdist"
	}
	if target := pathJoin(in.top, "PKG-INFO"); !in.names[target] {
		return "PKG-INFO not found at " + target
	}
	return ""
}

// capReader reads at most n bytes, then reports the end of the data.
type capReader struct {
	r io.Reader
	n int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, io.EOF
	}
	k, err := c.r.Read(p[:min(int64(len(p)), c.n)])
	c.n -= int64(k)
	return k, err
}

func hasSparseRecords(h *tar.Header) bool {
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// isTarfile is tarfile.is_tarfile: the file, as is or after gzip or bzip2
// decompression, starts with a tar header whose checksum is right (or is
// an end-of-archive block). xz and zstd are not tried.
func isTarfile(f *os.File) bool {
	read := func(open func(io.Reader) (io.Reader, error)) bool {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return false
		}
		r, err := open(bufio.NewReader(f))
		if err != nil {
			return false
		}
		block := make([]byte, 512)
		if _, err := io.ReadFull(r, block); err != nil {
			return false
		}
		return validTarHeader(block)
	}
	return read(func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }) ||
		read(func(r io.Reader) (io.Reader, error) {
			br := bufio.NewReader(r)
			if magic, err := br.Peek(3); err != nil || string(magic) != "BZh" {
				return nil, errors.New("not bzip2")
			}
			return bzip2.NewReader(br), nil
		}) ||
		read(func(r io.Reader) (io.Reader, error) { return r, nil })
}

// validTarHeader is tarfile.TarInfo.frombuf's acceptance test: an all-zero
// block (an empty archive) or a stored checksum equal to the signed or
// unsigned sum of the header bytes.
func validTarHeader(b []byte) bool {
	if bytes.Count(b, []byte{0}) == 512 {
		return true
	}
	field := b[148:156]
	if field[0] == 0x80 || field[0] == 0xFF {
		return false // base-256 checksums do not occur in practice
	}
	s := string(field)
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if s == "" {
		s = "0"
	}
	stored, err := strconv.ParseInt(s, 8, 64)
	if err != nil {
		return false
	}
	var unsigned, signed int64 = 256, 256
	for k, c := range b {
		if k >= 148 && k < 156 {
			continue
		}
		unsigned += int64(c)
		signed += int64(int8(c))
	}
	return stored == unsigned || stored == signed
}

// commonPrefix is os.path.commonprefix: character-wise, not by path
// component.
func commonPrefix(names []string) string {
	if len(names) == 0 {
		return ""
	}
	p := names[0]
	for _, n := range names[1:] {
		k := 0
		for k < len(p) && k < len(n) && p[k] == n[k] {
			k++
		}
		p = p[:k]
	}
	// Back off to a character boundary, as Python compares characters.
	if i := lastRuneStart(p); i >= 0 && !utf8.FullRuneInString(p[i:]) {
		p = p[:i]
	}
	return p
}

func lastRuneStart(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if utf8.RuneStart(s[i]) {
			return i
		}
	}
	return -1
}

// pathJoin is os.path.join for two relative parts.
func pathJoin(a, b string) string {
	if a == "" || strings.HasSuffix(a, "/") {
		return a + b
	}
	return a + "/" + b
}
