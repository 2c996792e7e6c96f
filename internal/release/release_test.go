package release

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/attest"
	"github.com/pypi-publish/pypi-publish/internal/pypitest"
	"github.com/pypi-publish/pypi-publish/internal/report"
)

const userToken = "pypi-user-wide-test-token"

// TestOrder: the first file goes alone and is answered before any other
// starts; then no more than Parallel go at once.
func TestOrder(t *testing.T) {
	tests := []struct {
		name     string
		parallel int
		files    int
	}{
		{"one at a time", 1, 4},
		{"three at once", 3, 6},
		{"more room than files", 8, 3},
		{"two files", 4, 2},
		{"a single file", 4, 1},
		{"parallel 0 is one at a time", 0, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStand(t)
			s.idx.AddToken(userToken)
			s.idx.SetDelay(60 * time.Millisecond)
			files := wheels(t, tt.files)
			u, _ := quietUI()
			ctx, cancel := context.WithTimeout(t.Context(), 8*time.Second)
			defer cancel()
			run := Upload(ctx, s.client(userToken), s.target(t), files, Options{Parallel: tt.parallel}, u)
			if ctx.Err() != nil {
				t.Fatal("Upload did not return")
			}
			if got := run.Count(report.Uploaded); got != tt.files {
				t.Fatalf("%d uploaded, want %d: %+v", got, tt.files, run.Files)
			}
			reqs := s.requests()
			if len(reqs) != tt.files {
				t.Fatalf("%d upload requests, want %d", len(reqs), tt.files)
			}
			if first := s.idx.Files()[0].Filename; first != files[0].Filename {
				t.Errorf("the index got %s first, want %s", first, files[0].Filename)
			}
			for i, r := range reqs[1:] {
				if !r.arrived.After(reqs[0].answered) {
					t.Errorf("request %d arrived %s before the first was answered", i+2, reqs[0].answered.Sub(r.arrived))
				}
			}
			limit := max(tt.parallel, 1)
			most := s.mostAtOnce()
			if most > limit {
				t.Errorf("%d uploads at once, want at most %d", most, limit)
			}
			if limit > 1 && tt.files > 2 && most < 2 {
				t.Errorf("uploads never overlapped with Parallel %d", tt.parallel)
			}
			for i, f := range run.Files {
				if f.Dist != files[i] || f.Reason != "" {
					t.Errorf("run file %d = %+v", i, f)
				}
			}
		})
	}
}

// TestStopAfterFailure: after a failure no new upload starts; the files
// left are not attempted, and say why.
func TestStopAfterFailure(t *testing.T) {
	tests := []struct {
		name     string
		parallel int
		files    int
		failAt   int // the upload request that fails, from 1
	}{
		{"second of four, one at a time", 1, 4, 2},
		{"the first", 3, 4, 1},
		{"the last", 1, 3, 3},
		{"second of eight, three at a time", 3, 8, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStand(t)
			s.idx.AddToken(userToken)
			s.idx.SetDelay(50 * time.Millisecond)
			s.arrive = func(n int) {
				if n == tt.failAt {
					s.idx.FailNext(1, 400, "")
				}
			}
			files := wheels(t, tt.files)
			u, _ := quietUI()
			run := Upload(t.Context(), s.client(userToken), s.target(t), files, Options{Parallel: tt.parallel}, u)

			sent := s.idx.Uploads()
			failed, uploaded, notAttempted := run.Count(report.Failed), run.Count(report.Uploaded), run.Count(report.NotAttempted)
			if failed != 1 || uploaded != sent-1 || notAttempted != tt.files-sent {
				t.Errorf("%d requests; %d uploaded, %d failed, %d not attempted", sent, uploaded, failed, notAttempted)
			}
			// One at a time, exactly the files up to the failure were
			// sent; at once, at most those already under way.
			if want := tt.failAt; tt.parallel <= 1 && sent != want {
				t.Errorf("%d requests, want %d", sent, want)
			}
			if most := tt.failAt + tt.parallel - 1; sent > most {
				t.Errorf("%d requests, want at most %d", sent, most)
			}
			for _, f := range run.Files {
				_, held := s.idx.File(f.Dist.Filename)
				switch f.Outcome {
				case report.Failed:
					if !strings.Contains(f.Reason, "400") || strings.HasPrefix(f.Reason, "upload: ") {
						t.Errorf("failed reason %q", f.Reason)
					}
				case report.NotAttempted:
					if f.Reason != "stopped after a failure" {
						t.Errorf("not attempted reason %q", f.Reason)
					}
				}
				if held != (f.Outcome == report.Uploaded) {
					t.Errorf("%s: %s, but held by the index: %v", f.Dist.Filename, f.Outcome, held)
				}
			}
			if tt.parallel <= 1 {
				reqs := s.requests()
				failedAnswer := reqs[tt.failAt-1].answered
				for i, r := range reqs {
					if r.arrived.After(failedAnswer) {
						t.Errorf("request %d arrived after the failure", i+1)
					}
				}
			}
		})
	}
}

