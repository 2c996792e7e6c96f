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
)

// SimpleURLFor derives the simple API root from an upload URL: PyPI and
// TestPyPI serve it from another host; indexes that put /legacy/ beside
// /simple/ (devpi-like stand-ins, ours) from the same one. "" when unknown.
func SimpleURLFor(uploadURL string) string {
	u, err := url.Parse(uploadURL)
	if err != nil {
		return ""
	}
	switch u.Host {
	case "upload.pypi.org":
		return "https://pypi.org/simple/"
	case "test.pypi.org":
		return "https://test.pypi.org/simple/"
	}
	p := strings.TrimSuffix(u.Path, "/")
	if !strings.HasSuffix(p, "/legacy") {
		return ""
	}
	u.Path = strings.TrimSuffix(p, "legacy") + "simple/"
	u.RawQuery, u.User = "", nil
	return u.String()
}

// confirm asks the simple API whether the index has f's exact bytes.
func (c *Client) confirm(ctx context.Context, f *dist.File) (bool, error) {
	root := c.SimpleURL
	if root == "" {
		root = SimpleURLFor(c.URL)
	}
	if root == "" || f.Metadata == nil {
		return false, fmt.Errorf("upload: no simple API to confirm %s against", f.Filename)
	}
	u := strings.TrimSuffix(root, "/") + "/" + dist.NormalizeName(f.Metadata.Name) + "/"
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "application/vnd.pypi.simple.v1+json")
	// The simple API of a private index may need the same credentials.
	user, pass, err := c.auth(ctx)
	if err != nil {
		return false, err
	}
	req.SetBasicAuth(user, pass)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return false, redactErr(err)
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
