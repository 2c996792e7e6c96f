package trusted

import (
	"context"
	"sort"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// Claims is the OIDC debugger behind the claims command: it fetches
// this run's ID token for audience and prints its claims (never the
// token) and the trusted publisher the index needs to accept it.
// Setting up a publisher is where users get stuck most.
func Claims(ctx context.Context, src *oidc.Source, audience string, c Context, u *console.UI) error {
	tok, err := src.Token(ctx, audience)
	if err != nil {
		return Explain(err, c)
	}
	u.Secret(tok.JWT)
	u.Printf("OIDC ID token from %s for audience %q (issuer %s)", tok.Provider, audience, tok.Claims.Issuer)
	if !oidc.KnownPyPIIssuer(tok.Claims.Issuer) {
		u.Warnf("Untrusted issuer", "PyPI does not trust the issuer %s: PyPI and TestPyPI will refuse this token", tok.Claims.Issuer)
	}
	u.Printf("\nAll claims:")
	keys := make([]string, 0, len(tok.Claims.Raw))
	for k := range tok.Claims.Raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		u.Printf("  %-22s %v", k+":", tok.Claims.Raw[k])
	}
	projects := c.Projects
	if len(projects) == 0 {
		projects = []string{"YOUR-PROJECT"}
	}
	u.Printf("\n%s", strings.TrimSpace(Diagnose(tok.Claims, c.Target, projects)))
	return nil
}
