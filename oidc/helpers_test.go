package oidc

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/oidctest"
)

// env is a fake environment.
type env map[string]string

func (e env) get(key string) string { return e[key] }

// newSource returns a Source that sees only e: no DMI file, no commands
// on PATH, so the machine running the tests cannot leak in.
func newSource(t *testing.T, e env) *Source {
	t.Helper()
	return &Source{
		Getenv:             e.get,
		DMIProductNamePath: filepath.Join(t.TempDir(), "no-dmi"),
		LookPath:           func(string) (string, error) { return "", errors.New("not found") },
		Run: func(context.Context, string, ...string) ([]byte, error) {
			t.Error("unexpected command")
			return nil, errors.New("unexpected command")
		},
	}
}

// serveIssuer starts a fake GitHub token service for the test.
func serveIssuer(t *testing.T) *oidctest.Issuer {
	t.Helper()
	iss := oidctest.NewIssuer()
	srv := httptest.NewServer(iss)
	t.Cleanup(srv.Close)
	iss.SetURL(srv.URL)
	return iss
}

func gitHubEnv(iss *oidctest.Issuer) env {
	return env{
		"GITHUB_ACTIONS":                 "true",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   iss.TokenURL(),
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": iss.RequestToken(),
	}
}
