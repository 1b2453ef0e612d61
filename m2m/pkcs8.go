package m2m

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"hash"
	"unicode/utf16"
)

// Encrypted PKCS#8 (EncryptedPrivateKeyInfo), as the ATO keystore and PEM
// files hold it. Two schemes are read:
//   - pbeWithSHAAnd3-KeyTripleDES-CBC with the PKCS#12 key derivation
//     (RFC 7292 appendix B), which the ATO keystore uses;
//   - PBES2 (RFC 8018): PBKDF2 with HMAC-SHA1/224/256/384/512, then
//     AES-128/192/256-CBC or 3DES-CBC, which OpenSSL and newer tools write.

var (
	oidPBEWithSHA3DES = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}
	oidPBES2          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1       = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA224     = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACSHA256     = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384     = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512     = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC     = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
)

// MaxKDFIterations caps the key-derivation iterations this package will
// run for one file, summed over everything in it. Real files use 1,024 (ATO
// keystore) to a few hundred thousand; 10 million costs a few seconds, so a
// hostile file can delay us by seconds but never hang us.
const MaxKDFIterations = 10_000_000

// Parameter sizes no real file exceeds; bigger ones only add work.
const (
	maxSaltLen       = 1024
	maxEncryptedKey  = 64 << 10 // an RSA-16384 PKCS#8 key is under 10 KB
	writeSaltLen3DES = 20
	// keystoreIterations: the ATO tooling writes 1,024; more costs us
	// nothing noticeable and slows password guessing.
	keystoreIterations = 10_000
	// writeIterations for PBKDF2-HMAC-SHA256 when writing PEM and PKCS#12:
	// tens of milliseconds to open, a real cost to password guessing.
	writeIterations = 200_000
)

// budget counts key-derivation iterations left for one Parse call.
type budget struct{ left int }

func newBudget() *budget { return &budget{left: MaxKDFIterations} }

func (b *budget) spend(n int) error {
	if n < 1 || n > b.left {
		return errTooMuchWork
	}
	b.left -= n
	return nil
}

type encryptedPrivateKeyInfo struct {
	Algorithm     pkix.AlgorithmIdentifier
	EncryptedData []byte
}

type pbeParams struct {
	Salt       []byte
	Iterations int
}

type pbes2Params struct {
	KDF pkix.AlgorithmIdentifier
	Enc pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                      `asn1:"optional"`
	PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
}

// decryptPKCS8 decrypts an EncryptedPrivateKeyInfo and parses the key.
// A wrong password gives ErrWrongPassword (ErrPasswordNeeded when password
// is empty); any other error describes a damaged or unsupported structure.
func decryptPKCS8(der []byte, password string, b *budget) (any, error) {
	if len(der) > maxEncryptedKey {
		return nil, errors.New("encrypted key too large")
	}
	var epki encryptedPrivateKeyInfo
	rest, err := asn1.Unmarshal(der, &epki)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errors.New("trailing data after encrypted key")
	}
	block, iv, err := pbeCipher(epki.Algorithm, password, b)
	if err != nil {
		return nil, err
	}
	plain, ok := cbcDecrypt(block, iv, epki.EncryptedData)
	if !ok {
		return nil, wrongPassword(password)
	}
	key, err := x509.ParsePKCS8PrivateKey(plain)
	if err != nil {
		// Decrypting with the wrong key gives random bytes that pass the
		// padding check now and then; they never parse as a key.
		return nil, wrongPassword(password)
	}
	return key, nil
}

func wrongPassword(password string) error {
	if password == "" {
		return ErrPasswordNeeded
	}
	return ErrWrongPassword
}

// pbeCipher derives the block cipher and IV an AlgorithmIdentifier names.
func pbeCipher(alg pkix.AlgorithmIdentifier, password string, b *budget) (cipher.Block, []byte, error) {
	switch {
	case alg.Algorithm.Equal(oidPBEWithSHA3DES):
		var p pbeParams
		if err := unmarshalAll(alg.Parameters.FullBytes, &p); err != nil {
			return nil, nil, err
		}
		if len(p.Salt) > maxSaltLen {
			return nil, nil, errors.New("salt too long")
		}
		if err := b.spend(p.Iterations); err != nil {
			return nil, nil, err
		}
		pw := bmpPassword(password)
		key := pkcs12KDF(p.Salt, pw, p.Iterations, 1, 24)
		iv := pkcs12KDF(p.Salt, pw, p.Iterations, 2, 8)
		block, err := des.NewTripleDESCipher(key)
		return block, iv, err
	case alg.Algorithm.Equal(oidPBES2):
		return pbes2Cipher(alg, password, b)
	}
	return nil, nil, &unsupportedError{"key encryption " + alg.Algorithm.String()}
}

