package dist

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/zipcheck"
)

const rebuildHint = "rebuild the distribution with a standard build backend (python -m build)"

// maxMembers bounds how many archive member names are kept for the
// license-file check; real distributions have far fewer.
const maxMembers = 200_000

func readWheel(f *File, fh *os.File) {
	if err := zipcheck.Check(fh, f.Size); err != nil {
		f.addProblem("archive", rebuildHint, "Invalid distribution file. %s", err)
		var zerr *zipcheck.Error
		if !errors.As(err, &zerr) || zerr.Reason == "File is not a zipfile" {
			return
		}
	}
	zr, err := zip.NewReader(fh, f.Size)
	if err != nil {
		f.addProblem("archive", rebuildHint, "Invalid distribution file. File is not a zipfile")
		return
	}
	members := make(map[string]*zip.File, len(zr.File))
	for i, zf := range zr.File {
		if i >= maxMembers {
			break
		}
		members[zf.Name] = zf
	}
	distInfo := ""
	if f.Wheel.Name != "" {
		distInfo = f.Wheel.Name + "-" + f.Wheel.Version + ".dist-info"
		if members[distInfo+"/WHEEL"] == nil {
			f.addProblem("archive", rebuildHint, "Invalid distribution file. WHEEL not found at %s/WHEEL", distInfo)
		}
		if members[distInfo+"/RECORD"] == nil {
			f.addProblem("archive", rebuildHint, "Wheel '%s' does not contain the required RECORD file: %s/RECORD", f.Filename, distInfo)
		}
		if members[distInfo+"/METADATA"] == nil {
			f.addProblem("archive", rebuildHint, "Wheel '%s' does not contain the required METADATA file: %s/METADATA", f.Filename, distInfo)
			distInfo = ""
		}
	}
	if distInfo == "" {
		// The filename is off: still read the metadata, so the report can
		// say what the name and version should be.
		distInfo = shallowestDistInfo(zr.File)
		if distInfo == "" {
			return
		}
	}
	data, err := readZipMember(members[distInfo+"/METADATA"])
	if err != nil {
		f.addProblem("archive", rebuildHint, "%s/METADATA: %v", distInfo, err)
		return
	}
	f.parseMetadata(data, distInfo+"/METADATA")
	if ep := members[distInfo+"/entry_points.txt"]; ep != nil {
		if data, err := readZipMember(ep); err != nil || checkEntryPoints(data) != nil {
			f.addProblem("archive", "fix the [project.scripts] / entry-points table in pyproject.toml and rebuild", "Wheel '%s' has invalid entry points defined in the entry_points.txt file", f.Filename)
		}
	}
	f.checkLicenseFiles(func(p string) bool { return members[distInfo+"/licenses/"+p] != nil }, distInfo+"/licenses/")
}

func shallowestDistInfo(files []*zip.File) string {
	best := ""
	for _, zf := range files {
		dir, base := path.Split(zf.Name)
		dir = strings.TrimSuffix(dir, "/")
		if base == "METADATA" && strings.HasSuffix(dir, ".dist-info") && !strings.Contains(dir, "/") {
			if best == "" || dir < best {
				best = dir
			}
		}
	}
	return best
}

