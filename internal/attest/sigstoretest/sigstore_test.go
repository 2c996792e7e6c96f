package sigstoretest

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-openapi/runtime"
	httptransport "github.com/go-openapi/runtime/client"
	"github.com/go-openapi/strfmt"
	rekorclient "github.com/sigstore/rekor/pkg/generated/client"
	"github.com/sigstore/sigstore-go/pkg/sign"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

func TestInclusionPaths(t *testing.T) {
	var leaves [][]byte
	for n := 1; n <= 33; n++ {
		leaves = append(leaves, leafHash([]byte(fmt.Sprint(n))))
		root := treeHash(leaves)
		for m := range leaves {
			p := inclusionPath(m, leaves)
			if err := proof.VerifyInclusion(rfc6962.DefaultHasher, uint64(m), uint64(n), leaves[m], p, root); err != nil {
				t.Fatalf("leaf %d of %d: %v", m, n, err)
			}
		}
	}
}

// token is an unsigned JWT with the given claims, enough for the default
// token check.
func token(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(claims)) + "." + enc([]byte("sig"))
}

func newServer(t *testing.T) (*Sigstore, *httptest.Server) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.SetURL(srv.URL)
	return s, srv
}

func TestFulcioChecks(t *testing.T) {
	_, srv := newServer(t)
	key, err := sign.NewEphemeralKeypair(nil)
	if err != nil {
		t.Fatal(err)
	}
	fulcio := sign.NewFulcio(&sign.FulcioOptions{BaseURL: srv.URL})
	tests := []struct {
		name, token, wantErr string
	}{
		{"GitHub-like token", token(`{"iss":"https://issuer.example","aud":"sigstore","sub":"repo:o/r:ref:refs/heads/main","job_workflow_ref":"o/r/.github/workflows/w.yml@refs/heads/main","repository":"o/r"}`), ""},
		{"audience list", token(`{"iss":"https://issuer.example","aud":["x","sigstore"],"sub":"https://example.com/id"}`), ""},
		{"email", token(`{"iss":"https://issuer.example","aud":"sigstore","sub":"1","email":"a@example.com","email_verified":true}`), ""},
		{"wrong audience", token(`{"iss":"https://issuer.example","aud":"pypi","sub":"x"}`), "401"},
		{"no issuer", token(`{"aud":"sigstore","sub":"https://example.com/id"}`), "400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fulcio.GetCertificate(context.Background(), key, &sign.CertificateProviderOptions{IDToken: tt.token})
			if tt.wantErr == "" && err != nil {
				t.Fatalf("GetCertificate: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("GetCertificate = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

// A client whose proof of possession was made with another key is refused.
func TestFulcioProofOfPossession(t *testing.T) {
	_, srv := newServer(t)
	body := `{"publicKeyRequest":{"publicKey":{"algorithm":"ECDSA","content":"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwrkBbmLSGtks4L3qX6yYY0zufBnhC8Ur/iy55GhWP/9A/bY2LhC30M9+RYtw==\n-----END PUBLIC KEY-----\n"},"proofOfPossession":"MEUCIQDx"}}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v2/signingCert", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token(`{"iss":"https://i.example","aud":"sigstore","sub":"https://example.com/id"}`))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(msg), "proof of possession") {
		t.Fatalf("got %d %s, want 400 about the proof of possession", resp.StatusCode, msg)
	}
}

// Logging the same signature twice gets Rekor's 409, which sigstore-go
// resolves by fetching the existing entry.
func TestRekorDuplicate(t *testing.T) {
	s, srv := newServer(t)
	key, err := sign.NewEphemeralKeypair(nil)
	if err != nil {
		t.Fatal(err)
	}
	fulcio := sign.NewFulcio(&sign.FulcioOptions{BaseURL: srv.URL})
	tok := token(`{"iss":"https://issuer.example","aud":"sigstore","sub":"https://example.com/id"}`)
	cert, err := fulcio.GetCertificate(context.Background(), key, &sign.CertificateProviderOptions{IDToken: tok})
	if err != nil {
		t.Fatal(err)
	}
	content := &sign.DSSEData{Data: []byte(`{"_type":"x"}`), PayloadType: "application/vnd.in-toto+json"}
	b, err := sign.Bundle(content, key, sign.BundleOptions{CertificateProvider: fixed(cert)})
	if err != nil {
		t.Fatal(err)
	}
	rt := httptransport.NewWithClient(strings.TrimPrefix(srv.URL, "http://"), rekorclient.DefaultBasePath, []string{"http"}, srv.Client())
	rt.Consumers[runtime.JSONMime] = runtime.JSONConsumer()
	rt.Producers[runtime.JSONMime] = runtime.JSONProducer()
	rekor := sign.NewRekor(&sign.RekorOptions{BaseURL: srv.URL, Timeout: -1, Version: 1, Client: rekorclient.New(rt, strfmt.Default).Entries})
	pem := []byte("-----BEGIN CERTIFICATE-----\n" + base64.StdEncoding.EncodeToString(cert) + "\n-----END CERTIFICATE-----\n")
	for range 2 {
		if err := rekor.GetTransparencyLogEntry(context.Background(), pem, b); err != nil {
			t.Fatal(err)
		}
	}
	entries := b.GetVerificationMaterial().GetTlogEntries()
	if len(entries) != 2 || entries[0].GetLogIndex() != entries[1].GetLogIndex() {
		t.Fatalf("want the same entry twice, got %v", entries)
	}
	if s.Entries() != 1 {
		t.Fatalf("log holds %d entries, want 1", s.Entries())
	}
}

type fixed []byte

func (f fixed) GetCertificate(context.Context, sign.Keypair, *sign.CertificateProviderOptions) ([]byte, error) {
	return f, nil
}

func TestFailNextAndRoutes(t *testing.T) {
	s, srv := newServer(t)
	s.FailNext("/api/v1/", 2, http.StatusServiceUnavailable)
	for i, want := range []int{503, 503, 405, 404} {
		path := "/api/v1/log/entries"
		if i == 3 {
			path = "/nowhere"
		}
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("request %d: status %d, want %d", i, resp.StatusCode, want)
		}
	}
	data, err := s.TrustedRootJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), srv.URL) {
		t.Errorf("trusted root does not name %s:\n%s", srv.URL, data)
	}
}
