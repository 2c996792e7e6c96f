// Package oidctest is a fake OpenID Connect issuer for tests: the GitHub
// Actions token service plus the discovery document and JWKS a relying
// party such as PyPI uses to verify what it issues.
//
// An Issuer is an http.Handler meant for httptest.NewServer. It signs
// RS256 tokens carrying a realistic GitHub claim set (or a GitLab or
// Google one), counts requests, records every jti it issues and can fail
// on demand. Verify and VerifyWithJWKS check tokens the way Warehouse
// does, so a stand-in index can share them.
//
// The package uses the standard library only and none of ours, so it
// pins the wire protocol rather than our types.
package oidctest
