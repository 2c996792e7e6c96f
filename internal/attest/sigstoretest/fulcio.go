package sigstoretest

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// Fulcio's v2 signing request and response, the parts sigstore-go uses.
type signingRequest struct {
	PublicKeyRequest struct {
		PublicKey struct {
			Algorithm string `json:"algorithm"`
			Content   string `json:"content"`
		} `json:"publicKey"`
		ProofOfPossession string `json:"proofOfPossession"`
	} `json:"publicKeyRequest"`
}

type chainResponse struct {
	SignedCertificateEmbeddedSct struct {
		Chain struct {
			Certificates []string `json:"certificates"`
		} `json:"chain"`
	} `json:"signedCertificateEmbeddedSct"`
}

func (s *Sigstore) serveSigningCert(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "POST only")
		return
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		writeError(w, http.StatusUnauthorized, "missing bearer token")
		return
	}
	s.mu.Lock()
	verifyToken, lifetime := s.verifyToken, s.lifetime
	s.mu.Unlock()
	if verifyToken == nil {
		verifyToken = unverifiedClaims
	}
	claims, err := verifyToken(token)
	if err != nil {
		writeError(w, http.StatusUnauthorized, "invalid identity token: "+err.Error())
		return
	}
	var req signingRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "malformed request: "+err.Error())
		return
	}
	pub, err := parsePublicKey(req.PublicKeyRequest.PublicKey.Content)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := checkPossession(pub, claims, req.PublicKeyRequest.ProofOfPossession); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	leaf, err := s.ca.issue(pub, claims, lifetime)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	s.certificates++
	s.mu.Unlock()
	var resp chainResponse
	for _, der := range [][]byte{leaf, s.ca.intermediate.Raw, s.ca.root.Raw} {
		resp.SignedCertificateEmbeddedSct.Chain.Certificates = append(resp.SignedCertificateEmbeddedSct.Chain.Certificates,
			string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	}
	writeJSON(w, http.StatusOK, resp)
}

// unverifiedClaims reads a JWT's claims without checking its signature
// and requires aud to be Audience.
func unverifiedClaims(token string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	switch aud := claims["aud"].(type) {
	case string:
		if aud == Audience {
			return claims, nil
		}
	case []any:
		if slices.Contains(aud, any(Audience)) {
			return claims, nil
		}
	}
	return nil, fmt.Errorf("audience %v is not %q", claims["aud"], Audience)
}

func parsePublicKey(content string) (*ecdsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(content))
	if block == nil {
		return nil, errors.New("public key is not PEM")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	ec, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("unsupported public key type %T", pub)
	}
	return ec, nil
}

// checkPossession verifies the signature over the token's subject (its
// email, if it has one) that proves the client holds the private key.
func checkPossession(pub *ecdsa.PublicKey, claims map[string]any, proof string) error {
	subject, _ := claims["email"].(string)
	if subject == "" {
		subject, _ = claims["sub"].(string)
	}
	sig, err := base64.StdEncoding.DecodeString(proof)
	if err != nil {
		return fmt.Errorf("proof of possession: %w", err)
	}
	digest := sha256.Sum256([]byte(subject))
	if !ecdsa.VerifyASN1(pub, digest[:], sig) {
		return errors.New("proof of possession: signature does not verify")
	}
	return nil
}
