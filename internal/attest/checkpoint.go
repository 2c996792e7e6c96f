package attest

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// Bounds on a checkpoint, which comes from the attestation, untrusted.
// Rekor's are about 250 bytes with one signature.
const (
	maxCheckpoint     = 16 << 10
	maxNoteSignatures = 100
)

// noteSignature is one signature line of a signed note.
type noteSignature struct {
	name    string
	keyHint uint32 // first 4 bytes of SHA-256 of the signer's PKIX key
	sig     []byte
}

// verifyCheckpoint checks a Rekor v1 checkpoint, a signed note whose
// text is "<origin>\n<tree size>\n<base64 root hash>\n[other lines]",
// and returns the tree size and root hash it states. It has at least
// one signature line, and every one must be log's and verify.
func verifyCheckpoint(envelope string, log *root.TransparencyLog) (size uint64, rootHash []byte, err error) {
	if envelope == "" {
		return 0, nil, errors.New("missing")
	}
	text, sigs, err := parseSignedNote(envelope)
	if err != nil {
		return 0, nil, err
	}
	size, rootHash, err = parseCheckpointText(text)
	if err != nil {
		return 0, nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(log.PublicKey)
	if err != nil {
		return 0, nil, fmt.Errorf("log key: %w", err)
	}
	h := sha256.Sum256(der)
	hint := binary.BigEndian.Uint32(h[:4])
	// As sigstore-python (PyPI) does: every signature line must be the
	// log's, and verify. Rekor v1 signs its checkpoints alone, so a
	// second signer is not something PyPI would accept either.
	for _, s := range sigs {
		if s.keyHint != hint {
			return 0, nil, fmt.Errorf("signature by %q (key hint %08x) is not the log's (hint %08x)", s.name, s.keyHint, hint)
		}
		// Rekor v1 signs the SHA-256 of the text whatever the trust
		// root says about the log's signature hash.
		if err := verifyLogSignature(log.PublicKey, crypto.SHA256, []byte(text), s.sig); err != nil {
			return 0, nil, fmt.Errorf("signature invalid: %w", err)
		}
	}
	return size, rootHash, nil
}

// parseSignedNote splits a signed note into its text, which ends with a
// newline, and its signature lines "— <name> <base64(hint || sig)>",
// which follow a blank line.
func parseSignedNote(note string) (text string, sigs []noteSignature, err error) {
	if len(note) > maxCheckpoint {
		return "", nil, fmt.Errorf("note of %d bytes is larger than %d", len(note), maxCheckpoint)
	}
	if !utf8.ValidString(note) {
		return "", nil, errors.New("note is not UTF-8")
	}
	for _, r := range note {
		if r < 0x20 && r != '\n' || r == 0x7f {
			return "", nil, fmt.Errorf("note contains control character %U", r)
		}
	}
	split := strings.LastIndex(note, "\n\n")
	if split < 0 {
		return "", nil, errors.New("note has no signature block")
	}
	text, block := note[:split+1], note[split+2:]
	if block == "" || !strings.HasSuffix(block, "\n") {
		return "", nil, errors.New("note has a malformed signature block")
	}
	lines := strings.Split(block[:len(block)-1], "\n")
	if len(lines) > maxNoteSignatures {
		return "", nil, fmt.Errorf("note has %d signatures, more than %d", len(lines), maxNoteSignatures)
	}
	for i, line := range lines {
		rest, ok := strings.CutPrefix(line, "\u2014 ")
		name, b64, ok2 := strings.Cut(rest, " ")
		if !ok || !ok2 || name == "" || b64 == "" || strings.Contains(b64, " ") {
			return "", nil, fmt.Errorf("note signature line %d is malformed", i+1)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) < 5 {
			return "", nil, fmt.Errorf("note signature line %d is malformed", i+1)
		}
		sigs = append(sigs, noteSignature{name: name, keyHint: binary.BigEndian.Uint32(raw), sig: raw[4:]})
	}
	return text, sigs, nil
}

// parseCheckpointText reads the tree size and root hash from the text
// of a checkpoint.
func parseCheckpointText(text string) (size uint64, rootHash []byte, err error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return 0, nil, errors.New("checkpoint has fewer than 3 lines")
	}
	for i, l := range lines {
		if l == "" {
			return 0, nil, fmt.Errorf("checkpoint line %d is empty", i+1)
		}
	}
	// ParseUint would take leading zeros; a signed size has one spelling.
	s := lines[1]
	if s[0] < '0' || s[0] > '9' || s[0] == '0' && len(s) > 1 {
		return 0, nil, fmt.Errorf("checkpoint tree size %q is not a decimal number", s)
	}
	size, err = strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("checkpoint tree size %q is not a decimal number", s)
	}
	rootHash, err = base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(rootHash) != sha256.Size {
		return 0, nil, fmt.Errorf("checkpoint root hash %q is not a base64 SHA-256 hash", lines[2])
	}
	return size, rootHash, nil
}
