package attest

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// productionRoot is a snapshot of the public-good Sigstore trust root
// (trusted_root.json as distributed by Sigstore's TUF repository): the
// Fulcio CAs, the Rekor v1 log key, the CT log keys and the timestamp
// authority. Rekor v1 and the 2022 Fulcio CA and CT log keys have no end
// date, so the snapshot verifies attestations made today. A process that
// must follow key rotations should fetch the live root through TUF
// (root.FetchTrustedRoot) instead.
//
//go:embed production_trusted_root.json
var productionRoot []byte

// ProductionTrustedRoot returns the embedded production trust root. It
// needs no network.
func ProductionTrustedRoot() (*root.TrustedRoot, error) {
	tr, err := root.NewTrustedRootFromJSON(productionRoot)
	if err != nil {
		return nil, fmt.Errorf("attest: embedded trust root: %w", err)
	}
	return tr, nil
}

// CurrentProductionTrustedRoot fetches production Sigstore's trust root
// through its TUF repository (cached under ~/.sigstore), so that a key
// rotation does not make us refuse our own good signatures. When the
// repository cannot be reached within the context's deadline it falls
// back to the embedded snapshot, and fresh says so.
func CurrentProductionTrustedRoot(ctx context.Context) (tr *root.TrustedRoot, fresh bool, err error) {
	type result struct {
		tr  *root.TrustedRoot
		err error
	}
	done := make(chan result, 1)
	go func() {
		tr, err := root.FetchTrustedRoot()
		done <- result{tr, err}
	}()
	select {
	case r := <-done:
		if r.err == nil {
			return r.tr, true, nil
		}
	case <-ctx.Done():
	}
	tr, err = ProductionTrustedRoot()
	return tr, false, err
}

// LoadTrustedRoot reads a trusted_root.json file, such as one made for
// a private Sigstore instance or a test one.
func LoadTrustedRoot(path string) (*root.TrustedRoot, error) {
	tr, err := root.NewTrustedRootFromPath(path)
	if err != nil {
		return nil, fmt.Errorf("attest: trusted root %s: %w", path, err)
	}
	return tr, nil
}
