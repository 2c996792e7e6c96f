package sigstoretest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-openapi/runtime"
	"github.com/sigstore/rekor/pkg/generated/models"
	"github.com/sigstore/rekor/pkg/types"
	"github.com/sigstore/rekor/pkg/util"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore/pkg/signature"

	// Registers the dsse kind with Rekor's type registry.
	_ "github.com/sigstore/rekor/pkg/types/dsse/v0.0.1"
)

// treeID appears in checkpoints as "<origin> - <treeID>", the shape
// verifiers use to recognise a Rekor v1 signed tree head.
const (
	treeID = 1193050959916656506
	origin = "rekor.sigstoretest"
)

// transparencyLog is a Rekor v1 log in memory.
type transparencyLog struct {
	key       *ecdsa.PrivateKey
	signer    signature.Signer
	logID     []byte // SHA-256 of the PKIX public key
	notBefore time.Time

	mu      sync.Mutex
	leaves  [][]byte         // leaf hashes, in log order
	entries map[string]entry // by UUID (hex leaf hash)
}

type entry struct {
	body           []byte // canonicalized
	integratedTime int64
	index          int64
	set            []byte
}

func newTransparencyLog() (*transparencyLog, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	signer, err := signature.LoadECDSASignerVerifier(key, crypto.SHA256)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	id := sha256.Sum256(der)
	return &transparencyLog{
		key: key, signer: signer, logID: id[:],
		notBefore: time.Now().Add(-time.Hour),
		entries:   map[string]entry{},
	}, nil
}

func (l *transparencyLog) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.leaves)
}

func (l *transparencyLog) trustedLogs(base string) map[string]*root.TransparencyLog {
	return map[string]*root.TransparencyLog{
		hex.EncodeToString(l.logID): {
			BaseURL:             base,
			ID:                  l.logID,
			ValidityPeriodStart: l.notBefore,
			HashFunc:            crypto.SHA256,
			PublicKey:           &l.key.PublicKey,
			SignatureHashFunc:   crypto.SHA256,
		},
	}
}

// serveCreate logs a proposed entry, after checking it the way Rekor
// does: a known kind whose signatures verify with the given key or
// certificate. A duplicate gets 409 with the existing entry's location.
func (l *transparencyLog) serveCreate(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "POST only")
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	pe, err := models.UnmarshalProposedEntry(bytes.NewReader(raw), runtime.JSONConsumer())
	if err != nil {
		writeError(w, http.StatusBadRequest, "unmarshalling proposed entry: "+err.Error())
		return
	}
	impl, err := types.CreateVersionedEntry(pe)
	if err != nil {
		writeError(w, http.StatusBadRequest, "validating entry: "+err.Error())
		return
	}
	body, err := types.CanonicalizeEntry(r.Context(), impl)
	if err != nil {
		writeError(w, http.StatusBadRequest, "canonicalizing entry: "+err.Error())
		return
	}
	uuid, e, fresh, err := l.append(body)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	location := "/api/v1/log/entries/" + uuid
	w.Header().Set("Location", location)
	if !fresh {
		writeError(w, http.StatusConflict, "an equivalent entry already exists in the transparency log with UUID "+uuid)
		return
	}
	l.answer(w, r, http.StatusCreated, uuid, e)
}

func (l *transparencyLog) serveGet(w http.ResponseWriter, r *http.Request) {
	uuid := strings.TrimPrefix(r.URL.Path, "/api/v1/log/entries/")
	if len(uuid) > 64 {
		uuid = uuid[len(uuid)-64:] // drop a tree ID prefix
	}
	l.mu.Lock()
	e, ok := l.entries[uuid]
	l.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "entry not found")
		return
	}
	l.answer(w, r, http.StatusOK, uuid, e)
}

