package m2m_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/m2m"
)

// Benchmarks of opening each credential format (make bench;
// docs/BENCHMARKS.md). Opening is dominated by the password's key
// derivation, whose cost the file chooses: the ATO sample asks for 1,024
// PKCS#12-KDF iterations, our keystore.xml writer 10,000, and our .p12 and
// PEM writers PBKDF2-SHA-256 with 200,000.

// benchFiles are the practice credential in every format, made once (RSA
// key generation and the writers' KDF are not what is measured).
var benchFiles = sync.OnceValues(func() (map[string][]byte, error) {
	sim, err := atosim.New(atosim.Options{})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	cred, err := sim.IssueCredential("ABRD:80000000001_Bench", "80000000001", "Bench", now.Add(-time.Hour), now.AddDate(2, 0, 0))
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	if out["keystore.xml"], err = m2m.MarshalKeystore([]*m2m.Credential{cred}, atosim.DemoPassword); err != nil {
		return nil, err
	}
	if out["practice.p12"], err = m2m.MarshalPKCS12(cred, atosim.DemoPassword); err != nil {
		return nil, err
	}
	if out["practice.pem"], err = m2m.MarshalPEM(cred, atosim.DemoPassword); err != nil {
		return nil, err
	}
	return out, nil
})

func BenchmarkOpen(b *testing.B) {
	files, err := benchFiles()
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name, file, password string
		creds                int
	}{
		{"ato-sample-keystore", "", "Password1!", 2},
		{"keystore-xml", "keystore.xml", atosim.DemoPassword, 1},
		{"p12", "practice.p12", atosim.DemoPassword, 1},
		{"pem", "practice.pem", atosim.DemoPassword, 1},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			path := filepath.Join("testdata", "ato-sample-keystore.xml")
			if tc.file != "" {
				path = filepath.Join(b.TempDir(), tc.file)
				if err := os.WriteFile(path, files[tc.file], 0o600); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				st, err := m2m.Open(path, tc.password)
				if err != nil {
					b.Fatal(err)
				}
				if len(st.Credentials) != tc.creds || st.Credentials[0].PrivateKey == nil {
					b.Fatalf("%d credentials", len(st.Credentials))
				}
			}
		})
	}
}
