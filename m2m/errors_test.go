package m2m

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Words that must never reach a user: library prefixes and jargon.
var jargon = regexp.MustCompile(`(?i:asn1|asn\.1|padding|x509:|pkcs12:|pkcs7|ber2der|structure error|tags don't match|syntax error|0x)|\bDER\b|\bBER\b|\bOID\b`)

// checkPlain fails when an error message holds jargon or the password.
func checkPlain(t *testing.T, err error, password string) {
	t.Helper()
	msg := err.Error()
	if m := jargon.FindString(msg); m != "" {
		t.Errorf("message has jargon %q: %s", m, msg)
	}
	if password != "" && strings.Contains(msg, password) {
		t.Errorf("message shows the password: %s", msg)
	}
}

// replaceElem swaps the content of the first <tag>…</tag> in a keystore.
func replaceElem(data []byte, tag, value string) []byte {
	re := regexp.MustCompile(`<` + tag + `>[^<]*</` + tag + `>`)
	done := false
	return re.ReplaceAllFunc(data, func(m []byte) []byte {
		if done {
			return m
		}
		done = true
		return []byte("<" + tag + ">" + value + "</" + tag + ">")
	})
}

func elemValue(t *testing.T, data []byte, tag string, n int) string {
	t.Helper()
	m := regexp.MustCompile(`<`+tag+`>([^<]*)</`+tag+`>`).FindAllSubmatch(data, -1)
	if len(m) <= n {
		t.Fatalf("no %s #%d", tag, n)
	}
	return string(m[n][1])
}