func pbes2Cipher(alg pkix.AlgorithmIdentifier, password string, b *budget) (cipher.Block, []byte, error) {
	var p pbes2Params
	if err := unmarshalAll(alg.Parameters.FullBytes, &p); err != nil {
		return nil, nil, err
	}
	if !p.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, nil, &unsupportedError{"key derivation " + p.KDF.Algorithm.String()}
	}
	var kp pbkdf2Params
	if err := unmarshalAll(p.KDF.Parameters.FullBytes, &kp); err != nil {
		return nil, nil, err
	}
	var prf func() hash.Hash
	switch {
	case len(kp.PRF.Algorithm) == 0, kp.PRF.Algorithm.Equal(oidHMACSHA1):
		prf = sha1.New // the DEFAULT in RFC 8018
	case kp.PRF.Algorithm.Equal(oidHMACSHA224):
		prf = sha256.New224
	case kp.PRF.Algorithm.Equal(oidHMACSHA256):
		prf = sha256.New
	case kp.PRF.Algorithm.Equal(oidHMACSHA384):
		prf = sha512.New384
	case kp.PRF.Algorithm.Equal(oidHMACSHA512):
		prf = sha512.New
	default:
		return nil, nil, &unsupportedError{"PBKDF2 hash " + kp.PRF.Algorithm.String()}
	}
	var keyLen int
	var newCipher func([]byte) (cipher.Block, error)
	switch {
	case p.Enc.Algorithm.Equal(oidAES128CBC):
		keyLen, newCipher = 16, aes.NewCipher
	case p.Enc.Algorithm.Equal(oidAES192CBC):
		keyLen, newCipher = 24, aes.NewCipher
	case p.Enc.Algorithm.Equal(oidAES256CBC):
		keyLen, newCipher = 32, aes.NewCipher
	case p.Enc.Algorithm.Equal(oidDESEDE3CBC):
		keyLen, newCipher = 24, des.NewTripleDESCipher
	default:
		return nil, nil, &unsupportedError{"cipher " + p.Enc.Algorithm.String()}
	}
	if kp.KeyLength != 0 && kp.KeyLength != keyLen {
		return nil, nil, errors.New("PBKDF2 key length does not fit the cipher")
	}
	if len(kp.Salt) > maxSaltLen {
		return nil, nil, errors.New("salt too long")
	}
	var iv []byte
	if err := unmarshalAll(p.Enc.Parameters.FullBytes, &iv); err != nil {
		return nil, nil, err
	}
	if err := b.spend(kp.Iterations); err != nil {
		return nil, nil, err
	}
	key, err := pbkdf2.Key(prf, password, kp.Salt, kp.Iterations, keyLen)
	if err != nil {
		return nil, nil, err
	}
	block, err := newCipher(key)
	if err != nil {
		return nil, nil, err
	}
	if len(iv) != block.BlockSize() {
		return nil, nil, errors.New("IV length does not fit the cipher")
	}
	return block, iv, nil
}

// cbcDecrypt decrypts and strips PKCS#5 padding; false means the padding
// is wrong, which in practice means a wrong password.
func cbcDecrypt(block cipher.Block, iv, data []byte) ([]byte, bool) {
	bs := block.BlockSize()
	if len(data) == 0 || len(data)%bs != 0 {
		return nil, false
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, data)
	n := int(out[len(out)-1])
	if n == 0 || n > bs {
		return nil, false
	}
	for _, c := range out[len(out)-n:] {
		if int(c) != n {
			return nil, false
		}
	}
	return out[:len(out)-n], true
}

func cbcEncrypt(block cipher.Block, iv, data []byte) []byte {
	bs := block.BlockSize()
	n := bs - len(data)%bs
	padded := append(bytes.Clone(data), bytes.Repeat([]byte{byte(n)}, n)...)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(padded, padded)
	return padded
}

