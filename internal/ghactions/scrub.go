package ghactions

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Redacted replaces a secret in what is printed.
const Redacted = "***"

// window is the length of the pieces of a secret that are recognized on
// their own: a server that echoes a credential and cuts its message
// short leaves a piece, and a piece this long is never chance.
const window = 12

// minSecret is the shortest value taken for a secret: replacing every
// "ab" in the log would hide nothing and garble everything.
const minSecret = 4

// Scrubber removes the run's secrets from text before it is printed, in
// every form a server can echo them in, and the control characters with
// which a server could erase or forge lines of the log. It is safe for
// concurrent use; secrets are added as the run learns them (a password
// at start, ID tokens and minted tokens later).
type Scrubber struct {
	mu       sync.RWMutex
	forms    []string        // every encoding of every secret, longest first
	pieces   map[string]bool // every window-long piece of a form
	basicFor []string        // user names whose Basic value is a secret form
	raw      []string
}

// NewScrubber returns a Scrubber that knows no secret yet.
func NewScrubber() *Scrubber {
	return &Scrubber{pieces: map[string]bool{}, basicFor: []string{"__token__"}}
}

// AddUser adds a user name that credentials are sent with: the Basic
// value base64(user:secret) of every secret becomes a secret form.
func (s *Scrubber) AddUser(user string) {
	if s == nil || user == "" {
		return
	}
	s.mu.Lock()
	s.basicFor = append(s.basicFor, user)
	raw := s.raw
	s.mu.Unlock()
	for _, r := range raw {
		s.Add(r)
	}
}

// Add makes secret, and every form it can come back in, unprintable.
func (s *Scrubber) Add(secret string) {
	secret = strings.TrimSpace(secret)
	if s == nil || len(secret) < minSecret {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	known := false
	for _, r := range s.raw {
		known = known || r == secret
	}
	if !known {
		s.raw = append(s.raw, secret)
	}
	for _, f := range forms(secret, s.basicFor) {
		if len(f) < minSecret {
			continue
		}
		s.forms = append(s.forms, f)
		for i := 0; i+window <= len(f); i++ {
			s.pieces[f[i:i+window]] = true
		}
	}
	// Longest first, so that a form is replaced before a shorter form
	// inside it.
	sortByLength(s.forms)
}

// forms are the encodings in which a secret can come back: raw, as the
// Basic credential, base64 in both alphabets and at every alignment
// (inside a longer encoded string), URL- and JSON-escaped.
func forms(secret string, users []string) []string {
	out := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	if js, err := json.Marshal(secret); err == nil {
		out = append(out, strings.Trim(string(js), `"`))
	}
	for _, u := range users {
		out = append(out, base64.StdEncoding.EncodeToString([]byte(u+":"+secret)))
	}
	for shift := range 3 {
		// Encoding the secret behind shift bytes gives the characters it
		// becomes inside any longer base64 text at that alignment; the
		// first characters mix with what precedes it and the last with
		// what follows, so only the stable middle is a form.
		enc := base64.RawStdEncoding.EncodeToString(append(make([]byte, shift), secret...))
		stable := enc[(shift*8+5)/6:]
		if len(stable) > 1 {
			stable = stable[:len(stable)-1]
		}
		out = append(out, stable, strings.NewReplacer("+", "-", "/", "_").Replace(stable))
	}
	return out
}

func sortByLength(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && len(s[j]) > len(s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Secrets removes every known secret form, and every window-long piece
// of one, from text.
func (s *Scrubber) Secrets(text string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, f := range s.forms {
		text = strings.ReplaceAll(text, f, Redacted)
	}
	if len(s.pieces) == 0 || len(text) < window {
		return text
	}
	// Mark every byte covered by a piece of a secret, then replace each
	// marked run: this catches a secret cut short, or glued to other
	// text, wherever it stands.
	covered := make([]bool, len(text))
	any := false
	for i := 0; i+window <= len(text); i++ {
		if s.pieces[text[i:i+window]] {
			for j := i; j < i+window; j++ {
				covered[j] = true
			}
			any = true
		}
	}
	if !any {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		if !covered[i] {
			b.WriteByte(text[i])
			i++
			continue
		}
		for i < len(text) && covered[i] {
			i++
		}
		b.WriteString(Redacted)
	}
	return b.String()
}

// Clean makes text printable in a CI log: secrets removed, and control
// characters that could move the cursor, erase or reorder what is shown
// (ESC sequences, CR, backspace, bidi overrides, ...) replaced by
// U+FFFD. Newlines and tabs stay: messages have lines. A nil Scrubber
// knows no secret and still removes control characters.
func (s *Scrubber) Clean(text string) string {
	return ControlFree(s.Secrets(text))
}

// ControlFree replaces control and format characters other than newline
// and tab, and invalid UTF-8, with U+FFFD; a CRLF line end is a newline.
func ControlFree(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	clean := true
	for _, r := range text {
		if r == utf8.RuneError || unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return text
	}
	var b strings.Builder
	for _, r := range text {
		if r == utf8.RuneError || unsafeRune(r) {
			b.WriteRune(unicode.ReplacementChar)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	}
	// Cf: bidi overrides and isolates, zero-width joiners and the like,
	// which can make a log line read differently from what it holds.
	return unicode.Is(unicode.Cf, r) && r != 0x200b
}
