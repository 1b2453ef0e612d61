package m2m

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Cross-checks with OpenSSL, the reference most other tools agree with.
// Passwords go through files (-passin file:), never the command line.

type openssl struct {
	t   *testing.T
	bin string
	dir string
	pw  string // path of the password file
}

func newOpenSSL(t *testing.T, password string) *openssl {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw.txt")
	if err := os.WriteFile(pw, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &openssl{t: t, bin: bin, dir: dir, pw: pw}
}

// run runs openssl with stdin and returns stdout; it fails the test on error.
func (o *openssl) run(stdin []byte, args ...string) []byte {
	o.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, o.bin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		o.t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes()
}

func (o *openssl) file(name string, data []byte) string {
	o.t.Helper()
	p := filepath.Join(o.dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		o.t.Fatal(err)
	}
	return p
}

func pemCerts(t *testing.T, data []byte) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	for _, b := range pemBlocks(t, data) {
		if b.Type == "CERTIFICATE" {
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, c)
		}
	}
	return out
}

func pemKeyDER(t *testing.T, data []byte) []byte {
	t.Helper()
	for _, b := range pemBlocks(t, data) {
		if b.Type == "PRIVATE KEY" {
			return b.Bytes
		}
	}
	t.Fatalf("no PRIVATE KEY in openssl output")
	return nil
}

// parseAnyKey parses a PKCS#8 or PKCS#1 RSA key (OpenSSL writes either).
func parseAnyKey(t *testing.T, der []byte) crypto.PrivateKey {
	t.Helper()
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return k
	}
	k, err := x509.ParsePKCS1PrivateKey(der)
	if err != nil {
		t.Fatalf("openssl output is not a key: %v", err)
	}
	return k
}

