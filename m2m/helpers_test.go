package m2m

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"sync"
	"testing"
	"time"
)

// Test PKI, made once per test binary: RSA key generation is slow under
// -race. The CA keys are ECDSA (instant); leaf keys are RSA as the ATO
// requires.
type testPKI struct {
	rootKey, intKey *ecdsa.PrivateKey
	root, inter     *x509.Certificate
	leafKeys        []*rsa.PrivateKey // 2048-bit
	weakKey         *rsa.PrivateKey   // 1024-bit
}

var (
	pkiOnce sync.Once
	pki     *testPKI
	pkiErr  error
)

const testPassword = "Test-Passw0rd!"

var oidDNQualifier = asn1.ObjectIdentifier{2, 5, 4, 46}

func getPKI(t testing.TB) *testPKI {
	t.Helper()
	pkiOnce.Do(func() { pki, pkiErr = makePKI() })
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return pki
}

func makePKI() (*testPKI, error) {
	p := &testPKI{leafKeys: make([]*rsa.PrivateKey, 3)}
	var wg sync.WaitGroup
	errs := make([]error, len(p.leafKeys)+1)
	for i := range p.leafKeys {
		wg.Go(func() { p.leafKeys[i], errs[i] = rsa.GenerateKey(rand.Reader, 2048) })
	}
	wg.Go(func() { p.weakKey, errs[len(errs)-1] = rsa.GenerateKey(rand.Reader, 1024) })
	var err error
	if p.rootKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	if p.intKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	now := time.Now()
	rootTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Country: []string{"AU"}, Organization: []string{"Test Taxation Office"}, CommonName: "Test Root CA"},
		NotBefore:             now.AddDate(-1, 0, 0),
		NotAfter:              now.AddDate(10, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, &p.rootKey.PublicKey, p.rootKey)
	if err != nil {
		return nil, err
	}
	if p.root, err = x509.ParseCertificate(der); err != nil {
		return nil, err
	}
	intTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(2),
		Subject:               pkix.Name{Country: []string{"AU"}, Organization: []string{"Test Taxation Office"}, CommonName: "Test Sub CA"},
		NotBefore:             now.AddDate(-1, 0, 0),
		NotAfter:              now.AddDate(9, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	if der, err = x509.CreateCertificate(rand.Reader, intTmpl, p.root, &p.intKey.PublicKey, p.rootKey); err != nil {
		return nil, err
	}
	if p.inter, err = x509.ParseCertificate(der); err != nil {
		return nil, err
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	return p, nil
}

// leafCert issues an M2M-style leaf: C=AU, O=<ABN>, CN=<name>, dnQualifier=ABR.
func (p *testPKI) leafCert(t testing.TB, pub any, abn, name string, notBefore, notAfter time.Time) *x509.Certificate {
	t.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 159))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			Country: []string{"AU"}, Organization: []string{abn}, CommonName: name,
			ExtraNames: []pkix.AttributeTypeAndValue{{Type: oidDNQualifier, Value: "ABR"}},
		},
		NotBefore:   notBefore,
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.inter, pub, p.intKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// credential issues a valid (two-year) credential with leaf key i.
func (p *testPKI) credential(t testing.TB, i int, abn, name string) *Credential {
	t.Helper()
	now := time.Now()
	cert := p.leafCert(t, &p.leafKeys[i].PublicKey, abn, name, now.Add(-time.Hour), now.AddDate(2, 0, 0))
	c, err := NewCredential("", cert, []*x509.Certificate{p.inter, p.root}, p.leafKeys[i])
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sameCredential compares everything a reader must reproduce.
func sameCredential(t *testing.T, got, want *Credential, wantKey bool) {
	t.Helper()
	if got.ID != want.ID || got.Name != want.Name || got.ABN != want.ABN || got.Serial != want.Serial || got.SHA1 != want.SHA1 {
		t.Errorf("got %s/%s/%s/%s/%s, want %s/%s/%s/%s/%s", got.ID, got.Name, got.ABN, got.Serial, got.SHA1,
			want.ID, want.Name, want.ABN, want.Serial, want.SHA1)
	}
	if !got.NotBefore.Equal(want.NotBefore) || !got.NotAfter.Equal(want.NotAfter) {
		t.Errorf("validity %v–%v, want %v–%v", got.NotBefore, got.NotAfter, want.NotBefore, want.NotAfter)
	}
	if !got.Certificate.Equal(want.Certificate) {
		t.Error("certificate differs")
	}
	if len(got.Chain) != len(want.Chain) {
		t.Fatalf("chain has %d certificates, want %d", len(got.Chain), len(want.Chain))
	}
	for i := range got.Chain {
		if !got.Chain[i].Equal(want.Chain[i]) {
			t.Errorf("chain[%d] is %s, want %s", i, got.Chain[i].Subject, want.Chain[i].Subject)
		}
	}
	if wantKey {
		if got.PrivateKey == nil || !got.PrivateKey.Equal(want.PrivateKey) {
			t.Error("private key differs")
		}
	} else if got.PrivateKey != nil {
		t.Error("private key present, want none")
	}
}

func pemEncodeBlock(typ string, b []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b})
}
