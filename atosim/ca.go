package atosim

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"

	"dcrwizard/m2m"
)

// Names of the simulator's authorities; "Practice" tells anyone who finds
// such a certificate that it is worthless outside this program.
const (
	CAName    = "DCR Wizard Practice CA"
	SubCAName = "DCR Wizard Practice Sub CA"
	caOrg     = "DCR Wizard (practice only)"
)

// oidDNQualifier is the X.520 dnQualifier attribute the ABR puts in M2M
// certificate subjects ("dnQualifier=ABR").
var oidDNQualifier = asn1.ObjectIdentifier{2, 5, 4, 46}

// authority is the simulator's CA: a root and an intermediate, like the
// ATO's "ATO Sub Certification Authority" under its root, so chains look
// realistic.
type authority struct {
	root, sub     *x509.Certificate
	subKey        *rsa.PrivateKey
	roots, inters *x509.CertPool
}

func newAuthority(now time.Time) (*authority, error) {
	rootKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("could not generate the CA key: %w", err)
	}
	root := &x509.Certificate{
		Subject:               pkix.Name{Country: []string{"AU"}, Organization: []string{caOrg}, CommonName: CAName},
		NotBefore:             now.Add(-10 * 365 * 24 * time.Hour),
		NotAfter:              now.Add(30 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	rootCert, err := createCert(root, root, &rootKey.PublicKey, rootKey)
	if err != nil {
		return nil, err
	}
	subKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("could not generate the sub CA key: %w", err)
	}
	sub := &x509.Certificate{
		Subject:               pkix.Name{Country: []string{"AU"}, Organization: []string{caOrg}, CommonName: SubCAName},
		NotBefore:             root.NotBefore,
		NotAfter:              now.Add(25 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	subCert, err := createCert(sub, rootCert, &subKey.PublicKey, rootKey)
	if err != nil {
		return nil, err
	}
	a := &authority{root: rootCert, sub: subCert, subKey: subKey, roots: x509.NewCertPool(), inters: x509.NewCertPool()}
	a.roots.AddCert(rootCert)
	a.inters.AddCert(subCert)
	return a, nil
}

// IssueCredential makes a new M2M credential signed by the simulator's sub
// CA: subject C=AU, O=abn, CN=name, dnQualifier=ABR, as the ABR issues them.
// notBefore and notAfter are taken as given, so expired, not-yet-valid and
// expiring-soon credentials can be made on purpose.
func (s *Simulator) IssueCredential(id, abn, name string, notBefore, notAfter time.Time) (*m2m.Credential, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("could not generate a key for the practice credential: %w", err)
	}
	return s.issueWithKey(key, id, abn, name, notBefore, notAfter)
}

// issueWithKey is IssueCredential with a given key (RSA key generation is
// slow, and tests need several certificates).
func (s *Simulator) issueWithKey(key *rsa.PrivateKey, id, abn, name string, notBefore, notAfter time.Time) (*m2m.Credential, error) {
	if !notAfter.After(notBefore) {
		return nil, errors.New("the credential's end date must be after its start date")
	}
	leaf := &x509.Certificate{
		Subject: pkix.Name{
			Country:      []string{"AU"},
			Organization: []string{abn},
			CommonName:   name,
			ExtraNames:   []pkix.AttributeTypeAndValue{{Type: oidDNQualifier, Value: "ABR"}},
		},
		NotBefore:   notBefore,
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	cert, err := createCert(leaf, s.ca.sub, &key.PublicKey, s.ca.subKey)
	if err != nil {
		return nil, err
	}
	cred, err := m2m.NewCredential(id, cert, []*x509.Certificate{s.ca.sub, s.ca.root}, key)
	if err != nil {
		return nil, fmt.Errorf("could not assemble the practice credential: %w", err)
	}
	return cred, nil
}

// createCert signs template with the parent's key and parses the result.
func createCert(template, parent *x509.Certificate, pub *rsa.PublicKey, signer *rsa.PrivateKey) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("could not make a certificate serial number: %w", err)
	}
	template.SerialNumber = serial.Add(serial, big.NewInt(1)) // never zero
	der, err := x509.CreateCertificate(rand.Reader, template, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("could not sign the certificate %q: %w", template.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("could not read back the certificate %q: %w", template.Subject.CommonName, err)
	}
	return cert, nil
}

// certProblem says in words why a certificate is not acceptable, or "" when
// it is in date and chains to the simulator's CA.
func (s *Simulator) certProblem(cert *x509.Certificate, now time.Time) string {
	switch {
	case now.Before(cert.NotBefore):
		return fmt.Sprintf("the certificate is not valid until %s", cert.NotBefore.UTC().Format(time.RFC3339))
	case now.After(cert.NotAfter):
		return fmt.Sprintf("the certificate expired on %s", cert.NotAfter.UTC().Format(time.RFC3339))
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return "the certificate does not hold an RSA key"
	}
	if cert.IsCA {
		return "the certificate is a certification authority's, not an M2M credential's"
	}
	if s.isRevoked(cert) {
		return "the certificate has been revoked"
	}
	_, err := cert.Verify(x509.VerifyOptions{
		Roots:         s.ca.roots,
		Intermediates: s.ca.inters,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return "the certificate was not issued by a recognised authority"
	}
	return ""
}
