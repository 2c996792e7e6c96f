package zipcheck

import (
	"bytes"
	"io"
)

// Record signatures and fixed sizes from APPNOTE.TXT.
const (
	sigLocal   = 0x04034b50
	sigCentral = 0x02014b50
	sigEOCD    = 0x06054b50
	sigEOCD64  = 0x06064b50
	sigLocator = 0x07064b50

	lenLocal   = 30
	lenCentral = 46
	lenEOCD    = 22
	lenEOCD64  = 56
	lenLocator = 20

	maxComment = 65535
)

// General purpose flag bits.
const (
	flagEncrypted      = 1 << 0
	flagDataDescriptor = 1 << 3
	flagPatched        = 1 << 5
	flagStrongCrypto   = 1 << 6
	flagUTF8           = 1 << 11
)

// Entry is one member as Python's zipfile lists it after opening the
// archive through its central directory.
type Entry struct {
	Name             string // namelist() name: decoded, cut at NUL, Unicode Path extra applied
	OrigName         string // decoded name before those adjustments (ZipInfo.orig_filename)
	Flags            uint16
	Method           uint16
	CRC32            uint32
	CompressedSize   uint64
	UncompressedSize uint64

	headerOffset int64 // adjusted for data prepended to the archive
	endOffset    int64 // where the next member (or the central directory) starts
}

// Archive is a zip archive opened the way Python's zipfile opens it, and
// found acceptable by PyPI's first round of checks.
type Archive struct {
	r       io.ReaderAt
	size    int64
	entries []Entry
	byName  map[string]int // Name → index of the last entry with it
}

// endRecord is the end of central directory record, merged with its ZIP64
// counterpart when Python's zipfile finds one.
type endRecord struct {
	location int64 // offset of the EOCD record
	zip64    bool
	cdSize   uint64
	cdOffset uint64
}

// Open reads r the way Python's zipfile.ZipFile does and then applies
// PyPI's compression checks. The error is a *Error whose Reason is one of
// "File is not a zipfile" (no end record), "None" (zipfile raised
// BadZipFile), "File exceeds compression ratio of 50" or "File does not
// use a supported compression type"; or a read error from r.
func Open(r io.ReaderAt, size int64) (*Archive, error) {
	end, err := findEnd(r, size)
	if err != nil {
		return nil, err
	}
	a := &Archive{r: r, size: size, byName: map[string]int{}}
	if err := a.readCentral(end); err != nil {
		return nil, err
	}
	var total uint64
	for _, e := range a.entries {
		total = satAdd(total, e.UncompressedSize)
	}
	if total > ratioMinSize && float64(total)/float64(size) > ratioThreshold {
		return nil, &Error{Reason: reasonRatio}
	}
	for _, e := range a.entries {
		if e.Method != 0 && e.Method != 8 {
			return nil, &Error{Reason: reasonCompression}
		}
	}
	return a, nil
}

// Entries returns the members in central directory order.
func (a *Archive) Entries() []Entry { return a.entries }

// Names returns the member names in central directory order, as
// zipfile.ZipFile.namelist() does.
func (a *Archive) Names() []string {
	names := make([]string, len(a.entries))
	for i, e := range a.entries {
		names[i] = e.Name
	}
	return names
}

// Has reports whether a member is named name.
func (a *Archive) Has(name string) bool {
	_, ok := a.byName[name]
	return ok
}

// findEnd locates the end record as zipfile._EndRecData does: at the very
// end of the file when there is no archive comment, otherwise the last
// signature within the final 64 KiB.
func findEnd(r io.ReaderAt, size int64) (endRecord, error) {
	notZip := &Error{Reason: reasonNotZip}
	if size < lenEOCD {
		return endRecord{}, notZip
	}
	tail := make([]byte, lenEOCD)
	if ok, err := readAt(r, size, tail, size-lenEOCD); !ok {
		if err != nil {
			return endRecord{}, err
		}
		return endRecord{}, notZip
	}
	var rec []byte
	var loc int64
	if u32(tail) == sigEOCD && tail[20] == 0 && tail[21] == 0 {
		rec, loc = tail, size-lenEOCD
	} else {
		start := max(size-maxComment-lenEOCD, 0)
		window := make([]byte, size-start)
		if ok, err := readAt(r, size, window, start); !ok {
			if err != nil {
				return endRecord{}, err
			}
			return endRecord{}, notZip
		}
		i := bytes.LastIndex(window, []byte{'P', 'K', 5, 6})
		if i < 0 || len(window)-i < lenEOCD {
			return endRecord{}, notZip
		}
		rec, loc = window[i:i+lenEOCD], start+int64(i)
	}
	end := endRecord{location: loc, cdSize: uint64(u32(rec[12:])), cdOffset: uint64(u32(rec[16:]))}
	return end, readEnd64(r, size, &end)
}

// readEnd64 follows a ZIP64 locator sitting just before the end record,
// as zipfile._EndRecData64 does, and takes the sizes from the ZIP64 end
// record when its signature is right.
func readEnd64(r io.ReaderAt, size int64, end *endRecord) error {
	locAt := end.location - lenLocator
	if locAt < 0 {
		return nil
	}
	loc := make([]byte, lenLocator)
	if ok, err := readAt(r, size, loc, locAt); !ok {
		return err
	}
	if u32(loc) != sigLocator {
		return nil
	}
	if u32(loc[4:]) != 0 || u32(loc[16:]) > 1 {
		// zipfile raises BadZipFile from inside is_zipfile here, which
		// Warehouse does not catch; refusing is the closest answer.
		return &Error{Reason: reasonNotZip}
	}
	recAt := locAt - lenEOCD64
	if recAt < 0 {
		// Python's seek to a negative offset raises OSError, which
		// is_zipfile turns into "not a zip file".
		return &Error{Reason: reasonNotZip}
	}
	rec := make([]byte, lenEOCD64)
	if ok, err := readAt(r, size, rec, recAt); !ok || u32(rec) != sigEOCD64 {
		return err
	}
	end.zip64 = true
	end.cdSize = u64(rec[40:])
	end.cdOffset = u64(rec[48:])
	return nil
}
