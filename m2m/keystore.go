package m2m

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// keystoreNS is the namespace of the ATO (ABR) credential store.
const keystoreNS = "http://auth.abr.gov.au/credential/xsd/SBRCredentialStore"

// xmlCredential is one <credential>. Only id, serialNumber,
// sha1fingerprint, publicCertificate and protectedPrivateKey are used when
// reading: names, ABN and validity come from the certificate, and the
// salt/credentialSalt/integrityValue algorithm is not public.
type xmlCredential struct {
	ID                  string `xml:"id,attr"`
	SerialNumber        string `xml:"serialNumber"`
	SHA1Fingerprint     string `xml:"sha1fingerprint"`
	PublicCertificate   string `xml:"publicCertificate"`
	ProtectedPrivateKey string `xml:"protectedPrivateKey"`
}

// parseKeystore reads an ATO keystore.xml. With withKeys false the keys are
// not decrypted (and password is unused): the credentials carry no
// PrivateKey.
func parseKeystore(data []byte, name, password string, withKeys bool, b *budget) (*Store, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	// A keystore's content is ASCII, so a file an editor re-saved under an
	// ASCII-compatible label reads as it is.
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "us-ascii", "ascii", "iso-8859-1", "latin1", "windows-1252", "cp1252":
			return r, nil
		}
		return nil, fmt.Errorf("unsupported XML encoding %q", label)
	}
	var xcs []xmlCredential
	root := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !root {
				return nil, &FormatError{Name: name, Reason: "It is not a well-formed XML file."}
			}
			return nil, &DamagedError{Part: "keystore", Err: err}
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !root {
			if se.Name.Local != "credentialStore" {
				return nil, &FormatError{Name: name, Reason: "It is an XML file, but not an ATO keystore."}
			}
			root = true
			continue
		}
		if se.Name.Local != "credential" {
			continue
		}
		if len(xcs) >= MaxCredentials {
			return nil, &DamagedError{Part: "keystore", Err: fmt.Errorf("more than %d credentials", MaxCredentials)}
		}
		var xc xmlCredential
		if err := dec.DecodeElement(&xc, &se); err != nil {
			return nil, &DamagedError{Part: "keystore", Err: err}
		}
		xcs = append(xcs, xc)
	}
	if !root {
		return nil, &FormatError{Name: name, Reason: "It is an XML file, but not an ATO keystore."}
	}
	if len(xcs) == 0 {
		return nil, &NotFoundError{}
	}
	st := &Store{Format: FormatKeystoreXML}
	for i, xc := range xcs {
		c, err := keystoreCredential(xc, i, password, withKeys, b)
		if err != nil {
			return nil, err
		}
		st.Credentials = append(st.Credentials, c)
	}
	return st, nil
}

func keystoreCredential(xc xmlCredential, index int, password string, withKeys bool, b *budget) (*Credential, error) {
	id := strings.TrimSpace(xc.ID)
	label := id
	if label == "" {
		label = fmt.Sprintf("number %d", index+1)
	}
	chainPart := "certificate chain of credential " + label
	p7, err := decodeBase64(xc.PublicCertificate)
	if err != nil {
		return nil, &DamagedError{Part: chainPart, Err: err}
	}
	certs, err := parsePKCS7Certs(p7)
	if err != nil {
		// Other writers may store the bare certificate.
		c, cerr := x509.ParseCertificate(p7)
		if cerr != nil {
			return nil, &DamagedError{Part: chainPart, Err: err}
		}
		certs = []*x509.Certificate{c}
	}
	leaf, err := keystoreLeaf(certs, xc)
	if err != nil {
		return nil, &DamagedError{Part: chainPart, Err: err}
	}
	var key *rsa.PrivateKey
	if withKeys {
		keyPart := "private key of credential " + label
		der, err := decodeBase64(xc.ProtectedPrivateKey)
		if err != nil {
			return nil, &DamagedError{Part: keyPart, Err: err}
		}
		k, err := decryptPKCS8(der, password, b)
		if err != nil {
			if errors.Is(err, ErrWrongPassword) {
				return nil, err
			}
			return nil, &DamagedError{Part: keyPart, Err: err}
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, &credentialError{ID: label, Err: &WeakKeyError{Algorithm: keyAlgorithmName(k)}}
		}
		key = rk
		if leaf == nil {
			if leaf = certForKey(certs, key); leaf == nil {
				return nil, &credentialError{ID: label, Err: ErrKeyMismatch}
			}
		}
	}
	if leaf == nil {
		leaf = guessLeaf(certs)
	}
	c, err := NewCredential(id, leaf, orderChain(leaf, certs), key)
	if err != nil {
		return nil, &credentialError{ID: label, Err: err}
	}
	return c, nil
}

