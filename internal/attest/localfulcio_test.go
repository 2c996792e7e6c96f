package attest

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/attest/sigstoretest"
	"github.com/pypi-publish/pypi-publish/internal/oidctest"
	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/sigstore/sigstore-go/pkg/root"
)

// TestRealFulcio signs through a real Fulcio (github.com/sigstore/fulcio,
// run with an ephemeral CA and no CT log) that verifies tokens from our
// fake GitHub issuer, with the fake Rekor v1, and verifies the result
// against a trust root made from that Fulcio's CA. It runs only when
// ATTEST_FULCIO names the fulcio binary: .ci/sigstore-local sets it.
func TestRealFulcio(t *testing.T) {
	bin := os.Getenv("ATTEST_FULCIO")
	if bin == "" {
		t.Skip("ATTEST_FULCIO is not set (see .ci/sigstore-local)")
	}
	start := time.Now()

	// The issuer must be up first: Fulcio reads its discovery document
	// when it starts.
	issuer := oidctest.NewIssuer()
	issSrv := httptest.NewServer(issuer)
	defer issSrv.Close()
	issuer.SetURL(issSrv.URL)

	dir := t.TempDir()
	config := map[string]any{"OIDCIssuers": map[string]any{
		issSrv.URL: map[string]any{"IssuerURL": issSrv.URL, "ClientID": sigstoretest.Audience, "Type": "github-workflow"},
	}}
	data, _ := json.Marshal(config)
	configPath := filepath.Join(dir, "config.json")
	if err := os.WriteFile(configPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ports := freePorts(t, 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve",
		"--ca", "ephemeralca", "--ct-log-url", "", "--config-path", configPath,
		"--host", "127.0.0.1", "--port", ports[0],
		"--grpc-host", "127.0.0.1", "--grpc-port", ports[1],
		"--metrics-port", ports[2],
		"--legacy-unix-domain-socket", fmt.Sprintf("@attest-fulcio-%d", os.Getpid()))
	logPath := filepath.Join(dir, "fulcio.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			out, _ := os.ReadFile(logPath)
			t.Logf("fulcio log:\n%s", out)
		}
	}()
	fulcioURL := "http://127.0.0.1:" + ports[0]
	chain := waitForTrustBundle(t, fulcioURL)
	t.Logf("fulcio up after %s", time.Since(start).Round(time.Millisecond))

	rekor, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	rekorSrv := httptest.NewServer(rekor)
	defer rekorSrv.Close()
	rekor.SetURL(rekorSrv.URL)
	fake, err := rekor.TrustedRoot()
	if err != nil {
		t.Fatal(err)
	}
	ca := &root.FulcioCertificateAuthority{
		Root:                chain[len(chain)-1],
		Intermediates:       chain[:len(chain)-1],
		ValidityPeriodStart: chain[len(chain)-1].NotBefore,
		URI:                 fulcioURL,
	}
	trusted, err := root.NewTrustedRoot(root.TrustedRootMediaType01,
		[]root.CertificateAuthority{ca}, map[string]*root.TransparencyLog{}, nil, fake.RekorLogs())
	if err != nil {
		t.Fatal(err)
	}

	s := &Signer{
		FulcioURL: fulcioURL,
		RekorURL:  rekorSrv.URL,
		IDToken: func(context.Context) (string, error) {
			return issuer.Mint(sigstoretest.Audience, nil), nil
		},
		TrustedRoot: trusted,
	}
	subs := []Subject{subject("demo-1.0-py3-none-any.whl"), subject("demo-1.0.tar.gz")}
	signStart := time.Now()
	atts, err := s.Sign(context.Background(), subs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("signed %d files in %s", len(subs), time.Since(signStart).Round(time.Millisecond))

	leaf, err := x509.ParseCertificate(atts[0].VerificationMaterial.Certificate)
	if err != nil {
		t.Fatal(err)
	}
	summary, err := certificate.SummarizeCertificate(leaf)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("certificate: SAN %s, issuer %s, source %s, build config %s",
		summary.SubjectAlternativeName, summary.Issuer, summary.SourceRepositoryURI, summary.BuildConfigURI)
	// The fake Fulcio must derive the same extensions from the same
	// claims as the real one, or tests against it prove little.
	f := newFixture(t)
	fakeLeaf, err := x509.ParseCertificate(signOne(t, f, subs[0]).VerificationMaterial.Certificate)
	if err != nil {
		t.Fatal(err)
	}
	fakeSummary, err := certificate.SummarizeCertificate(fakeLeaf)
	if err != nil {
		t.Fatal(err)
	}
	fakeSummary.Issuer, fakeSummary.CertificateIssuer = summary.Issuer, summary.CertificateIssuer
	if got, want := fmt.Sprintf("%+v", fakeSummary), fmt.Sprintf("%+v", summary); got != want {
		t.Errorf("fake Fulcio's certificate differs from the real one's:\nfake %s\nreal %s", got, want)
	}

	id := GitHubIdentity(oidctest.DefaultRepository, "release.yml")
	id.Issuer = issSrv.URL
	for i, a := range atts {
		if err := Verify(a, subs[i].Filename, subs[i].SHA256, trusted, id); err != nil {
			t.Errorf("Verify(%s): %v", subs[i].Filename, err)
		}
	}
	wrong := GitHubIdentity("octo-org/other", "release.yml")
	wrong.Issuer = issSrv.URL
	if err := Verify(atts[0], subs[0].Filename, subs[0].SHA256, trusted, wrong); err == nil {
		t.Error("Verify accepted another repository")
	}
	t.Logf("total %s", time.Since(start).Round(time.Millisecond))
}

// freePorts finds n loopback ports that are free now.
func freePorts(t *testing.T, n int) []string {
	var ports []string
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		_, port, _ := net.SplitHostPort(l.Addr().String())
		ports = append(ports, port)
	}
	return ports
}

// waitForTrustBundle polls Fulcio until it answers with its CA chain,
// leaf-most first, root last.
func waitForTrustBundle(t *testing.T, base string) []*x509.Certificate {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/api/v2/trustBundle")
		if err == nil {
			var tb struct {
				Chains []struct {
					Certificates []string `json:"certificates"`
				} `json:"chains"`
			}
			err = json.NewDecoder(resp.Body).Decode(&tb)
			resp.Body.Close()
			if err == nil && len(tb.Chains) > 0 {
				var chain []*x509.Certificate
				for _, p := range tb.Chains[0].Certificates {
					block, _ := pem.Decode([]byte(p))
					if block == nil {
						t.Fatalf("trust bundle certificate is not PEM: %q", p)
					}
					c, err := x509.ParseCertificate(block.Bytes)
					if err != nil {
						t.Fatal(err)
					}
					chain = append(chain, c)
				}
				return chain
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("fulcio did not come up within 60s")
	return nil
}
