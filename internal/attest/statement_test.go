package attest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// Statements as pypi-attestations signs them, taken from attestations it
// made (the second is in testdata, the first in its own test assets).
func TestStatementGolden(t *testing.T) {
	tests := []struct {
		sub  Subject
		want string
	}{
		{
			Subject{"rfc8785-0.1.2-py3-none-any.whl", "c4e92e9ecc828bef2aa7dba1de8ac983511f7532a0df11c770d39099a25cf201"},
			`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"rfc8785-0.1.2-py3-none-any.whl","digest":{"sha256":"c4e92e9ecc828bef2aa7dba1de8ac983511f7532a0df11c770d39099a25cf201"}}],"predicateType":"https://docs.pypi.org/attestations/publish/v1","predicate":null}`,
		},
		{
			Subject{prodFile, prodDigest},
			`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"pypi_attestations-0.0.19.tar.gz","digest":{"sha256":"9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"}}],"predicateType":"https://docs.pypi.org/attestations/publish/v1","predicate":null}`,
		},
		{
			// No HTML escaping, and non-ASCII stays UTF-8, as Python's
			// JSON does for these characters.
			Subject{"a&b<c>-1.0.tar.gz", strings.Repeat("0", 64)},
			`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a&b<c>-1.0.tar.gz","digest":{"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}}],"predicateType":"https://docs.pypi.org/attestations/publish/v1","predicate":null}`,
		},
	}
	for _, tt := range tests {
		if got := string(Statement(tt.sub)); got != tt.want {
			t.Errorf("Statement(%s) =\n%s\nwant\n%s", tt.sub.Filename, got, tt.want)
		}
	}
	a, err := Load("testdata/" + prodFile + Suffix)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(Statement(Subject{prodFile, prodDigest})); got != string(a.Envelope.Statement) {
		t.Errorf("Statement differs from the one pypi-attestations signed:\n%s\n%s", got, a.Envelope.Statement)
	}
}

// statementAttestation wraps a statement in an otherwise empty attestation.
func statementAttestation(st string) Attestation {
	return Attestation{Envelope: Envelope{Statement: []byte(st)}}
}

