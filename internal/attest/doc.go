// Package attest makes and checks PEP 740 publish attestations: for each
// distribution an in-toto Statement naming the file and its SHA-256,
// signed as a DSSE envelope with an ephemeral key whose Fulcio
// certificate binds it to the CI workload's OIDC identity, and logged in
// Rekor v1. The result is converted to the attestation object PyPI takes
// in its upload form (the same JSON pypi-attestations writes).
//
// The Sigstore clients (Fulcio v2 and Rekor v1 over REST) and the
// verifier (certificate chain, SCT, signed entry timestamp, inclusion
// proof and checkpoint, DSSE signature, signer identity) are written
// here. From sigstore-go we take only the trust root (pkg/root, fetched
// through pkg/tuf) and the reader of Fulcio's certificate extensions:
// its pkg/sign, pkg/verify and pkg/bundle bring gRPC, OpenTelemetry and
// two Rekor client generations, which took our binary from 9.8 to
// 20.9 MB for the few hundred lines PEP 740 needs (13 MB now). The
// verifier is checked against a real production attestation, a real
// Fulcio, and sigstore-go's own verifier (in tests only).
//
// Rekor v1 is required, not v2: a v2 entry carries no signed entry
// timestamp and needs RFC 3161 timestamps, for which the attestation
// object has no place.
//
// The package contacts nothing unless Signer.Sign is called, and then
// only the Fulcio and Rekor URLs it is given (production Sigstore by
// default).
package attest
