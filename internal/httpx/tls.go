package httpx

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
)

// TLSConfig builds the TLS configuration of every client from a CA
// bundle (--cert) and a client certificate (--client-cert); nil when
// neither is given, which keeps Go's defaults (the system's trust store,
// SSL_CERT_FILE and SSL_CERT_DIR).
//
// The bundle replaces the system's trust store rather than adding to it,
// as twine's --cert does (requests' verify=PATH, and curl's --cacert):
// the file says exactly whom the run trusts. A corporate TLS proxy's CA
// must then be in it along with whatever else the run reaches; a bundle
// that should add to the system's is the system's bundle with the CA
// appended.
func TLSConfig(caFile, clientCertFile string) (*tls.Config, error) {
	if caFile == "" && clientCertFile == "" {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("CA bundle: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA bundle %s: no PEM certificate in it", caFile)
		}
		c.RootCAs = pool
	}
	if clientCertFile != "" {
		// One file holds both, as twine's --client-cert does: the
		// certificate blocks are read from it, then its private key.
		cert, err := tls.LoadX509KeyPair(clientCertFile, clientCertFile)
		if err != nil {
			return nil, fmt.Errorf("client certificate %s (a PEM file with the certificate and its private key): %w", clientCertFile, err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}

// TLSError is a TLS failure a flag fixes: a server certificate this run
// does not trust, or a server that wants a client certificate. Its
// message says which flag.
type TLSError struct {
	Err error
	// Hint names the flag that fixes it.
	Hint string
}

func (e *TLSError) Error() string { return e.Err.Error() + " (" + e.Hint + ")" }
func (e *TLSError) Unwrap() error { return e.Err }

const (
	caHint = "if a private CA or a TLS-intercepting proxy signed this certificate, give its CA bundle with --cert FILE " +
		"(or TWINE_CERT, REQUESTS_CA_BUNDLE, SSL_CERT_FILE)"
	clientHint = "the server asks for a client certificate: give a PEM file with the certificate and its key with --client-cert FILE (or TWINE_CLIENT_CERT)"
)

// explainTLS wraps an x509 verification failure or a refused client
// certificate in a *TLSError; other errors pass unchanged.
func explainTLS(err error) error {
	if err == nil {
		return nil
	}
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &hostname):
		return &TLSError{Err: err, Hint: "the certificate is not for this host name: check the URL; " + caHint}
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return &TLSError{Err: err, Hint: "the server's certificate has expired or is not valid yet (check this machine's clock); " + caHint}
	case errors.As(err, &unknown), errors.As(err, &invalid), errors.As(err, &verify):
		return &TLSError{Err: err, Hint: caHint}
	}
	// A refused or missing client certificate reaches us only as the
	// server's alert (TLS 1.3: certificate_required; 1.2: bad_certificate).
	msg := err.Error()
	if strings.Contains(msg, "tls: certificate required") || strings.Contains(msg, "tls: bad certificate") ||
		strings.Contains(msg, "tls: unknown certificate authority") {
		return &TLSError{Err: err, Hint: clientHint}
	}
	return err
}

// tlsExplaining is the transport layer that explains TLS failures.
type tlsExplaining struct{ inner http.RoundTripper }

func (t *tlsExplaining) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.inner.RoundTrip(req)
	return resp, explainTLS(err)
}
