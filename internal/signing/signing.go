// Package signing signs a release's files with Sigstore, as PEP 740
// attestations, with the CI identity of the trusted-publishing session:
// a pre-made attestation beside a file is checked and used, the others
// are signed together before anything is uploaded.
package signing

import (
	"context"
	"fmt"
	"net/http"
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

// Options are how a release is signed.
type Options struct {
	// Session is the trusted-publishing session whose CI identity signs.
	Session *trusted.Session
	// HTTP talks to Fulcio and Rekor (and the CI's token service): both
	// requests are safe to repeat (Fulcio issues another certificate;
	// Rekor answers a repeated entry with 409 and where the first one
	// is), so it may retry.
	HTTP *http.Client
	// FulcioURL, RekorURL and TrustedRoot point signing at another
	// Sigstore (staging, private, tests); "" is production.
	FulcioURL, RekorURL, TrustedRoot string
	// Dir receives new attestations; "" is beside each file.
	Dir string
	// Parallel bounds concurrent signing.
	Parallel int
	UI       *console.UI
}

// Attest gives every file an attestation before anything is uploaded
// (see attest.Prepare), keyed by filename. A failure stops the release
// before its first file.
func Attest(ctx context.Context, o Options, files []*dist.File) (map[string]attest.Prepared, error) {
	p := &o
	dists := make([]attest.Dist, len(files))
	for i, f := range files {
		dists[i] = attest.Dist{Path: f.Path, Filename: f.Filename, SHA256: f.Digests.SHA256}
	}
	dirs := map[string]bool{}
	var took time.Duration
	sign := func(ctx context.Context, subjects []attest.Subject) ([]attest.Attestation, error) {
		signer, err := p.newSigner(ctx)
		if err != nil {
			return nil, err
		}
		p.UI.Noticef("Generating and uploading digital attestations")
		start := time.Now()
		done := p.UI.Waiting("Sigstore to sign %d file%s", len(subjects), console.Plural(len(subjects)))
		defer func() { done(); took = time.Since(start) }()
		return signer.Sign(ctx, subjects)
	}
	atts, err := attest.Prepare(ctx, dists, p.Dir, sign)
	if err != nil {
		return nil, err
	}
	signed := 0
	for _, f := range files {
		switch a := atts[f.Filename]; {
		case a.Premade:
			p.UI.Printf("Using the attestation beside %s", f.Filename)
		default:
			signed++
			dirs[filepath.Dir(a.Path)] = true
			p.UI.Debugf("saved publish attestation: %s", a.Path)
		}
	}
	if signed > 0 {
		where := make([]string, 0, len(dirs))
		for d := range dirs {
			where = append(where, d)
		}
		sort.Strings(where)
		p.UI.Printf("Signed %d attestation%s with Sigstore in %s; saved in %s", signed, console.Plural(signed), took.Round(time.Millisecond), strings.Join(where, ", "))
	}
	return atts, nil
}

// newSigner signs with production Sigstore unless the Fulcio and Rekor
// URLs say otherwise (staging, a private instance, tests), with a fresh
// ambient ID token for the audience "sigstore".
func (p *Options) newSigner(ctx context.Context) (*attest.Signer, error) {
	cfg := p
	httpc := p.HTTP
	src := *p.Session.Source
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
	if cfg.TrustedRoot == "" && (cfg.FulcioURL != "" || cfg.RekorURL != "") {
		// Another Sigstore without its root: the signer checks what it
		// can without one.
		return s, nil
	}
	var err error
	s.TrustedRoot, err = TrustedRoot(ctx, cfg.TrustedRoot, p.UI)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// TrustedRoot is the trust root signatures are checked against: the
// trusted_root.json at path, or production Sigstore's, updated through
// TUF when that answers within 20 seconds, else the copy built in (with
// a warning when u is given). Signing and verify-attestation share it.
func TrustedRoot(ctx context.Context, path string, u *console.UI) (*root.TrustedRoot, error) {
	if path != "" {
		r, err := attest.LoadTrustedRoot(path)
		if err != nil {
			return nil, fmt.Errorf("sigstore trusted root: %w", err)
		}
		return r, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	r, fresh, err := attest.CurrentProductionTrustedRoot(ctx)
	if err != nil {
		return nil, fmt.Errorf("sigstore trusted root: %w", err)
	}
	if !fresh && u != nil {
		u.Warnf("Sigstore trust root", "could not update Sigstore's trust root through TUF; checking signatures against the copy built into this pypi-publish")
	}
	return r, nil
}