// keystoreLeaf picks the credential's own certificate by the fingerprint
// or serial number the XML records (never by position). It returns nil,
// nil when the XML records neither.
func keystoreLeaf(certs []*x509.Certificate, xc xmlCredential) (*x509.Certificate, error) {
	if fp := strings.TrimSpace(xc.SHA1Fingerprint); fp != "" {
		want, err := decodeBase64(fp)
		if err == nil {
			for _, c := range certs {
				if sum := sha1.Sum(c.Raw); bytes.Equal(sum[:], want) {
					return c, nil
				}
			}
		}
	}
	if sn := strings.TrimSpace(xc.SerialNumber); sn != "" {
		for _, c := range certs {
			if c.SerialNumber.String() == sn {
				return c, nil
			}
		}
	}
	if strings.TrimSpace(xc.SHA1Fingerprint) != "" || strings.TrimSpace(xc.SerialNumber) != "" {
		return nil, errors.New("the chain does not hold the certificate the keystore names")
	}
	return nil, nil
}

// guessLeaf picks the certificate that issued none of the others, for
// files that do not say which one is the leaf and give no key to match.
func guessLeaf(certs []*x509.Certificate) *x509.Certificate {
	for _, c := range certs {
		issuer := false
		for _, o := range certs {
			if o != c && bytes.Equal(o.RawIssuer, c.RawSubject) {
				issuer = true
				break
			}
		}
		if !issuer {
			return c
		}
	}
	return certs[0]
}

// decodeBase64 accepts standard base64 with or without line breaks.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
	if s == "" {
		return nil, errors.New("empty")
	}
	return base64.StdEncoding.DecodeString(s)
}

// MarshalKeystore writes credentials as an ATO keystore.xml: the element
// layout and namespace of the ABR tooling, the chain as a DER PKCS#7
// SignedData (which BER readers accept), the key as PKCS#8 encrypted with
// pbeWithSHAAnd3-KeyTripleDES-CBC (random 20-byte salt, 10,000 iterations).
// salt, credentialSalt and integrityValue are random: their algorithm is
// not public, and readers (ours included) ignore them. notBefore/notAfter
// are written as the certificate's times in +10:00.
func MarshalKeystore(creds []*Credential, password string) ([]byte, error) {
	if len(creds) == 0 || len(creds) > MaxCredentials {
		return nil, fmt.Errorf("m2m: a keystore holds 1 to %d credentials, not %d", MaxCredentials, len(creds))
	}
	if password == "" {
		return nil, errors.New("m2m: a keystore needs a password")
	}
	seen := map[string]bool{}
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	buf.WriteString(`<credentialStore xmlns="` + keystoreNS + `">` + "\n")
	fmt.Fprintf(&buf, "  <salt>%s</salt>\n", randomB64(20))
	buf.WriteString("  <credentials>\n")
	aest := time.FixedZone("+10:00", 10*60*60)
	created := time.Now().UTC().Format("2006-01-02T15:04:05")
	for _, c := range creds {
		if c == nil || c.Certificate == nil || c.PrivateKey == nil {
			return nil, errors.New("m2m: every credential written to a keystore needs its certificate and private key")
		}
		id := c.ID
		if id == "" {
			id = deriveID(c.Certificate, "")
		}
		if seen[id] {
			return nil, fmt.Errorf("m2m: two credentials have the id %q", id)
		}
		seen[id] = true
		p7, err := marshalPKCS7Certs(append([]*x509.Certificate{c.Certificate}, c.Chain...))
		if err != nil {
			return nil, err
		}
		pkcs8, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
		if err != nil {
			return nil, err
		}
		protected, err := encryptPKCS8PBE3DES(pkcs8, password, keystoreIterations)
		clear(pkcs8)
		if err != nil {
			return nil, err
		}
		cert := c.Certificate
		name := cert.Subject.CommonName
		abn := ""
		if len(cert.Subject.Organization) > 0 {
			abn = cert.Subject.Organization[0]
		}
		sum := sha1.Sum(cert.Raw)
		fmt.Fprintf(&buf, `    <credential integrityValue="%s" credentialType="D" id="%s" credentialSalt="%s">`+"\n",
			randomB64(20), xmlEscape(id), randomB64(20))
		elem := func(tag, val string) {
			if val == "" {
				fmt.Fprintf(&buf, "      <%s/>\n", tag)
				return
			}
			fmt.Fprintf(&buf, "      <%s>%s</%s>\n", tag, xmlEscape(val), tag)
		}
		elem("name1", name)
		elem("name2", "")
		elem("abn", abn)
		elem("legalName", name)
		elem("personId", "")
		elem("serialNumber", cert.SerialNumber.String())
		elem("creationDate", created)
		elem("notBefore", cert.NotBefore.In(aest).Format("2006-01-02T15:04:05-07:00"))
		elem("notAfter", cert.NotAfter.In(aest).Format("2006-01-02T15:04:05-07:00"))
		elem("sha1fingerprint", base64.StdEncoding.EncodeToString(sum[:]))
		elem("publicCertificate", base64.StdEncoding.EncodeToString(p7))
		elem("protectedPrivateKey", base64.StdEncoding.EncodeToString(protected))
		buf.WriteString("    </credential>\n")
	}
	buf.WriteString("  </credentials>\n</credentialStore>\n")
	return buf.Bytes(), nil
}

func randomB64(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.StdEncoding.EncodeToString(b)
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // writing to a strings.Builder cannot fail
	return b.String()
}
