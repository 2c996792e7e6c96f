package upload

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
)

// confirm asks the simple API whether the index has f's exact bytes.
func (c *Client) confirm(ctx context.Context, f *dist.File) (bool, error) {
	if f.Metadata == nil {
		return false, fmt.Errorf("upload: no project name to confirm %s with", f.Filename)
	}
	l, err := c.Listing(ctx, f.Metadata.Name)
	if err != nil {
		return false, err
	}
	sum, ok := l[f.Filename]
	if !ok || sum == "" {
		return false, fmt.Errorf("upload: the simple API does not list %s with a digest", f.Filename)
	}
	return strings.EqualFold(sum, f.Digests.SHA256), nil
}

func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Scheme == ub.Scheme && strings.EqualFold(ua.Host, ub.Host)
}