// append adds body to the log unless it is there already.
func (l *transparencyLog) append(body []byte) (uuid string, e entry, fresh bool, err error) {
	leaf := leafHash(body)
	uuid = hex.EncodeToString(leaf)
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.entries[uuid]; ok {
		return uuid, e, false, nil
	}
	e = entry{body: body, integratedTime: time.Now().Unix(), index: int64(len(l.leaves))}
	// The signed entry timestamp signs the RFC 8785 form of these four
	// fields; with sorted keys, no floats and plain ASCII strings, Go's
	// compact JSON is that form.
	payload, err := json.Marshal(struct {
		Body           string `json:"body"`
		IntegratedTime int64  `json:"integratedTime"`
		LogID          string `json:"logID"`
		LogIndex       int64  `json:"logIndex"`
	}{base64.StdEncoding.EncodeToString(body), e.integratedTime, hex.EncodeToString(l.logID), e.index})
	if err != nil {
		return "", entry{}, false, err
	}
	if e.set, err = l.signer.SignMessage(bytes.NewReader(payload)); err != nil {
		return "", entry{}, false, err
	}
	l.leaves = append(l.leaves, leaf)
	l.entries[uuid] = e
	return uuid, e, true, nil
}

// answer writes e as Rekor does: a map from UUID to the entry, with the
// UUID also in ETag, and an inclusion proof against the current tree.
func (l *transparencyLog) answer(w http.ResponseWriter, r *http.Request, status int, uuid string, e entry) {
	l.mu.Lock()
	leaves := append([][]byte(nil), l.leaves...)
	l.mu.Unlock()
	rootHash := treeHash(leaves)
	checkpoint, err := util.CreateAndSignCheckpoint(r.Context(), origin, treeID, uint64(len(leaves)), rootHash, l.signer)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	var hashes []string
	for _, h := range inclusionPath(int(e.index), leaves) {
		hashes = append(hashes, hex.EncodeToString(h))
	}
	size, index := int64(len(leaves)), e.index
	rootHex, cp, logID := hex.EncodeToString(rootHash), string(checkpoint), hex.EncodeToString(l.logID)
	integrated := e.integratedTime
	anon := models.LogEntryAnon{
		Body:           base64.StdEncoding.EncodeToString(e.body),
		IntegratedTime: &integrated,
		LogID:          &logID,
		LogIndex:       &index,
		Verification: &models.LogEntryAnonVerification{
			InclusionProof: &models.InclusionProof{
				Checkpoint: &cp,
				Hashes:     hashes,
				LogIndex:   &index,
				RootHash:   &rootHex,
				TreeSize:   &size,
			},
			SignedEntryTimestamp: e.set,
		},
	}
	w.Header().Set("ETag", uuid)
	writeJSON(w, status, map[string]models.LogEntryAnon{uuid: anon})
}

// RFC 6962 Merkle tree hashing.

func leafHash(data []byte) []byte {
	h := sha256.Sum256(append([]byte{0}, data...))
	return h[:]
}

func nodeHash(left, right []byte) []byte {
	h := sha256.New()
	h.Write([]byte{1})
	h.Write(left)
	h.Write(right)
	return h.Sum(nil)
}

// split is the largest power of two below n (n > 1).
func split(n int) int {
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

// treeHash is MTH over leaf hashes.
func treeHash(leaves [][]byte) []byte {
	switch len(leaves) {
	case 0:
		h := sha256.Sum256(nil)
		return h[:]
	case 1:
		return leaves[0]
	}
	k := split(len(leaves))
	return nodeHash(treeHash(leaves[:k]), treeHash(leaves[k:]))
}

// inclusionPath is PATH(m, D[n]): the sibling hashes from leaf m up.
func inclusionPath(m int, leaves [][]byte) [][]byte {
	if len(leaves) <= 1 {
		return nil
	}
	k := split(len(leaves))
	if m < k {
		return append(inclusionPath(m, leaves[:k]), treeHash(leaves[k:]))
	}
	return append(inclusionPath(m-k, leaves[k:]), treeHash(leaves[:k]))
}
