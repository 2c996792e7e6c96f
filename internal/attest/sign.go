package attest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// Sigstore endpoints. Signer uses the production ones unless told
// otherwise; PyPI and TestPyPI both verify against production.
const (
	ProductionFulcioURL = "https://fulcio.sigstore.dev"
	ProductionRekorURL  = "https://rekor.sigstore.dev"
	StagingFulcioURL    = "https://fulcio.sigstage.dev"
	StagingRekorURL     = "https://rekor.sigstage.dev"
)

// DefaultConcurrency is how many files Sign logs in Rekor at once when
// Signer.Concurrency is not set. Each file costs one Rekor round trip.
const DefaultConcurrency = 4

// callTimeout bounds one Fulcio or Rekor call, with the retries of a
// retrying HTTP client; that client should bound each attempt (30
// seconds is plenty: real answers take well under a second).
const callTimeout = 3 * time.Minute

// Signer makes publish attestations with Sigstore. The zero value (plus
// IDToken) signs with production Fulcio and Rekor.
type Signer struct {
	// FulcioURL and RekorURL locate the Sigstore instance; empty means
	// production. The Rekor instance must speak the v1 API.
	FulcioURL, RekorURL string

	// HTTP carries every request to Fulcio and Rekor; nil means a plain
	// client. Signer does not retry by itself: give it a retrying client
	// (go-retryablehttp's StandardClient) for transient failures. A
	// retried Rekor POST is safe, as Rekor answers a duplicate with the
	// existing entry. The Fulcio request carries the OIDC token in its
	// Authorization header: a logging transport must redact it.
	HTTP *http.Client

	// IDToken returns an OIDC token for audience "sigstore", a second
	// ambient token besides the one exchanged with PyPI. It is called
	// once per Fulcio certificate: once per Sign call, unless a long
	// batch outlives a certificate (they last 10 minutes).
	IDToken func(ctx context.Context) (string, error)

	// TrustedRoot, if set, is used to verify each attestation right
	// after it is made (signature, certificate chain, log entry and
	// subject; no identity policy), so that a broken one stops the
	// publish instead of being refused by PyPI.
	TrustedRoot root.TrustedMaterial

	// Concurrency is how many files are signed and logged at once; zero
	// means DefaultConcurrency.
	Concurrency int
}

// Sign makes one attestation per subject, in the same order. All files
// share one ephemeral key and Fulcio certificate (as sigstore-python's
// cached signer does); each gets its own signature and Rekor entry. It
// stops at the first failure, returned as an *Error naming the step.
func (s *Signer) Sign(ctx context.Context, subjects []Subject) ([]Attestation, error) {
	for _, sub := range subjects {
		if err := sub.check(); err != nil {
			return nil, err
		}
	}
	if len(subjects) == 0 {
		return nil, nil
	}
	if s.IDToken == nil {
		return nil, &Error{Step: StepIDToken, Err: errors.New("no ID token source configured")}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	creds, err := s.newCredentials()
	if err != nil {
		return nil, &Error{Step: StepFulcio, Err: err}
	}
	log, err := s.newRekor()
	if err != nil {
		return nil, &Error{Step: StepRekor, Err: err}
	}
	// Get the certificate before fanning out, so that an ID token or
	// Fulcio failure is reported once, not once per file.
	if _, err := creds.get(ctx, false); err != nil {
		return nil, err
	}

	out := make([]Attestation, len(subjects))
	next := make(chan int)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for range min(s.concurrency(), len(subjects)) {
		wg.Go(func() {
			for i := range next {
				a, err := s.signOne(ctx, creds, log, subjects[i])
				if err != nil {
					once.Do(func() { firstErr = err; cancel() })
					continue
				}
				out[i] = a
			}
		})
	}
feed:
	for i := range subjects {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	for _, a := range out {
		if a.Version == 0 {
			// Canceled by the caller before every file was handed out.
			return nil, fmt.Errorf("attest: %w", context.Cause(ctx))
		}
	}
	return out, nil
}

func (s *Signer) concurrency() int {
	if s.Concurrency > 0 {
		return s.Concurrency
	}
	return DefaultConcurrency
}

// signOne signs, logs, converts and optionally verifies one statement.
func (s *Signer) signOne(ctx context.Context, creds *credentials, log rekorClient, sub Subject) (Attestation, error) {
	if err := ctx.Err(); err != nil {
		return Attestation{}, err
	}
	cred, err := creds.get(ctx, true)
	if err != nil {
		return Attestation{}, err
	}
	env, err := signStatement(cred.key, Statement(sub))
	if err != nil {
		return Attestation{}, stepError(StepSign, sub.Filename, err, "")
	}
	entry, err := log.logDSSE(ctx, env, certificatePEM(cred.cert))
	if err != nil {
		return Attestation{}, stepError(StepRekor, sub.Filename, err, "")
	}
	a := Attestation{
		Version:              1,
		VerificationMaterial: VerificationMaterial{Certificate: cred.cert},
		Envelope:             Envelope{Statement: env.Payload, Signature: env.Signatures[0].Sig},
	}
	// Without a trust root nothing else would notice a log that answers
	// with some other entry.
	if err := checkEntryBody(entry.GetCanonicalizedBody(), a); err != nil {
		return Attestation{}, stepError(StepRekor, sub.Filename, fmt.Errorf("the log's entry is not the one submitted: %w", err), "")
	}
	raw, err := encodeEntry(entry)
	if err != nil {
		return Attestation{}, stepError(StepConvert, sub.Filename, err, "")
	}
	a.VerificationMaterial.TransparencyEntries = []json.RawMessage{raw}
	if s.TrustedRoot != nil {
		if err := verifyAttestation(a, sub.Filename, sub.SHA256, s.TrustedRoot, nil); err != nil {
			return Attestation{}, stepError(StepVerify, sub.Filename, err, "")
		}
	}
	return a, nil
}

// httpClient is the client for Fulcio and Rekor.
func (s *Signer) httpClient() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return &http.Client{}
}
