// Package depguard holds no code: its test fails when the pypi-publish
// binary links a package it must not, in the manner of
// go-containerregistry's internal/depcheck.
//
// The binary is downloaded by every action run that has no cached copy
// and pulled with every container image, and sigstore-go makes it easy to
// pull in large trees by importing one convenient package: gRPC and
// OpenTelemetry (through Rekor v2 and TUF clients), Cobra (through a
// command package), and the go-openapi stack behind Rekor's generated
// client. internal/attest talks to Fulcio and Rekor with its own small
// clients to stay clear of them; the test keeps it that way, and
// bench/binsize bounds the size that results.
package depguard
