package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/attest"
)

// attestations are the PEP 740 attestations of each file, keyed by
// filename.
type attestations map[string]attestation

type attestation struct {
	// field is the JSON array the upload's "attestations" field carries.
	field string
	// path is the attestation's file: where it was saved, or the
	// pre-made one beside the distribution.
	path string
}

// attestAll gives every file an attestation before anything is uploaded:
// a pre-made <dist>.publish.attestation beside it (checked against the
// file), or a new one signed with Sigstore. A failure stops the release
// before its first file.
func attestAll(ctx context.Context, cfg *config, u *ui, x *exchanger, files []*dist.File) (attestations, error) {
	out := attestations{}
	var subjects []attest.Subject
	for _, f := range files {
		a, err := attest.Load(f.Path + attest.Suffix)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			subjects = append(subjects, attest.Subject{Filename: f.Filename, SHA256: f.Digests.SHA256})
			continue
		case err != nil:
			return nil, fmt.Errorf("%s%s: %w", f.Path, attest.Suffix, err)
		}
		if err := attest.CheckSubject(a, f.Filename, f.Digests.SHA256); err != nil {
			return nil, fmt.Errorf("%s%s does not attest this file: %w (remove it to sign again)", f.Path, attest.Suffix, err)
		}
		if err := out.add(f.Filename, f.Path+attest.Suffix, a); err != nil {
			return nil, err
		}
		u.printf("Using the attestation beside %s", f.Filename)
	}
	if len(subjects) == 0 {
		return out, nil
	}
	dir := cfg.AttestationsDir
	if dir == "" {
		var err error
		// A fresh directory every run: the original wrote beside the
		// dists and a second call in one job died on the files the first
		// left (its #283, #319).
		if dir, err = os.MkdirTemp("", "pypi-publish-attestations-"); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	signer, err := newSigner(ctx, cfg, u, x)
	if err != nil {
		return nil, err
	}
	u.noticef("Generating and uploading digital attestations")
	start := time.Now()
	signed, err := signer.Sign(ctx, subjects)
	if err != nil {
		return nil, err
	}
	for i, a := range signed {
		name := subjects[i].Filename
		path, err := attest.Write(dir, name, a)
		if err != nil {
			return nil, err
		}
		if err := out.add(name, path, a); err != nil {
			return nil, err
		}
		u.debugf("saved publish attestation: %s", path)
	}
	u.printf("Signed %d attestation%s with Sigstore in %s; saved in %s", len(signed), plural(len(signed)), time.Since(start).Round(time.Millisecond), dir)
	return out, nil
}

func (as attestations) add(filename, path string, a attest.Attestation) error {
	data, err := a.Encode()
	if err != nil {
		return err
	}
	as[filename] = attestation{field: "[" + string(data) + "]", path: path}
	return nil
}

// newSigner signs with production Sigstore unless the Fulcio and Rekor
// URLs say otherwise (staging, a private instance, tests), with a fresh
// ambient ID token for the audience "sigstore".
func newSigner(ctx context.Context, cfg *config, u *ui, x *exchanger) (*attest.Signer, error) {
	s := &attest.Signer{
		FulcioURL:   cfg.FulcioURL,
		RekorURL:    cfg.RekorURL,
		HTTP:        sigstoreHTTP(cfg, u),
		Concurrency: cfg.Parallel,
		IDToken: func(ctx context.Context) (string, error) {
			tok, err := x.source.Token(ctx, "sigstore")
			return tok.JWT, err
		},
	}
	var err error
	switch {
	case cfg.TrustedRoot != "":
		s.TrustedRoot, err = attest.LoadTrustedRoot(cfg.TrustedRoot)
	case cfg.FulcioURL == "" && cfg.RekorURL == "":
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		var fresh bool
		s.TrustedRoot, fresh, err = attest.CurrentProductionTrustedRoot(tctx)
		if err == nil && !fresh {
			u.warnf("Sigstore trust root", "could not update Sigstore's trust root through TUF; checking signatures against the copy built into this pypi-publish")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("sigstore trusted root: %w", err)
	}
	return s, nil
}

// sigstoreHTTP retries Fulcio and Rekor like the index: both requests
// are safe to repeat (Fulcio issues another certificate; Rekor answers a
// repeated entry with 409 and where the first one is). Each attempt is
// bounded; real answers take well under a second.
func sigstoreHTTP(cfg *config, u *ui) *http.Client {
	c := retryingHTTP(cfg, u)
	c.HTTPClient.Timeout = 30 * time.Second
	return c.StandardClient()
}

func reportAttestFailure(cfg *config, u *ui, err error) {
	msg := err.Error()
	var aerr *attest.Error
	if errors.As(err, &aerr) && aerr.Step == attest.StepIDToken {
		msg += "\n\nThis failure occurred after a successful Trusted Publishing Flow, suggesting a transient error."
	}
	u.errorf("Attestation generation failure", "", "%s", msg)
	appendStepSummary(cfg, "## Attestation generation failure\n\npypi-publish attempted to generate PEP 740 attestations for the distributions, but failed; nothing was uploaded.\n\n```\n"+strings.TrimSpace(msg)+"\n```\n")
}
