package attest

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
)

// rekorClient logs DSSE envelopes in a Rekor v1 transparency log through
// its REST API.
type rekorClient struct {
	base string
	http *http.Client
}

// dsseEnvelope is a DSSE envelope in its JSON form, as Rekor reads it.
type dsseEnvelope struct {
	PayloadType string          `json:"payloadType"`
	Payload     []byte          `json:"payload"`
	Signatures  []dsseSignature `json:"signatures"`
}

type dsseSignature struct {
	Sig []byte `json:"sig"`
}

// proposedDSSE is a Rekor "dsse" v0.0.1 entry to be logged: the envelope
// as a JSON string and the certificate that verifies it, PEM in base64.
type proposedDSSE struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		ProposedContent struct {
			Envelope  string   `json:"envelope"`
			Verifiers [][]byte `json:"verifiers"`
		} `json:"proposedContent"`
	} `json:"spec"`
}

// rekorEntry is Rekor's LogEntryAnon: an entry with its proof.
type rekorEntry struct {
	Body           []byte `json:"body"`
	IntegratedTime int64  `json:"integratedTime"`
	LogID          string `json:"logID"` // hex
	LogIndex       int64  `json:"logIndex"`
	Verification   struct {
		InclusionProof *struct {
			Checkpoint string   `json:"checkpoint"`
			Hashes     []string `json:"hashes"` // hex
			LogIndex   int64    `json:"logIndex"`
			RootHash   string   `json:"rootHash"` // hex
			TreeSize   int64    `json:"treeSize"`
		} `json:"inclusionProof"`
		SignedEntryTimestamp []byte `json:"signedEntryTimestamp"`
	} `json:"verification"`
}

const entriesPath = "/api/v1/log/entries"

// newRekor checks the Rekor URL and returns a client for it.
func (s *Signer) newRekor() (rekorClient, error) {
	base, err := serviceURL("Rekor", s.RekorURL, ProductionRekorURL, false)
	if err != nil {
		return rekorClient{}, err
	}
	return rekorClient{base: base, http: s.httpClient()}, nil
}

// logDSSE logs env, signed by the key of the PEM certificate certPEM,
// and returns the entry with its signed entry timestamp and inclusion
// proof. Rekor answers a second submission of the same envelope (a
// retried request whose answer was lost) with 409 and the location of
// the existing entry, which is then fetched.
func (r rekorClient) logDSSE(ctx context.Context, env dsseEnvelope, certPEM []byte) (*protorekor.TransparencyLogEntry, error) {
	envJSON, err := json.Marshal(env)
	if err != nil {
		return nil, err
	}
	var pe proposedDSSE
	pe.APIVersion, pe.Kind = "0.0.1", "dsse"
	pe.Spec.ProposedContent.Envelope = string(envJSON)
	pe.Spec.ProposedContent.Verifiers = [][]byte{certPEM}
	body, err := json.Marshal(pe)
	if err != nil {
		return nil, err
	}
	status, answer, location, err := call(ctx, r.http, http.MethodPost, r.base+entriesPath, body, "")
	if err != nil {
		return nil, err
	}
	switch {
	case status == http.StatusCreated:
	case status == http.StatusConflict && location != "":
		status, answer, err = r.fetch(ctx, location)
		if err != nil {
			return nil, err
		}
		if status != http.StatusOK && status != http.StatusCreated {
			return nil, fmt.Errorf("the Rekor server returned %d %s for the existing entry: %s", status, http.StatusText(status), snippet(answer))
		}
	default:
		return nil, fmt.Errorf("the Rekor server returned %d %s: %s", status, http.StatusText(status), snippet(answer))
	}
	return parseRekorAnswer(answer)
}

// fetch gets an entry by the location Rekor gave, a path or a URL on
// the log's own host.
func (r rekorClient) fetch(ctx context.Context, location string) (int, []byte, error) {
	base, _ := url.Parse(r.base)
	u, err := base.Parse(location)
	if err != nil || u.Scheme != base.Scheme || u.Host != base.Host || !strings.Contains(u.Path, entriesPath+"/") {
		return 0, nil, fmt.Errorf("the Rekor server pointed to the existing entry at %q, not an entry of this log", location)
	}
	status, answer, _, err := call(ctx, r.http, http.MethodGet, u.String(), nil, "")
	return status, answer, err
}

// parseRekorAnswer converts Rekor's {uuid: entry} answer into a
// TransparencyLogEntry as Sigstore bundles and PEP 740 carry it.
func parseRekorAnswer(answer []byte) (*protorekor.TransparencyLogEntry, error) {
	var entries map[string]rekorEntry
	if err := json.Unmarshal(answer, &entries); err != nil {
		return nil, fmt.Errorf("unreadable Rekor answer: %w", err)
	}
	if len(entries) != 1 {
		return nil, fmt.Errorf("the Rekor answer holds %d entries, want 1", len(entries))
	}
	var e rekorEntry
	for _, only := range entries {
		e = only
	}
	logID, err := hex.DecodeString(e.LogID)
	if err != nil || len(logID) == 0 {
		return nil, fmt.Errorf("the Rekor answer has log ID %q, not hex", e.LogID)
	}
	var kind struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := json.Unmarshal(e.Body, &kind); err != nil {
		return nil, fmt.Errorf("the Rekor entry body is not JSON: %w", err)
	}
	if len(e.Verification.SignedEntryTimestamp) == 0 {
		return nil, errors.New("the Rekor entry has no signed entry timestamp")
	}
	p := e.Verification.InclusionProof
	if p == nil {
		return nil, errors.New("the Rekor entry has no inclusion proof")
	}
	rootHash, err := hex.DecodeString(p.RootHash)
	if err != nil {
		return nil, fmt.Errorf("the Rekor root hash %q is not hex", p.RootHash)
	}
	hashes := make([][]byte, len(p.Hashes))
	for i, h := range p.Hashes {
		if hashes[i], err = hex.DecodeString(h); err != nil {
			return nil, fmt.Errorf("the Rekor proof hash %q is not hex", h)
		}
	}
	return &protorekor.TransparencyLogEntry{
		LogIndex:          e.LogIndex,
		LogId:             &protocommon.LogId{KeyId: logID},
		KindVersion:       &protorekor.KindVersion{Kind: kind.Kind, Version: kind.APIVersion},
		IntegratedTime:    e.IntegratedTime,
		InclusionPromise:  &protorekor.InclusionPromise{SignedEntryTimestamp: e.Verification.SignedEntryTimestamp},
		CanonicalizedBody: e.Body,
		InclusionProof: &protorekor.InclusionProof{
			LogIndex:   p.LogIndex,
			RootHash:   rootHash,
			TreeSize:   p.TreeSize,
			Hashes:     hashes,
			Checkpoint: &protorekor.Checkpoint{Envelope: p.Checkpoint},
		},
	}, nil
}

// certificatePEM is the PEM form of a DER certificate, which Rekor
// wants as the verifier of a dsse entry.
func certificatePEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
