package upload

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/httpx"
)

// confirm asks the simple API whether the index has f's exact bytes.
func (c *Client) confirm(ctx context.Context, f *dist.File) (bool, error) {
	root := c.SimpleURL
	if root == "" || f.Metadata == nil {
		return false, fmt.Errorf("upload: no simple API to confirm %s against", f.Filename)
	}
	u := strings.TrimSuffix(root, "/") + "/" + dist.NormalizeName(f.Metadata.Name) + "/"
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "application/vnd.pypi.simple.v1+json")
	// The simple API of a private index may need the same credentials,
	// but they go only to the host the user named for uploads: PyPI's
	// simple API is public and lives on another host.
	if sameHost(u, c.URL) {
		user, pass, err := c.auth(ctx)
		if err != nil {
			return false, err
		}
		req.SetBasicAuth(user, pass)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return false, httpx.RedactError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("upload: %s answered %s", u, resp.Status)
	}
	var page struct {
		Files []struct {
			Filename string            `json:"filename"`
			Hashes   map[string]string `json:"hashes"`
		} `json:"files"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 32<<20)).Decode(&page); err != nil {
		return false, fmt.Errorf("upload: %s: %w", u, err)
	}
	for _, file := range page.Files {
		if file.Filename == f.Filename {
			return strings.EqualFold(file.Hashes["sha256"], f.Digests.SHA256), nil
		}
	}
	return false, fmt.Errorf("upload: %s does not list %s", u, f.Filename)
}

func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Scheme == ub.Scheme && strings.EqualFold(ua.Host, ub.Host)
}
