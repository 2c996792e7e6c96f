package oidc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/oidctest"
)

func TestCommandProviders(t *testing.T) {
	iss := oidctest.NewIssuer()
	tests := []struct {
		provider string
		env      env
		tool     string
		args     []string
	}{
		{Buildkite, env{"BUILDKITE": "true"}, "buildkite-agent", []string{"oidc", "request-token", "--audience", "pypi"}},
		{CircleCI, env{"CIRCLECI": "true"}, "circleci", []string{"run", "oidc", "get", "--claims", `{"aud":"pypi"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			s := newSource(t, tt.env)
			s.LookPath = func(name string) (string, error) {
				if name != tt.tool {
					return "", fmt.Errorf("%s not found", name)
				}
				return "/opt/ci/bin/" + name, nil
			}
			var gotName string
			var gotArgs []string
			s.Run = func(_ context.Context, name string, args ...string) ([]byte, error) {
				gotName, gotArgs = name, args
				return []byte(iss.Mint("pypi", nil) + "\n"), nil
			}
			tok, err := s.Token(context.Background(), "pypi")
			if err != nil {
				t.Fatal(err)
			}
			if gotName != "/opt/ci/bin/"+tt.tool || !slices.Equal(gotArgs, tt.args) {
				t.Errorf("ran %s %q, want %s %q", gotName, gotArgs, tt.tool, tt.args)
			}
			if tok.Provider != tt.provider || strings.ContainsAny(tok.JWT, " \n") {
				t.Errorf("Token = %v (JWT %d bytes)", tok, len(tok.JWT))
			}
			if TrustedByPyPI(tok.Provider) {
				t.Errorf("TrustedByPyPI(%q) = true", tok.Provider)
			}
		})
	}
}

func TestCommandMissingTool(t *testing.T) {
	for _, e := range []env{{"BUILDKITE": "true"}, {"CIRCLECI": "true"}} {
		_, err := newSource(t, e).Token(context.Background(), "pypi")
		var pe *PermissionError
		if !errors.As(err, &pe) || !strings.Contains(pe.Missing, "PATH") || pe.Help == "" {
			t.Errorf("%v: Token = %v, want a PermissionError about PATH", e, err)
		}
	}
}

func TestCommandFails(t *testing.T) {
	const canary = "eyJCANARY.stdout.token"
	s := newSource(t, env{"BUILDKITE": "true"})
	s.LookPath = func(name string) (string, error) { return name, nil }
	s.Run = func(context.Context, string, ...string) ([]byte, error) {
		return []byte(canary), errors.New("exit status 1: agent not connected")
	}
	_, err := s.Token(context.Background(), "pypi")
	if err == nil || !strings.Contains(err.Error(), "agent not connected") || strings.Contains(err.Error(), canary) {
		t.Errorf("Token = %v, want the failure without stdout", err)
	}
}

// TestHelperProcess is not a test: runCommand's tests run the test
// binary as a fake CI tool through it.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv("OIDC_HELPER_PROCESS")
	if mode == "" {
		t.Skip("helper process")
	}
	switch mode {
	case "ok":
		fmt.Println("header.payload.signature")
	case "fail":
		fmt.Println("token-on-stdout")
		fmt.Fprintln(os.Stderr, "error: not allowed\nsee the docs")
		os.Exit(3)
	}
	os.Exit(0)
}

func TestRunCommand(t *testing.T) {
	ctx := context.Background()
	t.Setenv("OIDC_HELPER_PROCESS", "ok")
	out, err := runCommand(ctx, os.Args[0], "-test.run=^TestHelperProcess$")
	if err != nil || strings.TrimSpace(string(out)) != "header.payload.signature" {
		t.Errorf("runCommand = %q, %v", out, err)
	}

	t.Setenv("OIDC_HELPER_PROCESS", "fail")
	_, err = runCommand(ctx, os.Args[0], "-test.run=^TestHelperProcess$")
	if err == nil || !strings.Contains(err.Error(), "error: not allowed see the docs") || strings.Contains(err.Error(), "token-on-stdout") {
		t.Errorf("runCommand = %v, want stderr and not stdout", err)
	}
}
