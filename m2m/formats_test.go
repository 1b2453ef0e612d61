package m2m

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

func TestPKCS12RoundTrip(t *testing.T) {
	p := getPKI(t)
	c := p.credential(t, 0, "27809366375", "USIMachine")
	data, err := MarshalPKCS12(c, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cred.p12")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := Open(path, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if st.Format != FormatPKCS12 || len(st.Credentials) != 1 {
		t.Fatalf("%q, %d credentials", st.Format, len(st.Credentials))
	}
	sameCredential(t, st.Credentials[0], c, true)
	if _, err := Open(path, "nope-nope-nope"); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := Open(path, ""); !errors.Is(err, ErrPasswordNeeded) {
		t.Errorf("no password: %v", err)
	}
	if _, err := ParsePublic(data, "cred.p12"); !errors.Is(err, ErrPasswordNeeded) {
		t.Errorf("public read of an encrypted .p12: %v", err)
	}
}

// Writers order PKCS#12 certificates differently; the leaf is the one the
// key belongs to, and the friendly name becomes the id.
func TestPKCS12LeafByKey(t *testing.T) {
	p := getPKI(t)
	c := p.credential(t, 1, "11000002568", "INGLETON153")
	// go-pkcs12 puts the "certificate" argument first: give it the CA.
	data, err := pkcs12.LegacyDES.Encode(c.PrivateKey, p.inter, []*x509.Certificate{p.root, c.Certificate}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Parse(data, "odd.pfx", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	sameCredential(t, st.Credentials[0], c, true)
}

func TestPEMRoundTrip(t *testing.T) {
	p := getPKI(t)
	c := p.credential(t, 2, "53004085616", "PEM Machine")
	for _, pw := range []string{testPassword, ""} {
		data, err := MarshalPEM(c, pw)
		if err != nil {
			t.Fatal(err)
		}
		wantType := "ENCRYPTED PRIVATE KEY"
		if pw == "" {
			wantType = "PRIVATE KEY"
		}
		if !strings.Contains(string(data), "-----BEGIN "+wantType+"-----") || strings.Count(string(data), "BEGIN CERTIFICATE") != 3 {
			t.Errorf("password %q: PEM blocks:\n%s", pw, data)
		}
		// One file.
		st, err := Parse(data, "cred.pem", pw)
		if err != nil {
			t.Fatal(err)
		}
		if st.Format != FormatPEM {
			t.Errorf("format %q", st.Format)
		}
		sameCredential(t, st.Credentials[0], c, true)
		// Two files: certificates, key.
		certs, key := splitPEM(t, data)
		st, err = ParsePEM(certs, key, pw)
		if err != nil {
			t.Fatal(err)
		}
		sameCredential(t, st.Credentials[0], c, true)
		// Key first, chain reversed: order in the file does not matter.
		blocks := pemBlocks(t, certs)
		var shuffled []byte
		shuffled = append(shuffled, key...)
		for i := len(blocks) - 1; i >= 0; i-- {
			shuffled = append(shuffled, pem.EncodeToMemory(blocks[i])...)
		}
		if st, err = Parse(shuffled, "cred.pem", pw); err != nil {
			t.Fatal(err)
		}
		sameCredential(t, st.Credentials[0], c, true)
		if pw == "" {
			// Windows line ends.
			if st, err = Parse(bytes.ReplaceAll(shuffled, []byte("\n"), []byte("\r\n")), "crlf.pem", ""); err != nil {
				t.Fatal(err)
			}
			sameCredential(t, st.Credentials[0], c, true)
		}
		if pw != "" {
			if _, err := ParsePEM(certs, key, "wrong-password"); !errors.Is(err, ErrWrongPassword) {
				t.Errorf("wrong password: %v", err)
			}
			if _, err := ParsePEM(certs, key, ""); !errors.Is(err, ErrPasswordNeeded) {
				t.Errorf("no password: %v", err)
			}
		}
	}
}

// ParsePEM also takes DER (binary) certificate and key files.
func TestParsePEMTakesDER(t *testing.T) {
	p := getPKI(t)
	c := p.credential(t, 0, "11000002568", "DER Machine")
	p7, err := marshalPKCS7Certs(append([]*x509.Certificate{c.Certificate}, c.Chain...))
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := encryptPKCS8PBES2(pkcs8, testPassword, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for name, certs := range map[string][]byte{"cer": c.Certificate.Raw, "p7b": p7} {
		for kname, key := range map[string][]byte{"pkcs8": pkcs8, "encrypted": enc, "pkcs1": x509.MarshalPKCS1PrivateKey(c.PrivateKey)} {
			st, err := ParsePEM(certs, key, testPassword)
			if err != nil {
				t.Fatalf("%s + %s: %v", name, kname, err)
			}
			if !st.Credentials[0].Certificate.Equal(c.Certificate) || !st.Credentials[0].PrivateKey.Equal(c.PrivateKey) {
				t.Errorf("%s + %s: wrong credential", name, kname)
			}
		}
	}
}

func splitPEM(t *testing.T, data []byte) (certs, key []byte) {
	t.Helper()
	for _, b := range pemBlocks(t, data) {
		if b.Type == "CERTIFICATE" {
			certs = append(certs, pem.EncodeToMemory(b)...)
		} else {
			key = append(key, pem.EncodeToMemory(b)...)
		}
	}
	return certs, key
}

func pemBlocks(t *testing.T, data []byte) []*pem.Block {
	t.Helper()
	var out []*pem.Block
	for {
		var b *pem.Block
		if b, data = pem.Decode(data); b == nil {
			return out
		}
		out = append(out, b)
	}
}

func TestVerdict(t *testing.T) {
	now := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
	sixMonths := now.AddDate(0, 6, 0)
	tests := []struct {
		name      string
		notBefore time.Time
		notAfter  time.Time
		want      Status
		date      string
	}{
		{"expired", now.AddDate(-2, 0, 0), now.Add(-time.Second), StatusExpired, "15 March 2026"},
		{"not yet valid", now.Add(time.Hour), now.AddDate(2, 0, 0), StatusNotYetValid, "15 March 2026"},
		{"5 months left", now.AddDate(-1, 0, 0), now.AddDate(0, 5, 0), StatusExpiresSoon, "15 August 2026"},
		{"exactly 6 months left", now.AddDate(-1, 0, 0), sixMonths, StatusExpiresSoon, "15 September 2026"},
		{"6 months and a second", now.AddDate(-1, 0, 0), sixMonths.Add(time.Second), StatusOK, ""},
		{"7 months left", now.AddDate(-1, 0, 0), now.AddDate(0, 7, 0), StatusOK, ""},
		{"valid from this instant", now, now.AddDate(2, 0, 0), StatusOK, ""},
		{"expires this instant", now.AddDate(-2, 0, 0), now, StatusExpiresSoon, "15 March 2026"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Credential{NotBefore: tt.notBefore, NotAfter: tt.notAfter}
			v := c.Verdict(now)
			if v.Status != tt.want || v.OK() != (tt.want == StatusOK) {
				t.Fatalf("status %q, want %q", v.Status, tt.want)
			}
			if tt.want == StatusOK {
				if v.Message != "" {
					t.Errorf("message for OK: %q", v.Message)
				}
				return
			}
			if !strings.Contains(v.Message, tt.date) {
				t.Errorf("message %q lacks date %q", v.Message, tt.date)
			}
			if tt.want != StatusNotYetValid && !strings.Contains(v.Message, "RAM (Relationship Authorisation Manager)") {
				t.Errorf("message %q does not say what to do", v.Message)
			}
		})
	}
	// Dates are shown in the caller's zone: 23:30 UTC is the next day in Sydney.
	syd := time.FixedZone("AEDT", 11*3600)
	c := &Credential{NotBefore: now.AddDate(-1, 0, 0), NotAfter: time.Date(2026, 5, 1, 23, 30, 0, 0, time.UTC)}
	if v := c.Verdict(now.In(syd)); !strings.Contains(v.Message, "2 May 2026") {
		t.Errorf("zone: %q", v.Message)
	}
}

func TestStoreGet(t *testing.T) {
	one := &Store{Credentials: []*Credential{{ID: "ABRD:1_A"}}}
	two := &Store{Credentials: []*Credential{{ID: "ABRD:1_A"}, {ID: "ABRD:2_B"}}}
	tests := []struct {
		name  string
		store *Store
		id    string
		want  string // "" = NotFoundError
	}{
		{"exact", two, "ABRD:2_B", "ABRD:2_B"},
		{"case", two, "abrd:2_b", "ABRD:2_B"},
		{"only one, no id", one, "", "ABRD:1_A"},
		{"several, no id", two, "", ""},
		{"missing", two, "ABRD:3_C", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.store.Get(tt.id)
			if tt.want != "" {
				if err != nil || c.ID != tt.want {
					t.Fatalf("got %v, %v", c, err)
				}
				return
			}
			var nf *NotFoundError
			if !errors.As(err, &nf) || nf.ID != tt.id || len(nf.Available) != len(tt.store.Credentials) {
				t.Fatalf("error %v", err)
			}
			for _, id := range tt.store.IDs() {
				if !strings.Contains(err.Error(), id) {
					t.Errorf("%q does not list %s", err, id)
				}
			}
		})
	}
}

func TestNewCredential(t *testing.T) {
	p := getPKI(t)
	now := time.Now()
	cert := p.leafCert(t, &p.leafKeys[0].PublicKey, "11000002568", "X", now, now.AddDate(1, 0, 0))
	if _, err := NewCredential("", cert, nil, p.leafKeys[1]); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("mismatch: %v", err)
	}
	weak := p.leafCert(t, &p.weakKey.PublicKey, "11000002568", "X", now, now.AddDate(1, 0, 0))
	var wk *WeakKeyError
	if _, err := NewCredential("", weak, nil, p.weakKey); !errors.As(err, &wk) || wk.Bits != 1024 {
		t.Errorf("weak: %v", err)
	}
	ec := p.leafCert(t, &p.intKey.PublicKey, "11000002568", "X", now, now.AddDate(1, 0, 0))
	if _, err := NewCredential("", ec, nil, nil); !errors.As(err, &wk) || wk.Algorithm != "ECDSA" {
		t.Errorf("ecdsa: %v", err)
	}
	c, err := NewCredential("", cert, []*x509.Certificate{p.inter}, p.leafKeys[0])
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "ABRD:11000002568_X" || c.ABN != "11000002568" || c.Name != "X" || c.Serial != cert.SerialNumber.String() {
		t.Errorf("%+v", c)
	}
}

