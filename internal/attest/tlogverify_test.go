package attest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"google.golang.org/protobuf/encoding/protojson"
)

// realLogEntry is the Rekor entry of the production attestation, decoded
// as the attestation's JSON is.
func realLogEntry(t testing.TB) *protorekor.TransparencyLogEntry {
	t.Helper()
	var e protorekor.TransparencyLogEntry
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(loadRealMaterial(t).TransparencyEntries[0], &e); err != nil {
		t.Fatal(err)
	}
	return &e
}

// resignCheckpoint edits the last signature line of a checkpoint's
// decoded hint-and-signature bytes.
func resignCheckpoint(t *testing.T, envelope string, edit func([]byte) []byte) string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(envelope, "\n"), "\n")
	last := strings.Fields(lines[len(lines)-1])
	raw, err := base64.StdEncoding.DecodeString(last[2])
	if err != nil {
		t.Fatal(err)
	}
	last[2] = base64.StdEncoding.EncodeToString(edit(raw))
	lines[len(lines)-1] = strings.Join(last, " ")
	return strings.Join(lines, "\n") + "\n"
}

func TestVerifyLogEntryProduction(t *testing.T) {
	logs := loadRealRoot(t).RekorLogs()
	integrated := time.Date(2024, 12, 4, 23, 14, 1, 0, time.UTC)
	tests := []struct {
		name    string
		edit    func(e *protorekor.TransparencyLogEntry)
		logs    map[string]*root.TransparencyLog
		wantErr string
	}{
		{"valid", nil, logs, ""},
		{"body byte changed", func(e *protorekor.TransparencyLogEntry) { e.CanonicalizedBody[40] ^= 1 }, logs, "signed entry timestamp: invalid ECDSA signature"},
		{"SET byte flipped", func(e *protorekor.TransparencyLogEntry) { e.InclusionPromise.SignedEntryTimestamp[20] ^= 1 }, logs, "signed entry timestamp: invalid ECDSA signature"},
		{"integrated time changed", func(e *protorekor.TransparencyLogEntry) { e.IntegratedTime++ }, logs, "signed entry timestamp"},
		{"shard index in the SET", func(e *protorekor.TransparencyLogEntry) { e.LogIndex = e.InclusionProof.LogIndex }, logs, "signed entry timestamp"},
		{"proof hash changed", func(e *protorekor.TransparencyLogEntry) { e.InclusionProof.Hashes[3][0] ^= 1 }, logs, "inclusion proof leads to root hash"},
		{"proof hash dropped", func(e *protorekor.TransparencyLogEntry) { e.InclusionProof.Hashes = e.InclusionProof.Hashes[1:] }, logs, "wrong proof size"},
		{"proof hash short", func(e *protorekor.TransparencyLogEntry) { e.InclusionProof.Hashes[0] = e.InclusionProof.Hashes[0][1:] }, logs, "hash 0 is 31 bytes"},
		{"root hash changed", func(e *protorekor.TransparencyLogEntry) { e.InclusionProof.RootHash[0] ^= 1 }, logs, "inclusion proof leads to root hash"},
		{"proof index out of range", func(e *protorekor.TransparencyLogEntry) { e.InclusionProof.LogIndex = e.InclusionProof.TreeSize }, logs, "out of range"},
		{"checkpoint signature flipped", func(e *protorekor.TransparencyLogEntry) {
			e.InclusionProof.Checkpoint.Envelope = resignCheckpoint(t, e.InclusionProof.Checkpoint.Envelope, func(b []byte) []byte {
				b[len(b)-1] ^= 1
				return b
			})
		}, logs, "checkpoint: signature invalid"},
		{"checkpoint naming another size", func(e *protorekor.TransparencyLogEntry) {
			e.InclusionProof.Checkpoint.Envelope = strings.Replace(e.InclusionProof.Checkpoint.Envelope, "\n31550402\n", "\n31550403\n", 1)
		}, logs, "checkpoint: signature invalid"},
		{"checkpoint by another key", func(e *protorekor.TransparencyLogEntry) {
			e.InclusionProof.Checkpoint.Envelope = resignCheckpoint(t, e.InclusionProof.Checkpoint.Envelope, func(b []byte) []byte {
				b[0] ^= 1
				return b
			})
		}, logs, "is not the log's"},
		{"checkpoint missing", func(e *protorekor.TransparencyLogEntry) { e.InclusionProof.Checkpoint = nil }, logs, "checkpoint: missing"},
		{"unknown log ID", func(e *protorekor.TransparencyLogEntry) { e.LogId.KeyId[0] ^= 1 }, logs, "unknown log ID"},
		{"no log ID", func(e *protorekor.TransparencyLogEntry) { e.LogId = nil }, logs, "unknown log ID"},
		{"log ended before", nil, withLog(logs, func(l *root.TransparencyLog) {
			l.ValidityPeriodEnd = integrated.Add(-time.Second)
		}), "was not valid at the integrated time 2024-12-04T23:14:01Z"},
		{"log started after", nil, withLog(logs, func(l *root.TransparencyLog) {
			l.ValidityPeriodStart = integrated.Add(time.Second)
		}), "was not valid at the integrated time"},
		{"no logs", nil, nil, "unknown log ID"},
		{"missing promise", func(e *protorekor.TransparencyLogEntry) { e.InclusionPromise = nil }, logs, "no inclusion promise"},
		{"missing proof", func(e *protorekor.TransparencyLogEntry) { e.InclusionProof = nil }, logs, "no inclusion proof"},
		{"missing both", func(e *protorekor.TransparencyLogEntry) { e.InclusionPromise, e.InclusionProof = nil, nil }, logs, "no inclusion promise (signed entry timestamp) and no inclusion proof"},
		{"no integrated time", func(e *protorekor.TransparencyLogEntry) { e.IntegratedTime = 0 }, logs, "integrated time 0 out of range"},
		{"huge log index", func(e *protorekor.TransparencyLogEntry) { e.LogIndex = 1 << 53 }, logs, "out of range"},
		{"empty body", func(e *protorekor.TransparencyLogEntry) { e.CanonicalizedBody = nil }, logs, "empty body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := realLogEntry(t)
			if tt.edit != nil {
				tt.edit(e)
			}
			got, err := verifyLogEntry(e, tt.logs)
			checkErr(t, err, tt.wantErr)
			if err == nil && !got.Equal(integrated) {
				t.Errorf("verifyLogEntry = %v, want %v", got, integrated)
			}
		})
	}
	if _, err := verifyLogEntry(nil, logs); err == nil {
		t.Error("verifyLogEntry(nil) succeeded")
	}
}

