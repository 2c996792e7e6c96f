package ghactions

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

const canary = "pypi-CANARY-not-a-real-token+scrubber/test-value-for-every-encoding="

func TestScrubberRemovesEveryForm(t *testing.T) {
	s := NewScrubber()
	s.Add(canary)
	basic := base64.StdEncoding.EncodeToString([]byte("__token__:" + canary))
	js, _ := json.Marshal(map[string]string{"message": "bad token " + canary})
	cases := []struct{ name, text string }{
		{"raw", "403 Invalid API Token: " + canary},
		{"basic value", "Authorization: Basic " + basic},
		{"basic value in JSON", `{"detail": "got Basic ` + basic + `"}`},
		{"url-encoded", "https://example.org/?t=" + url.QueryEscape(canary)},
		{"path-escaped", "/x/" + url.PathEscape(canary)},
		{"json-escaped", string(js)},
		{"base64 of the secret", base64.StdEncoding.EncodeToString([]byte(canary))},
		{"base64 inside other text, shifted by one", base64.StdEncoding.EncodeToString([]byte("x" + canary + "y"))},
		{"base64 inside other text, shifted by two", base64.StdEncoding.EncodeToString([]byte("xy" + canary + "yz"))},
		{"url-safe base64", base64.RawURLEncoding.EncodeToString([]byte("ab" + canary))},
		{"cut short", "message: " + canary[:30] + "…"},
		{"its end only", "…" + canary[len(canary)-20:]},
		{"glued to other text", "token=" + canary + "&next=1"},
		{"html-escaped page", "<p>Token " + strings.ReplaceAll(canary, "+", "&#43;")[:40] + "</p>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := s.Clean(c.text)
			if leak := leaked(got); leak != "" {
				t.Errorf("Clean(%q) = %q still holds %q", c.text, got, leak)
			}
			if !strings.Contains(got, Redacted) {
				t.Errorf("Clean(%q) = %q: nothing redacted", c.text, got)
			}
		})
	}
}

// leaked returns a window-long piece of the canary, in any of its forms,
// found in text.
func leaked(text string) string {
	for _, f := range forms(canary, []string{"__token__"}) {
		for i := 0; i+window <= len(f); i++ {
			if strings.Contains(text, f[i:i+window]) {
				return f[i : i+window]
			}
		}
	}
	return ""
}

func TestScrubberLeavesOrdinaryText(t *testing.T) {
	s := NewScrubber()
	s.Add(canary)
	s.Add("ab") // too short to be taken for a secret
	for _, text := range []string{
		"400 Bad Request: File already exists (demo-1.0.tar.gz)",
		"Uploading demo-1.0-py3-none-any.whl (1.1 KiB)\n  hint: use --skip-existing",
		"tab\tseparated",
	} {
		if got := s.Clean(text); got != text {
			t.Errorf("Clean(%q) = %q", text, got)
		}
	}
}

func TestScrubberUserBasic(t *testing.T) {
	s := NewScrubber()
	s.Add("hunter2-password")
	s.AddUser("alice")
	basic := base64.StdEncoding.EncodeToString([]byte("alice:hunter2-password"))
	if got := s.Clean("Basic " + basic); strings.Contains(got, basic[:16]) {
		t.Errorf("the Basic value of a user added after the secret survived: %q", got)
	}
}

func TestControlFree(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain\nlines\tand tabs", "plain\nlines\tand tabs"},
		{"red \x1b[31mALERT\x1b[0m", "red \uFFFD[31mALERT\uFFFD[0m"},
		{"over\rwrite", "over\uFFFDwrite"},
		{"bell\a and back\bspace", "bell\uFFFD and back\uFFFDspace"},
		{"bidi \u202eevil\u202c", "bidi \uFFFDevil\uFFFD"},
		{"c1 \u009b31m", "c1 \uFFFD31m"},
		{"bad utf8 \xff", "bad utf8 \uFFFD"},
	}
	for _, c := range cases {
		if got := ControlFree(c.in); got != c.want {
			t.Errorf("ControlFree(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzScrubber(f *testing.F) {
	f.Add("secret-value-1234", "before secret-value-1234 after")
	f.Add("pypi-abc/def+ghi=", "x\x1b[2K\rforged line\n::error::boom")
	f.Fuzz(func(t *testing.T, secret, text string) {
		s := NewScrubber()
		s.Add(secret)
		got := s.Clean(text)
		if !utf8.ValidString(got) {
			t.Fatalf("Clean gave invalid UTF-8: %q", got)
		}
		for _, r := range got {
			if r != '\n' && r != '\t' && unsafeRune(r) {
				t.Fatalf("Clean left control character %U in %q", r, got)
			}
		}
		sec := strings.TrimSpace(secret)
		if len(sec) >= minSecret && strings.Contains(got, sec) {
			t.Fatalf("Clean(%q) = %q still holds the secret %q", text, got, sec)
		}
	})
}
