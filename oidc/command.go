package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// buildkite asks the agent, which talks to Buildkite's API on our behalf.
func (s *Source) buildkite(ctx context.Context, audience string) (string, error) {
	path, err := s.lookPath("buildkite-agent")
	if err != nil {
		return "", &PermissionError{
			Provider: Buildkite,
			Missing:  "buildkite-agent is not on PATH",
			Help: "Run the step where buildkite-agent is available. Under the Docker plugin, set\n" +
				"`propagate-environment: true` and `mount-buildkite-agent: true`.\n",
		}
	}
	return s.command(ctx, Buildkite, path, "oidc", "request-token", "--audience", audience)
}

// circleci asks the CircleCI CLI, which asks the job's task agent.
func (s *Source) circleci(ctx context.Context, audience string) (string, error) {
	path, err := s.lookPath("circleci")
	if err != nil {
		return "", &PermissionError{
			Provider: CircleCI,
			Missing:  "the circleci CLI is not on PATH",
			Help:     "Use an image that ships the circleci CLI, or install it in the job.\n",
		}
	}
	claims, err := json.Marshal(map[string]string{"aud": audience})
	if err != nil {
		return "", fmt.Errorf("oidc: circleci: %w", err)
	}
	return s.command(ctx, CircleCI, path, "run", "oidc", "get", "--claims", string(claims))
}

func (s *Source) command(ctx context.Context, provider, name string, args ...string) (string, error) {
	run := s.Run
	if run == nil {
		run = runCommand
	}
	out, err := run(ctx, name, args...)
	if err != nil {
		// Never show stdout: a tool that printed the token and then failed
		// would leak it.
		return "", fmt.Errorf("oidc: %s: %s %s: %w", provider, name, strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}

// runCommand runs name and returns its standard output, at most
// maxSuccessBody bytes; a failure carries the start of standard error.
func runCommand(ctx context.Context, name string, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout = &limitedWriter{w: &stdout, n: maxSuccessBody}
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4 << 10}
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("%w: %s", err, clip(oneLine(msg), 1024))
		}
		return nil, err
	}
	if stdout.Len() >= maxSuccessBody {
		return nil, errors.New("output too large for an ID token")
	}
	return stdout.Bytes(), nil
}

// limitedWriter keeps the first n bytes and discards the rest, so a
// chatty child process can neither exhaust memory nor block on a pipe.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	keep := min(len(p), l.n)
	if keep > 0 {
		l.w.Write(p[:keep])
		l.n -= keep
	}
	return len(p), nil
}
