// Package pypirc reads a .pypirc file as twine does: Python's
// configparser.RawConfigParser (no interpolation, case-insensitive keys,
// "=" or ":" between key and value, whole-line "#" and ";" comments,
// indented continuation lines, a [DEFAULT] section whose keys every
// section inherits, duplicate sections or keys refused), then twine's
// reading of it (twine/utils.py get_config): [distutils] index-servers
// lists the sections that count ("pypi testpypi" without it), the
// obsolete [server-login] gives default credentials, and pypi and
// testpypi have their upload URLs without being written down.
package pypirc

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/index"
)

// The upload URLs twine gives the built-in names, from the one place
// that knows PyPI's hosts.
const (
	pypiURL     = index.PyPIUploadURL
	testPyPIURL = index.TestPyPIUploadURL
)

// File is a parsed .pypirc.
type File struct {
	// sections maps a section name (case kept: configparser compares
	// section names exactly) to its keys (lower case).
	sections map[string]map[string]string
	defaults map[string]string
	order    []string
}

// Repository is one section as twine uses it; an empty field was not
// given.
type Repository struct {
	// Name is the section's name.
	Name string
	// URL is the upload URL ("repository").
	URL      string
	Username string
	Password string
	// CACert and ClientCert are twine's per-section ca_cert and
	// client_cert: a CA bundle and a PEM with certificate and key.
	CACert, ClientCert string
}

// SyntaxError is a line configparser would refuse.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Parse reads the text of a .pypirc.
func Parse(data []byte) (*File, error) {
	f := &File{sections: map[string]map[string]string{}, defaults: map[string]string{}}
	var cur map[string]string // nil before the first section header
	var curKey string         // the key a continuation line extends
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		raw := sc.Text()
		if n == 1 {
			raw = strings.TrimPrefix(raw, "\ufeff")
		}
		line := strings.TrimRight(raw, " \t\r")
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed == "" {
			// configparser keeps blank lines inside a multi-line value;
			// no key twine reads cares, so a blank line only separates.
			continue
		}
		if trimmed[0] == '#' || trimmed[0] == ';' {
			continue
		}
		indented := len(trimmed) < len(line)
		if indented && cur != nil && curKey != "" {
			cur[curKey] += "\n" + trimmed
			continue
		}
		if strings.HasPrefix(trimmed, "[") {
			end := strings.Index(trimmed, "]")
			if end < 0 {
				return nil, &SyntaxError{n, fmt.Sprintf("section header %q has no closing ]", trimmed)}
			}
			name := trimmed[1:end]
			curKey = ""
			if name == "DEFAULT" {
				cur = f.defaults
				continue
			}
			if _, dup := f.sections[name]; dup {
				return nil, &SyntaxError{n, fmt.Sprintf("section [%s] appears twice", name)}
			}
			cur = map[string]string{}
			f.sections[name] = cur
			f.order = append(f.order, name)
			continue
		}
		if cur == nil {
			return nil, &SyntaxError{n, "a key before the first [section] header"}
		}
		i := strings.IndexAny(trimmed, "=:")
		if i <= 0 {
			// The line is not shown: it may be a password on a line of
			// its own.
			return nil, &SyntaxError{n, "expected KEY = VALUE or a [section] header"}
		}
		key := strings.ToLower(strings.TrimSpace(trimmed[:i]))
		if key == "" {
			return nil, &SyntaxError{n, "a value without a key"}
		}
		if _, dup := cur[key]; dup {
			return nil, &SyntaxError{n, fmt.Sprintf("key %q appears twice in its section", key)}
		}
		cur[key] = strings.TrimSpace(trimmed[i+1:])
		curKey = key
	}
	if err := sc.Err(); err != nil {
		return nil, &SyntaxError{n + 1, err.Error()}
	}
	return f, nil
}

// get is a key of a section, with [DEFAULT]'s as a fallback, as
// configparser's get does.
func (f *File) get(section, key string) (string, bool) {
	s, ok := f.sections[section]
	if !ok && section != "DEFAULT" {
		return "", false
	}
	if v, ok := s[key]; ok {
		return v, true
	}
	v, ok := f.defaults[key]
	return v, ok
}

// IndexServers are the section names twine reads: [distutils]
// index-servers, split on white space, or "pypi testpypi".
func (f *File) IndexServers() []string {
	if v, ok := f.get("distutils", "index-servers"); ok {
		return strings.Fields(v)
	}
	return []string{"pypi", "testpypi"}
}

// Names are the repository names a run may select, sorted: the index
// servers, and pypi and testpypi, which always exist here (twine drops
// testpypi when index-servers does not list it; a name that can only
// mean TestPyPI is kept rather than refused).
func (f *File) Names() []string {
	names := append([]string{"pypi", "testpypi"}, f.IndexServers()...)
	slices.Sort(names)
	return slices.Compact(names)
}

// Unlisted are the sections that look like repositories but are not in
// index-servers, so twine ignores them: worth naming when a lookup
// fails.
func (f *File) Unlisted() []string {
	var out []string
	for _, s := range f.order {
		if s == "distutils" || s == "server-login" || slices.Contains(f.Names(), s) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// Repository returns the repository called name, as twine's get_config
// builds it: [server-login] credentials as defaults, the built-in URL of
// pypi and testpypi, and then the section's own keys if name is an index
// server. ok is false when no such repository exists.
func (f *File) Repository(name string) (Repository, bool) {
	if !slices.Contains(f.Names(), name) {
		return Repository{}, false
	}
	r := Repository{Name: name}
	// server-login is obsolete, but twine still reads it.
	if v, ok := f.get("server-login", "username"); ok {
		r.Username = v
	}
	if v, ok := f.get("server-login", "password"); ok {
		r.Password = v
	}
	switch name {
	case "pypi":
		r.URL = pypiURL
	case "testpypi":
		r.URL = testPyPIURL
	}
	if !slices.Contains(f.IndexServers(), name) {
		return r, true
	}
	for key, dst := range map[string]*string{
		"repository": &r.URL, "username": &r.Username, "password": &r.Password,
		"ca_cert": &r.CACert, "client_cert": &r.ClientCert,
	} {
		if v, ok := f.get(name, key); ok {
			*dst = v
		}
	}
	return r, true
}
