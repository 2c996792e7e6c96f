package httpx

import (
	"fmt"
	"net/http"
)

// RedirectError is a redirect that was not followed. Every request we
// send carries a credential or is answered by a server we chose on
// purpose, so a redirect is an error that names where it pointed.
type RedirectError struct {
	StatusCode int
	Status     string
	// From is the URL asked, To the one the answer pointed at, both
	// without userinfo or query.
	From, To string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s answered %s, redirecting to %s; pypi-publish follows no redirect, so that no credential reaches a place you did not name: if the new address is right, use it instead", e.From, e.Status, e.To)
}

func refuseRedirect(req *http.Request, via []*http.Request) error {
	e := &RedirectError{To: Redact(req.URL)}
	if len(via) > 0 {
		e.From = Redact(via[0].URL)
	}
	if req.Response != nil {
		e.StatusCode, e.Status = req.Response.StatusCode, req.Response.Status
	}
	return e
}