// testLog is a Rekor v1 log of n made-up entries, whose shard starts at
// global index shardStart.
type testLog struct {
	key    crypto.Signer
	id     []byte
	tree   *testonly.Tree
	bodies [][]byte
	logs   map[string]*root.TransparencyLog
}

const shardStart = 1000

func newTestLog(t *testing.T, key crypto.Signer, n int) *testLog {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	id := sha256.Sum256(der)
	l := &testLog{key: key, id: id[:], tree: testonly.New(rfc6962.DefaultHasher)}
	l.logs = map[string]*root.TransparencyLog{hex.EncodeToString(id[:]): {
		ID:                  id[:],
		ValidityPeriodStart: time.Unix(1600000000, 0),
		HashFunc:            crypto.SHA256,
		PublicKey:           key.Public(),
		SignatureHashFunc:   crypto.SHA256,
	}}
	for i := range n {
		body := fmt.Appendf(nil, `{"apiVersion":"0.0.1","kind":"dsse","spec":{"n":%d}}`, i)
		l.bodies = append(l.bodies, body)
		l.tree.AppendData(body)
	}
	return l
}

// sign signs msg as Rekor does: Ed25519 over msg, others over SHA-256.
func (l *testLog) sign(t *testing.T, msg []byte) []byte {
	t.Helper()
	var sig []byte
	var err error
	if _, ok := l.key.(ed25519.PrivateKey); ok {
		sig, err = l.key.Sign(rand.Reader, msg, crypto.Hash(0))
	} else {
		d := sha256.Sum256(msg)
		sig, err = l.key.Sign(rand.Reader, d[:], crypto.SHA256)
	}
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// checkpoint is a signed note for size and rootHash, signed by signers
// (the log itself when none is given).
func (l *testLog) checkpoint(t *testing.T, size uint64, rootHash []byte, extra string, signers ...*testLog) string {
	t.Helper()
	text := fmt.Sprintf("rekor.test - 42\n%d\n%s\n%s", size, base64.StdEncoding.EncodeToString(rootHash), extra)
	if len(signers) == 0 {
		signers = []*testLog{l}
	}
	note := text + "\n"
	for _, s := range signers {
		der, err := x509.MarshalPKIXPublicKey(s.key.Public())
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(der)
		note += "\u2014 rekor.test " + base64.StdEncoding.EncodeToString(append(h[:4:4], s.sign(t, []byte(text))...)) + "\n"
	}
	return note
}

// entry returns entry i with a proof against the tree of size entries.
func (l *testLog) entry(t *testing.T, i, size int) *protorekor.TransparencyLogEntry {
	t.Helper()
	integrated := time.Now().Unix()
	payload, err := json.Marshal(struct {
		Body           string `json:"body"`
		IntegratedTime int64  `json:"integratedTime"`
		LogID          string `json:"logID"`
		LogIndex       int64  `json:"logIndex"`
	}{base64.StdEncoding.EncodeToString(l.bodies[i]), integrated, hex.EncodeToString(l.id), int64(shardStart + i)})
	if err != nil {
		t.Fatal(err)
	}
	hashes, err := l.tree.InclusionProof(uint64(i), uint64(size))
	if err != nil {
		t.Fatal(err)
	}
	rootHash := l.tree.HashAt(uint64(size))
	return &protorekor.TransparencyLogEntry{
		LogIndex:          int64(shardStart + i),
		LogId:             &protocommon.LogId{KeyId: l.id},
		KindVersion:       &protorekor.KindVersion{Kind: "dsse", Version: "0.0.1"},
		IntegratedTime:    integrated,
		InclusionPromise:  &protorekor.InclusionPromise{SignedEntryTimestamp: l.sign(t, payload)},
		CanonicalizedBody: l.bodies[i],
		InclusionProof: &protorekor.InclusionProof{
			LogIndex:   int64(i),
			RootHash:   rootHash,
			TreeSize:   int64(size),
			Hashes:     hashes,
			Checkpoint: &protorekor.Checkpoint{Envelope: l.checkpoint(t, uint64(size), rootHash, "")},
		},
	}
}

func testLogKeys(t *testing.T) map[string]crypto.Signer {
	t.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]crypto.Signer{"ECDSA": ec, "Ed25519": ed, "RSA": rs}
}

