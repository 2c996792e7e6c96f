package attest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Dist is a distribution to attest.
type Dist struct {
	// Path is the file; Filename its base name; SHA256 its digest.
	Path, Filename, SHA256 string
}

// Prepared is the attestation of one distribution, ready to upload.
type Prepared struct {
	// Field is the JSON array the upload's "attestations" field carries.
	Field string
	// Path is the attestation's file: the pre-made one beside the
	// distribution, or where a new one was saved.
	Path string
	// Premade is set when the attestation was found beside the file.
	Premade bool
}

// Prepare gives every distribution an attestation before anything is
// uploaded: a pre-made <dist>.publish.attestation beside it, checked
// against the file, or a new one from sign, saved in dir (created if
// missing) or, when dir is "", beside the distribution as the original
// action does: a workflow ships dist/*.publish.attestation after it, and
// a second call in the same job (TestPyPI, then PyPI) finds and reuses
// them. sign is called once, with
// every file that has none, and only if there is one. A failure means
// no attestation at all: a release must not go out half-attested.
func Prepare(ctx context.Context, dists []Dist, dir string, sign func(context.Context, []Subject) ([]Attestation, error)) (map[string]Prepared, error) {
	out := map[string]Prepared{}
	var subjects []Subject
	for _, d := range dists {
		premade := d.Path + Suffix
		a, err := Load(premade)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			subjects = append(subjects, Subject{Filename: d.Filename, SHA256: d.SHA256})
			continue
		case err != nil:
			return nil, fmt.Errorf("%s: %w", premade, err)
		}
		if err := CheckSubject(a, d.Filename, d.SHA256); err != nil {
			return nil, fmt.Errorf("%s does not attest this file: %w (remove it to sign again)", premade, err)
		}
		if err := add(out, d.Filename, premade, true, a); err != nil {
			return nil, err
		}
	}
	if len(subjects) == 0 {
		return out, nil
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("attest: %w", err)
		}
	}
	where := map[string]string{}
	for _, d := range dists {
		where[d.Filename] = dir
		if dir == "" {
			where[d.Filename] = filepath.Dir(d.Path)
		}
	}
	signed, err := sign(ctx, subjects)
	if err != nil {
		return nil, err
	}
	if len(signed) != len(subjects) {
		return nil, fmt.Errorf("attest: signed %d of %d files", len(signed), len(subjects))
	}
	for i, a := range signed {
		name := subjects[i].Filename
		path, err := Write(where[name], name, a)
		if err != nil {
			return nil, err
		}
		if err := add(out, name, path, false, a); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func add(out map[string]Prepared, filename, path string, premade bool, a Attestation) error {
	data, err := a.Encode()
	if err != nil {
		return err
	}
	out[filename] = Prepared{Field: "[" + string(data) + "]", Path: path, Premade: premade}
	return nil
}
