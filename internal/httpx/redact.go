package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/url"
)

// Redact drops userinfo, query and fragment from a URL before it is
// shown: credentials can hide in any of them.
func Redact(u *url.URL) string {
	c := *u
	c.User = nil
	c.RawQuery = ""
	c.Fragment = ""
	c.ForceQuery = false
	return c.String()
}

// RedactError strips a URL's secrets from a *url.Error's text.
func RedactError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		if u, perr := url.Parse(uerr.URL); perr == nil {
			return fmt.Errorf("%s %s: %w", uerr.Op, Redact(u), uerr.Err)
		}
		// A URL we cannot take apart cannot be cleaned: leave it out.
		return fmt.Errorf("%s: %w", uerr.Op, uerr.Err)
	}
	return err
}

// ReadCapped reads at most limit bytes of r; truncated reports whether
// there was more. Servers decide how much they send, so nothing we read
// from one is unbounded.
func ReadCapped(r io.Reader, limit int64) (data []byte, truncated bool, err error) {
	data, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(data)) > limit {
		return data[:limit], true, err
	}
	return data, false, err
}
