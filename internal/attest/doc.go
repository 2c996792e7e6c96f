// Package attest makes and checks PEP 740 publish attestations: for each
// distribution an in-toto Statement naming the file and its SHA-256,
// signed as a DSSE envelope with an ephemeral key whose Fulcio
// certificate binds it to the CI workload's OIDC identity, and logged in
// Rekor v1. The result is converted to the attestation object PyPI takes
// in its upload form (the same JSON pypi-attestations writes).
//
// Signing and verification are sigstore-go's (pkg/sign, pkg/verify);
// this package holds the PEP 740 specifics around them: the statement,
// the conversion between a Sigstore bundle and the attestation object,
// PyPI's subject rules, and the publisher identity a verifier expects.
//
// Rekor v1 is required, not v2: a v2 entry carries no signed entry
// timestamp and needs RFC 3161 timestamps, for which the attestation
// object has no place.
//
// The package contacts nothing unless Signer.Sign is called, and then
// only the Fulcio and Rekor URLs it is given (production Sigstore by
// default).
package attest