func TestOpenSSLReadsOurFiles(t *testing.T) {
	o := newOpenSSL(t, testPassword)
	p := getPKI(t)
	c := p.credential(t, 0, "11000002568", "OpenSSL Check")
	wantChain := append([]*x509.Certificate{c.Certificate}, c.Chain...)
	ks, err := MarshalKeystore([]*Credential{c}, testPassword)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("keystore protectedPrivateKey", func(t *testing.T) {
		enc := mustB64(t, elemValue(t, ks, "protectedPrivateKey", 0))
		got := o.run(enc, "pkcs8", "-inform", "DER", "-passin", "file:"+o.pw, "-outform", "DER")
		if !c.PrivateKey.Equal(parseAnyKey(t, got)) {
			t.Error("openssl decrypted a different key")
		}
	})
	t.Run("keystore publicCertificate", func(t *testing.T) {
		p7 := mustB64(t, elemValue(t, ks, "publicCertificate", 0))
		certs := pemCerts(t, o.run(p7, "pkcs7", "-inform", "DER", "-print_certs"))
		if len(certs) != 3 {
			t.Fatalf("openssl found %d certificates", len(certs))
		}
		for i := range certs {
			if !certs[i].Equal(wantChain[i]) {
				t.Errorf("certificate %d differs", i)
			}
		}
	})
	t.Run("pkcs12", func(t *testing.T) {
		p12, err := MarshalPKCS12(c, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		path := o.file("c.p12", p12)
		certs := pemCerts(t, o.run(nil, "pkcs12", "-in", path, "-nokeys", "-passin", "file:"+o.pw))
		if len(certs) != 3 {
			t.Fatalf("openssl found %d certificates", len(certs))
		}
		for _, w := range wantChain {
			found := false
			for _, g := range certs {
				found = found || g.Equal(w)
			}
			if !found {
				t.Errorf("%s missing", w.Subject)
			}
		}
		key := o.run(nil, "pkcs12", "-in", path, "-nocerts", "-noenc", "-passin", "file:"+o.pw)
		if !c.PrivateKey.Equal(parseAnyKey(t, pemKeyDER(t, key))) {
			t.Error("openssl read a different key")
		}
	})
	t.Run("encrypted PEM", func(t *testing.T) {
		data, err := MarshalPEM(c, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		path := o.file("c.pem", data)
		if !c.PrivateKey.Equal(parseAnyKey(t, pemKeyDER(t, o.run(nil, "pkey", "-in", path, "-passin", "file:"+o.pw)))) {
			t.Error("openssl read a different key")
		}
		// PBES2 / PBKDF2 with HMAC-SHA256 / AES-256-CBC, as documented.
		_, keyBlock := splitPEM(t, data)
		dump := string(o.run(keyBlock, "asn1parse"))
		for _, w := range []string{"PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc"} {
			if !strings.Contains(dump, w) {
				t.Errorf("key structure lacks %s:\n%s", w, dump)
			}
		}
		// Every certificate parses for OpenSSL.
		p7 := o.run(nil, "crl2pkcs7", "-nocrl", "-certfile", path)
		certs := pemCerts(t, o.run(p7, "pkcs7", "-print_certs"))
		if len(certs) != 3 {
			t.Errorf("openssl found %d certificates", len(certs))
		}
	})
}

// The sample keystore's key, decrypted by OpenSSL and by us, must be the
// same. The decrypted key stays in memory (stdin/stdout), never on disk.
func TestOpenSSLSampleKeystore(t *testing.T) {
	o := newOpenSSL(t, samplePassword)
	data, x := readSampleXML(t)
	st, err := Parse(data, "keystore.xml", samplePassword)
	if err != nil {
		t.Fatal(err)
	}
	for i, xc := range x.Credentials {
		got := o.run(mustB64(t, xc.ProtectedPrivateKey), "pkcs8", "-inform", "DER", "-passin", "file:"+o.pw, "-outform", "DER")
		if !st.Credentials[i].PrivateKey.Equal(parseAnyKey(t, got)) {
			t.Errorf("%s: OpenSSL and we decrypt different keys", xc.ID)
		}
		clear(got)
		certs := pemCerts(t, o.run(mustB64(t, xc.PublicCertificate), "pkcs7", "-inform", "DER", "-print_certs"))
		if len(certs) != 3 || !certs[0].Equal(st.Credentials[i].Certificate) {
			t.Errorf("%s: OpenSSL reads the BER chain differently", xc.ID)
		}
	}
}

func TestWeReadOpenSSLFiles(t *testing.T) {
	o := newOpenSSL(t, testPassword)
	p := getPKI(t)
	c := p.credential(t, 1, "27809366375", "From OpenSSL")
	chainPEM := o.file("chain.pem", splitFirst(t, mustMarshal(MarshalPEM(c, ""))))
	keyDER, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := o.file("key.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	certsOnly, err := os.ReadFile(chainPEM)
	if err != nil {
		t.Fatal(err)
	}

	p12s := map[string][]string{
		"pkcs12 default (AES, SHA-256 MAC)": nil,
		"pkcs12 3DES, SHA-1 MAC":            {"-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1"},
	}
	for name, extra := range p12s {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"pkcs12", "-export", "-in", chainPEM, "-inkey", keyPEM, "-name", "my alias", "-passout", "file:" + o.pw}, extra...)
			st, err := Parse(o.run(nil, args...), "x.p12", testPassword)
			if err != nil {
				t.Fatal(err)
			}
			want := *c
			want.ID = "my alias"
			sameCredential(t, st.Credentials[0], &want, true)
		})
	}
	keys := map[string][]string{
		"pkcs8 PBE-SHA1-3DES":           {"pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES"},
		"pkcs8 PBES2 AES-128 HMAC-SHA1": {"pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"},
		"pkcs8 PBES2 AES-256 SHA-512":   {"pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA512"},
		"pkcs8 PBES2 3DES":              {"pkcs8", "-topk8", "-v2", "des3"},
		"traditional RSA AES-256":       {"rsa", "-traditional", "-aes256"},
		"traditional RSA 3DES":          {"rsa", "-traditional", "-des3"},
	}
	for name, args := range keys {
		t.Run(name, func(t *testing.T) {
			enc := o.run(nil, append(args, "-in", keyPEM, "-passout", "file:"+o.pw)...)
			st, err := ParsePEM(certsOnly, enc, testPassword)
			if err != nil {
				t.Fatal(err)
			}
			sameCredential(t, st.Credentials[0], c, true)
			if _, err := ParsePEM(certsOnly, enc, "not-the-password"); err != ErrWrongPassword {
				t.Errorf("wrong password: %v", err)
			}
		})
	}
	t.Run("pkcs8 DER for the keystore reader", func(t *testing.T) {
		enc := o.run(nil, "pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-in", keyPEM, "-outform", "DER", "-passout", "file:"+o.pw)
		k, err := decryptPKCS8(enc, testPassword, newBudget())
		if err != nil {
			t.Fatal(err)
		}
		if !c.PrivateKey.Equal(k) {
			t.Error("different key")
		}
	})
	t.Run("p7b DER chain and key files", func(t *testing.T) {
		p7b := o.run(nil, "crl2pkcs7", "-nocrl", "-certfile", chainPEM, "-outform", "DER")
		st, err := ParsePEM(p7b, o.run(nil, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", keyPEM, "-outform", "DER", "-passout", "file:"+o.pw), testPassword)
		if err != nil {
			t.Fatal(err)
		}
		sameCredential(t, st.Credentials[0], c, true)
	})
}

// splitFirst returns only the CERTIFICATE blocks of a PEM file.
func splitFirst(t *testing.T, data []byte) []byte {
	t.Helper()
	certs, _ := splitPEM(t, data)
	if !regexp.MustCompile(`BEGIN CERTIFICATE`).Match(certs) {
		t.Fatal("no certificates")
	}
	return certs
}
