package attest

import (
	"errors"
	"strings"
)

// Step names the part of signing that failed.
type Step string

// The steps of Signer.Sign, in order.
const (
	StepIDToken Step = "ID token"     // getting the OIDC token for audience "sigstore"
	StepFulcio  Step = "Fulcio"       // getting the signing certificate
	StepSign    Step = "signing"      // signing the statement locally
	StepRekor   Step = "Rekor"        // logging the signature in the transparency log
	StepConvert Step = "conversion"   // encoding the log entry into the attestation
	StepVerify  Step = "verification" // checking the result against the trusted root
)

// Error is a failure of Signer.Sign: the step, the distribution when the
// step concerns one file (ID token and Fulcio serve the whole batch), and
// the cause. Its message never contains the OIDC token.
type Error struct {
	Step     Step
	Filename string
	Err      error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("attest: ")
	b.WriteString(string(e.Step))
	if e.Filename != "" {
		b.WriteString(": ")
		b.WriteString(e.Filename)
	}
	b.WriteString(": ")
	// Errors of this package say "attest: " already.
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "attest: "))
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// stepError wraps err as a failure of step, unless err already names
// its step (one already wrapped further down). If err's
// text contains the secret token (a server may echo the request), the
// chain is replaced by its redacted text, so that no later %v or
// errors.Unwrap can reveal it.
func stepError(step Step, filename string, err error, token string) error {
	var e *Error
	if errors.As(err, &e) {
		step, err = e.Step, e.Err
		if e.Filename != "" {
			filename = e.Filename
		}
	}
	if token != "" && strings.Contains(err.Error(), token) {
		err = errors.New(strings.ReplaceAll(err.Error(), token, "[redacted]"))
	}
	return &Error{Step: step, Filename: filename, Err: err}
}
