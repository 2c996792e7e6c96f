// Package distbuild makes small wheels and sdists for tests: valid by
// default, in the byte layout PyPI accepts, and the same bytes every time.
// Options bend them into the invalid shapes tests need. It is its own
// package so that tests of package dist can build distributions without
// depending on the fake index in internal/pypitest, which uses it too.
package distbuild

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"hash/crc32"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
)

// Options tunes the distributions Wheel and Sdist make.
// The zero value gives a minimal, valid distribution.
type Options struct {
	// Metadata is the whole METADATA (wheel) or PKG-INFO (sdist) text.
	// The default is Metadata-Version 2.4 with Name, Version and Summary.
	Metadata string
	// Tag is the wheel's compatibility tag; the default is py3-none-any.
	Tag string
	// Extra holds more files: archive paths for a wheel, paths under the
	// top-level directory for an sdist.
	Extra map[string][]byte
	// DataDescriptor writes the wheel the way archive/zip's Create does,
	// with data descriptors, which PyPI refuses.
	DataDescriptor bool
}

// buildTime is the fixed timestamp of every member, so that building the
// same distribution twice gives the same bytes.
var buildTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// projectNameRE is PEP 508's name rule and normalize PEP 503's
// normalization, as in internal/pypitest (which cannot be imported here:
// it imports this package).
var (
	projectNameRE = regexp.MustCompile(`(?i)^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`)
	separatorsRE  = regexp.MustCompile(`[-_.]+`)
)

func normalize(name string) string {
	return separatorsRE.ReplaceAllString(strings.ToLower(name), "-")
}

// distNames returns the name and version as they appear in filenames:
// the normalized name with "_" for "-", and the normalized version (both
// left as given when they are not valid).
func distNames(name, version string) (string, string) {
	escaped := strings.ReplaceAll(name, "-", "_")
	if projectNameRE.MatchString(name) {
		escaped = strings.ReplaceAll(normalize(name), "-", "_")
	}
	if v, err := pep440.Parse(version); err == nil {
		version = v.String()
	}
	return escaped, version
}

func defaultMetadata(name, version string) string {
	return "Metadata-Version: 2.4\nName: " + name + "\nVersion: " + version +
		"\nSummary: " + name + ", a distribution built by pypitest\n\n"
}

// Wheel makes a wheel that PyPI accepts: deflated members written
// without data descriptors, METADATA, WHEEL and a RECORD listing every
// file with its digest. It returns the wheel's filename and bytes.
func Wheel(name, version string, o Options) (filename string, data []byte, err error) {
	escaped, ver := distNames(name, version)
	tag := o.Tag
	if tag == "" {
		tag = "py3-none-any"
	}
	parts := strings.Split(tag, "-")
	if len(parts) != 3 {
		return "", nil, fmt.Errorf("distbuild: wheel tag %q is not python-abi-platform", tag)
	}
	meta := o.Metadata
	if meta == "" {
		meta = defaultMetadata(name, version)
	}
	var wheel strings.Builder
	wheel.WriteString("Wheel-Version: 1.0\nGenerator: pypitest\n")
	fmt.Fprintf(&wheel, "Root-Is-Purelib: %t\n", parts[2] == "any")
	for _, py := range strings.Split(parts[0], ".") {
		for _, abi := range strings.Split(parts[1], ".") {
			for _, plat := range strings.Split(parts[2], ".") {
				fmt.Fprintf(&wheel, "Tag: %s-%s-%s\n", py, abi, plat)
			}
		}
	}
	info := escaped + "-" + ver + ".dist-info/"
	files := []File{{escaped + "/__init__.py", []byte("\"\"\"" + name + " " + version + ", built by pypitest.\"\"\"\n")}}
	files = append(files, extras(o.Extra, "")...)
	files = append(files, File{info + "METADATA", []byte(meta)}, File{info + "WHEEL", []byte(wheel.String())})
	files = append(files, File{info + "RECORD", record(files, info+"RECORD")})

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		if err := addZip(zw, f, o.DataDescriptor); err != nil {
			return "", nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return "", nil, err
	}
	return escaped + "-" + ver + "-" + tag + ".whl", buf.Bytes(), nil
}

