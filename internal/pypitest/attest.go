package pypitest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// Predicate types PyPI accepts in PEP 740 attestations.
const (
	predicatePublish = "https://docs.pypi.org/attestations/publish/v1"
	predicateSLSA    = "https://slsa.dev/provenance/v1"
)

// attestation is the shape of one PEP 740 attestation object.
type attestation struct {
	Version              *int `json:"version"`
	VerificationMaterial *struct {
		Certificate         string            `json:"certificate"`
		TransparencyEntries []json.RawMessage `json:"transparency_entries"`
	} `json:"verification_material"`
	Envelope *struct {
		Statement string `json:"statement"`
		Signature string `json:"signature"`
	} `json:"envelope"`
}

// statement is the in-toto statement an attestation signs.
type statement struct {
	Type    string `json:"_type"`
	Subject []struct {
		Name   string            `json:"name"`
		Digest map[string]string `json:"digest"`
	} `json:"subject"`
	PredicateType string `json:"predicateType"`
}

// checkAttestations stands in for Warehouse's parse_attestations. Only
// trusted publishers may attest. Sigstore verification is beyond a
// stand-in, so it checks the shape, then that the signed statement names
// this very file: exactly one subject, same distribution, same sha256.
// It returns the provenance object to serve, or the refusal text.
func checkAttestations(raw string, id *identity, filename, sha string) ([]byte, string) {
	if id.publisher == nil {
		return nil, "Attestations are only supported when using Trusted Publishing"
	}
	var list []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return nil, "Malformed attestations: attestations must be a JSON array of attestation objects"
	}
	if len(list) == 0 {
		return nil, "Malformed attestations: an empty attestation set is not permitted"
	}
	if len(list) > 2 {
		return nil, "A maximum of 2 attestations per file are supported"
	}
	seen := map[string]bool{}
	for _, item := range list {
		var a attestation
		dec := json.NewDecoder(bytes.NewReader(item))
		if err := dec.Decode(&a); err != nil || a.Version == nil || *a.Version != 1 ||
			a.VerificationMaterial == nil || a.Envelope == nil {
			return nil, "Malformed attestations: each attestation needs version 1, verification_material and envelope"
		}
		if len(a.VerificationMaterial.TransparencyEntries) == 0 {
			return nil, "Malformed attestations: at least one transparency entry is required"
		}
		body, err := base64.StdEncoding.DecodeString(a.Envelope.Statement)
		var st statement
		if err == nil {
			err = json.Unmarshal(body, &st)
		}
		if err != nil {
			return nil, "Malformed attestations: the envelope's statement is not a base64-encoded in-toto statement"
		}
		const failed = "Could not verify the uploaded artifact using the included attestation: Verification failed: "
		if len(st.Subject) != 1 {
			return nil, failed + "too many subjects in statement (must be exactly one)"
		}
		if s := st.Subject[0]; !sameDistribution(s.Name, filename) {
			return nil, failed + "subject does not match distribution name: " + s.Name + " != " + filename
		} else if !strings.EqualFold(s.Digest["sha256"], sha) {
			return nil, failed + "subject does not match distribution digest"
		}
		if st.PredicateType != predicatePublish && st.PredicateType != predicateSLSA {
			return nil, "Attestation with unsupported predicate type: " + st.PredicateType
		}
		if seen[st.PredicateType] {
			return nil, "Multiple attestations for the same file with the same predicate type (" +
				st.PredicateType + ") are not supported"
		}
		seen[st.PredicateType] = true
	}
	prov, _ := json.Marshal(map[string]any{
		"version": 1,
		"attestation_bundles": []any{map[string]any{
			"publisher":    id.publisher.provenance(),
			"attestations": list,
		}},
	})
	return prov, ""
}

// provenance is the publisher object of a provenance bundle, in the shape
// pypi-attestations gives each kind; no environment is null.
func (p *publisher) provenance() map[string]any {
	var env any
	if p.Environment != "" {
		env = p.Environment
	}
	switch p.Kind {
	case "GitLab":
		return map[string]any{"kind": p.Kind, "repository": p.Repository, "workflow_filepath": p.Workflow,
			"environment": env, "claims": nil}
	case "Google":
		return map[string]any{"kind": p.Kind, "email": p.Email, "claims": nil}
	}
	return map[string]any{"kind": p.Kind, "repository": p.Repository, "workflow": p.Workflow,
		"environment": env, "claims": nil}
}

// sameDistribution compares two distribution filenames as PyPI compares
// an attestation's subject with the upload: by normalized name, version
// and, for wheels, tags.
func sameDistribution(a, b string) bool {
	if a == b {
		return true
	}
	if strings.HasSuffix(a, ".whl") && strings.HasSuffix(b, ".whl") {
		wa, ea := parseWheelFilename(a)
		wb, eb := parseWheelFilename(b)
		return ea == "" && eb == "" && wa.name == wb.name && wa.version.Equal(wb.version) &&
			tagPart(a) == tagPart(b)
	}
	na, va, oka := parseSdistFilename(a)
	nb, vb, okb := parseSdistFilename(b)
	return oka && okb && normalize(na) == normalize(nb) && va.Equal(vb)
}

// tagPart is the lowercased "python-abi-platform" part of a wheel name.
func tagPart(fn string) string {
	parts := strings.Split(strings.TrimSuffix(fn, ".whl"), "-")
	return strings.ToLower(strings.Join(parts[len(parts)-3:], "-"))
}