func readZipMember(zf *zip.File) ([]byte, error) {
	if zf == nil {
		return nil, errors.New("missing")
	}
	if zf.UncompressedSize64 > MaxMetadataSize {
		return nil, fmt.Errorf("declared size %d bytes exceeds the %d-byte limit", zf.UncompressedSize64, MaxMetadataSize)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readBounded(rc)
}

func readBounded(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxMetadataSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxMetadataSize {
		return nil, fmt.Errorf("larger than the %d-byte limit", MaxMetadataSize)
	}
	return data, nil
}

func (f *File) parseMetadata(data []byte, where string) {
	m, err := ParseMetadata(data)
	if err != nil {
		f.addProblem("metadata", rebuildHint, "%s: %v", where, err)
		return
	}
	f.Metadata = m
}

// checkLicenseFiles applies PyPI's rule that every License-File named in
// the metadata is inside the archive.
func (f *File) checkLicenseFiles(exists func(string) bool, at string) {
	if f.Metadata == nil || !MetadataVersionAtLeast(f.Metadata.MetadataVersion, "2.4") {
		return
	}
	for _, lf := range f.Metadata.All("License-File") {
		if !exists(lf) {
			f.addProblem("License-File", "list only files that the build backend puts in the archive, or fix license-files in pyproject.toml", "License-File %s does not exist in distribution file %s at %s%s", lf, f.Filename, at, lf)
		}
	}
}

func readZipSdist(f *File, fh *os.File) {
	if err := zipcheck.Check(fh, f.Size); err != nil {
		f.addProblem("archive", rebuildHint, "Invalid distribution file. %s", err)
		return
	}
	zr, err := zip.NewReader(fh, f.Size)
	if err != nil {
		f.addProblem("archive", rebuildHint, "Invalid distribution file. File is not a zipfile")
		return
	}
	names := map[string]*zip.File{}
	tops := map[string]bool{}
	for i, zf := range zr.File {
		if i < maxMembers {
			names[zf.Name] = zf
		}
		tops[strings.SplitN(zf.Name, "/", 2)[0]] = true
	}
	if len(tops) != 1 {
		f.addProblem("archive", rebuildHint, "Invalid distribution file. Incorrect number of top-level directories in sdist")
		return
	}
	top := onlyKey(tops)
	data, err := readZipMember(names[top+"/PKG-INFO"])
	if err != nil {
		f.addProblem("archive", rebuildHint, "Invalid distribution file. PKG-INFO not found at %s/PKG-INFO", top)
		return
	}
	f.parseMetadata(data, top+"/PKG-INFO")
	f.checkLicenseFiles(func(p string) bool { return names[top+"/"+p] != nil }, top+"/")
}

// readTarSdist reads a .tar.gz sdist in one pass: the same bytes feed the
// digests and the gzip/tar reader, and whatever the tar reader leaves
// unread is drained into the digests.
func readTarSdist(f *File, fh *os.File) error {
	d := newDigester()
	src := bufio.NewReaderSize(io.TeeReader(fh, d), 256<<10)
	walkTar(f, src)
	if err := d.readAll(fh); err != nil {
		return fmt.Errorf("dist: %s: %w", f.Path, err)
	}
	// bufio may hold read-ahead bytes that already went through the tee.
	if d.n != f.Size {
		return fmt.Errorf("dist: %s: read %d bytes, expected %d (did the file change while being read?)", f.Path, d.n, f.Size)
	}
	f.Digests = d.digests()
	return nil
}

// A tar.gz that inflates to more than this many times its size (and more
// than 64 MiB) is a decompression bomb, not an sdist.
const maxTarRatio = 200

func walkTar(f *File, r io.Reader) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		f.addProblem("archive", "the file is not gzip-compressed or is truncated: "+rebuildHint, "Invalid distribution file. None")
		return
	}
	limit := 64<<20 + maxTarRatio*f.Size
	counted := &limitedReader{r: gz, left: limit}
	tr := tar.NewReader(counted)
	tops := map[string]bool{}
	members := map[string]bool{}
	// PKG-INFO is the last member of that name, as Python's tarfile
	// (which twine and PyPI read sdists with) finds it; only a regular
	// file has metadata to read.
	var pkgInfo []byte
	pkgInfoSeen := false
	sparse := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if counted.left < 0 {
				f.addProblem("archive", "the archive is a decompression bomb", "Invalid distribution file. It inflates to more than %d times its size", maxTarRatio)
				return
			}
			f.addProblem("archive", rebuildHint, "Invalid distribution file. File is not a tarfile (%v)", err)
			return
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		if h.Typeflag == tar.TypeGNUSparse || hasSparseRecords(h.PAXRecords) {
			sparse = true
		}
		name := strings.TrimSuffix(h.Name, "/")
		if name == "" {
			continue
		}
		top, rest, _ := strings.Cut(name, "/")
		tops[top] = true
		if len(members) < maxMembers {
			members[name] = true
		}
		if rest == "PKG-INFO" {
			pkgInfo, pkgInfoSeen = nil, true
			if h.Typeflag == tar.TypeReg {
				if pkgInfo, err = readBounded(tr); err != nil {
					f.addProblem("archive", rebuildHint, "%s: %v", name, err)
					return
				}
			}
		}
	}
	if sparse {
		f.addProblem("archive", "rebuild the sdist without sparse files (GNU tar --sparse)", "tar archive not accepted: Sparse members are not allowed. See https://docs.pypi.org/archives for more information")
	}
	if len(tops) != 1 {
		f.addProblem("archive", rebuildHint, "Invalid distribution file. Incorrect number of top-level directories in sdist (found %d: %s)", len(tops), strings.Join(sortedKeys(tops, 5), ", "))
		return
	}
	top := onlyKey(tops)
	if !pkgInfoSeen {
		f.addProblem("archive", rebuildHint, "Invalid distribution file. PKG-INFO not found at %s/PKG-INFO", top)
		return
	}
	if pkgInfo == nil {
		f.addProblem("archive", rebuildHint, "PKG-INFO at %s/PKG-INFO is not a regular file", top)
		return
	}
	f.parseMetadata(pkgInfo, top+"/PKG-INFO")
	f.checkLicenseFiles(func(p string) bool { return members[top+"/"+p] }, top+"/")
}

func hasSparseRecords(recs map[string]string) bool {
	for k := range recs {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		l.left = -1
		return 0, errors.New("inflated size limit exceeded")
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

func onlyKey(m map[string]bool) string {
	for k := range m {
		return k
	}
	return ""
}

func sortedKeys(m map[string]bool, most int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > most {
		keys = append(keys[:most], "…")
	}
	return keys
}

// checkEntryPoints checks entry_points.txt is the INI file PyPI can parse:
// section headers and "name = value" lines.
func checkEntryPoints(data []byte) error {
	section := false
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[':
			if !strings.HasSuffix(line, "]") || len(line) < 3 {
				return fmt.Errorf("line %d: bad section header", i+1)
			}
			section = true
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || !section || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
				return fmt.Errorf("line %d: expected name = value", i+1)
			}
		}
	}
	return nil
}

// MetadataVersionAtLeast compares two Metadata-Version values ("2.1" <
// "2.4" < "2.10"); a malformed v is less than any min.
func MetadataVersionAtLeast(v, min string) bool {
	vm, vn, _ := strings.Cut(v, ".")
	mm, mn, _ := strings.Cut(min, ".")
	if a, b := atoi(vm), atoi(mm); a != b {
		return a > b
	}
	return atoi(vn) >= atoi(mn)
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<20 {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}