func TestTypedErrors(t *testing.T) {
	p := getPKI(t)
	c0 := p.credential(t, 0, "11000002568", "Machine One")
	c1 := p.credential(t, 1, "27809366375", "Machine Two")
	ks, err := MarshalKeystore([]*Credential{c0, c1}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	chainDER := mustB64(t, elemValue(t, ks, "publicCertificate", 0))
	key0 := elemValue(t, ks, "protectedPrivateKey", 0)
	key1 := elemValue(t, ks, "protectedPrivateKey", 1)
	sample, _ := readSampleXML(t)
	// The key encrypted with an algorithm we do not implement (RC2).
	var epki encryptedPrivateKeyInfo
	if _, err := asn1.Unmarshal(mustB64(t, key0), &epki); err != nil {
		t.Fatal(err)
	}
	epki.Algorithm.Algorithm = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 6}
	rc2, _ := asn1.Marshal(epki)

	onlyCert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c0.Certificate.Raw})
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(c0.PrivateKey)
	onlyKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
	otherKey, _ := x509.MarshalPKCS8PrivateKey(c1.PrivateKey)
	mismatch := append(bytes.Clone(onlyCert), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: otherKey})...)
	now := time.Now()
	weakCert := p.leafCert(t, &p.weakKey.PublicKey, "11000002568", "Weak", now, now.AddDate(1, 0, 0))
	weakKey, _ := x509.MarshalPKCS8PrivateKey(p.weakKey)
	weak := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: weakCert.Raw}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: weakKey})...)

	// A PFX of 300 KB (one big data content): over the PKCS#12 cap.
	bigPFX, err := asn1.Marshal(struct {
		Version  int
		AuthSafe struct {
			ContentType asn1.ObjectIdentifier
			Content     asn1.RawValue `asn1:"explicit,tag:0"`
		}
	}{Version: 3, AuthSafe: struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue `asn1:"explicit,tag:0"`
	}{oidData, asn1.RawValue{Tag: asn1.TagOctetString, Bytes: make([]byte, 300<<10)}}})
	if err != nil {
		t.Fatal(err)
	}
	hugeKey := append(bytes.Clone(onlyCert), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: make([]byte, 70<<10)})...)

	type check func(t *testing.T, err error)
	damaged := func(part string) check {
		return func(t *testing.T, err error) {
			var d *DamagedError
			if !errors.As(err, &d) || !strings.Contains(d.Part, part) {
				t.Fatalf("want DamagedError about %q, got %T %v", part, err, err)
			}
			if !strings.Contains(err.Error(), part) {
				t.Errorf("message does not name the part: %s", err)
			}
		}
	}
	format := func(t *testing.T, err error) {
		var f *FormatError
		if !errors.As(err, &f) {
			t.Fatalf("want FormatError, got %T %v", err, err)
		}
		for _, w := range []string{"keystore.xml", "PKCS#12", ".p12/.pfx", "PEM"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("message does not list %q: %s", w, err)
			}
		}
	}
	is := func(target error) check {
		return func(t *testing.T, err error) {
			if !errors.Is(err, target) {
				t.Fatalf("want %v, got %T %v", target, err, err)
			}
		}
	}
	tests := []struct {
		name string
		data []byte
		pw   string
		want check
	}{
		{"damaged base64 chain", replaceElem(ks, "publicCertificate", "MIIB!!!not-base64"), testPassword,
			damaged("certificate chain of credential ABRD:11000002568_Machine One")},
		{"truncated chain", replaceElem(ks, "publicCertificate", base64.StdEncoding.EncodeToString(chainDER[:len(chainDER)/2])), testPassword,
			damaged("certificate chain of credential ABRD:11000002568_Machine One")},
		{"truncated BER chain of the sample", replaceElem(sample, "publicCertificate", base64.StdEncoding.EncodeToString(
			mustB64(t, elemValue(t, sample, "publicCertificate", 0))[:3000])), samplePassword,
			damaged("certificate chain of credential ABRD:11000002568_INGLETON153")},
		{"damaged base64 key", replaceElem(ks, "protectedPrivateKey", "%%%%"), testPassword,
			damaged("private key of credential ABRD:11000002568_Machine One")},
		{"truncated key", replaceElem(ks, "protectedPrivateKey", key0[:40]), testPassword,
			damaged("private key of credential ABRD:11000002568_Machine One")},
		{"fingerprint names no certificate", replaceElem(replaceElem(ks, "sha1fingerprint", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="), "serialNumber", "42"), testPassword,
			damaged("certificate chain of credential ABRD:11000002568_Machine One")},
		{"unsupported key encryption", replaceElem(ks, "protectedPrivateKey", base64.StdEncoding.EncodeToString(rc2)), testPassword,
			func(t *testing.T, err error) {
				damaged("private key of credential ABRD:11000002568_Machine One")(t, err)
				if !strings.Contains(err.Error(), "protected in a way this program cannot read") {
					t.Errorf("message: %s", err)
				}
			}},
		{"keystore with swapped key", replaceElem(ks, "protectedPrivateKey", key1), testPassword, is(ErrKeyMismatch)},
		{"cut-off XML", ks[:len(ks)/2], testPassword, damaged("keystore")},
		{"empty keystore", []byte(`<credentialStore xmlns="` + keystoreNS + `"><credentials/></credentialStore>`), testPassword,
			func(t *testing.T, err error) {
				var nf *NotFoundError
				if !errors.As(err, &nf) || !strings.Contains(err.Error(), "holds no credentials") {
					t.Fatalf("got %T %v", err, err)
				}
			}},
		{"empty file", nil, "", format},
		{"spaces only", []byte(" \n\t "), "", format},
		{"text", []byte("hello, world"), "", format},
		{"other XML", []byte(`<?xml version="1.0"?><html><body/></html>`), "", format},
		{"broken XML", []byte(`<credentialStore`), "", format},
		{"random DER", []byte{0x30, 0x03, 0x02, 0x01, 0x05}, "", format},
		{"Java keystore", []byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2}, "", format},
		{"PEM without cert or key", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1}}), "", format},
		{"PEM certificate only", onlyCert, "", is(ErrKeyFileNeeded)},
		{"DER certificate only", c0.Certificate.Raw, "", is(ErrKeyFileNeeded)},
		{"PEM key only", onlyKey, "", is(ErrCertFileNeeded)},
		{"DER key only", pkcs8, "", is(ErrCertFileNeeded)},
		{"PEM mismatched key", mismatch, "", is(ErrKeyMismatch)},
		{"PEM damaged certificate", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 1, 2}}), "", damaged("certificate")},
		{"1024-bit key", weak, "", func(t *testing.T, err error) {
			var w *WeakKeyError
			if !errors.As(err, &w) || w.Bits != 1024 || !strings.Contains(err.Error(), "2048") {
				t.Fatalf("got %T %v", err, err)
			}
		}},
		{"PEM key too large", hugeKey, "", damaged("private key")},
		{"PKCS#12 too large", bigPFX, testPassword, func(t *testing.T, err error) {
			var tl *TooLargeError
			if !errors.As(err, &tl) || tl.Limit != maxPKCS12Size || !strings.Contains(err.Error(), "256 KB") {
				t.Fatalf("got %T %v", err, err)
			}
		}},
		{"oversized data", make([]byte, MaxFileSize+1), "", func(t *testing.T, err error) {
			var tl *TooLargeError
			if !errors.As(err, &tl) {
				t.Fatalf("got %T %v", err, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.data, "cred.file", tt.pw)
			if err == nil {
				t.Fatal("no error")
			}
			tt.want(t, err)
			checkPlain(t, err, tt.pw)
		})
	}

	t.Run("missing id", func(t *testing.T) {
		st, err := Parse(ks, "keystore.xml", testPassword)
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.Get("ABRD:99999999999_Nobody")
		var nf *NotFoundError
		if !errors.As(err, &nf) || len(nf.Available) != 2 || !strings.Contains(err.Error(), "ABRD:27809366375_Machine Two") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("oversized file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "big.p12")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(MaxFileSize + 1); err != nil {
			t.Fatal(err)
		}
		f.Close()
		_, err = Open(path, "x")
		var tl *TooLargeError
		if !errors.As(err, &tl) || tl.Size != MaxFileSize+1 || !strings.Contains(err.Error(), "big.p12") {
			t.Fatalf("got %v", err)
		}
		checkPlain(t, err, "")
	})
	t.Run("file of exactly the limit is read", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "limit.xml")
		data := append(bytes.Clone(ks), bytes.Repeat([]byte(" "), MaxFileSize-len(ks))...)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(path, testPassword); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("wrong password messages", func(t *testing.T) {
		for _, data := range [][]byte{ks, mustMarshal(MarshalPEM(c0, testPassword)), mustMarshal(MarshalPKCS12(c0, testPassword))} {
			_, err := Parse(data, "f", "Secret-Guess-123")
			if !errors.Is(err, ErrWrongPassword) {
				t.Fatalf("got %v", err)
			}
			checkPlain(t, err, "Secret-Guess-123")
		}
	})
}

