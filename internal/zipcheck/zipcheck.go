// Package zipcheck decides whether PyPI would accept a zip archive (a wheel
// or a .zip sdist), and gives PyPI's reason when it would not.
//
// PyPI (Warehouse) looks at an uploaded zip twice. First Python's zipfile
// module opens it through the end-of-central-directory record and the
// central directory, the way pip does; Warehouse then refuses decompression
// bombs and unusual compression methods. Second, Warehouse walks every
// record from the first byte to the last, the way a streaming unzipper
// does, and refuses any archive on which the two readings could disagree:
// data descriptors, duplicate or missing names, sizes that differ between
// the local header and the central directory, prepended or trailing bytes.
// Open performs the first reading and Framing the second; Check does both.
//
// Everything here reads untrusted bytes: sizes and counts found in the file
// are never used to size an allocation, and the work done is bounded by the
// length of the input.
package zipcheck

import (
	"errors"
	"io"
)

// Error is a refusal, worded as PyPI words it: Reason is the text that
// follows "Invalid distribution file. " in PyPI's answer, for example
// "File is not a zipfile" or "None".
type Error struct {
	Reason string
}

func (e *Error) Error() string { return e.Reason }

// ErrNotExist is returned by Archive.ReadFile when the archive has no
// member of that name.
var ErrNotExist = errors.New("zipcheck: no such member")

// ErrTooLarge is returned by Archive.ReadFile when the member is bigger
// than the caller allowed.
var ErrTooLarge = errors.New("zipcheck: member too large")

// The texts PyPI uses. reasonNone is what Warehouse prints when Python's
// zipfile raised BadZipFile: its handler returns no reason, and the
// message is formatted with Python's None.
const (
	reasonNotZip      = "File is not a zipfile"
	reasonNone        = "None"
	reasonRatio       = "File exceeds compression ratio of 50"
	reasonCompression = "File does not use a supported compression type"
)

// Limits of the decompression-bomb rule: Warehouse only looks at the ratio
// once the archive would expand to more than 64 MiB.
const (
	ratioMinSize   = 64 << 20
	ratioThreshold = 50
)

// maxEntries bounds the central directory we are willing to index. A plain
// (non-ZIP64) archive cannot describe more than 65535 entries, and real
// wheels stay far below this cap even with ZIP64. (A variable so that the
// test of the cap stays small.)
var maxEntries = 1 << 18

// framingError words a refusal from Warehouse's record-by-record walk.
func framingError(r string) *Error {
	return &Error{Reason: "ZIP archive not accepted: " + r + ". See https://docs.pypi.org/archives for more information"}
}

// Check reports whether PyPI would accept r (of the given size) as a zip
// archive. It returns nil, a *Error with PyPI's reason, or another error
// when reading r failed. It performs every zip rule that does not depend
// on the file's name; a caller that also needs PyPI's WHEEL or PKG-INFO
// presence check runs Open, that check, then Framing, which is PyPI's order.
func Check(r io.ReaderAt, size int64) error {
	a, err := Open(r, size)
	if err != nil {
		return err
	}
	return a.Framing()
}
