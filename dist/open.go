package dist

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/crypto/blake2b"
)

// MaxMetadataSize bounds how much of METADATA or PKG-INFO is inflated:
// real ones are a few KiB (the description included); anything larger is
// treated as hostile rather than read into memory.
const MaxMetadataSize = 8 << 20

// Open reads the distribution at path: its digests in one pass over the
// bytes, then its metadata and the archive rules PyPI enforces. What is
// wrong with the archive or its name is recorded in File.Problems; the
// error is for files that cannot be read at all.
func Open(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dist: %w", err)
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("dist: %w", err)
	}
	f := &File{Path: path, Filename: filepath.Base(path), Size: info.Size()}
	kind, err := KindOf(f.Filename)
	if err != nil {
		return nil, fmt.Errorf("dist: %s: %w", path, err)
	}
	f.Kind = kind
	checkFilenameChars(f)

	switch {
	case kind == Wheel:
		if f.Wheel, err = ParseWheelFilename(f.Filename); err != nil {
			f.addProblem("filename", "rename the file as the build backend named it, or rebuild it", "%s", trimSentinel(err))
		}
		if err := f.hashAll(fh); err != nil {
			return nil, err
		}
		readWheel(f, fh)
	default:
		if f.Sdist, err = ParseSdistFilename(f.Filename); err != nil {
			f.addProblem("filename", "", "%s", trimSentinel(err))
		}
		if f.Sdist.Ext == ".zip" {
			if err := f.hashAll(fh); err != nil {
				return nil, err
			}
			readZipSdist(f, fh)
		} else if err := readTarSdist(f, fh); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// digester computes every digest the upload form carries in one pass.
type digester struct {
	sha, md, b2 hash.Hash
	n           int64
}

func newDigester() *digester {
	b2, _ := blake2b.New256(nil) // only fails for an over-long key
	return &digester{sha: sha256.New(), md: md5.New(), b2: b2}
}

func (d *digester) Write(p []byte) (int, error) {
	d.n += int64(len(p))
	if len(p) < parallelHashMin {
		d.sha.Write(p)
		d.md.Write(p)
		d.b2.Write(p)
		return len(p), nil
	}
	// MD5 takes as long as SHA-256 (with SHA-NI) and BLAKE2b together, so
	// on a second core it hides behind them: ~1.7x the throughput.
	var wg sync.WaitGroup
	wg.Go(func() { d.md.Write(p) })
	d.sha.Write(p)
	d.b2.Write(p)
	wg.Wait()
	return len(p), nil
}

// readAll feeds r to the digests in large chunks. It hides r's WriterTo
// (os.File has one), whose 32 KiB copies would make the two-core hand-off
// cost more than it saves.
func (d *digester) readAll(r io.Reader) error {
	_, err := io.CopyBuffer(d, struct{ io.Reader }{r}, make([]byte, 256<<10))
	return err
}

// parallelHashMin is the chunk size from which hashing on two cores pays
// for the goroutine hand-off.
const parallelHashMin = 32 << 10

func (d *digester) digests() Digests {
	return Digests{
		SHA256:     hex.EncodeToString(d.sha.Sum(nil)),
		MD5:        hex.EncodeToString(d.md.Sum(nil)),
		Blake2b256: hex.EncodeToString(d.b2.Sum(nil)),
	}
}

// HashFile returns the digests of the file at path, for callers that only
// need those (e.g. printing hashes).
func HashFile(path string) (Digests, error) {
	fh, err := os.Open(path)
	if err != nil {
		return Digests{}, fmt.Errorf("dist: %w", err)
	}
	defer fh.Close()
	d := newDigester()
	if err := d.readAll(fh); err != nil {
		return Digests{}, fmt.Errorf("dist: %s: %w", path, err)
	}
	return d.digests(), nil
}

func (f *File) hashAll(fh *os.File) error {
	d := newDigester()
	if err := d.readAll(io.NewSectionReader(fh, 0, f.Size)); err != nil {
		return fmt.Errorf("dist: %s: %w", f.Path, err)
	}
	f.Digests = d.digests()
	return nil
}

func checkFilenameChars(f *File) {
	for _, r := range f.Filename {
		if r < 32 || r == 127 {
			f.addProblem("filename", "rename the file", "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.")
			return
		}
	}
}

func trimSentinel(err error) string {
	s := err.Error()
	if p := ErrBadFilename.Error() + ": "; len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
