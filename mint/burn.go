package mint

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
)

// Burn revokes a minted token at /_/oidc/burn-token, on the host that
// minted it (pypi/warehouse#20197): a token that is no longer needed
// should not outlive the job by its fifteen minutes. The index answers
// 202 whatever the token; any 2xx is success. The token is only ever in
// the request body.
func (c *Client) Burn(ctx context.Context, token string) error {
	payload, _ := json.Marshal(map[string]string{"token": token})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint("/_/oidc/burn-token"), bytes.NewReader(payload))
	if err != nil {
		return c.fail("burn", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return c.fail("burn", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &Error{Op: "burn", Domain: c.BaseURL.Host, StatusCode: resp.StatusCode, Status: resp.Status}
	}
	return nil
}
