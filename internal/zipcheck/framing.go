package zipcheck

import "unicode/utf8"

// sizes is what the central directory says about one member, keyed by its
// decoded original name, as Warehouse collects it from zipfile.
type sizes struct{ compressed, uncompressed uint64 }

// walk is the state of Framing's pass over the records.
type walk struct {
	c       *cursor
	central map[string]sizes // from Open: orig name → sizes (last one wins)

	local   map[string]bool // raw names seen in local headers
	cdNames map[string]bool // raw names seen in central directory headers

	cdRecords uint64
	cdOffset  int64 // -1 until the first central directory header
	cdSize    uint64

	sawEOCD64   bool
	sawLocator  bool
	haveEnd     bool // the end values below came from a ZIP64 end record
	endRecords  uint64
	endCDSize   uint64
	endCDOffset uint64
}

// Framing walks the archive record by record from its first byte, as
// Warehouse's zipfiles.validate_zipfile does, and refuses archives whose
// local headers and central directory could be read differently by two
// unzippers. Refusals are *Error values worded "ZIP archive not accepted:
// <reason>. See https://docs.pypi.org/archives for more information".
func (a *Archive) Framing() error {
	w := &walk{
		c:        newCursor(a.r, 0, a.size),
		central:  make(map[string]sizes, len(a.entries)),
		local:    map[string]bool{},
		cdNames:  map[string]bool{},
		cdOffset: -1,
	}
	for _, e := range a.entries {
		w.central[e.OrigName] = sizes{e.CompressedSize, e.UncompressedSize}
	}
	for {
		at := w.c.pos
		sig, ok := w.c.next(4)
		if !ok {
			return w.fail("Malformed zip file")
		}
		s := u32(sig)
		if s == sigEOCD && w.sawEOCD64 && !w.sawLocator {
			return w.fail("Malformed zip file")
		}
		var err error
		switch s {
		case sigCentral:
			err = w.central1(at)
		case sigLocal:
			err = w.local1()
		case sigEOCD:
			if err = w.eocd(at); err == nil {
				return w.finish(a.size)
			}
		case sigEOCD64:
			err = w.eocd64()
		case sigLocator:
			if _, ok := w.c.next(16); !ok {
				return w.fail("Malformed zip file")
			}
			w.sawLocator = true
		default:
			return w.fail("Unknown record signature")
		}
		if err != nil {
			return err
		}
	}
}

// fail reports a refusal, unless the walk actually stopped on a read error.
func (w *walk) fail(reason string) error {
	if w.c.err != nil {
		return w.c.err
	}
	return framingError(reason)
}

func (w *walk) central1(at int64) error {
	if w.cdOffset < 0 {
		w.cdOffset = at
	}
	w.cdRecords++
	h, ok := w.c.next(lenCentral - 4)
	if !ok {
		return w.fail("Malformed zip file")
	}
	nameLen, extraLen, commentLen := int(u16(h[24:])), int(u16(h[26:])), u16(h[28:])
	if commentLen != 0 {
		return w.fail("Comment in central directory")
	}
	name, ok := w.c.next(nameLen)
	if !ok {
		return w.fail("Malformed zip file")
	}
	key := string(name)
	if _, ok := w.c.next(extraLen); !ok {
		return w.fail("Malformed zip file")
	}
	if unprintable(key) {
		return w.fail("Invalid character in filename")
	}
	w.cdSize += uint64(lenCentral + nameLen + extraLen)
	if w.cdNames[key] {
		return w.fail("Duplicate filename in central directory")
	}
	if !w.local[key] {
		return w.fail("Missing filename in local headers")
	}
	w.cdNames[key] = true
	return nil
}

func (w *walk) local1() error {
	h, ok := w.c.next(lenLocal - 4)
	if !ok {
		return w.fail("Malformed zip file")
	}
	flags, method := u16(h[2:]), u16(h[4:])
	compressed, uncompressed := uint64(u32(h[14:])), uint64(u32(h[18:]))
	nameLen, extraLen := int(u16(h[22:])), int(u16(h[24:]))
	nb, ok := w.c.next(nameLen)
	if !ok {
		return w.fail("Malformed zip file")
	}
	name := string(nb)
	extra, ok := w.c.next(extraLen)
	if !ok {
		return w.fail("Malformed zip file")
	}
	if unprintable(name) {
		return w.fail("Invalid character in filename")
	}
	compressed, uncompressed, reason := localExtras(extra, method, compressed, uncompressed)
	if reason != "" {
		return w.fail(reason)
	}
	if flags&flagDataDescriptor != 0 {
		return w.fail("ZIP contains a data descriptor")
	}
	if !utf8.ValidString(name) {
		return w.fail("Filename not unicode")
	}
	want, ok := w.central[name]
	if !ok {
		return w.fail("Filename not in central directory")
	}
	if want.compressed != compressed {
		return w.fail("Mis-matched data size")
	}
	if want.uncompressed != uncompressed {
		return w.fail("Mis-matched file size")
	}
	w.c.skip(compressed)
	if w.local[name] {
		return w.fail("Duplicate filename in local headers")
	}
	w.local[name] = true
	return nil
}