func TestVerifyLogEntryEveryLeaf(t *testing.T) {
	const n = 7
	for name, key := range testLogKeys(t) {
		l := newTestLog(t, key, n)
		for size := 1; size <= n; size++ {
			for i := range size {
				t.Run(fmt.Sprintf("%s/%d-of-%d", name, i, size), func(t *testing.T) {
					e := l.entry(t, i, size)
					got, err := verifyLogEntry(e, l.logs)
					if err != nil {
						t.Fatal(err)
					}
					if got.Unix() != e.IntegratedTime {
						t.Errorf("verifyLogEntry = %v, want %d", got, e.IntegratedTime)
					}
				})
			}
		}
	}
}

func TestVerifyLogEntrySynthetic(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	l := newTestLog(t, key, 7)
	other := newTestLog(t, testLogKeys(t)["Ed25519"], 7)
	full := l.tree.HashAt(7)
	tests := []struct {
		name    string
		edit    func(e *protorekor.TransparencyLogEntry)
		wantErr string
	}{
		{"valid", nil, ""},
		{"checkpoint with other content", func(e *protorekor.TransparencyLogEntry) {
			e.InclusionProof.Checkpoint.Envelope = l.checkpoint(t, 7, full, "Timestamp: 1733354041\n")
		}, ""},
		// PyPI (sigstore-python) wants every signature to be the log's.
		{"checkpoint cosigned", func(e *protorekor.TransparencyLogEntry) {
			e.InclusionProof.Checkpoint.Envelope = l.checkpoint(t, 7, full, "", other, l)
		}, "is not the log's"},
		{"checkpoint by another log", func(e *protorekor.TransparencyLogEntry) {
			e.InclusionProof.Checkpoint.Envelope = l.checkpoint(t, 7, full, "", other)
		}, "is not the log's"},
		{"checkpoint naming another size", func(e *protorekor.TransparencyLogEntry) {
			e.InclusionProof.Checkpoint.Envelope = l.checkpoint(t, 8, full, "")
		}, "checkpoint is for tree size 8, the proof for 7"},
		{"checkpoint naming another root", func(e *protorekor.TransparencyLogEntry) {
			e.InclusionProof.Checkpoint.Envelope = l.checkpoint(t, 7, l.tree.HashAt(6), "")
		}, "checkpoint root hash"},
		{"proof for another leaf", func(e *protorekor.TransparencyLogEntry) {
			e.InclusionProof.Hashes = l.entry(t, 4, 7).InclusionProof.Hashes
		}, "inclusion proof leads to root hash"},
		{"body of another leaf", func(e *protorekor.TransparencyLogEntry) {
			e.CanonicalizedBody = l.bodies[4]
		}, "signed entry timestamp"},
		{"SET by another log", func(e *protorekor.TransparencyLogEntry) {
			e.InclusionPromise = other.entry(t, 3, 7).InclusionPromise
		}, "signed entry timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := l.entry(t, 3, 7)
			if tt.edit != nil {
				tt.edit(e)
			}
			_, err := verifyLogEntry(e, l.logs)
			checkErr(t, err, tt.wantErr)
		})
	}
}

