package m2m

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"software.sslmate.com/src/go-pkcs12"
)

// Fuzz targets: any input must give a credential or an error, never a
// panic or a hang. They run with a small iteration budget so one input
// costs milliseconds; seeds use low iteration counts to stay within it.
//
// Seeds: the ATO sample (added in code; its keys stay encrypted) and files
// generated from throw-away test keys under testdata/fuzz/<target>/gen-*,
// written by TestWriteFuzzSeeds (M2M_WRITE_FUZZ_SEEDS=1). They are files
// rather than f.Add calls because RSA key generation under the fuzzer's
// coverage instrumentation takes about a minute per worker. Key-bearing
// seeds are encrypted with testPassword.

const fuzzBudget = 100_000

// checkResult holds for every successful parse.
func checkResult(t *testing.T, st *Store, err error, password string, withKeys bool) {
	if err != nil {
		if st != nil {
			t.Fatal("store and error both returned")
		}
		// Only our own passwords are checked: a fuzzed one may be any word
		// of a message.
		if (password == samplePassword || password == testPassword) && strings.Contains(err.Error(), password) {
			t.Fatalf("error shows the password: %v", err)
		}
		return
	}
	if len(st.Credentials) == 0 || len(st.Credentials) > MaxCredentials {
		t.Fatalf("%d credentials", len(st.Credentials))
	}
	for _, c := range st.Credentials {
		if c.Certificate == nil || c.ID == "" || c.Serial == "" || c.SHA1 == "" {
			t.Fatalf("incomplete credential %+v", c)
		}
		if withKeys && (c.PrivateKey == nil || !c.PrivateKey.PublicKey.Equal(c.Certificate.PublicKey)) {
			t.Fatal("key missing or not matching")
		}
		_ = c.Verdict(c.NotBefore)
	}
}

