// Package pyproject reads what pypi-publish needs of a pyproject.toml:
// uv's named indexes ([[tool.uv.index]] tables with name, url and
// publish-url), for `--index NAME` as `uv publish --index` reads them.
// It understands the subset of TOML those tables are written in —
// tables, arrays of tables, keys with basic or literal string values,
// comments — and skips every other value without judging it.
package pyproject

import (
	"fmt"
	"strconv"
	"strings"
)

// Index is one [[tool.uv.index]] table.
type Index struct {
	Name string
	// URL is the index's simple API, which uv checks existing files
	// against; PublishURL its upload URL.
	URL, PublishURL string
	// Line is where the table starts, for messages.
	Line int
}

// UVIndexes returns the [[tool.uv.index]] tables of a pyproject.toml, in
// order.
func UVIndexes(data []byte) ([]Index, error) {
	var out []Index
	var cur *Index
	lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n")
	for n := 0; n < len(lines); n++ {
		line := strings.TrimSpace(strings.TrimSuffix(lines[n], "\r"))
		switch {
		case line == "" || line[0] == '#':
			continue
		case strings.HasPrefix(line, "[[") || strings.HasPrefix(line, "["):
			header := headerName(line)
			if header == "tool.uv.index" && strings.HasPrefix(line, "[[") {
				out = append(out, Index{Line: n + 1})
				cur = &out[len(out)-1]
			} else {
				cur = nil
			}
			continue
		}
		key, rest, ok := strings.Cut(line, "=")
		if !ok {
			continue // a continuation of a multi-line value we skip
		}
		key = strings.Trim(strings.TrimSpace(key), `"'`)
		if cur == nil || (key != "name" && key != "url" && key != "publish-url") {
			continue
		}
		v, err := stringValue(strings.TrimSpace(rest))
		if err != nil {
			return nil, fmt.Errorf("pyproject.toml:%d: %s: %w", n+1, key, err)
		}
		switch key {
		case "name":
			cur.Name = v
		case "url":
			cur.URL = v
		case "publish-url":
			cur.PublishURL = v
		}
	}
	return out, nil
}

// headerName is the dotted name of a [table] or [[array]] header,
// without quotes or spaces.
func headerName(line string) string {
	line = strings.TrimLeft(line, "[")
	if i := strings.Index(line, "]"); i >= 0 {
		line = line[:i]
	}
	parts := strings.Split(line, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// stringValue reads a one-line TOML string: "basic" (with escapes) or
// 'literal', followed by nothing but a comment.
func stringValue(s string) (string, error) {
	switch {
	case strings.HasPrefix(s, `"""`) || strings.HasPrefix(s, "'''"):
		return "", fmt.Errorf("multi-line strings are not supported here; write the value on one line")
	case strings.HasPrefix(s, `"`):
		end := closingQuote(s)
		if end < 0 {
			return "", fmt.Errorf("unterminated string")
		}
		v, err := strconv.Unquote(s[:end+1])
		if err != nil {
			return "", fmt.Errorf("bad string %s", s[:end+1])
		}
		return v, trailing(s[end+1:])
	case strings.HasPrefix(s, "'"):
		end := strings.IndexByte(s[1:], '\'')
		if end < 0 {
			return "", fmt.Errorf("unterminated string")
		}
		return s[1 : end+1], trailing(s[end+2:])
	}
	return "", fmt.Errorf("expected a string in quotes")
}

// closingQuote finds the quote that ends a basic string starting at 0.
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

func trailing(s string) error {
	s = strings.TrimSpace(s)
	if s != "" && s[0] != '#' {
		return fmt.Errorf("unexpected %q after the string", s)
	}
	return nil
}

// Find returns the index named name (uv compares names exactly).
func Find(indexes []Index, name string) (Index, bool) {
	for _, ix := range indexes {
		if ix.Name == name {
			return ix, true
		}
	}
	return Index{}, false
}