func TestMarshalRefusals(t *testing.T) {
	p := getPKI(t)
	c := p.credential(t, 0, "11000002568", "Machine One")
	noKey := *c
	noKey.PrivateKey = nil
	if _, err := MarshalKeystore([]*Credential{c, c}, testPassword); err == nil || !strings.Contains(err.Error(), "two credentials have the id") {
		t.Errorf("duplicate ids: %v", err)
	}
	if _, err := MarshalKeystore([]*Credential{c}, ""); err == nil {
		t.Error("keystore without password written")
	}
	if _, err := MarshalKeystore(nil, testPassword); err == nil {
		t.Error("empty keystore written")
	}
	if _, err := MarshalKeystore([]*Credential{&noKey}, testPassword); err == nil {
		t.Error("keystore without key written")
	}
	if _, err := MarshalPKCS12(&noKey, testPassword); err == nil {
		t.Error("PKCS#12 without key written")
	}
	if _, err := MarshalPEM(&noKey, testPassword); err == nil {
		t.Error("PEM without key written")
	}
}

func TestParsePublicPEMAndPasswords(t *testing.T) {
	p := getPKI(t)
	c := p.credential(t, 1, "27809366375", "Public Machine")
	data, err := MarshalPEM(c, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	st, err := ParsePublic(data, "public.pem")
	if err != nil {
		t.Fatal(err)
	}
	sameCredential(t, st.Credentials[0], c, false)
	certs, _ := splitPEM(t, data)
	if st, err = ParsePublic(certs, "public.pem"); err != nil || !st.Credentials[0].Certificate.Equal(c.Certificate) {
		t.Fatalf("certificates only: %v", err)
	}
	// Passwords beyond ASCII work in every format (UTF-16 in the PKCS#12
	// KDF, UTF-8 in PBKDF2); a character outside the BMP cannot be a
	// PKCS#12 password.
	const pw = "Pässwörd-ÄÖÜ-密码"
	for name, marshal := range map[string]func(*Credential, string) ([]byte, error){
		"pem": MarshalPEM, "p12": MarshalPKCS12,
		"keystore": func(c *Credential, pw string) ([]byte, error) { return MarshalKeystore([]*Credential{c}, pw) },
	} {
		data, err := marshal(c, pw)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(data, name, pw); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if name == "p12" {
			if _, err := Parse(data, name, pw+"😀"); !errors.Is(err, ErrWrongPassword) {
				t.Errorf("non-BMP password: %v", err)
			}
		}
	}
}
