package upload

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
)

// errNotListed is a simple API that does not know the project of a file
// the index said it holds: the simple API is likely the wrong one (or
// lags), so it cannot tell what the index holds.
var errNotListed = errors.New("its simple API does not know the project")

// lookup asks the simple API what the index holds under f's name.
func (c *Client) lookup(ctx context.Context, f *dist.File) (Check, error) {
	if f.Name() == "" {
		return Check{}, fmt.Errorf("upload: no project name to look %s up with", f.Filename)
	}
	l, found, err := c.listing(ctx, f.Name())
	if err != nil {
		return Check{}, err
	}
	if !found {
		return Check{}, fmt.Errorf("%w: %s answered 404 for %s", errNotListed, c.SimpleURL, dist.NormalizeName(f.Name()))
	}
	return checkOf(l, f), nil
}

func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Scheme == ub.Scheme && strings.EqualFold(ua.Host, ub.Host)
}
