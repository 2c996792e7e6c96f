package zipcheck

import (
	"bytes"
	"hash/crc32"
	"sort"
	"strings"
	"unicode/utf8"
)

// readCentral lists the central directory as zipfile's _RealGetContents
// does, including its tolerance for data prepended to the archive.
func (a *Archive) readCentral(end endRecord) error {
	bad := &Error{Reason: reasonNone}
	stop := end.location
	if end.zip64 {
		stop -= lenEOCD64 + lenLocator
	}
	if stop < 0 || end.cdSize > uint64(stop) {
		return bad // "Bad offset for central directory"
	}
	startDir := stop - int64(end.cdSize)
	concat := startDir - clamp(end.cdOffset)
	c := newCursor(a.r, startDir, startDir+int64(end.cdSize))
	for c.pos < c.end {
		h, ok := c.next(lenCentral)
		if !ok {
			return c.failure(bad) // "Truncated central directory"
		}
		if u32(h) != sigCentral {
			return bad // "Bad magic number for central directory"
		}
		if len(a.entries) >= maxEntries {
			return framingError("Malformed zip file")
		}
		e := Entry{
			Flags:            u16(h[8:]),
			Method:           u16(h[10:]),
			CRC32:            u32(h[16:]),
			CompressedSize:   uint64(u32(h[20:])),
			UncompressedSize: uint64(u32(h[24:])),
		}
		if h[6] > 63 {
			// zipfile raises NotImplementedError for a version needed
			// to extract above 6.3, which Warehouse does not catch.
			return bad
		}
		nameLen, extraLen, commentLen := int(u16(h[28:])), int(u16(h[30:])), int(u16(h[32:]))
		headerOffset := uint64(u32(h[42:]))
		raw := c.take(nameLen)
		var nameOK bool
		e.OrigName, nameOK = decodeName(raw, e.Flags)
		if !nameOK {
			// zipfile raises UnicodeDecodeError, which Warehouse does
			// not catch; the name is refused either way.
			return framingError("Filename not valid UTF-8")
		}
		name := e.OrigName
		extra := c.take(extraLen)
		c.take(commentLen)
		if c.err != nil {
			return c.err
		}
		name, headerOffset, err := decodeExtra(&e, extra, crc32.ChecksumIEEE(raw), name, headerOffset)
		if err != nil {
			return err
		}
		if i := strings.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		e.Name = name
		e.headerOffset = clamp(headerOffset) + concat
		a.byName[name] = len(a.entries)
		a.entries = append(a.entries, e)
		// A short name, extra or comment leaves the cursor at the end of
		// the directory, so the declared lengths decide when we stop, as
		// they do in zipfile.
		c.pos = min(c.pos, c.end)
	}
	a.setEndOffsets(startDir)
	return nil
}

// take returns up to n bytes (fewer at the end of the window), copied so
// the caller may keep them.
func (c *cursor) take(n int) []byte {
	avail := int(min(int64(n), max(c.end-c.pos, 0)))
	b, ok := c.next(avail)
	if !ok {
		return nil
	}
	return bytes.Clone(b)
}

// failure returns the cursor's I/O error if it has one, else bad.
func (c *cursor) failure(bad error) error {
	if c.err != nil {
		return c.err
	}
	return bad
}

// decodeExtra applies the ZIP64 and Info-ZIP Unicode Path extras of a
// central directory entry, with the errors zipfile.ZipInfo._decodeExtra
// raises (all BadZipFile, hence "None").
func decodeExtra(e *Entry, extra []byte, nameCRC uint32, name string, headerOffset uint64) (string, uint64, error) {
	bad := &Error{Reason: reasonNone}
	for len(extra) >= 4 {
		id, n := u16(extra), int(u16(extra[2:]))
		if n+4 > len(extra) {
			return "", 0, bad
		}
		data := extra[4 : 4+n]
		switch id {
		case 0x0001:
			for _, f := range []*uint64{&e.UncompressedSize, &e.CompressedSize, &headerOffset} {
				want := *f == 0xFFFFFFFF || (f == &e.UncompressedSize && *f == 0xFFFFFFFFFFFFFFFF)
				if !want {
					continue
				}
				if len(data) < 8 {
					return "", 0, bad
				}
				*f, data = u64(data), data[8:]
			}
		case 0x7075:
			if len(data) < 5 {
				return "", 0, bad
			}
			if data[0] == 1 && u32(data[1:]) == nameCRC {
				if !utf8.Valid(data[5:]) {
					return "", 0, bad
				}
				if len(data) > 5 {
					name = string(data[5:])
				}
			}
		}
		extra = extra[4+n:]
	}
	return name, headerOffset, nil
}

// setEndOffsets records where each member's data must end, as zipfile
// does to detect overlapping members: the next member by header offset,
// or the central directory for the last one.
func (a *Archive) setEndOffsets(startDir int64) {
	order := make([]int, len(a.entries))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		return a.entries[order[i]].headerOffset > a.entries[order[j]].headerOffset
	})
	end := startDir
	for _, i := range order {
		a.entries[i].endOffset = end
		end = a.entries[i].headerOffset
	}
}

// decodeName decodes a member name as zipfile does: UTF-8 when flag bit 11
// is set, code page 437 otherwise. ok is false for invalid UTF-8.
func decodeName(raw []byte, flags uint16) (string, bool) {
	if flags&flagUTF8 != 0 {
		return string(raw), utf8.Valid(raw)
	}
	return decodeCP437(raw), true
}

func satAdd(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return ^uint64(0)
}
