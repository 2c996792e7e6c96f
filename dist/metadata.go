package dist

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Metadata is a distribution's core metadata (METADATA in a wheel, PKG-INFO
// in an sdist).
type Metadata struct {
	// MetadataVersion, Name and Version are the trimmed values of the three
	// required headers, "" when absent.
	MetadataVersion, Name, Version string
	// Fields holds every header in file order, named as written in the file
	// ("Home-page"), with its value unfolded and trimmed.
	Fields []Field
	// Description is the message body or, in files that put it in a header
	// (metadata 1.x style), the Description header de-indented.
	Description string
}

// Field is one header of the metadata.
type Field struct{ Name, Value string }

// Get returns the first value of the header name (matched without regard
// to case), or "" if it is absent.
func (m *Metadata) Get(name string) string {
	for _, f := range m.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// All returns every value of the header name, in file order.
func (m *Metadata) All(name string) []string {
	var vs []string
	for _, f := range m.Fields {
		if strings.EqualFold(f.Name, name) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// ParseMetadata parses core metadata the way packaging.metadata.parse_email
// reads it: RFC 822 headers up to the first blank line, folded lines
// joined, the rest being the description. LF and CRLF line ends are both
// accepted; the bytes must be UTF-8.
//
// Unfolding follows RFC 822 and the core metadata spec: the line break
// before a continuation line is removed and its leading whitespace kept,
// except for the Description header, whose continuation lines lose the
// 8-column indent (and "|") that writers add, so that the text is the
// author's again.
func ParseMetadata(data []byte) (*Metadata, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("metadata: not valid UTF-8 at byte %d", invalidUTF8At(data))
	}
	// A BOM would become part of the first header's name.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	text := string(data)

	m := &Metadata{}
	type header struct {
		name  string
		lines []string // first line's value, then raw continuation lines
	}
	var headers []header
	lineNo := 0
	body := ""
	for rest := text; rest != ""; {
		var line string
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			line, rest = rest, ""
		} else {
			line, rest = rest[:i], rest[i+1:]
		}
		line = strings.TrimSuffix(line, "\r")
		lineNo++
		if line == "" { // end of headers
			body = rest
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(headers) == 0 {
				return nil, fmt.Errorf("metadata: line %d: continuation line before any header", lineNo)
			}
			h := &headers[len(headers)-1]
			h.lines = append(h.lines, line)
			continue
		}
		colon := strings.IndexByte(line, ':')
		if colon < 0 {
			return nil, fmt.Errorf("metadata: line %d: header line without a colon: %q", lineNo, clip(line, 60))
		}
		name := line[:colon]
		if err := checkHeaderName(name); err != nil {
			return nil, fmt.Errorf("metadata: line %d: %w", lineNo, err)
		}
		headers = append(headers, header{name: name, lines: []string{line[colon+1:]}})
	}

	for _, h := range headers {
		var v string
		if strings.EqualFold(h.name, "Description") {
			v = unfoldDescription(h.lines)
		} else {
			v = strings.Join(h.lines, "")
		}
		v = strings.TrimSpace(v)
		m.Fields = append(m.Fields, Field{Name: h.name, Value: v})
	}
	m.MetadataVersion = m.Get("Metadata-Version")
	m.Name = m.Get("Name")
	m.Version = m.Get("Version")
	// The body goes to the index byte for byte, CRLF and all, as twine
	// sends it: a project's text is not ours to rewrite.
	m.Description = body
	if m.Description == "" {
		m.Description = m.Get("Description")
	}
	return m, nil
}

// checkHeaderName applies RFC 822's rule for field names: printable ASCII
// other than the colon, and no spaces.
func checkHeaderName(name string) error {
	if name == "" {
		return fmt.Errorf("header line with an empty name")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c > '~' {
			return fmt.Errorf("header name %q has a character (%q) not allowed in a header name", clip(name, 60), rune(c))
		}
	}
	return nil
}

// unfoldDescription joins a Description header's lines with newlines,
// removing the prefix writers put on continuation lines: 7 or 8 spaces and
// a "|" (the core metadata spec's form), or 8 spaces (setuptools'
// rfc822_escape).
func unfoldDescription(lines []string) string {
	out := make([]string, len(lines))
	out[0] = strings.TrimLeft(lines[0], " \t")
	for i, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l, "        |"):
			l = l[9:]
		case strings.HasPrefix(l, "       |"):
			l = l[8:]
		case strings.HasPrefix(l, "        "):
			l = l[8:]
		default:
			l = strings.TrimLeft(l, " \t")
		}
		out[i+1] = l
	}
	return strings.Join(out, "\n")
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// clip shortens s for an error message.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
