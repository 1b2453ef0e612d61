package m2m

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"

	"software.sslmate.com/src/go-pkcs12"
)

var (
	oidData         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidFriendlyName = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 20}
	oidShroudedKey  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2} // pkcs8ShroudedKeyBag
	oidPKCS12PBE    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1}        // pbeWithSHAAnd…
)

const maxScanDepth = 32

// maxPKCS12Size: a PKCS#12 credential (key and at most maxChainCerts
// certificates) is some kilobytes. The cap also bounds the cost of checking
// a key in a file go-pkcs12 reads without a password (no MAC, plain key bag).
const maxPKCS12Size = 256 << 10

// parsePKCS12 reads a PKCS#12 file with go-pkcs12. go-pkcs12 runs whatever
// iteration counts the file asks for, so the file is first walked to add up
// the counts it shows (MAC, PBES2/PBKDF2, PKCS#12 PBE) against the budget;
// counts hidden inside encrypted parts can only be reached with the right
// password, so a hostile file cannot use them against an honest user. The
// walk also finds the friendly name (alias) of the key bag, which
// DecodeChain does not return.
func parsePKCS12(data []byte, name, password string, b *budget) (*Store, error) {
	if len(data) > maxPKCS12Size {
		return nil, &TooLargeError{Name: name, Size: int64(len(data)), Limit: maxPKCS12Size}
	}
	der, ok := pfxDER(data)
	if !ok {
		return nil, &FormatError{Name: name}
	}
	friendly, keyBag, err := scanPKCS12(der, b)
	if err != nil {
		return nil, &DamagedError{Part: "PKCS#12 file", Err: err}
	}
	for _, r := range password {
		if r > 0xffff {
			// PKCS#12 passwords are BMP strings: this one cannot be right.
			return nil, ErrWrongPassword
		}
	}
	key, leaf, ca, err := decodePKCS12(der, password)
	if err != nil {
		switch {
		case errors.Is(err, pkcs12.ErrIncorrectPassword) && keyOpens(keyBag, password, b):
			// The integrity check (MAC) failed, yet the password opens the
			// key: the password is right and the file was changed.
			return nil, &DamagedError{Part: "PKCS#12 file", Err: errors.New("its integrity check (MAC) does not match, though the password opens its key")}
		case errors.Is(err, pkcs12.ErrIncorrectPassword), errors.Is(err, pkcs12.ErrDecryption):
			return nil, wrongPassword(password)
		case strings.Contains(err.Error(), "private key missing"):
			return nil, ErrKeyFileNeeded
		}
		return nil, &DamagedError{Part: "PKCS#12 file", Err: err}
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, &WeakKeyError{Algorithm: keyAlgorithmName(key)}
	}
	// DecodeChain takes the first certificate as the leaf; take the one
	// that matches the key instead, since writers differ in order.
	all := append([]*x509.Certificate{leaf}, ca...)
	if len(all) > maxChainCerts {
		return nil, &DamagedError{Part: "PKCS#12 file", Err: errors.New("too many certificates")}
	}
	cert := certForKey(all, rk)
	if cert == nil {
		return nil, ErrKeyMismatch
	}
	id := friendly
	if id == "" {
		id = deriveID(cert, name)
	}
	c, err := NewCredential(id, cert, orderChain(cert, all), rk)
	if err != nil {
		return nil, err
	}
	return &Store{Format: FormatPKCS12, Credentials: []*Credential{c}}, nil
}

// keyOpens reports whether password decrypts the shrouded key bag into a
// well-formed private key.
func keyOpens(keyBag []byte, password string, b *budget) bool {
	if len(keyBag) == 0 {
		return false
	}
	_, err := decryptPKCS8(keyBag, password, b)
	return err == nil
}

// decodePKCS12 fences go-pkcs12 off: a panic on hostile input in a third
// party decoder becomes a damaged-file error rather than a crash.
func decodePKCS12(der []byte, password string) (key any, leaf *x509.Certificate, ca []*x509.Certificate, err error) {
	defer func() {
		if r := recover(); r != nil {
			key, leaf, ca, err = nil, nil, nil, fmt.Errorf("pkcs12 decoder failed: %v", r)
		}
	}()
	return pkcs12.DecodeChain(der, password)
}

// pfxDER reports whether data is a PKCS#12 PFX and returns it as DER
// (BER input, e.g. with indefinite lengths, is converted).
func pfxDER(data []byte) ([]byte, bool) {
	if isPFX(data) {
		return data, true
	}
	if der, err := berToDER(data); err == nil && isPFX(der) {
		return der, true
	}
	return nil, false
}

// isPFX: PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData OPTIONAL }.
func isPFX(der []byte) bool {
	var pfx struct {
		Version  int
		AuthSafe struct {
			ContentType asn1.ObjectIdentifier
			Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
		}
		MacData asn1.RawValue `asn1:"optional"`
	}
	rest, err := asn1.Unmarshal(der, &pfx)
	return err == nil && len(rest) == 0 && pfx.Version == 3 && pfx.AuthSafe.ContentType.Equal(oidData)
}