// bmpPassword encodes a password as RFC 7292 wants it: UTF-16 big-endian
// with two zero bytes at the end (characters outside the BMP become
// surrogate pairs, as Java's char[] passwords do).
func bmpPassword(password string) []byte {
	u := utf16.Encode([]rune(password))
	out := make([]byte, 0, 2*len(u)+2)
	for _, c := range u {
		out = append(out, byte(c>>8), byte(c))
	}
	return append(out, 0, 0)
}

// pkcs12KDF is the key derivation of RFC 7292 appendix B.2 with SHA-1
// (u = 20, v = 64): id 1 derives key material, 2 an IV, 3 a MAC key.
func pkcs12KDF(salt, password []byte, iterations int, id byte, n int) []byte {
	const u, v = 20, 64
	d := bytes.Repeat([]byte{id}, v)
	i := append(fillTo(salt, v), fillTo(password, v)...)
	c := (n + u - 1) / u
	out := make([]byte, 0, c*u)
	for blk := 0; blk < c; blk++ {
		h := sha1.New()
		h.Write(d)
		h.Write(i)
		a := h.Sum(nil)
		for r := 1; r < iterations; r++ {
			s := sha1.Sum(a)
			a = s[:]
		}
		out = append(out, a...)
		if blk == c-1 {
			break
		}
		// I_j = (I_j + B + 1) mod 2^(8v), B being A repeated to v bytes.
		bb := fillTo(a, v)
		for j := 0; j < len(i); j += v {
			carry := 1
			for k := v - 1; k >= 0; k-- {
				s := int(i[j+k]) + int(bb[k]) + carry
				i[j+k] = byte(s)
				carry = s >> 8
			}
		}
	}
	return out[:n]
}

// fillTo repeats x to the smallest multiple of v bytes that holds it.
func fillTo(x []byte, v int) []byte {
	if len(x) == 0 {
		return nil
	}
	n := v * ((len(x) + v - 1) / v)
	out := make([]byte, n)
	for k := 0; k < n; k += len(x) {
		copy(out[k:], x)
	}
	return out
}

// encryptPKCS8PBE3DES encrypts a PKCS#8 key the way the ATO keystore does.
func encryptPKCS8PBE3DES(pkcs8 []byte, password string, iterations int) ([]byte, error) {
	salt := make([]byte, writeSaltLen3DES)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	pw := bmpPassword(password)
	block, err := des.NewTripleDESCipher(pkcs12KDF(salt, pw, iterations, 1, 24))
	if err != nil {
		return nil, err
	}
	iv := pkcs12KDF(salt, pw, iterations, 2, 8)
	params, err := asn1.Marshal(pbeParams{Salt: salt, Iterations: iterations})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(encryptedPrivateKeyInfo{
		Algorithm:     pkix.AlgorithmIdentifier{Algorithm: oidPBEWithSHA3DES, Parameters: asn1.RawValue{FullBytes: params}},
		EncryptedData: cbcEncrypt(block, iv, pkcs8),
	})
}

// encryptPKCS8PBES2 encrypts a PKCS#8 key with PBES2: PBKDF2-HMAC-SHA256
// and AES-256-CBC, as `openssl pkcs8 -topk8 -v2 aes-256-cbc` does.
func encryptPKCS8PBES2(pkcs8 []byte, password string, iterations int) ([]byte, error) {
	salt := make([]byte, 16)
	iv := make([]byte, aes.BlockSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(iv); err != nil {
		return nil, err
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, iterations, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	kdf, err := asn1.Marshal(pbkdf2Params{
		Salt: salt, Iterations: iterations,
		PRF: pkix.AlgorithmIdentifier{Algorithm: oidHMACSHA256, Parameters: asn1.NullRawValue},
	})
	if err != nil {
		return nil, err
	}
	ivDER, err := asn1.Marshal(iv)
	if err != nil {
		return nil, err
	}
	params, err := asn1.Marshal(pbes2Params{
		KDF: pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdf}},
		Enc: pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivDER}},
	})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(encryptedPrivateKeyInfo{
		Algorithm:     pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}},
		EncryptedData: cbcEncrypt(block, iv, pkcs8),
	})
}

// unmarshalAll is asn1.Unmarshal that also refuses trailing bytes.
func unmarshalAll(der []byte, out any) error {
	rest, err := asn1.Unmarshal(der, out)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return errors.New("trailing data")
	}
	return nil
}
