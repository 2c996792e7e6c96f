package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// gitHubPermissionHelp is printed when the job has no id-token permission.
const gitHubPermissionHelp = `Give the publishing job permission to request an ID token, in its
workflow file:

  permissions:
    id-token: write

Workflows triggered by a pull request from a fork never get this
permission, whatever the workflow says.
`

// github asks the Actions runtime for a token: the runner exposes a URL
// and a bearer token only to jobs with `permissions: id-token: write`.
func (s *Source) github(ctx context.Context, audience string) (string, error) {
	for _, name := range []string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL"} {
		if s.getenv(name) == "" {
			return "", &PermissionError{Provider: GitHub, Missing: name + " is not set (the job lacks `permissions: id-token: write`)", Help: gitHubPermissionHelp}
		}
	}
	secret := s.getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	u, err := url.Parse(s.getenv("ACTIONS_ID_TOKEN_REQUEST_URL"))
	if err != nil {
		return "", fmt.Errorf("oidc: github: ACTIONS_ID_TOKEN_REQUEST_URL: %w", scrub(err, secret))
	}
	// The URL already carries api-version; appending "&audience=" by hand
	// breaks on URLs without a query and on audiences needing escapes.
	q := u.Query()
	q.Set("audience", audience)
	u.RawQuery = q.Encode()

	body, err := fetch(ctx, s.httpClient(), request{
		provider: GitHub,
		op:       "token request",
		method:   http.MethodGet,
		url:      u.String(),
		header:   http.Header{"Authorization": {"bearer " + secret}},
		secret:   secret,
	})
	if err != nil {
		return "", err
	}
	var answer struct {
		Value *string `json:"value"`
	}
	if err := json.Unmarshal(body, &answer); err != nil || answer.Value == nil {
		return "", fmt.Errorf("oidc: github: token request: malformed or incomplete JSON answer")
	}
	return *answer.Value, nil
}