// scanPKCS12 walks the visible structure of a PFX, spending the iteration
// counts it finds and returning the first friendly name and the first
// visible shrouded key bag (an EncryptedPrivateKeyInfo).
func scanPKCS12(der []byte, b *budget) (string, []byte, error) {
	var pfx struct {
		Version  int
		AuthSafe asn1.RawValue
		MacData  struct {
			Mac        asn1.RawValue
			MacSalt    []byte
			Iterations int `asn1:"optional,default:1"`
		} `asn1:"optional"`
	}
	if err := unmarshalAll(der, &pfx); err != nil {
		return "", nil, err
	}
	if len(pfx.MacData.Mac.FullBytes) > 0 {
		if err := b.spend(pfx.MacData.Iterations); err != nil {
			return "", nil, err
		}
	}
	s := &pfxScan{b: b}
	if err := s.walk(der, 0); err != nil {
		return "", nil, err
	}
	return s.friendly, s.keyBag, nil
}

type pfxScan struct {
	b        *budget
	friendly string
	keyBag   []byte
	visited  int
}

func (s *pfxScan) walk(der []byte, depth int) error {
	if depth > maxScanDepth {
		return errors.New("nested too deeply")
	}
	for len(der) > 0 {
		s.visited++
		if s.visited > maxBERElements {
			return errors.New("too many elements")
		}
		var v asn1.RawValue
		rest, err := asn1.Unmarshal(der, &v)
		if err != nil {
			return err
		}
		der = rest
		switch {
		case v.IsCompound:
			if v.Class == asn1.ClassUniversal && v.Tag == asn1.TagSequence {
				if err := s.visitSequence(v.Bytes); err != nil {
					return err
				}
			}
			if err := s.walk(v.Bytes, depth+1); err != nil {
				return err
			}
		case v.Class == asn1.ClassUniversal && v.Tag == asn1.TagOctetString && len(v.Bytes) > 0 && v.Bytes[0] == 0x30:
			// Content (authSafe, safe contents, bags) is DER wrapped in
			// OCTET STRINGs; look inside when it parses.
			var probe asn1.RawValue
			if r, err := asn1.Unmarshal(v.Bytes, &probe); err == nil && len(r) == 0 {
				if err := s.walk(v.Bytes, depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// visitSequence looks at SEQUENCE { OID, params… } for key-derivation
// parameters and friendly-name attributes.
func (s *pfxScan) visitSequence(body []byte) error {
	var oid asn1.ObjectIdentifier
	rest, err := asn1.Unmarshal(body, &oid)
	if err != nil {
		return nil // not an AlgorithmIdentifier or attribute
	}
	switch {
	case oid.Equal(oidPBKDF2), len(oid) == len(oidPKCS12PBE)+1 && oid[:len(oidPKCS12PBE)].Equal(oidPKCS12PBE):
		// PBKDF2-params and pbeParams both start { salt, iterations }.
		var params asn1.RawValue
		if _, err := asn1.Unmarshal(rest, &params); err != nil || params.Tag != asn1.TagSequence {
			return errors.New("key derivation parameters missing")
		}
		var salt asn1.RawValue
		var iterations int
		r, err := asn1.Unmarshal(params.Bytes, &salt)
		if err == nil {
			_, err = asn1.Unmarshal(r, &iterations)
		}
		if err != nil {
			return err
		}
		return s.b.spend(iterations)
	case oid.Equal(oidShroudedKey) && s.keyBag == nil:
		var v asn1.RawValue
		if _, err := asn1.Unmarshal(rest, &v); err == nil && v.Class == asn1.ClassContextSpecific && v.Tag == 0 && v.IsCompound {
			s.keyBag = v.Bytes
		}
	case oid.Equal(oidFriendlyName) && s.friendly == "":
		var raw asn1.RawValue
		if _, err := asn1.Unmarshal(rest, &raw); err != nil || raw.Tag != asn1.TagSet {
			return nil
		}
		vals := raw.Bytes
		for len(vals) > 0 {
			var v asn1.RawValue
			var err error
			if vals, err = asn1.Unmarshal(vals, &v); err != nil {
				return nil
			}
			if v.Tag == asn1.TagBMPString && len(v.Bytes)%2 == 0 {
				s.friendly = cleanName(decodeBMP(v.Bytes))
				return nil
			}
		}
	}
	return nil
}

func decodeBMP(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return string(utf16.Decode(u))
}

// cleanName keeps an alias read from a file printable and short.
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 128 {
		s = string(r[:128])
	}
	return s
}

// MarshalPKCS12 writes the credential as a PKCS#12 file with go-pkcs12's
// Modern2023 encoder: PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC) for key and
// certificates and an HMAC-SHA-256 MAC, with 200,000 iterations instead of
// its 2,048 since the password is a person's. OpenSSL 1.1.1+, Java 8u301+,
// Windows 10 1709+ and macOS read such files; the Legacy (3DES) encoder
// would suit only older systems, at the cost of weak encryption. The file
// holds the leaf, its chain and the key. go-pkcs12 writes no friendly name,
// so reading the file back derives the id from the certificate.
func MarshalPKCS12(c *Credential, password string) ([]byte, error) {
	if c == nil || c.Certificate == nil || c.PrivateKey == nil {
		return nil, errors.New("m2m: a PKCS#12 file needs the certificate and private key")
	}
	return pkcs12.Modern2023.WithIterations(writeIterations).Encode(c.PrivateKey, c.Certificate, c.Chain, password)
}
