package zipcheck

import (
	"encoding/binary"
	"errors"
	"io"
)

// cursor reads records one after another from a window of an io.ReaderAt.
// It keeps a small read-ahead buffer so that walking thousands of small
// headers does not cost one ReadAt each, and it never allocates more than
// the largest single record field (64 KiB) plus that buffer.
type cursor struct {
	r        io.ReaderAt
	end      int64 // bytes at or past end are unreadable
	pos      int64
	buf      []byte
	bufStart int64
	err      error // first I/O error other than reaching end
}

const readAhead = 32 << 10

func newCursor(r io.ReaderAt, start, end int64) *cursor {
	return &cursor{r: r, end: end, pos: start, bufStart: -1}
}

// next returns the n bytes at the current position and moves past them.
// ok is false when fewer than n bytes remain (or reading failed); the
// position is then left where it was. The slice is valid until the next
// call.
func (c *cursor) next(n int) ([]byte, bool) {
	if n < 0 || c.err != nil || c.pos < 0 || c.pos > c.end || int64(n) > c.end-c.pos {
		return nil, false
	}
	if c.bufStart < 0 || c.pos < c.bufStart || c.pos+int64(n) > c.bufStart+int64(len(c.buf)) {
		want := max(n, readAhead)
		if rest := c.end - c.pos; int64(want) > rest {
			want = int(rest)
		}
		if cap(c.buf) < want {
			c.buf = make([]byte, want)
		}
		c.buf = c.buf[:want]
		got, err := c.r.ReadAt(c.buf, c.pos)
		if got < want {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			c.err = err
			c.bufStart = -1
			return nil, false
		}
		c.bufStart = c.pos
	}
	off := c.pos - c.bufStart
	c.pos += int64(n)
	return c.buf[off : off+int64(n)], true
}

// skip moves the position forward by n, which may take it past the end,
// as a seek would.
func (c *cursor) skip(n uint64) {
	if n > uint64(maxOffset) || c.pos+int64(n) > maxOffset {
		c.pos = maxOffset
		return
	}
	c.pos += int64(n)
}

// maxOffset is far beyond any real file yet leaves room for additions.
const maxOffset = 1 << 62

func u16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }
func u32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }
func u64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

// clamp maps an unsigned quantity read from the file into the range where
// int64 arithmetic on offsets cannot overflow.
func clamp(v uint64) int64 {
	if v > maxOffset {
		return maxOffset
	}
	return int64(v)
}

// readAt reads exactly len(p) bytes at off; ok is false if the file is too
// short. I/O errors other than a short file are returned.
func readAt(r io.ReaderAt, size int64, p []byte, off int64) (bool, error) {
	if off < 0 || off > size || int64(len(p)) > size-off {
		return false, nil
	}
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return true, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return false, nil
	}
	return false, err
}
