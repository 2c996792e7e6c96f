package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
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
type attestations map[string]attest.Prepared

// attestAll gives every file an attestation before anything is uploaded
// (see attest.Prepare). A failure stops the release before its first
// file.
func (p *publisher) attestAll(ctx context.Context, session *trusted.Session, files []*dist.File) (attestations, error) {
	dists := make([]attest.Dist, len(files))
	for i, f := range files {
		dists[i] = attest.Dist{Path: f.Path, Filename: f.Filename, SHA256: f.Digests.SHA256}
	}
	dirs := map[string]bool{}
	var took time.Duration
	sign := func(ctx context.Context, subjects []attest.Subject) ([]attest.Attestation, error) {
		signer, err := p.newSigner(ctx, session)
		if err != nil {
			return nil, err
		}
		p.ui.Noticef("Generating and uploading digital attestations")
		start := time.Now()
		done := p.ui.Waiting("Sigstore to sign %d file%s", len(subjects), console.Plural(len(subjects)))
		defer func() { done(); took = time.Since(start) }()
		return signer.Sign(ctx, subjects)
	}
	atts, err := attest.Prepare(ctx, dists, p.cfg.AttestationsDir, sign)
	if err != nil {
		return nil, err
	}
	signed := 0
	for _, f := range files {
		switch a := atts[f.Filename]; {
		case a.Premade:
			p.ui.Printf("Using the attestation beside %s", f.Filename)
		default:
			signed++
			dirs[filepath.Dir(a.Path)] = true
			p.ui.Debugf("saved publish attestation: %s", a.Path)
		}
	}
	if signed > 0 {
		where := make([]string, 0, len(dirs))
		for d := range dirs {
			where = append(where, d)
		}
		sort.Strings(where)
		p.ui.Printf("Signed %d attestation%s with Sigstore in %s; saved in %s", signed, console.Plural(signed), took.Round(time.Millisecond), strings.Join(where, ", "))
	}
	return attestations(atts), nil
}

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
