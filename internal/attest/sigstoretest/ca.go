package sigstoretest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"net/url"
	"time"

	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/sigstore/sigstore-go/pkg/root"
)

// authority is the fake Fulcio's CA: a root and an intermediate that
// signs the leaves, as the public instance has.
type authority struct {
	root, intermediate *x509.Certificate
	key                *ecdsa.PrivateKey // the intermediate's
	notBefore          time.Time
}

func newAuthority() (*authority, error) {
	now := time.Now()
	rootKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, err
	}
	rootTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Organization: []string{"sigstoretest"}, CommonName: "sigstoretest root"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	rootDER, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		return nil, err
	}
	rootCert, err := x509.ParseCertificate(rootDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, err
	}
	interTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(2),
		Subject:               pkix.Name{Organization: []string{"sigstoretest"}, CommonName: "sigstoretest intermediate"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	interDER, err := x509.CreateCertificate(rand.Reader, interTmpl, rootCert, &key.PublicKey, rootKey)
	if err != nil {
		return nil, err
	}
	inter, err := x509.ParseCertificate(interDER)
	if err != nil {
		return nil, err
	}
	return &authority{root: rootCert, intermediate: inter, key: key, notBefore: now.Add(-time.Hour)}, nil
}

func (a *authority) certificateAuthority(base string) *root.FulcioCertificateAuthority {
	return &root.FulcioCertificateAuthority{
		Root:                a.root,
		Intermediates:       []*x509.Certificate{a.intermediate},
		ValidityPeriodStart: a.notBefore,
		URI:                 base,
	}
}

// issue makes a leaf certificate for pub with the identity Fulcio would
// derive from claims.
func (a *authority) issue(pub *ecdsa.PublicKey, claims map[string]any, lifetime time.Duration) ([]byte, error) {
	str := func(k string) string { v, _ := claims[k].(string); return v }
	issuer := str("iss")
	if issuer == "" {
		return nil, errors.New("token has no issuer")
	}
	now := time.Now().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		NotBefore:    now,
		NotAfter:     now.Add(lifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}
	var exts []extension
	switch {
	case str("job_workflow_ref") != "":
		exts = githubExtensions(str)
	case str("ci_config_ref_uri") != "":
		exts = gitlabExtensions(str)
	case str("email") != "":
		tmpl.EmailAddresses = []string{str("email")}
	default:
		exts = []extension{{oid: nil, value: str("sub")}}
	}
	if len(exts) > 0 {
		// The SAN comes first: the workflow that ran, or the subject.
		u, err := url.Parse(exts[0].value)
		if err != nil || exts[0].value == "" {
			return nil, errors.New("token has no usable subject")
		}
		tmpl.URIs = []*url.URL{u}
		exts = exts[1:]
	}
	// Both issuer extensions, as Fulcio sets them: the deprecated raw one
	// (1.3.6.1.4.1.57264.1.1) and its DER successor.
	//lint:ignore SA1019 real Fulcio still sets the deprecated issuer extension, and this CA must issue what it issues
	exts = append([]extension{{certificate.OIDIssuer, issuer, true}, {certificate.OIDIssuerV2, issuer, false}}, exts...)
	for _, e := range exts {
		if e.value == "" {
			continue
		}
		v := []byte(e.value)
		if !e.raw {
			var err error
			if v, err = asn1.MarshalWithParams(e.value, "utf8"); err != nil {
				return nil, err
			}
		}
		tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, pkix.Extension{Id: e.oid, Value: v})
	}
	return x509.CreateCertificate(rand.Reader, tmpl, a.intermediate, pub, a.key)
}

// extension is a Fulcio certificate extension and its value, which is
// DER-encoded except in the deprecated extensions (raw).
type extension struct {
	oid   asn1.ObjectIdentifier
	value string
	raw   bool
}

