package attest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/pypi-publish/pypi-publish/oidc"
)

// maxAnswer bounds what is read of a Fulcio or Rekor answer. A
// certificate chain or a log entry with its proof is a few KiB.
const maxAnswer = 1 << 20

// fulcioClient asks Fulcio's v2 REST API for a code-signing certificate.
type fulcioClient struct {
	base string
	http *http.Client
}

// Fulcio's v2 signing request (POST /api/v2/signingCert); the token
// travels in the Authorization header, not in the body.
type fulcioRequest struct {
	PublicKeyRequest struct {
		PublicKey struct {
			Algorithm string `json:"algorithm"`
			Content   string `json:"content"`
		} `json:"publicKey"`
		ProofOfPossession []byte `json:"proofOfPossession"`
	} `json:"publicKeyRequest"`
}

// fulcioChain is a PEM certificate chain, leaf first.
type fulcioChain struct {
	Chain struct {
		Certificates []string `json:"certificates"`
	} `json:"chain"`
}

// Fulcio answers with the SCT embedded in the certificate when it has a
// CT log, and detached (in a header we do not use) otherwise.
type fulcioResponse struct {
	Embedded *fulcioChain `json:"signedCertificateEmbeddedSct"`
	Detached *fulcioChain `json:"signedCertificateDetachedSct"`
}

// newKey makes the ephemeral P-256 key that Fulcio certifies. It lives
// only in memory, for one certificate's lifetime.
func newKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

// certificate returns the DER leaf certificate Fulcio issues for key
// and token. The proof of possession is a signature over the token's
// subject (its email claim when it has one), as Fulcio requires.
func (f fulcioClient) certificate(ctx context.Context, token string, key *ecdsa.PrivateKey) ([]byte, error) {
	claims, err := oidc.UnverifiedClaims(token)
	if err != nil {
		return nil, err
	}
	subject := claims.Subject
	if claims.Email != "" {
		subject = claims.Email
	}
	if subject == "" {
		return nil, errors.New("the ID token has neither a sub nor an email claim for Fulcio's proof of possession")
	}
	digest := sha256.Sum256([]byte(subject))
	proof, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		return nil, fmt.Errorf("proof of possession: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, fmt.Errorf("encoding the public key: %w", err)
	}
	var req fulcioRequest
	req.PublicKeyRequest.PublicKey.Algorithm = "ECDSA"
	req.PublicKeyRequest.PublicKey.Content = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	req.PublicKeyRequest.ProofOfPossession = proof
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	status, answer, _, err := call(ctx, f.http, http.MethodPost, f.base+"/api/v2/signingCert", body, token)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		// Redacted before it is cut short: a server that echoes the
		// request could otherwise leave part of the token past the cut,
		// where stepError's whole-token redaction cannot find it.
		answer = bytes.ReplaceAll(answer, []byte(token), []byte("[redacted]"))
		return nil, fmt.Errorf("the Fulcio server returned %d %s: %s", status, http.StatusText(status), snippet(answer))
	}
	var resp fulcioResponse
	if err := json.Unmarshal(answer, &resp); err != nil {
		return nil, fmt.Errorf("unreadable Fulcio answer: %w", err)
	}
	chain := resp.Embedded
	if chain == nil {
		chain = resp.Detached
	}
	if chain == nil || len(chain.Chain.Certificates) == 0 {
		return nil, errors.New("the Fulcio answer holds no certificate")
	}
	block, _ := pem.Decode([]byte(chain.Chain.Certificates[0]))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("the Fulcio certificate is not PEM")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("unreadable certificate: %w", err)
	}
	if !samePublicKey(cert.PublicKey, key.Public()) {
		return nil, errors.New("the Fulcio certificate is for another key than ours")
	}
	return block.Bytes, nil
}

func samePublicKey(a, b crypto.PublicKey) bool {
	ka, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ka.Equal(b)
}

// call makes one JSON request and returns the status, at most maxAnswer
// bytes of the body (trimmed, for messages) and the Location header. A
// bearer token, if given, goes in the Authorization header. Retrying is
// the HTTP client's business: the body is a bytes.Reader, which it can
// replay. callTimeout bounds the call, retries included.
func call(ctx context.Context, hc *http.Client, method, url string, body []byte, bearer string) (int, []byte, string, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, "", err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return 0, nil, "", fmt.Errorf("%s %s: reading the answer: %w", method, url, err)
	}
	if len(answer) > maxAnswer {
		return 0, nil, "", fmt.Errorf("%s %s: answer larger than %d bytes (%s)", method, url, maxAnswer, resp.Status)
	}
	return resp.StatusCode, bytes.TrimSpace(answer), resp.Header.Get("Location"), nil
}

// snippet is the start of a server's answer, for an error message.
func snippet(answer []byte) string {
	const max = 4 << 10
	if len(answer) > max {
		return string(answer[:max]) + "…"
	}
	return string(answer)
}
