package m2m

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"strings"
)

// Caps on what one PEM file may hold: a credential is a few certificates
// and one key.
const (
	maxPEMBlocks = 64
	maxPEMKeys   = 4
)

type pemParts struct {
	certs []*x509.Certificate
	keys  []*pem.Block // still encrypted, in file order
}

// collectPEM sorts the PEM blocks of each input into certificates and key
// blocks. Keys are decrypted later, only once both parts are known to be
// present, so a missing file is reported before a password is asked for.
func collectPEM(inputs ...[]byte) (*pemParts, bool, error) {
	p := &pemParts{}
	found := false
	blocks := 0
	for _, rest := range inputs {
		for {
			var blk *pem.Block
			blk, rest = pem.Decode(rest)
			if blk == nil {
				break
			}
			found = true
			if blocks++; blocks > maxPEMBlocks {
				return nil, true, &DamagedError{Part: "PEM file", Err: errors.New("too many PEM blocks")}
			}
			switch blk.Type {
			case "CERTIFICATE", "X509 CERTIFICATE":
				c, err := x509.ParseCertificate(blk.Bytes)
				if err != nil {
					return nil, true, &DamagedError{Part: "certificate", Err: err}
				}
				p.certs = append(p.certs, c)
			case "PKCS7", "CMS":
				cs, err := parsePKCS7Certs(blk.Bytes)
				if err != nil {
					return nil, true, &DamagedError{Part: "certificate chain", Err: err}
				}
				p.certs = append(p.certs, cs...)
			case "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
				if len(p.keys) >= maxPEMKeys {
					return nil, true, &DamagedError{Part: "PEM file", Err: errors.New("too many keys")}
				}
				p.keys = append(p.keys, blk)
			}
			if len(p.certs) > maxChainCerts {
				return nil, true, &DamagedError{Part: "certificate chain", Err: errors.New("too many certificates")}
			}
		}
	}
	return p, found, nil
}

// parsePEM reads a credential from PEM text: certificate(s) and key, in
// one input or spread over several. With withKeys false only certificates
// are read.
func parsePEM(name, password string, withKeys bool, b *budget, inputs ...[]byte) (*Store, error) {
	p, found, err := collectPEM(inputs...)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, &FormatError{Name: name, Reason: "It has no PEM certificate or key in it."}
	}
	switch {
	case len(p.certs) == 0 && len(p.keys) == 0:
		return nil, &FormatError{Name: name, Reason: "It has no certificate or private key in it."}
	case len(p.certs) == 0:
		return nil, ErrCertFileNeeded
	case len(p.keys) == 0 && withKeys:
		return nil, ErrKeyFileNeeded
	}
	if !withKeys {
		leaf := guessLeaf(p.certs)
		c, err := NewCredential(deriveID(leaf, name), leaf, orderChain(leaf, p.certs), nil)
		if err != nil {
			return nil, err
		}
		return &Store{Format: FormatPEM, Credentials: []*Credential{c}}, nil
	}
	var firstErr error
	for _, blk := range p.keys {
		key, err := pemKey(blk, password, b)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		leaf := certForKey(p.certs, key)
		if leaf == nil {
			if firstErr == nil {
				firstErr = ErrKeyMismatch
			}
			continue
		}
		c, err := NewCredential(deriveID(leaf, name), leaf, orderChain(leaf, p.certs), key)
		if err != nil {
			return nil, err
		}
		return &Store{Format: FormatPEM, Credentials: []*Credential{c}}, nil
	}
	return nil, firstErr
}