// githubExtensions maps GitHub Actions claims to the SAN (the workflow
// that ran, with a nil OID) followed by Fulcio's extensions.
func githubExtensions(str func(string) string) []extension {
	const gh = "https://github.com/"
	signer := gh + str("job_workflow_ref")
	return []extension{
		{nil, signer, false},
		// Fulcio still sets the deprecated GitHub-only extensions
		// (1.3.6.1.4.1.57264.1.2 to .6), and this CA must issue what it
		// issues: localfulcio_test.go compares the two certificates.
		//lint:ignore SA1019 deliberately set, as Fulcio does
		{certificate.OIDGitHubWorkflowTrigger, str("event_name"), true},
		//lint:ignore SA1019 deliberately set, as Fulcio does
		{certificate.OIDGitHubWorkflowSHA, str("sha"), true},
		//lint:ignore SA1019 deliberately set, as Fulcio does
		{certificate.OIDGitHubWorkflowName, str("workflow"), true},
		//lint:ignore SA1019 deliberately set, as Fulcio does
		{certificate.OIDGitHubWorkflowRepository, str("repository"), true},
		//lint:ignore SA1019 deliberately set, as Fulcio does
		{certificate.OIDGitHubWorkflowRef, str("ref"), true},
		{certificate.OIDBuildSignerURI, signer, false},
		{certificate.OIDBuildSignerDigest, str("job_workflow_sha"), false},
		{certificate.OIDRunnerEnvironment, str("runner_environment"), false},
		{certificate.OIDSourceRepositoryURI, gh + str("repository"), false},
		{certificate.OIDSourceRepositoryDigest, str("sha"), false},
		{certificate.OIDSourceRepositoryRef, str("ref"), false},
		{certificate.OIDSourceRepositoryIdentifier, str("repository_id"), false},
		{certificate.OIDSourceRepositoryOwnerURI, gh + str("repository_owner"), false},
		{certificate.OIDSourceRepositoryOwnerIdentifier, str("repository_owner_id"), false},
		{certificate.OIDBuildConfigURI, gh + str("workflow_ref"), false},
		{certificate.OIDBuildConfigDigest, str("workflow_sha"), false},
		{certificate.OIDBuildTrigger, str("event_name"), false},
		{certificate.OIDRunInvocationURI, gh + str("repository") + "/actions/runs/" + str("run_id") + "/attempts/" + str("run_attempt"), false},
		{certificate.OIDSourceRepositoryVisibilityAtSigning, str("repository_visibility"), false},
	}
}

// gitlabExtensions does the same for GitLab CI claims.
func gitlabExtensions(str func(string) string) []extension {
	const gl = "https://gitlab.com/"
	config := "https://" + str("ci_config_ref_uri")
	return []extension{
		{nil, config, false},
		{certificate.OIDBuildSignerURI, config, false},
		{certificate.OIDBuildSignerDigest, str("ci_config_sha"), false},
		{certificate.OIDRunnerEnvironment, str("runner_environment"), false},
		{certificate.OIDSourceRepositoryURI, gl + str("project_path"), false},
		{certificate.OIDSourceRepositoryDigest, str("sha"), false},
		{certificate.OIDSourceRepositoryRef, str("ref_path"), false},
		{certificate.OIDSourceRepositoryIdentifier, str("project_id"), false},
		{certificate.OIDSourceRepositoryOwnerURI, gl + str("namespace_path"), false},
		{certificate.OIDSourceRepositoryOwnerIdentifier, str("namespace_id"), false},
		{certificate.OIDBuildConfigURI, config, false},
		{certificate.OIDBuildConfigDigest, str("ci_config_sha"), false},
		{certificate.OIDBuildTrigger, str("pipeline_source"), false},
		{certificate.OIDRunInvocationURI, gl + str("project_path") + "/-/jobs/" + str("job_id"), false},
		{certificate.OIDSourceRepositoryVisibilityAtSigning, str("project_visibility"), false},
	}
}
