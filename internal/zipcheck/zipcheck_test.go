package zipcheck

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const archivesURL = ". See https://docs.pypi.org/archives for more information"

func framing(r string) string { return "ZIP archive not accepted: " + r + archivesURL }

func check(b []byte) error { return Check(bytes.NewReader(b), int64(len(b))) }

// reason returns the refusal text, "" for acceptance, and fails the test
// on any other kind of error.
func reason(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var ze *Error
	if !errors.As(err, &ze) {
		t.Fatalf("error %v (%T) is not a *zipcheck.Error", err, err)
	}
	return ze.Reason
}

func TestCheckRules(t *testing.T) {
	big := bytes.Repeat([]byte{0}, 1<<16)
	tests := []struct {
		name string
		zip  func() []byte
		want string
	}{
		{"valid", func() []byte { return simple().build() }, ""},
		{"empty archive", func() []byte { return archive{}.build() }, ""},
		{"archive comment allowed", func() []byte {
			z := simple()
			z.comment = "built by hand"
			return z.build()
		}, ""},
		{"zip64 end records", func() []byte {
			z := simple()
			z.zip64 = true
			return z.build()
		}, ""},
		{"not a zip", func() []byte { return []byte("this is plainly not a zip archive at all") }, "File is not a zipfile"},
		{"too short", func() []byte { return []byte("PK\x05\x06") }, "File is not a zipfile"},
		{"nothing", func() []byte { return nil }, "File is not a zipfile"},
		{"end signature too close to the end", func() []byte {
			b := simple().build()
			return append(b[:len(b)-22], []byte("PK\x05\x06xx")...)
		}, "File is not a zipfile"},
		{"bad central directory magic", func() []byte {
			z := simple()
			z.eocd = func(h []byte) { le32(h[12:], u32(h[12:])+4) }
			return z.build()
		}, "None"},
		{"corrupt central extra", func() []byte {
			z := simple()
			z.members[0].centralExtra = []byte{0x01, 0x00, 0x20, 0x00}
			return z.build()
		}, "None"},
		{"truncated zip64 central extra", func() []byte {
			z := simple()
			z.members[0].central = func(h []byte) { le32(h[24:], 0xFFFFFFFF) }
			z.members[0].centralExtra = extraField(1, []byte{1, 2, 3})
			return z.build()
		}, "None"},
		{"unsupported compression", func() []byte {
			z := simple()
			z.members[1].method = 12
			return z.build()
		}, "File does not use a supported compression type"},
		{"compression ratio", func() []byte {
			z := simple()
			z.members = append(z.members, member{name: "zeros", data: big, deflate: true,
				central: func(h []byte) { le32(h[24:], 100<<20) },
				local:   func(h []byte) { le32(h[22:], 100<<20) }})
			return z.build()
		}, "File exceeds compression ratio of 50"},
		{"large but not a bomb", func() []byte {
			// Under 64 MiB expanded, any ratio is fine.
			z := simple()
			z.members = append(z.members, member{name: "zeros", data: big, deflate: true})
			return z.build()
		}, ""},
		{"data descriptor", func() []byte {
			var b bytes.Buffer
			w := zip.NewWriter(&b)
			f, _ := w.Create("a.txt")
			f.Write([]byte("hello"))
			w.Close()
			return b.Bytes()
		}, framing("ZIP contains a data descriptor")},
		{"comment in central directory", func() []byte {
			z := simple()
			z.members[1].comment = "hi"
			return z.build()
		}, framing("Comment in central directory")},
		{"duplicate name in central directory", func() []byte {
			z := simple()
			dup := z.members[0]
			dup.skipLoc = true
			z.members = append(z.members, dup)
			return z.build()
		}, framing("Duplicate filename in central directory")},
		{"duplicate name in local headers", func() []byte {
			z := simple()
			dup := z.members[0]
			dup.skipCD = true
			z.members = append(z.members, dup)
			return z.build()
		}, framing("Duplicate filename in local headers")},
		{"missing local header", func() []byte {
			z := simple()
			z.members = append(z.members, member{name: "ghost", data: []byte("boo"), skipLoc: true})
			return z.build()
		}, framing("Missing filename in local headers")},
		{"local header not in central directory", func() []byte {
			z := simple()
			z.members = append(z.members, member{name: "hidden", data: []byte("boo"), skipCD: true})
			return z.build()
		}, framing("Filename not in central directory")},
		{"mismatched data size", func() []byte {
			z := simple()
			z.members[0].local = func(h []byte) { le32(h[18:], u32(h[18:])-1) }
			return z.build()
		}, framing("Mis-matched data size")},
		{"mismatched file size", func() []byte {
			z := simple()
			z.members[1].local = func(h []byte) { le32(h[22:], u32(h[22:])+1) }
			return z.build()
		}, framing("Mis-matched file size")},
		{"control character in name", func() []byte {
			z := simple()
			z.members[0].name = "pkg/a\x01b.py"
			return z.build()
		}, framing("Invalid character in filename")},
		{"DEL in name", func() []byte {
			z := simple()
			z.members[0].name = "pkg/a\x7fb.py"
			return z.build()
		}, framing("Invalid character in filename")},
		{"name not UTF-8 without the flag", func() []byte {
			z := simple()
			z.members[0].name = "caf\x82.py"
			return z.build()
		}, framing("Filename not unicode")},
		{"name not UTF-8 with the flag", func() []byte {
			z := simple()
			z.members[0].name = "caf\xff.py"
			z.members[0].flags = flagUTF8
			return z.build()
		}, framing("Filename not valid UTF-8")},
		{"UTF-8 name with the flag", func() []byte {
			z := simple()
			z.members[0].name = "café.py"
			z.members[0].flags = flagUTF8
			return z.build()
		}, ""},
		{"UTF-8 name without the flag", func() []byte {
			// zipfile reads the central name as CP437, Warehouse reads
			// the local one as UTF-8: they no longer match.
			z := simple()
			z.members[0].name = "café.py"
			return z.build()
		}, framing("Filename not in central directory")},
		{"unicode path extra not UTF-8", func() []byte {
			z := simple()
			z.members[0].localExtra = extraField(0x7075, []byte{1, 0, 0, 0, 0, 0xff, 0xfe})
			return z.build()
		}, framing("Filename not valid UTF-8")},
		{"unicode path extra with control character", func() []byte {
			z := simple()
			z.members[0].localExtra = extraField(0x7075, []byte{1, 0, 0, 0, 0, 'a', '\n'})
			return z.build()
		}, framing("Invalid character in filename")},
		{"duplicate zip64 extra", func() []byte {
			z := simple()
			z.members[0].localExtra = append(extraField(1, nil), extraField(1, nil)...)
			return z.build()
		}, framing("Invalid duplicate extra in local file")},
		{"duplicate harmless extra", func() []byte {
			z := simple()
			z.members[0].localExtra = append(extraField(0x5455, []byte{0}), extraField(0x5455, []byte{0})...)
			return z.build()
		}, ""},
		{"zip64 extra of odd length", func() []byte {
			z := simple()
			z.members[0].localExtra = extraField(1, []byte{1, 2, 3, 4})
			return z.build()
		}, framing("Malformed zip file")},
		{"truncated local extra", func() []byte {
			z := simple()
			z.members[0].localExtra = []byte{1, 0, 9}
			return z.build()
		}, framing("Malformed zip file")},
		{"zip64 local sizes", func() []byte {
			z := simple()
			n := uint64(len(z.members[0].data))
			ex := make([]byte, 16)
			le64(ex, n)
			le64(ex[8:], n)
			z.members[0].localExtra = extraField(1, ex)
			z.members[0].local = func(h []byte) { le32(h[18:], 0xFFFFFFFF); le32(h[22:], 0xFFFFFFFF) }
			z.members[0].centralExtra = extraField(1, ex)
			z.members[0].central = func(h []byte) { le32(h[20:], 0xFFFFFFFF); le32(h[24:], 0xFFFFFFFF) }
			return z.build()
		}, ""},
		{"zip64 extensible data", func() []byte {
			z := simple()
			z.zip64 = true
			z.eocd64 = func(h []byte) { le64(h[4:], 60) }
			return z.build()
		}, framing("ZIP64 extensible data not allowed")},
		{"zip64 end record without locator", func() []byte {
			z := simple()
			z.zip64 = true
			b := z.build()
			// Overwrite the locator signature: zipfile then ignores the
			// ZIP64 record, and Warehouse meets an unknown record.
			i := bytes.LastIndex(b, []byte("PK\x06\x07"))
			copy(b[i:], "XXXX")
			return b
		}, "None"},
		{"mismatched central directory records", func() []byte {
			z := simple()
			z.eocd = func(h []byte) { le16(h[8:], 3); le16(h[10:], 3) }
			return z.build()
		}, framing("Mismatched central directory records")},
		{"disk counts disagree", func() []byte {
			z := simple()
			z.eocd = func(h []byte) { le16(h[8:], 1) }
			return z.build()
		}, framing("Malformed zip file")},
		{"mismatched central directory offset", func() []byte {
			z := simple()
			z.eocd = func(h []byte) { le32(h[16:], u32(h[16:])+1) }
			return z.build()
		}, framing("Mismatched central directory offset")},
		{"mismatched central directory size", func() []byte {
			// A decoy central header hidden in the last member's data:
			// zipfile starts reading there because the end record claims
			// a bigger directory, while the walk skips over it.
			z := simple()
			name := z.members[0].name
			decoy := make([]byte, 46)
			le32(decoy, sigCentral)
			le16(decoy[6:], 20)
			le32(decoy[16:], crc32.ChecksumIEEE(z.members[0].data))
			le32(decoy[20:], uint32(len(z.members[0].data)))
			le32(decoy[24:], uint32(len(z.members[0].data)))
			le16(decoy[28:], uint16(len(name)))
			decoy = append(decoy, name...)
			z.members = append(z.members, member{name: "decoy", data: decoy})
			z.eocd = func(h []byte) { le32(h[12:], u32(h[12:])+uint32(len(decoy))) }
			return z.build()
		}, framing("Mismatched central directory size")},
		{"prepended data", func() []byte {
			z := simple()
			z.prefix = []byte("#!/bin/sh\nexec python3 \"$0\"\n")
			return z.build()
		}, framing("Unknown record signature")},
		{"trailing data", func() []byte {
			z := simple()
			z.trailing = []byte("more")
			return z.build()
		}, framing("Trailing data")},
		{"comment length past the end", func() []byte {
			z := simple()
			z.comment = "abc"
			b := z.build()
			return b[:len(b)-1]
		}, framing("Trailing data")},
		{"truncated local header", func() []byte {
			z := simple()
			z.members[1].local = func(h []byte) { le16(h[26:], 60000) }
			return z.build()
		}, framing("Malformed zip file")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reason(t, check(tt.zip())); got != tt.want {
				t.Errorf("Check() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCreateRaw checks that archive/zip's CreateRaw, with sizes and CRC
// given up front and no data descriptor, produces archives PyPI accepts:
// the recipe our wheel builders rely on. CreateRaw, unlike CreateHeader,
// does not set the UTF-8 flag for non-ASCII names; without it Python reads
// the central name as CP437 and PyPI refuses the archive.
func TestCreateRaw(t *testing.T) {
	for _, tt := range []struct {
		flags uint16
		want  string
	}{
		{0x800, ""},
		{0, framing("Filename not in central directory")},
	} {
		var b bytes.Buffer
		w := zip.NewWriter(&b)
		for _, name := range []string{"a/b.py", "a-1.0.dist-info/METADATA", "ünï.txt"} {
			data := []byte("content of " + name)
			h := &zip.FileHeader{Name: name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(data),
				CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(len(data)), Flags: tt.flags}
			f, err := w.CreateRaw(h)
			if err != nil {
				t.Fatal(err)
			}
			f.Write(data)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if got := reason(t, check(b.Bytes())); got != tt.want {
			t.Errorf("flags %#x: Check() = %q, want %q", tt.flags, got, tt.want)
		}
	}
}

// TestRealWheels runs the checks over wheels built by setuptools and
// friends; PyPI accepted these, so we must too.
func TestRealWheels(t *testing.T) {
	paths, _ := filepath.Glob("/usr/share/python-wheels/*.whl")
	if len(paths) == 0 {
		t.Skip("no wheels in /usr/share/python-wheels")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fi, err := f.Stat()
			if err != nil {
				t.Fatal(err)
			}
			a, err := Open(f, fi.Size())
			if err != nil {
				t.Fatalf("Open() = %v", err)
			}
			if err := a.Framing(); err != nil {
				t.Fatalf("Framing() = %v", err)
			}
			var wheel string
			for _, n := range a.Names() {
				if strings.HasSuffix(n, ".dist-info/WHEEL") {
					wheel = n
				}
			}
			data, err := a.ReadFile(wheel, 1<<20)
			if err != nil || !bytes.Contains(data, []byte("Wheel-Version")) {
				t.Fatalf("ReadFile(%q) = %q, %v", wheel, data, err)
			}
		})
	}
}

func TestReadFile(t *testing.T) {
	z := simple()
	b := z.build()
	a, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Names(); len(got) != 2 || got[0] != "pkg/__init__.py" {
		t.Errorf("Names() = %q", got)
	}
	for _, m := range z.members {
		got, err := a.ReadFile(m.name, 1<<20)
		if err != nil || !bytes.Equal(got, m.data) {
			t.Errorf("ReadFile(%q) = %q, %v; want %q", m.name, got, err, m.data)
		}
	}
	if _, err := a.ReadFile("nope", 1<<20); !errors.Is(err, ErrNotExist) {
		t.Errorf("ReadFile(missing) error = %v, want ErrNotExist", err)
	}
	if _, err := a.ReadFile(z.members[1].name, 10); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ReadFile(limit 10) error = %v, want ErrTooLarge", err)
	}
}

func TestReadFileDamaged(t *testing.T) {
	tests := []struct {
		name string
		edit func(z *archive)
	}{
		{"bad CRC", func(z *archive) {
			z.members[0].central = func(h []byte) { le32(h[16:], 1) }
		}},
		{"local name differs", func(z *archive) {
			z.members[0].local = func(h []byte) {}
			z.members[0].central = func(h []byte) { le16(h[8:], flagUTF8) }
			z.members[0].name = "pkg/é.py"
		}},
		{"encrypted", func(z *archive) { z.members[0].flags = flagEncrypted }},
		{"overlapping", func(z *archive) {
			z.members[0].central = func(h []byte) { le32(h[20:], u32(h[20:])+100) }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := simple()
			tt.edit(&z)
			b := z.build()
			a, err := Open(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			_, err = a.ReadFile(a.Names()[0], 1<<20)
			if got := reason(t, err); got != "None" {
				t.Errorf("ReadFile() reason = %q, want None", got)
			}
		})
	}
}

// TestCheckIsBounded feeds archives whose headers claim enormous sizes and
// counts; Check must answer quickly without trusting them.
func TestCheckIsBounded(t *testing.T) {
	z := simple()
	z.zip64 = true
	z.eocd64 = func(h []byte) {
		le64(h[24:], 1<<62)
		le64(h[32:], 1<<62)
		le64(h[40:], 1<<62)
	}
	if got := reason(t, check(z.build())); got != "None" {
		t.Errorf("huge zip64 directory: reason %q, want None", got)
	}
	defer func(n int) { maxEntries = n }(maxEntries)
	maxEntries = 1000
	many := archive{}
	for i := 0; i < maxEntries+1; i++ {
		many.extraCD = append(many.extraCD, member{})
	}
	if got := reason(t, check(many.build())); got == "" {
		t.Errorf("%d central entries accepted", maxEntries+1)
	}
}
