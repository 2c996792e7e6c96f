package oidctest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"sync"
)

// processKey is shared by every Issuer: RSA key generation takes long
// enough to matter across hundreds of tests, and no test needs two keys
// from one issuer.
var processKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("oidctest: generating an RSA key: " + err.Error())
	}
	return k
})

var b64 = base64.RawURLEncoding

// jwk is an RSA public key as JWKS publishes it.
type jwk struct {
	Kty string `json:"kty"`
	Alg string `json:"alg,omitempty"`
	Use string `json:"use,omitempty"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

func publicJWK(pub *rsa.PublicKey, kid string) jwk {
	return jwk{
		Kty: "RSA", Alg: "RS256", Use: "sig", Kid: kid,
		N: b64.EncodeToString(pub.N.Bytes()),
		E: b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}
}

// thumbprint is the RFC 7638 thumbprint of pub, a stable key ID.
func thumbprint(pub *rsa.PublicKey) string {
	j := publicJWK(pub, "")
	// RFC 7638 fixes the members and their (lexical) order.
	canon := `{"e":"` + j.E + `","kty":"RSA","n":"` + j.N + `"}`
	sum := sha256.Sum256([]byte(canon))
	return b64.EncodeToString(sum[:])
}

// rsaKey turns a JWKS entry back into a public key; nil when it is not a
// usable RSA key.
func (j jwk) rsaKey() *rsa.PublicKey {
	if j.Kty != "RSA" {
		return nil
	}
	n, err1 := b64.DecodeString(j.N)
	e, err2 := b64.DecodeString(j.E)
	if err1 != nil || err2 != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 {
		return nil
	}
	exp := new(big.Int).SetBytes(e)
	if !exp.IsInt64() || exp.Int64() < 3 {
		return nil
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp.Int64())}
}

// sign makes a compact JWS of header and claims with key (RS256).
func sign(key *rsa.PrivateKey, header, claims map[string]any) string {
	h, err := json.Marshal(header)
	if err != nil {
		panic("oidctest: header: " + err.Error())
	}
	c, err := json.Marshal(claims)
	if err != nil {
		panic("oidctest: claims: " + err.Error())
	}
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		panic("oidctest: signing: " + err.Error())
	}
	return input + "." + b64.EncodeToString(sig)
}