// TestSkipExisting: the same files again are accepted (the index takes
// an identical file again, which is how a re-run finishes a release);
// other files of the same names are refused as existing, skipped with
// the index's reason under SkipExisting, and a failure without it.
func TestSkipExisting(t *testing.T) {
	s := newStand(t)
	s.idx.AddToken(userToken)
	files := wheels(t, 3)
	u, _ := quietUI()
	for range 2 {
		if run := Upload(t.Context(), s.client(userToken), s.target(t), files, Options{Parallel: 2}, u); run.Count(report.Uploaded) != 3 {
			t.Fatalf("identical files: %+v", run.Files)
		}
	}
	other := wheelsWith(t, 3, pypitest.DistOptions{Extra: map[string][]byte{"extra.txt": []byte("different bytes")}})
	run := Upload(t.Context(), s.client(userToken), s.target(t), other, Options{Parallel: 2, SkipExisting: true}, u)
	if run.Count(report.Skipped) != 3 || !run.Complete() {
		t.Fatalf("skip existing: %+v", run.Files)
	}
	for _, f := range run.Files {
		if f.Reason == "" {
			t.Errorf("%s skipped without a reason", f.Dist.Filename)
		}
	}
	run = Upload(t.Context(), s.client(userToken), s.target(t), other, Options{Parallel: 2}, u)
	if run.Count(report.Failed) != 1 || run.Count(report.NotAttempted) != 2 || run.Files[0].Outcome != report.Failed ||
		!strings.Contains(run.Files[0].Reason, "already exists") {
		t.Fatalf("without skip existing: %+v", run.Files)
	}
}

// TestAttestationPaths: each file's attestation path is reported.
func TestAttestationPaths(t *testing.T) {
	s := newStand(t)
	s.idx.AddToken(userToken)
	files := wheels(t, 2)
	u, _ := quietUI()
	atts := map[string]attest.Prepared{files[1].Filename: {Path: "/atts/" + files[1].Filename + ".publish.attestation"}}
	run := Upload(t.Context(), s.client(userToken), s.target(t), files, Options{Parallel: 2, Attestations: atts}, u)
	if run.Files[0].Attestation != "" || run.Files[1].Attestation != atts[files[1].Filename].Path {
		t.Errorf("attestations %q, %q", run.Files[0].Attestation, run.Files[1].Attestation)
	}
}

func TestNoFiles(t *testing.T) {
	s := newStand(t)
	u, _ := quietUI()
	run := Upload(t.Context(), s.client(userToken), s.target(t), nil, Options{Parallel: 2}, u)
	if len(run.Files) != 0 || s.idx.Uploads() != 0 {
		t.Errorf("run %+v, %d requests", run.Files, s.idx.Uploads())
	}
}

func TestOpen(t *testing.T) {
	files := wheels(t, 5)
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	missing := filepath.Join(t.TempDir(), "gone-1.0-py3-none-any.whl")
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name     string
		ctx      context.Context
		paths    []string
		parallel int
		err      func(error) bool
	}{
		{"in order", t.Context(), paths, 3, nil},
		{"one at a time", t.Context(), paths, 1, nil},
		{"parallel 0", t.Context(), paths, 0, nil},
		{"none", t.Context(), nil, 2, nil},
		{"a missing file", t.Context(), append(paths[:2:2], missing), 2, func(err error) bool { return errors.Is(err, os.ErrNotExist) }},
		{"canceled", canceled, paths, 2, func(err error) bool { return errors.Is(err, context.Canceled) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(tt.ctx, 5*time.Second)
			defer cancel()
			got, err := Open(ctx, tt.paths, tt.parallel)
			if tt.err != nil {
				if got != nil || !tt.err(err) {
					t.Errorf("Open = %v, %v", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.paths) {
				t.Fatalf("%d files, want %d", len(got), len(tt.paths))
			}
			for i, f := range got {
				if f.Path != tt.paths[i] || f.Digests.SHA256 == "" {
					t.Errorf("file %d = %s (%q)", i, f.Path, f.Digests.SHA256)
				}
			}
		})
	}
}
