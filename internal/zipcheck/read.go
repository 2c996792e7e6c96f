package zipcheck

import (
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
)

// ReadFile returns the content of the member called name, reading it the
// way zipfile.ZipFile.read does, so that it fails where Python would:
// the local header must be present, carry the same name and not overlap
// the next member, and the CRC-32 must match. It returns ErrNotExist when
// there is no such member, ErrTooLarge when the member declares more than
// limit bytes, and a *Error with Reason "None" for a damaged member (what
// PyPI reports when that happens while it checks WHEEL or PKG-INFO).
func (a *Archive) ReadFile(name string, limit int64) ([]byte, error) {
	i, ok := a.byName[name]
	if !ok {
		return nil, ErrNotExist
	}
	e := a.entries[i]
	if e.UncompressedSize > uint64(max(limit, 0)) {
		return nil, ErrTooLarge
	}
	bad := &Error{Reason: reasonNone}
	h := make([]byte, lenLocal)
	if ok, err := readAt(a.r, a.size, h, e.headerOffset); !ok {
		return nil, orBad(err, bad) // "Truncated file header"
	}
	if u32(h) != sigLocal {
		return nil, bad // "Bad magic number for file header"
	}
	nameLen, extraLen := int64(u16(h[26:])), int64(u16(h[28:]))
	raw := make([]byte, nameLen)
	if ok, err := readAt(a.r, a.size, raw, e.headerOffset+lenLocal); !ok {
		return nil, orBad(err, bad)
	}
	if e.Flags&(flagPatched|flagStrongCrypto|flagEncrypted) != 0 {
		return nil, bad // NotImplementedError or "password required"
	}
	if local, ok := decodeName(raw, u16(h[6:])); !ok || local != e.OrigName {
		return nil, bad // "File name in directory … and header … differ."
	}
	dataAt := e.headerOffset + lenLocal + nameLen + extraLen
	if dataAt+clamp(e.CompressedSize) > e.endOffset {
		return nil, bad // "Overlapped entries"
	}
	if dataAt > a.size || clamp(e.CompressedSize) > a.size-dataAt {
		return nil, bad // the compressed data runs past the end: EOFError
	}
	src := io.NewSectionReader(a.r, dataAt, int64(e.CompressedSize))
	var rd io.Reader = src
	if e.Method == 8 {
		fr := flate.NewReader(src)
		defer fr.Close()
		rd = fr
	} else if e.Method != 0 {
		return nil, bad
	}
	var out bytes.Buffer
	_, err := io.Copy(&out, io.LimitReader(rd, int64(e.UncompressedSize)))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		// zipfile treats running out of compressed bytes as the end of
		// the member, leaving the CRC to decide; anything else (a
		// corrupt deflate stream) is a failure.
		var ce flate.CorruptInputError
		if errors.As(err, &ce) {
			return nil, bad
		}
		return nil, err
	}
	if crc32.ChecksumIEEE(out.Bytes()) != e.CRC32 {
		return nil, bad // "Bad CRC-32 for file"
	}
	return out.Bytes(), nil
}

func orBad(err error, bad *Error) error {
	if err != nil {
		return err
	}
	return bad
}