func TestVerifyCheckpointRejects(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	l := newTestLog(t, key, 1)
	log := l.logs[hex.EncodeToString(l.id)]
	rootHash := l.tree.HashAt(1)
	good := l.checkpoint(t, 1, rootHash, "")
	body, sigLine, _ := strings.Cut(good, "\n\n")
	body += "\n"
	// signed returns a note for text signed by the log, checkpoint or not.
	signed := func(text string) string {
		der, _ := x509.MarshalPKIXPublicKey(key.Public())
		h := sha256.Sum256(der)
		return text + "\n\u2014 rekor.test " + base64.StdEncoding.EncodeToString(append(h[:4:4], l.sign(t, []byte(text))...)) + "\n"
	}
	b64root := base64.StdEncoding.EncodeToString(rootHash)
	tests := []struct {
		name    string
		note    string
		wantErr string
	}{
		{"valid", good, ""},
		{"empty", "", "missing"},
		{"no blank line", body + sigLine, "no signature block"},
		{"no final newline", strings.TrimSuffix(good, "\n"), "malformed signature block"},
		{"nothing after blank line", body + "\n", "malformed signature block"},
		{"ASCII dash", body + "\n- rekor.test " + sigLine[len("\u2014 rekor.test "):], "line 1 is malformed"},
		{"no name", body + "\n\u2014  " + sigLine[len("\u2014 rekor.test "):], "line 1 is malformed"},
		{"three fields", body + "\n" + strings.TrimSuffix(sigLine, "\n") + " x\n", "line 1 is malformed"},
		{"bad base64", body + "\n\u2014 rekor.test !!!!\n", "line 1 is malformed"},
		{"hint only", body + "\n\u2014 rekor.test AAAAAA==\n", "line 1 is malformed"},
		{"too many signatures", body + "\n" + strings.Repeat(sigLine, maxNoteSignatures+1), "more than 100"},
		{"too large", body + strings.Repeat("x", maxCheckpoint) + "\n\n" + sigLine, "larger than"},
		{"not UTF-8", signed("rekor.test\xff\n1\n" + b64root + "\n"), "not UTF-8"},
		{"carriage return", signed("rekor.test\r\n1\n" + b64root + "\n"), "control character"},
		{"two lines", signed("rekor.test\n1\n"), "fewer than 3 lines"},
		{"empty line in text", signed("rekor.test\n\n1\n" + b64root + "\n"), "line 2 is empty"},
		{"size with leading zero", signed("rekor.test\n01\n" + b64root + "\n"), "not a decimal number"},
		{"size with sign", signed("rekor.test\n+1\n" + b64root + "\n"), "not a decimal number"},
		{"size overflows", signed("rekor.test\n18446744073709551616\n" + b64root + "\n"), "not a decimal number"},
		{"short root hash", signed("rekor.test\n1\n" + base64.StdEncoding.EncodeToString(rootHash[1:]) + "\n"), "not a base64 SHA-256 hash"},
		{"unpadded root hash", signed("rekor.test\n1\n" + strings.TrimRight(b64root, "=") + "\n"), "not a base64 SHA-256 hash"},
		{"signature of other text", body + "\n" + strings.SplitAfter(signed("other\n1\n"+b64root+"\n"), "\n\n")[1], "signature invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size, got, err := verifyCheckpoint(tt.note, log)
			checkErr(t, err, tt.wantErr)
			if err == nil && (size != 1 || string(got) != string(rootHash)) {
				t.Errorf("verifyCheckpoint = %d, %x; want 1, %x", size, got, rootHash)
			}
		})
	}
}

