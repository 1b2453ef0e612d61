// Package m2m opens and writes the ATO machine-to-machine (M2M) credentials a
// user may hold: the ATO keystore.xml, PKCS#12 (.p12/.pfx) and PEM files.
package m2m

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Format names a file format this package reads.
type Format string

const (
	FormatKeystoreXML Format = "ATO keystore (keystore.xml)"
	FormatPKCS12      Format = "PKCS#12 (.p12/.pfx)"
	FormatPEM         Format = "PEM (.pem/.crt/.key)"
)

// MaxFileSize caps what is read from any credential file: a keystore is
// kilobytes, so anything far bigger is not one.
const MaxFileSize = 4 << 20

// Credential is one M2M credential: a leaf certificate, its chain and its key.
type Credential struct {
	ID          string              // keystore alias, e.g. "ABRD:27809366375_USIMachine"
	Name        string              // the leaf's CN (keystore <name1>)
	ABN         string              // the leaf's O (keystore <abn>)
	Certificate *x509.Certificate   // the signing (leaf) certificate
	Chain       []*x509.Certificate // issuers of Certificate, nearest first; leaf excluded
	PrivateKey  *rsa.PrivateKey     // nil only in a Store opened without keys
	Serial      string              // leaf serial, decimal
	SHA1        string              // base64(SHA-1(leaf DER)), as keystore.xml writes it
	NotBefore   time.Time           // from the certificate, never from XML
	NotAfter    time.Time           // from the certificate, never from XML
}

// Store is what one file holds.
type Store struct {
	Format      Format
	Credentials []*Credential
}

// Status is an expiry verdict.
type Status string

const (
	StatusOK          Status = "ok"
	StatusExpiresSoon Status = "expires_soon"
	StatusExpired     Status = "expired"
	StatusNotYetValid Status = "not_yet_valid"
)

// RenewalWindow: the ATO requires a credential that expires within 6 months
// of registration to be renewed first.
const RenewalWindow = 6 // months

// Verdict is a credential's fitness for registration at a given time.
type Verdict struct {
	Status  Status
	Message string // plain English, with the date and what to do; empty when OK
}

// OK reports whether the credential may be used to register.
func (v Verdict) OK() bool { return v.Status == StatusOK }

// MaxCredentials caps the credentials read from one file; the ABR tooling
// holds a handful per store.
const MaxCredentials = 100

// minRSABits is the smallest key the ATO accepts.
const minRSABits = 2048

// NewCredential builds a Credential from its parts, filling the derived
// fields from the certificate. It checks that the certificate's key is RSA
// of at least 2048 bits (*WeakKeyError) and that key, when given, belongs to
// it (ErrKeyMismatch). An empty id is derived from the subject
// ("ABRD:<ABN>_<name>", as the ATO keystore names credentials).
func NewCredential(id string, cert *x509.Certificate, chain []*x509.Certificate, key *rsa.PrivateKey) (*Credential, error) {
	if cert == nil {
		return nil, errors.New("m2m: NewCredential needs a certificate")
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, &WeakKeyError{Algorithm: keyAlgorithmName(cert.PublicKey)}
	}
	if bits := pub.N.BitLen(); bits < minRSABits {
		return nil, &WeakKeyError{Bits: bits, Algorithm: "RSA"}
	}
	if key != nil {
		if !pub.Equal(&key.PublicKey) {
			return nil, ErrKeyMismatch
		}
		if err := key.Validate(); err != nil {
			return nil, &DamagedError{Part: "private key", Err: err}
		}
	}
	if id == "" {
		id = deriveID(cert, "")
	}
	sum := sha1.Sum(cert.Raw)
	c := &Credential{
		ID:          id,
		Name:        cert.Subject.CommonName,
		Certificate: cert,
		Chain:       append([]*x509.Certificate(nil), chain...),
		PrivateKey:  key,
		Serial:      cert.SerialNumber.String(),
		SHA1:        base64.StdEncoding.EncodeToString(sum[:]),
		NotBefore:   cert.NotBefore,
		NotAfter:    cert.NotAfter,
	}
	if len(cert.Subject.Organization) > 0 {
		c.ABN = cert.Subject.Organization[0]
	}
	return c, nil
}

func keyAlgorithmName(k any) string {
	switch k.(type) {
	case *rsa.PublicKey, *rsa.PrivateKey:
		return "RSA"
	case *ecdsa.PublicKey, *ecdsa.PrivateKey:
		return "ECDSA"
	case ed25519.PublicKey, ed25519.PrivateKey:
		return "Ed25519"
	}
	return "non-RSA"
}

