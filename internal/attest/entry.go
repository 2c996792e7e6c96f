package attest

import (
	"bytes"
	"encoding/json"
	"fmt"

	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// decodeEntry reads a transparency entry of an attestation: protobuf
// JSON, so camelCase and snake_case names, int64 as strings or numbers,
// and bytes in either base64 alphabet are all accepted, as PyPI accepts
// them. Fields it does not know are ignored.
func decodeEntry(raw json.RawMessage) (*protorekor.TransparencyLogEntry, error) {
	var e protorekor.TransparencyLogEntry
	opts := protojson.UnmarshalOptions{DiscardUnknown: true}
	if err := opts.Unmarshal(raw, &e); err != nil {
		return nil, fmt.Errorf("attest: invalid transparency log entry: %w", err)
	}
	return &e, nil
}

// encodeEntry renders a log entry as pypi-attestations does: protobuf
// JSON with camelCase names, int64 as strings, bytes as base64. Go's
// protojson varies its whitespace on purpose, so the output is compacted
// to keep attestation files stable.
func encodeEntry(e *protorekor.TransparencyLogEntry) (json.RawMessage, error) {
	raw, err := protojson.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("attest: encoding transparency entry: %w", err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("attest: encoding transparency entry: %w", err)
	}
	return buf.Bytes(), nil
}