func FuzzCheckpoint(f *testing.F) {
	e := realLogEntry(f)
	log := loadRealRoot(f).RekorLogs()[hex.EncodeToString(e.LogId.KeyId)]
	real := e.InclusionProof.Checkpoint.Envelope
	f.Add(real)
	f.Add(strings.Replace(real, "\n\n", "\nTimestamp: 1\n\n", 1))
	f.Add("a\n1\n" + base64.StdEncoding.EncodeToString(make([]byte, 32)) + "\n\n\u2014 a AAAAAAA=\n")
	wantSize, wantRoot := uint64(e.InclusionProof.TreeSize), e.InclusionProof.RootHash
	f.Fuzz(func(t *testing.T, note string) {
		size, rootHash, err := verifyCheckpoint(note, log)
		if err != nil {
			return
		}
		// Only the log can sign, so anything accepted says what the
		// real checkpoint says.
		if size != wantSize || string(rootHash) != string(wantRoot) {
			t.Fatalf("accepted a checkpoint for %d, %x", size, rootHash)
		}
	})
}

// The checkpoint's key hint is the first 4 bytes of SHA-256 of the PKIX
// key, big-endian: check against the real one so the test helpers above
// and the code agree with Rekor, not just with each other.
func TestCheckpointKeyHintProduction(t *testing.T) {
	e := realLogEntry(t)
	log := loadRealRoot(t).RekorLogs()[hex.EncodeToString(e.LogId.KeyId)]
	_, sigs, err := parseSignedNote(e.InclusionProof.Checkpoint.Envelope)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(log.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(der)
	if len(sigs) != 1 || sigs[0].keyHint != binary.BigEndian.Uint32(h[:]) || sigs[0].name != "rekor.sigstore.dev" {
		t.Fatalf("signatures = %+v, want one by rekor.sigstore.dev with hint %x", sigs, h[:4])
	}
}

// TestVerifyLogSignatureECDSAKeys: a well-formed signature checked
// against keys a hand-made trust root could hold is refused with an
// error, never a panic, and accepted only with the signer's key.
func TestVerifyLogSignatureECDSAKeys(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("checkpoint")
	d := sha256.Sum256(msg)
	sig, err := ecdsa.SignASN1(rand.Reader, key, d[:])
	if err != nil {
		t.Fatal(err)
	}
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		pub  *ecdsa.PublicKey
		ok   bool
	}{
		{"signer's key", &key.PublicKey, true},
		{"another key", &other.PublicKey, false},
		{"nil key", nil, false},
		{"zero key", &ecdsa.PublicKey{}, false},
		{"curve without a point", &ecdsa.PublicKey{Curve: elliptic.P256()}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := verifyLogSignature(tc.pub, crypto.SHA256, msg, sig)
			if tc.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "invalid ECDSA signature")) {
				t.Fatalf("got %v, want an invalid ECDSA signature error", err)
			}
		})
	}
}
