package oidc

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// explicitToken reads the token the user handed us, for CI systems with
// no detector here: from TokenFile, else from PYPI_PUBLISH_ID_TOKEN.
func (s *Source) explicitToken() (string, error) {
	if s.TokenFile == "" {
		return strings.TrimSpace(s.getenv(EnvToken)), nil
	}
	f, err := os.Open(s.TokenFile)
	if err != nil {
		return "", fmt.Errorf("oidc: file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTokenSize+1))
	if err != nil {
		return "", fmt.Errorf("oidc: file: %s: %w", s.TokenFile, err)
	}
	if len(b) > maxTokenSize {
		return "", fmt.Errorf("oidc: file: %s: larger than %d bytes, not an ID token", s.TokenFile, maxTokenSize)
	}
	return strings.TrimSpace(string(b)), nil
}
