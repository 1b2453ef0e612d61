package m2m

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Open reads the credential file at path (at most MaxFileSize bytes; a
// bigger file gives *TooLargeError) and parses it with Parse.
func Open(path, password string) (*Store, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, filepath.Base(path), password)
}

// OpenPublic is Open without decrypting keys: see ParsePublic.
func OpenPublic(path string) (*Store, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return ParsePublic(data, filepath.Base(path))
}

func readFile(path string) ([]byte, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, &fileError{fmt.Sprintf("The file %q was not found. It may have been moved or renamed; choose it again.", name), err}
		case errors.Is(err, fs.ErrPermission):
			return nil, &fileError{fmt.Sprintf("This program is not allowed to read %q. Copy it somewhere you can open it, such as your Documents folder, and choose the copy.", name), err}
		}
		return nil, &fileError{fmt.Sprintf("The file %q could not be opened. Choose it again.", name), err}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			return nil, &fileError{fmt.Sprintf("%q is a folder. Choose the credential file inside it.", name), nil}
		}
		if st.Mode().IsRegular() && st.Size() > MaxFileSize {
			return nil, &TooLargeError{Name: name, Size: st.Size()}
		}
	}
	// Read one byte past the limit to tell "exactly the limit" from "more"
	// for files whose size Stat cannot tell (pipes, special files).
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, &fileError{fmt.Sprintf("The file %q could not be read. Choose it again.", name), err}
	}
	if len(data) > MaxFileSize {
		return nil, &TooLargeError{Name: name, Size: -1}
	}
	return data, nil
}

// kind is what detect finds in a file's content.
type kind int

const (
	kindUnknown kind = iota
	kindKeystore
	kindPKCS12
	kindPEM
)

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// detect tells the format from content, never from the file name: users
// rename files, and Windows hides extensions.
func detect(data []byte, name string) (kind, error) {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, utf8BOM), " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return kindUnknown, &FormatError{Name: name, Reason: "The file is empty."}
	case trimmed[0] == '<':
		return kindKeystore, nil
	case bytes.Contains(data, []byte("-----BEGIN ")):
		return kindPEM, nil
	case bytes.HasPrefix(data, []byte{0xfe, 0xed, 0xfe, 0xed}), bytes.HasPrefix(data, []byte{0xce, 0xce, 0xce, 0xce}):
		return kindUnknown, &FormatError{Name: name, Reason: "It is a Java keystore (.jks); export the credential from it as a PKCS#12 (.p12) file first."}
	case data[0] == 0x30:
		if _, ok := pfxDER(data); ok {
			return kindPKCS12, nil
		}
		return kindUnknown, derOnlyPart(data, name)
	}
	return kindUnknown, &FormatError{Name: name}
}

// derOnlyPart explains a binary (DER) file that holds only half a
// credential: a certificate or chain (.cer/.p7b) or a key.
func derOnlyPart(data []byte, name string) error {
	if _, err := x509.ParseCertificate(data); err == nil {
		return ErrKeyFileNeeded
	}
	if _, err := parsePKCS7Certs(data); err == nil {
		return ErrKeyFileNeeded
	}
	var epki encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(data, &epki); err == nil && len(rest) == 0 && len(epki.EncryptedData) > 0 {
		return ErrCertFileNeeded
	}
	if _, err := x509.ParsePKCS8PrivateKey(data); err == nil {
		return ErrCertFileNeeded
	}
	if _, err := x509.ParsePKCS1PrivateKey(data); err == nil {
		return ErrCertFileNeeded
	}
	if cutPFX(data) {
		return &DamagedError{Part: "PKCS#12 file", Err: errors.New("the file ends before its content does")}
	}
	return &FormatError{Name: name}
}

