package m2m

import (
	"bytes"
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
)

const (
	samplePath     = "testdata/ato-sample-keystore.xml"
	samplePassword = "Password1!"
)

// sampleXML is the sample keystore's XML as a plain reader sees it, to
// compare our results with what the file itself records.
type sampleXML struct {
	Credentials []struct {
		ID                  string `xml:"id,attr"`
		ABN                 string `xml:"abn"`
		Name1               string `xml:"name1"`
		Serial              string `xml:"serialNumber"`
		SHA1                string `xml:"sha1fingerprint"`
		PublicCertificate   string `xml:"publicCertificate"`
		ProtectedPrivateKey string `xml:"protectedPrivateKey"`
	} `xml:"credentials>credential"`
}

func readSampleXML(t testing.TB) ([]byte, sampleXML) {
	t.Helper()
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	var x sampleXML
	if err := xml.Unmarshal(data, &x); err != nil {
		t.Fatal(err)
	}
	return data, x
}

func TestSampleKeystore(t *testing.T) {
	_, x := readSampleXML(t)
	st, err := Open(samplePath, samplePassword)
	if err != nil {
		t.Fatal(err)
	}
	if st.Format != FormatKeystoreXML || len(st.Credentials) != 2 || len(x.Credentials) != 2 {
		t.Fatalf("format %q, %d credentials (XML has %d)", st.Format, len(st.Credentials), len(x.Credentials))
	}
	wantABN := []string{"11000002568", "27809366375"}
	expiry := time.Date(2024, 9, 12, 0, 0, 0, 0, time.UTC)
	for i, c := range st.Credentials {
		xc := x.Credentials[i]
		if c.ID != xc.ID || c.ABN != wantABN[i] || c.ABN != xc.ABN || c.Name != xc.Name1 {
			t.Errorf("credential %d: id %q abn %q name %q; XML %q %q %q", i, c.ID, c.ABN, c.Name, xc.ID, xc.ABN, xc.Name1)
		}
		if c.Serial != xc.Serial {
			t.Errorf("%s: serial %s, XML %s", c.ID, c.Serial, xc.Serial)
		}
		if c.SHA1 != xc.SHA1 {
			t.Errorf("%s: fingerprint %s, XML %s", c.ID, c.SHA1, xc.SHA1)
		}
		if y, m, d := c.NotAfter.UTC().Date(); time.Date(y, m, d, 0, 0, 0, 0, time.UTC) != expiry {
			t.Errorf("%s: NotAfter %v, want 2024-09-12", c.ID, c.NotAfter)
		}
		if !c.NotAfter.Equal(c.Certificate.NotAfter) || !c.NotBefore.Equal(c.Certificate.NotBefore) {
			t.Errorf("%s: validity not taken from the certificate", c.ID)
		}
		if c.PrivateKey == nil || !c.PrivateKey.PublicKey.Equal(c.Certificate.PublicKey) {
			t.Errorf("%s: key does not match certificate", c.ID)
		}
		if c.PrivateKey.N.BitLen() != 2048 {
			t.Errorf("%s: key is %d bits", c.ID, c.PrivateKey.N.BitLen())
		}
		// The chain is leaf → ATO Sub CA → ATO Root, each signed by the next.
		if len(c.Chain) != 2 || !strings.Contains(c.Chain[0].Subject.CommonName, "ATO Sub Certification Authority") {
			t.Fatalf("%s: chain %v", c.ID, c.Chain)
		}
		if err := c.Certificate.CheckSignatureFrom(c.Chain[0]); err != nil {
			t.Errorf("%s: leaf not signed by chain[0]: %v", c.ID, err)
		}
		if err := c.Chain[0].CheckSignatureFrom(c.Chain[1]); err != nil {
			t.Errorf("%s: chain[0] not signed by chain[1]: %v", c.ID, err)
		}
		v := c.Verdict(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if v.Status != StatusExpired || !strings.Contains(v.Message, "12 September 2024") || v.OK() {
			t.Errorf("%s: verdict %+v", c.ID, v)
		}
	}
	if _, err := st.Get("ABRD:27809366375_USIMachine"); err != nil {
		t.Error(err)
	}
}

// The sample's BER chain, read by smallstep/pkcs7 too: both readers must
// agree on the certificates.
func TestSampleChainMatchesPKCS7Library(t *testing.T) {
	_, x := readSampleXML(t)
	for _, xc := range x.Credentials {
		ber, err := base64.StdEncoding.DecodeString(xc.PublicCertificate)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(ber, []byte{0x30, 0x80}) {
			t.Fatalf("sample chain is not indefinite-length BER: % x", ber[:2])
		}
		ours, err := parsePKCS7Certs(ber)
		if err != nil {
			t.Fatal(err)
		}
		p7, err := pkcs7.Parse(ber)
		if err != nil {
			t.Fatal(err)
		}
		if len(ours) != 3 || len(p7.Certificates) != len(ours) {
			t.Fatalf("ours %d certificates, pkcs7 %d", len(ours), len(p7.Certificates))
		}
		for i := range ours {
			if !ours[i].Equal(p7.Certificates[i]) {
				t.Errorf("certificate %d differs", i)
			}
		}
		// The leaf is the one the XML names, whatever its position.
		var found bool
		for _, c := range ours {
			sum := sha1.Sum(c.Raw)
			if base64.StdEncoding.EncodeToString(sum[:]) == xc.SHA1 {
				found = c.SerialNumber.String() == xc.Serial
			}
		}
		if !found {
			t.Errorf("%s: no certificate with the XML's fingerprint and serial", xc.ID)
		}
	}
}

func TestSampleKeystoreWrongPassword(t *testing.T) {
	for _, pw := range []string{"Password1", "password1!", "Password1! ", "wrong-and-long-password"} {
		_, err := Open(samplePath, pw)
		if !errors.Is(err, ErrWrongPassword) {
			t.Errorf("password %q: %v, want ErrWrongPassword", pw, err)
		}
		if err != nil && strings.Contains(err.Error(), pw) {
			t.Errorf("error shows the password: %v", err)
		}
	}
	_, err := Open(samplePath, "")
	if !errors.Is(err, ErrPasswordNeeded) || !errors.Is(err, ErrWrongPassword) {
		t.Errorf("empty password: %v", err)
	}
}

func TestSampleKeystorePublic(t *testing.T) {
	st, err := OpenPublic(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.IDs(); len(got) != 2 || got[0] != "ABRD:11000002568_INGLETON153" || got[1] != "ABRD:27809366375_USIMachine" {
		t.Errorf("ids %v", got)
	}
	for _, c := range st.Credentials {
		if c.PrivateKey != nil || c.Certificate == nil || c.ABN == "" {
			t.Errorf("%s: %+v", c.ID, c)
		}
	}
}

func TestKeystoreRoundTrip(t *testing.T) {
	p := getPKI(t)
	creds := []*Credential{
		p.credential(t, 0, "11000002568", "Machine One"),
		p.credential(t, 1, "27809366375", "Machine <Two> & \"Co\""),
		p.credential(t, 2, "53004085616", "Machine Three"),
	}
	creds[2].ID = "custom alias"
	data, err := MarshalKeystore(creds, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Parse(data, "keystore.xml", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if st.Format != FormatKeystoreXML || len(st.Credentials) != 3 {
		t.Fatalf("%q, %d credentials", st.Format, len(st.Credentials))
	}
	for i := range creds {
		sameCredential(t, st.Credentials[i], creds[i], true)
	}
	if creds[0].ID != "ABRD:11000002568_Machine One" {
		t.Errorf("derived id %q", creds[0].ID)
	}
	// Re-saved by an editor: CRLF line ends, Latin-1 label, base64 wrapped at 76.
	resaved := bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
	resaved = bytes.Replace(resaved, []byte(`encoding="UTF-8"`), []byte(`encoding="ISO-8859-1"`), 1)
	resaved = regexp.MustCompile(`[A-Za-z0-9+/=]{76}`).ReplaceAllFunc(resaved, func(m []byte) []byte { return append(bytes.Clone(m), '\r', '\n') })
	if st, err = Parse(resaved, "keystore.xml", testPassword); err != nil {
		t.Fatal(err)
	}
	sameCredential(t, st.Credentials[1], creds[1], true)
	if _, err := Parse(data, "keystore.xml", "Test-Passw0rd?"); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
}

// The written XML has the ATO shape: namespace, attributes, elements in
// the ATO's order, values as the ATO tooling writes them.
func TestKeystoreShape(t *testing.T) {
	p := getPKI(t)
	c := p.credential(t, 0, "11000002568", "INGLETON153")
	data, err := MarshalKeystore([]*Credential{c}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if !strings.HasPrefix(s, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<credentialStore xmlns="http://auth.abr.gov.au/credential/xsd/SBRCredentialStore">`) {
		t.Errorf("header:\n%s", s[:200])
	}
	order := []string{"<salt>", "<credentials>", `<credential integrityValue="`, `credentialType="D"`,
		`id="ABRD:11000002568_INGLETON153"`, `credentialSalt="`, "<name1>INGLETON153</name1>", "<name2/>",
		"<abn>11000002568</abn>", "<legalName>INGLETON153</legalName>", "<personId/>",
		"<serialNumber>" + c.Serial + "</serialNumber>", "<creationDate>", "<notBefore>", "<notAfter>",
		"<sha1fingerprint>" + c.SHA1 + "</sha1fingerprint>", "<publicCertificate>", "<protectedPrivateKey>",
		"</credential>", "</credentials>", "</credentialStore>"}
	at := 0
	for _, o := range order {
		i := strings.Index(s[at:], o)
		if i < 0 {
			t.Fatalf("%q missing or out of order", o)
		}
		at += i
	}
	// Same structure as the ATO's sample: compare element paths.
	sample, _ := readSampleXML(t)
	if a, b := elementPaths(t, sample), elementPaths(t, data); a != b {
		t.Errorf("element structure differs from the sample:\nsample %s\nours   %s", a, b)
	}
	for _, re := range []string{`<salt>[A-Za-z0-9+/]{27}=</salt>`, `integrityValue="[A-Za-z0-9+/]{27}="`,
		`credentialSalt="[A-Za-z0-9+/]{27}="`, `<creationDate>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d</creationDate>`,
		`<notAfter>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+10:00</notAfter>`} {
		if !regexp.MustCompile(re).MatchString(s) {
			t.Errorf("no match for %s", re)
		}
	}
	na := regexp.MustCompile(`<notAfter>(.*?)</notAfter>`).FindStringSubmatch(s)[1]
	if tm, err := time.Parse(time.RFC3339, na); err != nil || !tm.Equal(c.NotAfter) {
		t.Errorf("notAfter %s is not the certificate's %v", na, c.NotAfter)
	}
	// publicCertificate: DER PKCS#7 with leaf first; protectedPrivateKey:
	// PBE-SHA1-3DES, 20-byte salt, ≥ 1024 iterations.
	p7 := mustB64(t, regexp.MustCompile(`<publicCertificate>(.*?)</publicCertificate>`).FindStringSubmatch(s)[1])
	if p7[0] != 0x30 || p7[1] == 0x80 {
		t.Errorf("chain is not definite-length DER: % x", p7[:2])
	}
	certs, err := pkcs7.Parse(p7)
	if err != nil || len(certs.Certificates) != 3 || !certs.Certificates[0].Equal(c.Certificate) {
		t.Errorf("pkcs7 library reads our chain: %v", err)
	}
	epkiDER := mustB64(t, regexp.MustCompile(`<protectedPrivateKey>(.*?)</protectedPrivateKey>`).FindStringSubmatch(s)[1])
	var epki encryptedPrivateKeyInfo
	if _, err := asn1.Unmarshal(epkiDER, &epki); err != nil {
		t.Fatal(err)
	}
	var params pbeParams
	if _, err := asn1.Unmarshal(epki.Algorithm.Parameters.FullBytes, &params); err != nil {
		t.Fatal(err)
	}
	if !epki.Algorithm.Algorithm.Equal(oidPBEWithSHA3DES) || len(params.Salt) != 20 || params.Iterations < 1024 {
		t.Errorf("key protection %v salt %d iterations %d", epki.Algorithm.Algorithm, len(params.Salt), params.Iterations)
	}
	// Two writes never share salts.
	again, _ := MarshalKeystore([]*Credential{c}, testPassword)
	if bytes.Equal(again, data) {
		t.Error("two keystores are byte-identical: salts are not random")
	}
}

func elementPaths(t *testing.T, data []byte) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack, seen []string
	have := map[string]bool{}
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch e := tok.(type) {
		case xml.StartElement:
			stack = append(stack, e.Name.Local)
			p := strings.Join(stack, "/")
			for _, a := range e.Attr {
				if a.Name.Space == "" {
					p += " @" + a.Name.Local
				}
			}
			if !have[p] {
				have[p] = true
				seen = append(seen, p)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	// Attribute order is not significant in XML; element order is.
	out := strings.Join(seen, "\n")
	return regexp.MustCompile(`( @\w+)+`).ReplaceAllStringFunc(out, func(s string) string {
		f := strings.Fields(s)
		slices.Sort(f)
		return " " + strings.Join(f, " ")
	})
}

func mustB64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestKeystoreLeafByFingerprintNotPosition(t *testing.T) {
	p := getPKI(t)
	c := p.credential(t, 0, "11000002568", "Machine One")
	// Chain written root first, leaf last.
	p7, err := marshalPKCS7Certs([]*x509.Certificate{p.root, p.inter, c.Certificate})
	if err != nil {
		t.Fatal(err)
	}
	data, err := MarshalKeystore([]*Credential{c}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	data = regexp.MustCompile(`<publicCertificate>.*?</publicCertificate>`).ReplaceAll(data,
		[]byte("<publicCertificate>"+base64.StdEncoding.EncodeToString(p7)+"</publicCertificate>"))
	for _, pub := range []bool{false, true} {
		var st *Store
		if pub {
			st, err = ParsePublic(data, "keystore.xml")
		} else {
			st, err = Parse(data, "keystore.xml", testPassword)
		}
		if err != nil {
			t.Fatal(err)
		}
		sameCredential(t, st.Credentials[0], c, !pub)
	}
}

func TestOpenFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing.xml"), "x"); err == nil || !strings.Contains(err.Error(), "was not found") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Open(dir, "x"); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("folder: %v", err)
	}
}

// Our degenerate SignedData writer against smallstep/pkcs7's, kept as a
// test-only reference: the same bytes, and the library reads ours back.
func TestMarshalPKCS7MatchesLibrary(t *testing.T) {
	_, x := readSampleXML(t)
	for _, xc := range x.Credentials {
		ber, err := base64.StdEncoding.DecodeString(xc.PublicCertificate)
		if err != nil {
			t.Fatal(err)
		}
		certs, err := parsePKCS7Certs(ber)
		if err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= len(certs); n++ {
			ours, err := marshalPKCS7Certs(certs[:n])
			if err != nil {
				t.Fatal(err)
			}
			var raw []byte
			for _, c := range certs[:n] {
				raw = append(raw, c.Raw...)
			}
			ref, err := pkcs7.DegenerateCertificate(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ours, ref) {
				i := 0
				for i < len(ours) && i < len(ref) && ours[i] == ref[i] {
					i++
				}
				t.Errorf("%d certificates: ours (%d bytes) and the library's (%d bytes) differ from byte %d", n, len(ours), len(ref), i)
			}
			p7, err := pkcs7.Parse(ours)
			if err != nil {
				t.Fatalf("library cannot read ours: %v", err)
			}
			if len(p7.Certificates) != n {
				t.Errorf("library reads %d certificates from ours, want %d", len(p7.Certificates), n)
			}
		}
	}
}