// pemKey decrypts (when needed) and parses one private-key block.
func pemKey(blk *pem.Block, password string, b *budget) (*rsa.PrivateKey, error) {
	if len(blk.Bytes) > maxEncryptedKey {
		// Checking a huge key costs time quadratic in its size.
		return nil, &DamagedError{Part: "private key", Err: errors.New("key too large")}
	}
	var key any
	var err error
	switch blk.Type {
	case "EC PRIVATE KEY":
		return nil, &WeakKeyError{Algorithm: "ECDSA"}
	case "PRIVATE KEY":
		if key, err = x509.ParsePKCS8PrivateKey(blk.Bytes); err != nil {
			return nil, &DamagedError{Part: "private key", Err: err}
		}
	case "ENCRYPTED PRIVATE KEY":
		if key, err = decryptPKCS8(blk.Bytes, password, b); err != nil {
			if errors.Is(err, ErrWrongPassword) {
				return nil, err
			}
			return nil, &DamagedError{Part: "private key", Err: err}
		}
	case "RSA PRIVATE KEY":
		der := blk.Bytes
		legacy := strings.Contains(blk.Headers["Proc-Type"], "ENCRYPTED")
		if legacy {
			if der, err = decryptLegacyPEM(blk, password); err != nil {
				return nil, err
			}
		}
		if key, err = x509.ParsePKCS1PrivateKey(der); err != nil {
			if legacy {
				return nil, wrongPassword(password)
			}
			return nil, &DamagedError{Part: "private key", Err: err}
		}
	default:
		return nil, &DamagedError{Part: "private key", Err: errors.New("unknown key block " + blk.Type)}
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, &WeakKeyError{Algorithm: keyAlgorithmName(key)}
	}
	return rk, nil
}

// decryptLegacyPEM undoes OpenSSL's traditional PEM encryption
// ("Proc-Type: 4,ENCRYPTED" with "DEK-Info: <cipher>,<hex IV>"), whose key
// is EVP_BytesToKey(MD5, password, IV[:8], 1). It is weak but still met in
// older "BEGIN RSA PRIVATE KEY" files. (x509.DecryptPEMBlock does this but
// is deprecated.)
func decryptLegacyPEM(blk *pem.Block, password string) ([]byte, error) {
	dek := blk.Headers["DEK-Info"]
	mode, ivHex, ok := strings.Cut(dek, ",")
	if !ok {
		return nil, &DamagedError{Part: "private key", Err: errors.New("DEK-Info header missing")}
	}
	var keyLen int
	var newCipher func([]byte) (cipher.Block, error)
	switch strings.ToUpper(strings.TrimSpace(mode)) {
	case "DES-CBC":
		keyLen, newCipher = 8, des.NewCipher
	case "DES-EDE3-CBC":
		keyLen, newCipher = 24, des.NewTripleDESCipher
	case "AES-128-CBC":
		keyLen, newCipher = 16, aes.NewCipher
	case "AES-192-CBC":
		keyLen, newCipher = 24, aes.NewCipher
	case "AES-256-CBC":
		keyLen, newCipher = 32, aes.NewCipher
	default:
		return nil, &DamagedError{Part: "private key", Err: &unsupportedError{"PEM cipher " + mode}}
	}
	iv, err := hex.DecodeString(strings.TrimSpace(ivHex))
	if err != nil || len(iv) < 8 {
		return nil, &DamagedError{Part: "private key", Err: errors.New("bad DEK-Info IV")}
	}
	block, err := newCipher(evpBytesToKey([]byte(password), iv[:8], keyLen))
	if err != nil {
		return nil, &DamagedError{Part: "private key", Err: err}
	}
	if len(iv) != block.BlockSize() {
		return nil, &DamagedError{Part: "private key", Err: errors.New("bad DEK-Info IV")}
	}
	out, ok := cbcDecrypt(block, iv, blk.Bytes)
	if !ok {
		return nil, wrongPassword(password)
	}
	return out, nil
}

func evpBytesToKey(password, salt []byte, n int) []byte {
	var out, prev []byte
	for len(out) < n {
		h := md5.New()
		h.Write(prev)
		h.Write(password)
		h.Write(salt)
		prev = h.Sum(nil)
		out = append(out, prev...)
	}
	return out[:n]
}

// MarshalPEM writes the credential as PEM: the leaf certificate, then its
// chain, then the key as PKCS#8 "ENCRYPTED PRIVATE KEY" (PBES2 with
// PBKDF2-HMAC-SHA-256, 200,000 iterations, AES-256-CBC). With an empty
// password the key is written unencrypted as "PRIVATE KEY".
func MarshalPEM(c *Credential, password string) ([]byte, error) {
	if c == nil || c.Certificate == nil || c.PrivateKey == nil {
		return nil, errors.New("m2m: a PEM credential file needs the certificate and private key")
	}
	var out []byte
	for _, cert := range append([]*x509.Certificate{c.Certificate}, c.Chain...) {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})...)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		return nil, err
	}
	defer clear(pkcs8)
	if password == "" {
		return append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})...), nil
	}
	enc, err := encryptPKCS8PBES2(pkcs8, password, writeIterations)
	if err != nil {
		return nil, err
	}
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: enc})...), nil
}
