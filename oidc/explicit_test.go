package oidc

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/oidctest"
)

func TestExplicitToken(t *testing.T) {
	iss := oidctest.NewIssuer()
	jwt := iss.Mint("pypi", nil)
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(jwt+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The explicit token wins even inside a detected CI.
	ghEnv := env{"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:1/", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "rt-0123456789"}

	s := newSource(t, ghEnv)
	s.TokenFile = file
	if tok, err := s.Token(context.Background(), "pypi"); err != nil || tok.Provider != File || tok.JWT != jwt {
		t.Errorf("TokenFile: %v, %v", tok, err)
	}

	ghEnv[EnvToken] = " " + jwt + "\n"
	if tok, err := newSource(t, ghEnv).Token(context.Background(), "pypi"); err != nil || tok.Provider != File || tok.JWT != jwt {
		t.Errorf("%s: %v, %v", EnvToken, tok, err)
	}
}

func TestExplicitTokenErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte(strings.Repeat("a", maxTokenSize+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	wrongAud := filepath.Join(dir, "testpypi")
	if err := os.WriteFile(wrongAud, []byte(oidctest.NewIssuer().Mint("testpypi", nil)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file string
		want error
	}{
		{filepath.Join(dir, "missing"), fs.ErrNotExist},
		{wrongAud, ErrAudienceMismatch},
	}
	for _, tt := range tests {
		s := newSource(t, env{})
		s.TokenFile = tt.file
		if _, err := s.Token(context.Background(), "pypi"); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", filepath.Base(tt.file), err, tt.want)
		}
	}
	s := newSource(t, env{})
	s.TokenFile = big
	if _, err := s.Token(context.Background(), "pypi"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big file: %v", err)
	}
}