// deriveID names a credential that its file does not name: "ABRD:<ABN>_<CN>"
// when the subject carries an ABN (as the ATO keystore would call it), else
// "<O>_<CN>" or the CN, else the file's base name, else "credential".
func deriveID(cert *x509.Certificate, filename string) string {
	cn := strings.TrimSpace(cert.Subject.CommonName)
	org := ""
	if len(cert.Subject.Organization) > 0 {
		org = strings.TrimSpace(cert.Subject.Organization[0])
	}
	switch {
	case isABN(org) && cn != "":
		return "ABRD:" + org + "_" + cn
	case org != "" && cn != "":
		return org + "_" + cn
	case cn != "":
		return cn
	}
	if base := strings.TrimSuffix(filepath.Base(filename), filepath.Ext(filename)); base != "" && base != "." && base != string(filepath.Separator) {
		return base
	}
	return "credential"
}

func isABN(s string) bool {
	if len(s) != 11 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// orderChain returns the issuers of leaf found in pool, nearest first,
// stopping at a self-signed certificate or a missing link. Certificates in
// pool that are not on the path are left out.
func orderChain(leaf *x509.Certificate, pool []*x509.Certificate) []*x509.Certificate {
	left := make([]*x509.Certificate, 0, len(pool))
	for _, c := range pool {
		if !c.Equal(leaf) {
			left = append(left, c)
		}
	}
	var chain []*x509.Certificate
	cur := leaf
	for len(left) > 0 && !bytes.Equal(cur.RawIssuer, cur.RawSubject) {
		next := -1
		for i, c := range left {
			if bytes.Equal(c.RawSubject, cur.RawIssuer) {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		cur = left[next]
		chain = append(chain, cur)
		left = append(left[:next], left[next+1:]...)
	}
	return chain
}

// certForKey returns the certificate in certs whose public key is key's.
func certForKey(certs []*x509.Certificate, key *rsa.PrivateKey) *x509.Certificate {
	for _, c := range certs {
		if pub, ok := c.PublicKey.(*rsa.PublicKey); ok && pub.Equal(&key.PublicKey) {
			return c
		}
	}
	return nil
}

// IDs lists the credentials' ids in file order.
func (s *Store) IDs() []string {
	ids := make([]string, 0, len(s.Credentials))
	for _, c := range s.Credentials {
		ids = append(ids, c.ID)
	}
	return ids
}

// Get returns the credential with the given id. An exact match wins; a
// match ignoring case is accepted when it is the only one. An empty id
// picks the only credential of a one-credential file. Otherwise the
// *NotFoundError lists the ids the file holds.
func (s *Store) Get(id string) (*Credential, error) {
	if id == "" && len(s.Credentials) == 1 {
		return s.Credentials[0], nil
	}
	var fold []*Credential
	for _, c := range s.Credentials {
		if c.ID == id {
			return c, nil
		}
		if strings.EqualFold(c.ID, id) {
			fold = append(fold, c)
		}
	}
	if id != "" && len(fold) == 1 {
		return fold[0], nil
	}
	return nil, &NotFoundError{ID: id, Available: s.IDs()}
}

// Verdict says whether the credential may be used to register at now: the
// certificate must be valid and stay valid for more than RenewalWindow
// months (a credential expiring exactly 6 months from now is refused).
// Dates in the message are in now's location.
func (c *Credential) Verdict(now time.Time) Verdict {
	const todo = "Renew it in RAM (Relationship Authorisation Manager), or ask your administrator to issue a new M2M credential, then choose the new file."
	day := func(t time.Time) string { return t.In(now.Location()).Format("2 January 2006") }
	switch {
	case now.Before(c.NotBefore):
		return Verdict{Status: StatusNotYetValid, Message: fmt.Sprintf(
			"This credential is not valid until %s. Check that your computer's date is right, or wait until then, or choose another credential.", day(c.NotBefore))}
	case now.After(c.NotAfter):
		return Verdict{Status: StatusExpired, Message: fmt.Sprintf(
			"This credential expired on %s. %s", day(c.NotAfter), todo)}
	case !c.NotAfter.After(now.AddDate(0, RenewalWindow, 0)):
		return Verdict{Status: StatusExpiresSoon, Message: fmt.Sprintf(
			"This credential expires on %s, within %d months. The ATO requires a credential that stays valid longer. %s", day(c.NotAfter), RenewalWindow, todo)}
	}
	return Verdict{Status: StatusOK}
}
