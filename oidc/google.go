package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// onGoogle reports whether we run on Google Cloud: asked to impersonate a
// service account, or on a machine whose firmware says Google.
func (s *Source) onGoogle() bool {
	if s.getenv("GOOGLE_SERVICE_ACCOUNT_NAME") != "" {
		return true
	}
	f, err := os.Open(orDefault(s.DMIProductNamePath, DefaultDMIProductNamePath))
	if err != nil {
		return false
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, 256))
	switch strings.TrimSpace(string(b)) {
	case "Google", "Google Compute Engine":
		return true
	}
	return false
}

// google gets a token from the metadata server: directly for the VM's
// own service account, or through IAM credentials for the one named in
// GOOGLE_SERVICE_ACCOUNT_NAME.
func (s *Source) google(ctx context.Context, audience string) (string, error) {
	metadata := strings.TrimSuffix(orDefault(s.GoogleMetadataURL, DefaultGoogleMetadataURL), "/")
	if sa := s.getenv("GOOGLE_SERVICE_ACCOUNT_NAME"); sa != "" {
		return s.googleImpersonate(ctx, metadata, sa, audience)
	}
	q := url.Values{"audience": {audience}, "format": {"full"}}
	body, err := fetch(ctx, s.httpClient(), request{
		provider: Google,
		op:       "identity request",
		method:   http.MethodGet,
		url:      metadata + "/instance/service-accounts/default/identity?" + q.Encode(),
		header:   http.Header{"Metadata-Flavor": {"Google"}},
	})
	if err != nil {
		return "", err
	}
	// The identity endpoint answers with the bare JWT.
	return strings.TrimSpace(string(body)), nil
}

func (s *Source) googleImpersonate(ctx context.Context, metadata, sa, audience string) (string, error) {
	q := url.Values{"scopes": {"https://www.googleapis.com/auth/cloud-platform"}}
	body, err := fetch(ctx, s.httpClient(), request{
		provider: Google,
		op:       "access token request",
		method:   http.MethodGet,
		url:      metadata + "/instance/service-accounts/default/token?" + q.Encode(),
		header:   http.Header{"Metadata-Flavor": {"Google"}},
	})
	if err != nil {
		return "", err
	}
	var access struct {
		Token string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &access); err != nil || access.Token == "" {
		return "", fmt.Errorf("oidc: google: access token request: no access_token in the answer")
	}

	req, err := json.Marshal(map[string]any{"audience": audience, "includeEmail": true})
	if err != nil {
		return "", fmt.Errorf("oidc: google: %w", err)
	}
	iam := strings.TrimSuffix(orDefault(s.IAMCredentialsURL, DefaultIAMCredentialsURL), "/")
	body, err = fetch(ctx, s.httpClient(), request{
		provider: Google,
		op:       "generateIdToken request for " + sa,
		method:   http.MethodPost,
		url:      iam + "/projects/-/serviceAccounts/" + url.PathEscape(sa) + ":generateIdToken",
		header: http.Header{
			"Authorization": {"Bearer " + access.Token},
			"Content-Type":  {"application/json"},
		},
		body:   req,
		secret: access.Token,
	})
	if err != nil {
		return "", err
	}
	var id struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(body, &id); err != nil || id.Token == "" {
		return "", fmt.Errorf("oidc: google: generateIdToken request for %s: no token in the answer", sa)
	}
	return id.Token, nil
}
