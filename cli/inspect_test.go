package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInspectSampleKeystore(t *testing.T) {
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(samplePassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]run{
		"environment":   {args: []string{"inspect", "--keystore", sampleKeystore, "--json"}, env: []string{"DCRWIZARD_PASSWORD=" + samplePassword}},
		"password-file": {args: []string{"inspect", "--keystore", sampleKeystore, "--json", "--password-file", pwFile}},
		"stdin":         {args: []string{"inspect", "--json", "--keystore", sampleKeystore, "--password-stdin"}, stdin: samplePassword + "\n"},
	} {
		t.Run(name, func(t *testing.T) {
			res := r.exec(t)
			if res.code != 0 {
				t.Fatalf("exit %d, stderr %s", res.code, res.stderr)
			}
			out := decode[struct {
				Format      string
				Credentials []struct {
					ID, ABN, Serial, Verdict string
					NotAfter                 string `json:"not_after"`
					SHA1                     string `json:"sha1_fingerprint"`
				}
			}](t, res.stdout)
			if len(out.Credentials) != 2 {
				t.Fatalf("%d credentials, want 2", len(out.Credentials))
			}
			abns := map[string]bool{}
			for _, c := range out.Credentials {
				abns[c.ABN] = true
				if c.Verdict != "expired" || !strings.HasPrefix(c.NotAfter, "2024-09-1") || c.Serial == "" || c.SHA1 == "" {
					t.Errorf("credential %+v: want expired in September 2024 with serial and fingerprint", c)
				}
			}
			if !abns["11000002568"] || !abns["27809366375"] {
				t.Errorf("ABNs %v", abns)
			}
			if strings.Contains(res.stdout+res.stderr, samplePassword) {
				t.Error("the password was printed")
			}
		})
	}
}

func TestInspectHumanAndErrors(t *testing.T) {
	res := run{args: []string{"inspect", "--keystore", sampleKeystore, "--credential", "ABRD:27809366375_USIMachine"}, env: []string{"DCRWIZARD_PASSWORD=" + samplePassword}}.exec(t)
	if res.code != 0 || !strings.Contains(res.stdout, "27809366375") || strings.Contains(res.stdout, "11000002568") || !strings.Contains(res.stdout, "expired") {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, tc := range []struct {
		name   string
		r      run
		code   int
		phrase string
	}{
		{"wrong password", run{args: []string{"inspect", "--keystore", sampleKeystore}, env: []string{"DCRWIZARD_PASSWORD=Wrong1234!"}}, 1, "password is not right"},
		{"no password", run{args: []string{"inspect", "--keystore", sampleKeystore}}, 1, "--password-file"},
		{"missing id", run{args: []string{"inspect", "--keystore", sampleKeystore, "--credential", "nope"}, env: []string{"DCRWIZARD_PASSWORD=" + samplePassword}}, 1, "ABRD:11000002568_INGLETON153"},
		{"not a keystore", run{args: []string{"inspect", "--keystore", "binary_test.go"}, env: []string{"DCRWIZARD_PASSWORD=x"}}, 1, "keystore.xml"},
		{"no file", run{args: []string{"inspect", "--keystore", "no-such-file.xml"}, env: []string{"DCRWIZARD_PASSWORD=x"}}, 1, "no-such-file.xml"},
		{"password as a flag", run{args: []string{"inspect", "--keystore", sampleKeystore, "--password", samplePassword}}, 1, "flag provided but not defined"},
		{"unknown command", run{args: []string{"frobnicate"}}, 2, "Unknown command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.r.exec(t)
			if res.code != tc.code || !strings.Contains(res.stderr, tc.phrase) {
				t.Fatalf("exit %d (want %d), stderr should say %q:\n%s", res.code, tc.code, tc.phrase, res.stderr)
			}
			if tc.name != "password as a flag" && strings.Contains(res.stderr, samplePassword) {
				t.Error("the password was printed")
			}
		})
	}
}
