// Package oidc obtains an OpenID Connect ID token for an audience from the
// CI system the process runs in, the first half of PyPI's trusted
// publishing (the caller then exchanges the token with the index).
//
// A Source detects the CI from its environment, in this order: an
// explicit token (a file, or PYPI_PUBLISH_ID_TOKEN), GitHub Actions,
// GitLab CI/CD, Google Cloud, Buildkite and CircleCI. Every token it hands
// out has been checked to be a three-part JWT whose aud claim is exactly
// the audience asked for, because PyPI refuses anything else and a clear
// local error beats an opaque "invalid-token" from the index.
//
// Tokens, and the credentials used to obtain them, never appear in an
// error this package returns. Claims are decoded without verifying the
// signature; they serve diagnostics only (see UnverifiedClaims).
package oidc