// cutPFX reports the start of a PKCS#12 PFX — SEQUENCE { INTEGER 3, … } —
// whose outer length runs past the end of the data: a file cut short (a
// download or copy that stopped), not some other kind of file.
func cutPFX(data []byte) bool {
	if len(data) < 5 || data[0] != 0x30 {
		return false
	}
	i, length := 2, 0
	switch l := int(data[1]); {
	case l == 0x80: // BER, indefinite: no length to check
		length = -1
	case l < 0x80:
		length = l
	case l <= 0x84:
		n := l - 0x80
		if len(data) < 2+n {
			return false
		}
		for _, b := range data[2 : 2+n] {
			length = length<<8 | int(b)
		}
		i += n
	default:
		return false
	}
	if len(data) < i+3 || data[i] != 0x02 || data[i+1] != 0x01 || data[i+2] != 0x03 {
		return false
	}
	return length < 0 || i+length > len(data)
}

// Parse reads a credential file of any supported kind, telling the kind
// from the content: an ATO keystore.xml (XML with a credentialStore), a
// PKCS#12 file (DER), or PEM text holding certificate(s) and key. filename
// is used in messages and, for files that name no credential, as the
// credential's id of last resort.
func Parse(data []byte, filename, password string) (*Store, error) {
	return parse(data, filename, password, true, newBudget())
}

// ParsePublic reads the certificates of a credential file without its keys,
// so a caller can show what a file holds (ids, names, expiry) before asking
// for the password. The credentials have a nil PrivateKey. A keystore.xml
// and PEM need no password; a PKCS#12 file usually keeps its certificates
// encrypted and then gives ErrPasswordNeeded.
func ParsePublic(data []byte, filename string) (*Store, error) {
	return parse(data, filename, "", false, newBudget())
}

func parse(data []byte, name, password string, withKeys bool, b *budget) (*Store, error) {
	if len(data) > MaxFileSize {
		return nil, &TooLargeError{Name: name, Size: int64(len(data))}
	}
	k, err := detect(data, name)
	if err != nil {
		return nil, err
	}
	switch k {
	case kindKeystore:
		return parseKeystore(data, name, password, withKeys, b)
	case kindPEM:
		return parsePEM(name, password, withKeys, b, data)
	case kindPKCS12:
		st, err := parsePKCS12(data, name, password, b)
		if err != nil {
			return nil, err
		}
		if !withKeys {
			for _, c := range st.Credentials {
				c.PrivateKey = nil
			}
		}
		return st, nil
	}
	return nil, &FormatError{Name: name}
}

// ParsePEM reads a credential whose certificate (or chain) and private key
// are in two PEM files. Either may also hold the other part.
func ParsePEM(certPEM, keyPEM []byte, password string) (*Store, error) {
	if len(certPEM) > MaxFileSize || len(keyPEM) > MaxFileSize {
		return nil, &TooLargeError{Size: int64(max(len(certPEM), len(keyPEM)))}
	}
	return parsePEM("", password, true, newBudget(), derAsPEM(certPEM), derAsPEM(keyPEM))
}

// derAsPEM lets ParsePEM take a binary (DER) certificate, chain or key
// too, as Windows tools often save .cer/.key files that way.
func derAsPEM(data []byte) []byte {
	if len(data) == 0 || data[0] != 0x30 || bytes.Contains(data, []byte("-----BEGIN ")) {
		return data
	}
	block := func(typ string, b []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}) }
	if _, err := x509.ParseCertificate(data); err == nil {
		return block("CERTIFICATE", data)
	}
	if certs, err := parsePKCS7Certs(data); err == nil {
		var out []byte
		for _, c := range certs {
			out = append(out, block("CERTIFICATE", c.Raw)...)
		}
		return out
	}
	var epki encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(data, &epki); err == nil && len(rest) == 0 && len(epki.EncryptedData) > 0 {
		return block("ENCRYPTED PRIVATE KEY", data)
	}
	if _, err := x509.ParsePKCS8PrivateKey(data); err == nil {
		return block("PRIVATE KEY", data)
	}
	if _, err := x509.ParsePKCS1PrivateKey(data); err == nil {
		return block("RSA PRIVATE KEY", data)
	}
	return data
}
