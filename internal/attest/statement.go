package attest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/pep440"
)

// Predicate types PyPI accepts. Only PublishPredicate is made here; an
// SLSA provenance attestation can still be checked and uploaded.
const (
	PublishPredicate = "https://docs.pypi.org/attestations/publish/v1"
	SLSAProvenanceV1 = "https://slsa.dev/provenance/v1"
)

// StatementType is the _type of an in-toto Statement v1, and
// InTotoPayloadType the DSSE payload type that announces one.
const (
	StatementType     = "https://in-toto.io/Statement/v1"
	InTotoPayloadType = "application/vnd.in-toto+json"
)

// Subject is what one attestation is about: a distribution file.
type Subject struct {
	// Filename is the distribution's base name, e.g. "demo-1.0.tar.gz".
	Filename string
	// SHA256 is the file's digest in lowercase hex.
	SHA256 string
}

func (s Subject) check() error {
	if s.Filename == "" || strings.ContainsAny(s.Filename, `/\`) {
		return fmt.Errorf("attest: %q is not a distribution file name", s.Filename)
	}
	if len(s.SHA256) != 64 || strings.ToLower(s.SHA256) != s.SHA256 {
		return fmt.Errorf("attest: %s: sha256 %q is not 64 lowercase hex digits", s.Filename, s.SHA256)
	}
	if _, err := hex.DecodeString(s.SHA256); err != nil {
		return fmt.Errorf("attest: %s: sha256 %q is not 64 lowercase hex digits", s.Filename, s.SHA256)
	}
	return nil
}

// statement is an in-toto Statement v1. Field order is the wire order
// sigstore-python uses, so Statement's output matches its bytes.
type statement struct {
	Type          string           `json:"_type"`
	Subject       []statementEntry `json:"subject"`
	PredicateType string           `json:"predicateType"`
	Predicate     json.RawMessage  `json:"predicate"`
}

type statementEntry struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Statement returns the in-toto Statement v1 for a publish attestation
// of s, compact JSON with a null predicate, as pypi-attestations signs it:
//
//	{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":F,"digest":{"sha256":H}}],"predicateType":"https://docs.pypi.org/attestations/publish/v1","predicate":null}
func Statement(s Subject) []byte {
	st := statement{
		Type:          StatementType,
		Subject:       []statementEntry{{Name: s.Filename, Digest: map[string]string{"sha256": s.SHA256}}},
		PredicateType: PublishPredicate,
		Predicate:     json.RawMessage("null"),
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// Encoding strings and a fixed shape cannot fail.
	_ = enc.Encode(st)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// SubjectError is a statement that does not describe the file it came
// with. Its message is PyPI's wording for the same refusal.
type SubjectError struct{ Reason string }

func (e *SubjectError) Error() string { return "attest: " + e.Reason }

// CheckSubject applies PyPI's subject rules to a's statement for the
// file filename with digest sha256hex: exactly one subject, whose name
// denotes the same distribution as filename (same normalized project
// name and version, and for wheels the same build and tags, as PyPI
// compares them), whose sha256 equals the file's, and a predicate type
// PyPI knows. It does not check the signature: see Verify.
func CheckSubject(a Attestation, filename, sha256hex string) error {
	var st statement
	if err := json.Unmarshal(a.Envelope.Statement, &st); err != nil {
		return &SubjectError{Reason: "invalid statement: " + err.Error()}
	}
	if st.Type != StatementType {
		return &SubjectError{Reason: fmt.Sprintf("invalid statement: _type %q is not %s", st.Type, StatementType)}
	}
	if len(st.Subject) != 1 {
		return &SubjectError{Reason: "too many subjects in statement (must be exactly one)"}
	}
	sub := st.Subject[0]
	if sub.Name == "" {
		return &SubjectError{Reason: "invalid subject: missing name"}
	}
	got, err := distKey(sub.Name)
	if err != nil {
		return &SubjectError{Reason: "invalid subject: " + err.Error()}
	}
	want, err := distKey(filename)
	if err != nil {
		// Not a name PyPI would accept; the exact comparison still
		// tells a pre-made attestation from a stray one.
		want = filename
		got = sub.Name
	}
	if got != want {
		return &SubjectError{Reason: fmt.Sprintf("subject does not match distribution name: %s != %s", sub.Name, filename)}
	}
	if d, ok := sub.Digest["sha256"]; !ok || d != strings.ToLower(sha256hex) {
		return &SubjectError{Reason: "subject does not match distribution digest"}
	}
	switch st.PredicateType {
	case PublishPredicate, SLSAProvenanceV1:
	default:
		return &SubjectError{Reason: "unknown attestation type: " + st.PredicateType}
	}
	return nil
}

// PredicateType returns the predicate type of a's statement, "" if it
// cannot be read. PyPI allows one attestation per type and file.
func PredicateType(a Attestation) string {
	var st statement
	if json.Unmarshal(a.Envelope.Statement, &st) != nil {
		return ""
	}
	return st.PredicateType
}

// distKey reduces a distribution filename to what identifies it for
// PyPI: the normalized project name and version, plus for a wheel its
// build tag and its tag sets, each sorted (PyPI's "ultranormalized"
// form). Two filenames for the same distribution give the same key.
func distKey(filename string) (string, error) {
	if strings.HasSuffix(filename, ".whl") {
		w, err := dist.ParseWheelFilename(filename)
		if err != nil {
			return "", err
		}
		v, err := pep440.Parse(w.Version)
		if err != nil {
			return "", err
		}
		return strings.Join([]string{
			"wheel", dist.NormalizeName(w.Name), v.String(), w.Build,
			sortedTags(w.Python), sortedTags(w.ABI), sortedTags(w.Platform),
		}, " "), nil
	}
	s, err := dist.ParseSdistFilename(filename)
	if err != nil {
		return "", err
	}
	v, err := pep440.Parse(s.Version)
	if err != nil {
		return "", err
	}
	return strings.Join([]string{"sdist", dist.NormalizeName(s.Name), v.String(), s.Ext}, " "), nil
}

// sortedTags puts a compressed tag set ("py3.py2") in a canonical order
// ("py2.py3"); packaging reads a set, so repeats count once.
func sortedTags(set string) string {
	tags := strings.Split(strings.ToLower(set), ".")
	slices.Sort(tags)
	return strings.Join(slices.Compact(tags), ".")
}