// localExtras checks the extra fields of a local header and returns the
// sizes a streaming reader would use, taking ZIP64 values where present.
// The extra buffer is only valid until the cursor moves again.
func localExtras(extra []byte, method uint16, compressed, uncompressed uint64) (uint64, uint64, string) {
	var seenZip64, seenUnicode bool
	for len(extra) > 0 {
		if len(extra) < 4 {
			return 0, 0, "Malformed zip file"
		}
		id, n := u16(extra), int(u16(extra[2:]))
		if n+4 > len(extra) {
			return 0, 0, "Malformed zip file"
		}
		switch id {
		case 0x0001:
			if seenZip64 {
				return 0, 0, "Invalid duplicate extra in local file"
			}
			seenZip64 = true
			switch n {
			case 0:
				if compressed == 0xFFFFFFFF || uncompressed == 0xFFFFFFFF {
					return 0, 0, "Malformed zip file"
				}
			case 8:
				// Only the uncompressed size is given, which is only
				// meaningful for stored data.
				if method != 0 {
					return 0, 0, "Malformed zip file"
				}
				compressed = u64(extra[4:])
				if uncompressed == 0xFFFFFFFF {
					uncompressed = compressed
				}
			case 16, 24, 28:
				if uncompressed == 0xFFFFFFFF {
					uncompressed = u64(extra[4:])
				}
				compressed = u64(extra[12:])
			default:
				return 0, 0, "Malformed zip file"
			}
		case 0x7075:
			if seenUnicode {
				return 0, 0, "Invalid duplicate extra in local file"
			}
			seenUnicode = true
			var name []byte
			if n > 5 {
				name = extra[9 : 4+n]
			}
			if unprintable(string(name)) {
				return 0, 0, "Invalid character in filename"
			}
			if !utf8.Valid(name) {
				return 0, 0, "Filename not valid UTF-8"
			}
		}
		extra = extra[4+n:]
	}
	return compressed, uncompressed, ""
}

func (w *walk) eocd64() error {
	h, ok := w.c.next(lenEOCD64 - 4)
	if !ok {
		return w.fail("Malformed zip file")
	}
	w.sawEOCD64 = true
	recSize, onDisk, records := u64(h), u64(h[20:]), u64(h[28:])
	w.endCDSize, w.endCDOffset, w.endRecords = u64(h[36:]), u64(h[44:]), records
	w.haveEnd = true
	if onDisk != records {
		return w.fail("Malformed zip file")
	}
	if recSize != lenEOCD64-12 {
		return w.fail("ZIP64 extensible data not allowed")
	}
	return nil
}

func (w *walk) eocd(at int64) error {
	if w.cdOffset < 0 {
		w.cdOffset = at
	}
	h, ok := w.c.next(lenEOCD - 4)
	if !ok {
		return w.fail("Malformed zip file")
	}
	onDisk, records := u16(h[4:]), u16(h[6:])
	if onDisk != records {
		return w.fail("Malformed zip file")
	}
	w.c.skip(uint64(u16(h[16:])))
	// In a ZIP64 archive the ZIP64 end record's values win; the plain
	// record then only holds placeholders.
	if !(w.sawLocator && w.haveEnd) {
		w.endRecords = uint64(records)
		w.endCDSize = uint64(u32(h[8:]))
		w.endCDOffset = uint64(u32(h[12:]))
	}
	if w.endRecords != w.cdRecords {
		return w.fail("Mismatched central directory records")
	}
	if w.endCDOffset != uint64(w.cdOffset) {
		return w.fail("Mismatched central directory offset")
	}
	if w.endCDSize != w.cdSize {
		return w.fail("Mismatched central directory size")
	}
	return nil
}

// finish runs the checks that follow the end record.
func (w *walk) finish(size int64) error {
	if len(w.local) != len(w.cdNames) {
		return w.fail("Mis-matched local headers and central directory")
	}
	for n := range w.local {
		if !w.cdNames[n] {
			return w.fail("Mis-matched local headers and central directory")
		}
	}
	if w.c.pos != size {
		return w.fail("Trailing data")
	}
	return nil
}

// unprintable reports whether s holds a control character (0x00–0x1F) or
// DEL, which Warehouse refuses in member names.
func unprintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7F {
			return true
		}
	}
	return false
}