func FuzzParseKeystore(f *testing.F) {
	sample, err := os.ReadFile(samplePath)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add([]byte(`<credentialStore><credentials><credential id="x"><publicCertificate>MIA=</publicCertificate></credential></credentials></credentialStore>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := parse(data, "fuzz.xml", samplePassword, true, &budget{left: fuzzBudget})
		checkResult(t, st, err, samplePassword, true)
		st, err = parse(data, "fuzz.xml", "", false, &budget{left: fuzzBudget})
		checkResult(t, st, err, "", false)
	})
}

func FuzzParsePKCS12(f *testing.F) {
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x03}, "")
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		st, err := parse(data, "fuzz.p12", password, true, &budget{left: fuzzBudget})
		checkResult(t, st, err, password, true)
	})
}

func FuzzParsePEM(f *testing.F) {
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAAAAAAAAAAAAAAAAAAAA==\n-----END RSA PRIVATE KEY-----\n"), "x")
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		st, err := parse(data, "fuzz.pem", password, true, &budget{left: fuzzBudget})
		checkResult(t, st, err, password, true)
		st, err = parse(data, "fuzz.pem", "", false, &budget{left: fuzzBudget})
		checkResult(t, st, err, "", false)
	})
}

func FuzzBER(f *testing.F) {
	_, x := readSampleXML(f)
	for _, xc := range x.Credentials {
		f.Add(mustB64(f, xc.PublicCertificate))
	}
	f.Add([]byte{0x30, 0x80, 0x24, 0x80, 0x04, 0x01, 0x41, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := berToDER(data)
		if err == nil {
			if len(out) > 2*len(data)+16 {
				t.Fatalf("DER %d bytes from %d", len(out), len(data))
			}
			again, err := berToDER(out)
			if err != nil || !bytes.Equal(again, out) {
				t.Fatalf("DER output is not stable: %v", err)
			}
		}
		certs, err := parsePKCS7Certs(data)
		if err == nil && (len(certs) == 0 || len(certs) > maxChainCerts) {
			t.Fatalf("%d certificates", len(certs))
		}
	})
}

func FuzzDecryptPKCS8(f *testing.F) {
	_, x := readSampleXML(f)
	for _, xc := range x.Credentials {
		f.Add(mustB64(f, xc.ProtectedPrivateKey), samplePassword) // encrypted, as published
	}
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		key, err := decryptPKCS8(data, password, &budget{left: fuzzBudget})
		if err != nil {
			if key != nil {
				t.Fatal("key and error both returned")
			}
			if errors.Is(err, ErrWrongPassword) && password != "" && err != ErrWrongPassword {
				t.Fatalf("wrong-password error is not the sentinel: %v", err)
			}
			return
		}
		if key == nil {
			t.Fatal("no key and no error")
		}
	})
}

// TestWriteFuzzSeeds writes the generated seed corpus (see above).
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("M2M_WRITE_FUZZ_SEEDS") != "1" {
		t.Skip("set M2M_WRITE_FUZZ_SEEDS=1 to rewrite testdata/fuzz/*/gen-*")
	}
	p := getPKI(t)
	c0 := p.credential(t, 0, "11000002568", "Fuzz Machine")
	c1 := p.credential(t, 1, "27809366375", "Fuzz Machine Two")
	write := func(target, name string, values ...any) {
		t.Helper()
		var b strings.Builder
		b.WriteString("go test fuzz v1\n")
		for _, v := range values {
			switch v := v.(type) {
			case []byte:
				fmt.Fprintf(&b, "[]byte(%q)\n", v)
			case string:
				fmt.Fprintf(&b, "string(%q)\n", v)
			}
		}
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "gen-"+name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must := func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	write("FuzzParseKeystore", "keystore", must(MarshalKeystore([]*Credential{c0, c1}, samplePassword)))

	write("FuzzParsePKCS12", "modern", must(pkcs12.Modern2023.WithIterations(1000).Encode(c0.PrivateKey, c0.Certificate, c0.Chain, testPassword)), testPassword)
	write("FuzzParsePKCS12", "legacy-des", must(pkcs12.LegacyDES.Encode(c0.PrivateKey, c0.Certificate, c0.Chain, testPassword)), testPassword)

	pkcs8 := must(x509.MarshalPKCS8PrivateKey(c0.PrivateKey))
	pbes2 := must(encryptPKCS8PBES2(pkcs8, testPassword, 1000))
	pbe3des := must(encryptPKCS8PBE3DES(pkcs8, testPassword, 1000))
	var chainPEM []byte
	for _, c := range append([]*x509.Certificate{c0.Certificate}, c0.Chain...) {
		chainPEM = append(chainPEM, pemEncodeBlock("CERTIFICATE", c.Raw)...)
	}
	write("FuzzParsePEM", "pbes2", append(bytes.Clone(chainPEM), pemEncodeBlock("ENCRYPTED PRIVATE KEY", pbes2)...), testPassword)
	write("FuzzParsePEM", "certs-only", chainPEM, "")
	if bin, err := exec.LookPath("openssl"); err == nil {
		// OpenSSL's traditional encrypted "RSA PRIVATE KEY" (DEK-Info).
		dir := t.TempDir()
		pw := filepath.Join(dir, "pw")
		// The same file for -passin and -passout: line 1 in, line 2 out.
		if err := os.WriteFile(pw, []byte(testPassword+"\n"+testPassword+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "rsa", "-traditional", "-aes128", "-passin", "file:"+pw, "-passout", "file:"+pw)
		cmd.Stdin = bytes.NewReader(pemEncodeBlock("ENCRYPTED PRIVATE KEY", pbes2))
		legacy, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		write("FuzzParsePEM", "traditional-aes128", append(bytes.Clone(chainPEM), legacy...), testPassword)
	}

	write("FuzzBER", "der-chain", must(marshalPKCS7Certs(append([]*x509.Certificate{c0.Certificate}, c0.Chain...))))

	write("FuzzDecryptPKCS8", "pbes2", pbes2, testPassword)
	write("FuzzDecryptPKCS8", "pbe-sha1-3des", pbe3des, testPassword)
}

// The generated seeds must open, or the fuzzers start from shallow inputs.
func TestFuzzSeedsOpen(t *testing.T) {
	read := func(target, name string) (data []byte, password string) {
		t.Helper()
		raw, err := os.ReadFile(filepath.Join("testdata", "fuzz", target, "gen-"+name))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		for _, l := range lines[1:] {
			if v, ok := strings.CutPrefix(l, "[]byte("); ok {
				s, err := strconv.Unquote(strings.TrimSuffix(v, ")"))
				if err != nil {
					t.Fatal(err)
				}
				data = []byte(s)
			} else if v, ok := strings.CutPrefix(l, "string("); ok {
				if password, err = strconv.Unquote(strings.TrimSuffix(v, ")")); err != nil {
					t.Fatal(err)
				}
			}
		}
		return data, password
	}
	for _, s := range []struct{ target, name string }{
		{"FuzzParseKeystore", "keystore"}, {"FuzzParsePKCS12", "modern"}, {"FuzzParsePKCS12", "legacy-des"},
		{"FuzzParsePEM", "pbes2"}, {"FuzzParsePEM", "traditional-aes128"},
	} {
		data, pw := read(s.target, s.name)
		if s.target == "FuzzParseKeystore" {
			pw = samplePassword
		}
		if _, err := parse(data, "seed", pw, true, &budget{left: fuzzBudget}); err != nil {
			t.Errorf("%s/%s: %v", s.target, s.name, err)
		}
	}
	for _, name := range []string{"pbes2", "pbe-sha1-3des"} {
		data, pw := read("FuzzDecryptPKCS8", name)
		if _, err := decryptPKCS8(data, pw, &budget{left: fuzzBudget}); err != nil {
			t.Errorf("FuzzDecryptPKCS8/%s: %v", name, err)
		}
	}
	data, _ := read("FuzzBER", "der-chain")
	if certs, err := parsePKCS7Certs(data); err != nil || len(certs) != 3 {
		t.Errorf("FuzzBER/der-chain: %d, %v", len(certs), err)
	}
}
