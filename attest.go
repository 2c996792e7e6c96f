package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/attest"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/trusted"
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
func (p *publisher) attestAll(ctx context.Context, session sessionIDTokens, files []*dist.File) (attestations, error) {
	cfg, u := p.cfg, p.ui
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
		u.Printf("Using the attestation beside %s", f.Filename)
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
	signer, err := p.newSigner(ctx, session)
	if err != nil {
		return nil, err
	}
	u.Noticef("Generating and uploading digital attestations")
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
		u.Debugf("saved publish attestation: %s", path)
	}
	u.Printf("Signed %d attestation%s with Sigstore in %s; saved in %s", len(signed), console.Plural(len(signed)), time.Since(start).Round(time.Millisecond), dir)
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

// sessionIDTokens is where signing gets its ID tokens: the CI identity
// of the trusted-publishing session.
type sessionIDTokens = *trusted.Session

// newSigner signs with production Sigstore unless the Fulcio and Rekor
// URLs say otherwise (staging, a private instance, tests), with a fresh
// ambient ID token for the audience "sigstore".
func (p *publisher) newSigner(ctx context.Context, session *trusted.Session) (*attest.Signer, error) {
	cfg := p.cfg
	// Fulcio and Rekor are retried like the index: both requests are
	// safe to repeat (Fulcio issues another certificate; Rekor answers a
	// repeated entry with 409 and where the first one is).
	httpc := p.httpPolicy().Standard()
	src := *session.Source
	src.HTTP = httpc
	s := &attest.Signer{
		FulcioURL:   cfg.FulcioURL,
		RekorURL:    cfg.RekorURL,
		HTTP:        httpc,
		Concurrency: cfg.Parallel,
		IDToken: func(ctx context.Context) (string, error) {
			tok, err := src.Token(ctx, "sigstore")
			return tok.JWT, err
		},
	}
	var err error
	switch {
	case cfg.TrustedRoot != "":
		s.TrustedRoot, err = attest.LoadTrustedRoot(cfg.TrustedRoot)
	case cfg.FulcioURL == "" && cfg.RekorURL == "":
		var fresh bool
		s.TrustedRoot, fresh, err = productionTrustedRoot(ctx)
		if err == nil && !fresh {
			p.ui.Warnf("Sigstore trust root", "could not update Sigstore's trust root through TUF; checking signatures against the copy built into this pypi-publish")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("sigstore trusted root: %w", err)
	}
	return s, nil
}

// productionTrustedRoot is production Sigstore's trust root, updated
// through TUF when that answers within 20 seconds, else the built-in
// copy (fresh is false then).
func productionTrustedRoot(ctx context.Context) (*root.TrustedRoot, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return attest.CurrentProductionTrustedRoot(ctx)
}

func (p *publisher) reportAttestFailure(err error) {
	msg := err.Error()
	var aerr *attest.Error
	if errors.As(err, &aerr) && aerr.Step == attest.StepIDToken {
		msg += "\n\nThis failure occurred after a successful Trusted Publishing Flow, suggesting a transient error."
	}
	p.ui.Errorf("Attestation generation failure", "", "%s", msg)
	p.summary("## Attestation generation failure\n\npypi-publish attempted to generate PEP 740 attestations for the distributions, but failed; nothing was uploaded.\n\n```\n" + strings.TrimSpace(msg) + "\n```\n")
}