func TestCheckSubject(t *testing.T) {
	digest := strings.Repeat("ab", 32)
	stmt := func(name, predicateType string) string {
		return `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"` + name +
			`","digest":{"sha256":"` + digest + `"}}],"predicateType":"` + predicateType + `","predicate":null}`
	}
	tests := []struct {
		name      string
		statement string
		filename  string
		digest    string
		wantErr   string
	}{
		{"wheel", stmt("demo-1.0-py3-none-any.whl", PublishPredicate), "demo-1.0-py3-none-any.whl", digest, ""},
		{"sdist", stmt("demo-1.0.tar.gz", PublishPredicate), "demo-1.0.tar.gz", digest, ""},
		{"SLSA provenance", stmt("demo-1.0.tar.gz", SLSAProvenanceV1), "demo-1.0.tar.gz", digest, ""},
		{"uppercase digest argument", stmt("demo-1.0.tar.gz", PublishPredicate), "demo-1.0.tar.gz", strings.ToUpper(digest), ""},
		{"legacy sdist name", stmt("demo_pkg-1.0.tar.gz", PublishPredicate), "Demo.Pkg-1.0.tar.gz", digest, ""},
		{"unnormalized version", stmt("demo-1.0.tar.gz", PublishPredicate), "demo-1.0.0a0.tar.gz", digest, "subject does not match distribution name"},
		{"version spelling", stmt("demo-1.0rc1.tar.gz", PublishPredicate), "demo-1.0.RC1.tar.gz", digest, ""},
		{"trailing zero differs", stmt("demo-1.0.tar.gz", PublishPredicate), "demo-1.0.0.tar.gz", digest, "subject does not match distribution name: demo-1.0.tar.gz != demo-1.0.0.tar.gz"},
		{"tag order", stmt("demo-1.0-py3.py2-none-any.whl", PublishPredicate), "demo-1.0-py2.py3-none-any.whl", digest, ""},
		{"wheel name case", stmt("Demo_Pkg-1.0-py3-none-any.whl", PublishPredicate), "demo_pkg-1.0-py3-none-any.whl", digest, ""},
		{"build tag differs", stmt("demo-1.0-1-py3-none-any.whl", PublishPredicate), "demo-1.0-2-py3-none-any.whl", digest, "subject does not match distribution name"},
		{"platform differs", stmt("demo-1.0-cp312-cp312-win_amd64.whl", PublishPredicate), "demo-1.0-cp312-cp312-win32.whl", digest, "subject does not match distribution name"},
		{"wheel vs sdist", stmt("demo-1.0.tar.gz", PublishPredicate), "demo-1.0-py3-none-any.whl", digest, "subject does not match distribution name"},
		{"zip vs tar.gz", stmt("demo-1.0.zip", PublishPredicate), "demo-1.0.tar.gz", digest, "subject does not match distribution name"},
		{"other project", stmt("other-1.0.tar.gz", PublishPredicate), "demo-1.0.tar.gz", digest, "subject does not match distribution name: other-1.0.tar.gz != demo-1.0.tar.gz"},
		{"digest differs", stmt("demo-1.0.tar.gz", PublishPredicate), "demo-1.0.tar.gz", strings.Repeat("cd", 32), "subject does not match distribution digest"},
		{"unknown predicate", stmt("demo-1.0.tar.gz", "https://example.com/x"), "demo-1.0.tar.gz", digest, "unknown attestation type: https://example.com/x"},
		{"unparsable subject", stmt("demo.tar.gz", PublishPredicate), "demo-1.0.tar.gz", digest, "invalid subject"},
		{"unparsable file name, same", stmt("whatever.bin", PublishPredicate), "whatever.bin", digest, "invalid subject"},
		{"empty name", stmt("", PublishPredicate), "demo-1.0.tar.gz", digest, "invalid subject: missing name"},
		{"two subjects", `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"demo-1.0.tar.gz","digest":{"sha256":"` + digest + `"}},{"name":"demo-1.0.tar.gz","digest":{"sha256":"` + digest + `"}}],"predicateType":"` + PublishPredicate + `"}`, "demo-1.0.tar.gz", digest, "too many subjects in statement (must be exactly one)"},
		{"no subject", `{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"` + PublishPredicate + `"}`, "demo-1.0.tar.gz", digest, "too many subjects"},
		{"no sha256", `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"demo-1.0.tar.gz","digest":{"sha512":"00"}}],"predicateType":"` + PublishPredicate + `"}`, "demo-1.0.tar.gz", digest, "subject does not match distribution digest"},
		{"wrong type", `{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"name":"demo-1.0.tar.gz","digest":{"sha256":"` + digest + `"}}],"predicateType":"` + PublishPredicate + `"}`, "demo-1.0.tar.gz", digest, "invalid statement"},
		{"not JSON", `{"_type":`, "demo-1.0.tar.gz", digest, "invalid statement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckSubject(statementAttestation(tt.statement), tt.filename, tt.digest)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckSubject: %v", err)
				}
				return
			}
			var se *SubjectError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("CheckSubject = %v, want a SubjectError containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestPredicateType(t *testing.T) {
	if got := PredicateType(statementAttestation(string(Statement(subject("demo-1.0.tar.gz"))))); got != PublishPredicate {
		t.Errorf("PredicateType = %q, want %q", got, PublishPredicate)
	}
	if got := PredicateType(statementAttestation("nonsense")); got != "" {
		t.Errorf("PredicateType of nonsense = %q, want empty", got)
	}
}

// The statement is what gets signed, so it must be valid JSON whatever
// the file is called.
func FuzzStatement(f *testing.F) {
	f.Add("demo-1.0.tar.gz")
	f.Add("a\"b\\c\x00-1.0.tar.gz")
	f.Add("\u2028é-1.0.zip")
	f.Fuzz(func(t *testing.T, name string) {
		sub := Subject{Filename: name, SHA256: strings.Repeat("0", 64)}
		var st statement
		if err := json.Unmarshal(Statement(sub), &st); err != nil {
			t.Fatalf("Statement(%q) is not JSON: %v", name, err)
		}
		if len(st.Subject) != 1 || st.Subject[0].Digest["sha256"] != sub.SHA256 {
			t.Fatalf("Statement(%q) lost its subject: %+v", name, st)
		}
	})
}
