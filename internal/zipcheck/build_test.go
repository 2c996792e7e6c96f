package zipcheck

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
)

// member describes one entry of a hand-built archive. Zero values give a
// well-formed stored entry; the hooks let a test damage exactly one field.
type member struct {
	name    string
	data    []byte
	deflate bool
	method  uint16 // overrides the method when non-zero
	flags   uint16

	localExtra   []byte
	centralExtra []byte
	comment      string // per-entry comment in the central directory

	local   func(h []byte) // edits the 30-byte local header
	central func(h []byte) // edits the 46-byte central header
	skipCD  bool           // leave the entry out of the central directory
	skipLoc bool           // write no local header or data
}

// archive describes a whole hand-built zip.
type archive struct {
	prefix   []byte // bytes before the first record
	members  []member
	extraCD  []member // central entries with no local header of their own
	comment  string   // archive comment after the EOCD
	zip64    bool     // write ZIP64 end record and locator
	eocd     func(h []byte)
	eocd64   func(h []byte)
	trailing []byte
}

func le16(b []byte, v uint16) { binary.LittleEndian.PutUint16(b, v) }
func le32(b []byte, v uint32) { binary.LittleEndian.PutUint32(b, v) }
func le64(b []byte, v uint64) { binary.LittleEndian.PutUint64(b, v) }

// build lays the archive out byte by byte, the way a careful writer
// (CreateRaw without data descriptors) would.
func (z archive) build() []byte {
	var out bytes.Buffer
	out.Write(z.prefix)
	type cd struct {
		h     []byte
		m     member
		ofs   uint32
		extra []byte
	}
	var cds []cd
	for _, m := range z.members {
		payload := m.data
		method := uint16(0)
		if m.deflate {
			var b bytes.Buffer
			w, _ := flate.NewWriter(&b, flate.BestCompression)
			w.Write(m.data)
			w.Close()
			payload, method = b.Bytes(), 8
		}
		if m.method != 0 {
			method = m.method
		}
		crc := crc32.ChecksumIEEE(m.data)
		ofs := uint32(out.Len() - len(z.prefix))
		lh := make([]byte, 30)
		le32(lh, sigLocal)
		le16(lh[4:], 20)
		le16(lh[6:], m.flags)
		le16(lh[8:], method)
		le32(lh[14:], crc)
		le32(lh[18:], uint32(len(payload)))
		le32(lh[22:], uint32(len(m.data)))
		le16(lh[26:], uint16(len(m.name)))
		le16(lh[28:], uint16(len(m.localExtra)))
		if m.local != nil {
			m.local(lh)
		}
		if !m.skipLoc {
			out.Write(lh)
			out.WriteString(m.name)
			out.Write(m.localExtra)
			out.Write(payload)
		}
		ch := make([]byte, 46)
		le32(ch, sigCentral)
		le16(ch[4:], 0x031e)
		le16(ch[6:], 20)
		le16(ch[8:], m.flags)
		le16(ch[10:], method)
		le32(ch[16:], crc)
		le32(ch[20:], uint32(len(payload)))
		le32(ch[24:], uint32(len(m.data)))
		le16(ch[28:], uint16(len(m.name)))
		le16(ch[30:], uint16(len(m.centralExtra)))
		le16(ch[32:], uint16(len(m.comment)))
		le32(ch[42:], ofs)
		if m.central != nil {
			m.central(ch)
		}
		if !m.skipCD {
			cds = append(cds, cd{ch, m, ofs, m.centralExtra})
		}
	}
	for _, m := range z.extraCD {
		ch := make([]byte, 46)
		le32(ch, sigCentral)
		le16(ch[6:], 20)
		le16(ch[28:], uint16(len(m.name)))
		if m.central != nil {
			m.central(ch)
		}
		cds = append(cds, cd{h: ch, m: m})
	}
	cdStart := out.Len() - len(z.prefix)
	for _, c := range cds {
		out.Write(c.h)
		out.WriteString(c.m.name)
		out.Write(c.extra)
		out.WriteString(c.m.comment)
	}
	cdSize := out.Len() - len(z.prefix) - cdStart
	n := len(cds)
	if z.zip64 {
		e64At := out.Len() - len(z.prefix)
		r := make([]byte, 56)
		le32(r, sigEOCD64)
		le64(r[4:], 44)
		le16(r[12:], 45)
		le16(r[14:], 45)
		le64(r[24:], uint64(n))
		le64(r[32:], uint64(n))
		le64(r[40:], uint64(cdSize))
		le64(r[48:], uint64(cdStart))
		if z.eocd64 != nil {
			z.eocd64(r)
		}
		out.Write(r)
		l := make([]byte, 20)
		le32(l, sigLocator)
		le64(l[8:], uint64(e64At))
		le32(l[16:], 1)
		out.Write(l)
	}
	e := make([]byte, 22)
	le32(e, sigEOCD)
	le16(e[8:], uint16(n))
	le16(e[10:], uint16(n))
	le32(e[12:], uint32(cdSize))
	le32(e[16:], uint32(cdStart))
	if z.zip64 {
		le16(e[8:], 0xFFFF)
		le16(e[10:], 0xFFFF)
		le32(e[12:], 0xFFFFFFFF)
		le32(e[16:], 0xFFFFFFFF)
	}
	le16(e[20:], uint16(len(z.comment)))
	if z.eocd != nil {
		z.eocd(e)
	}
	out.Write(e)
	out.WriteString(z.comment)
	out.Write(z.trailing)
	return out.Bytes()
}

// simple is a small valid archive with a stored and a deflated member.
func simple() archive {
	return archive{members: []member{
		{name: "pkg/__init__.py", data: []byte("print('hello')\n")},
		{name: "pkg-1.0.dist-info/METADATA", data: bytes.Repeat([]byte("Name: pkg\n"), 20), deflate: true},
	}}
}

// extraField encodes one extra field record.
func extraField(id uint16, data []byte) []byte {
	b := make([]byte, 4, 4+len(data))
	le16(b, id)
	le16(b[2:], uint16(len(data)))
	return append(b, data...)
}