func mustMarshal(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// A file asking for absurd iteration counts is refused at once instead of
// keeping us busy for minutes.
func TestIterationBomb(t *testing.T) {
	p := getPKI(t)
	c := p.credential(t, 0, "11000002568", "Machine One")
	pkcs8, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	// Keystore key with 2^31-1 PBE iterations (never run: only the
	// parameters are rewritten).
	good, err := encryptPKCS8PBE3DES(pkcs8, testPassword, 1024)
	if err != nil {
		t.Fatal(err)
	}
	var epki encryptedPrivateKeyInfo
	if _, err := asn1.Unmarshal(good, &epki); err != nil {
		t.Fatal(err)
	}
	var params pbeParams
	if _, err := asn1.Unmarshal(epki.Algorithm.Parameters.FullBytes, &params); err != nil {
		t.Fatal(err)
	}
	params.Iterations = 1<<31 - 1
	epki.Algorithm.Parameters.FullBytes, _ = asn1.Marshal(params)
	bomb, _ := asn1.Marshal(epki)
	ks, err := MarshalKeystore([]*Credential{c}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	ks = replaceElem(ks, "protectedPrivateKey", base64.StdEncoding.EncodeToString(bomb))

	// PKCS#12 with a MAC over 2^31-1 iterations.
	p12, err := MarshalPKCS12(c, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	var pfx struct {
		Version  int
		AuthSafe asn1.RawValue
		MacData  struct {
			Mac        asn1.RawValue
			MacSalt    []byte
			Iterations int
		}
	}
	if _, err := asn1.Unmarshal(p12, &pfx); err != nil {
		t.Fatal(err)
	}
	pfx.MacData.Iterations = 1<<31 - 1
	p12bomb, err := asn1.Marshal(pfx)
	if err != nil {
		t.Fatal(err)
	}
	// PEM with PBES2 over 50 million iterations.
	pemData, err := MarshalPEM(c, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	pemBomb := bytes.Replace(pemData, []byte("ENCRYPTED PRIVATE KEY"), []byte("X"), 2)
	pemBomb = append(pemBomb, pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: pbes2Bomb(t, pkcs8)})...)

	for name, data := range map[string][]byte{"keystore": ks, "pkcs12": p12bomb, "pem": pemBomb} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(data, "bomb", testPassword)
			var d *DamagedError
			if !errors.As(err, &d) || !errors.Is(err, errTooMuchWork) {
				t.Fatalf("got %T %v", err, err)
			}
			checkPlain(t, err, testPassword)
		})
	}
}

func pbes2Bomb(t *testing.T, pkcs8 []byte) []byte {
	t.Helper()
	good, err := encryptPKCS8PBES2(pkcs8, testPassword, 1000)
	if err != nil {
		t.Fatal(err)
	}
	// The iteration count is the INTEGER 1000 (02 02 03 e8) in the
	// PBKDF2 parameters; 50,000,000 is 02 04 02 fa f0 80. Rebuild rather
	// than patch lengths by hand.
	var epki encryptedPrivateKeyInfo
	if _, err := asn1.Unmarshal(good, &epki); err != nil {
		t.Fatal(err)
	}
	var p pbes2Params
	if _, err := asn1.Unmarshal(epki.Algorithm.Parameters.FullBytes, &p); err != nil {
		t.Fatal(err)
	}
	var kp pbkdf2Params
	if _, err := asn1.Unmarshal(p.KDF.Parameters.FullBytes, &kp); err != nil {
		t.Fatal(err)
	}
	kp.Iterations = 50_000_000
	p.KDF.Parameters.FullBytes, _ = asn1.Marshal(kp)
	epki.Algorithm.Parameters.FullBytes, _ = asn1.Marshal(p)
	out, _ := asn1.Marshal(epki)
	return out
}