// Sdist makes a source distribution PyPI accepts: a gzipped tar with
// one top-level directory <name>-<version> holding PKG-INFO and a
// pyproject.toml, named as PEP 625 requires.
func Sdist(name, version string, o Options) (filename string, data []byte, err error) {
	escaped, ver := distNames(name, version)
	meta := o.Metadata
	if meta == "" {
		meta = defaultMetadata(name, version)
	}
	top := escaped + "-" + ver + "/"
	pyproject := "[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n\n" +
		"[project]\nname = \"" + name + "\"\nversion = \"" + version + "\"\n"
	files := []File{{top + "PKG-INFO", []byte(meta)}, {top + "pyproject.toml", []byte(pyproject)},
		{top + escaped + "/__init__.py", []byte("")}}
	files = append(files, extras(o.Extra, top)...)

	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(gz)
	dirs := map[string]bool{}
	for _, f := range files {
		for d := top; !dirs[d]; {
			dirs[d] = true
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: 0o755, ModTime: buildTime}); err != nil {
				return "", nil, err
			}
		}
		h := &tar.Header{Typeflag: tar.TypeReg, Name: f.Name, Mode: 0o644, Size: int64(len(f.Data)), ModTime: buildTime}
		if err := tw.WriteHeader(h); err != nil {
			return "", nil, err
		}
		if _, err := tw.Write(f.Data); err != nil {
			return "", nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return "", nil, err
	}
	if err := gz.Close(); err != nil {
		return "", nil, err
	}
	return escaped + "-" + ver + ".tar.gz", buf.Bytes(), nil
}

// File is one archive member.
type File struct {
	Name string
	Data []byte
}

// Zip makes a zip archive of files, in order, written as Wheel writes its
// members (no data descriptors), for tests that need a wheel Wheel would
// not make.
func Zip(files ...File) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		if err := addZip(zw, f, false); err != nil {
			return nil, fmt.Errorf("distbuild: %s: %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("distbuild: %w", err)
	}
	return buf.Bytes(), nil
}

// extras returns the extra files under prefix, in a stable order.
func extras(m map[string][]byte, prefix string) []File {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]File, 0, len(names))
	for _, n := range names {
		out = append(out, File{prefix + n, m[n]})
	}
	return out
}

// record writes a wheel RECORD: path, urlsafe-base64 sha256 and size of
// each file, and the RECORD itself without them.
func record(files []File, self string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = false
	for _, f := range files {
		sum := sha256.Sum256(f.Data)
		w.Write([]string{f.Name, "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:]), fmt.Sprint(len(f.Data))})
	}
	w.Write([]string{self, "", ""})
	w.Flush()
	return b.Bytes()
}

// addZip writes one member. CreateRaw with the sizes and CRC known up
// front keeps the data-descriptor flag clear; it also leaves the UTF-8
// flag and the MS-DOS time to us.
func addZip(zw *zip.Writer, f File, descriptor bool) error {
	if descriptor {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: buildTime})
		if err == nil {
			_, err = w.Write(f.Data)
		}
		return err
	}
	// Deflate for realism, but store what does not shrink (random test
	// payloads), which also keeps building big test wheels fast.
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
	fw.Write(f.Data)
	fw.Close()
	method, payload := zip.Deflate, comp.Bytes()
	if len(payload) >= len(f.Data) {
		method, payload = zip.Store, f.Data
	}
	h := &zip.FileHeader{
		Name:               f.Name,
		Method:             method,
		CRC32:              crc32.ChecksumIEEE(f.Data),
		CompressedSize64:   uint64(len(payload)),
		UncompressedSize64: uint64(len(f.Data)),
		CreatorVersion:     3<<8 | 20, // Unix, so the mode bits below count
		ExternalAttrs:      0o100644 << 16,
	}
	// CreateRaw, unlike CreateHeader, does not derive the MS-DOS date from
	// Modified: it writes the deprecated fields as they are, so setting
	// them is the only way to date a raw member (else 1980-00-00).
	//lint:ignore SA1019 Modified has no effect with CreateRaw (see above)
	h.ModifiedDate = uint16((buildTime.Year()-1980)<<9 | int(buildTime.Month())<<5 | buildTime.Day())
	if !isASCII(f.Name) && utf8.ValidString(f.Name) {
		h.Flags |= 0x800
	}
	w, err := zw.CreateRaw(h)
	if err == nil {
		_, err = w.Write(payload)
	}
	return err
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
