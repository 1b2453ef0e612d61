package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

func cred(notBefore, notAfter time.Time) *m2m.Credential {
	return &m2m.Credential{ID: "ABRD:1_X", Name: "X", NotBefore: notBefore, NotAfter: notAfter}
}

func TestCredentialProblem(t *testing.T) {
	good := cred(testNow.AddDate(-1, 0, 0), testNow.AddDate(2, 0, 0))
	expired := cred(testNow.AddDate(-2, 0, 0), testNow.AddDate(0, -1, 0))
	soon := cred(testNow.AddDate(-1, 0, 0), testNow.AddDate(0, 6, 0))
	future := cred(testNow.AddDate(0, 0, 1), testNow.AddDate(2, 0, 0))
	store := func(cs ...*m2m.Credential) *m2m.Store { return &m2m.Store{Credentials: cs} }
	tests := []struct {
		name string
		c    credentialChoice
		want string // substring; "" means valid
	}{
		{"no file", credentialChoice{Selected: -1}, "Choose your M2M credential file"},
		{"blank path", credentialChoice{Path: "  ", Selected: -1}, "Choose your M2M credential file"},
		{"no password", credentialChoice{Path: "k.xml", Selected: -1}, "Type the password"},
		{"not opened", credentialChoice{Path: "k.xml", PasswordGiven: true, Selected: -1}, "Press Open"},
		{"opening", credentialChoice{Path: "k.xml", PasswordGiven: true, Opening: true, Selected: -1}, "Opening"},
		{"open failed", credentialChoice{Path: "k.xml", PasswordGiven: true, OpenErr: m2m.ErrWrongPassword, Selected: -1}, "could not be opened"},
		{"empty file", credentialChoice{Path: "k.xml", PasswordGiven: true, Store: store(), Selected: -1}, "holds no credentials"},
		{"none chosen", credentialChoice{Path: "k.xml", PasswordGiven: true, Store: store(expired, good), Selected: -1}, "Choose the credential"},
		{"none usable", credentialChoice{Path: "k.xml", PasswordGiven: true, Store: store(expired, soon), Selected: -1}, "None of the credentials"},
		{"expired chosen", credentialChoice{Path: "k.xml", PasswordGiven: true, Store: store(expired), Selected: 0}, "expired on 2 February 2026"},
		{"expires soon", credentialChoice{Path: "k.xml", PasswordGiven: true, Store: store(soon), Selected: 0}, "within 6 months"},
		{"not yet valid", credentialChoice{Path: "k.xml", PasswordGiven: true, Store: store(future), Selected: 0}, "not valid until"},
		{"index out of range", credentialChoice{Path: "k.xml", PasswordGiven: true, Store: store(good), Selected: 3}, "Choose the credential"},
		{"good", credentialChoice{Path: "k.xml", PasswordGiven: true, Store: store(expired, good), Selected: 1}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := credentialProblem(tc.c, testNow)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEnvironmentProblem(t *testing.T) {
	practice := flow.Practice("http://127.0.0.1:1/token", "http://127.0.0.1:1/reg", "id", "scope")
	tests := []struct {
		name string
		e    environmentChoice
		want string
	}{
		{"nothing chosen", environmentChoice{}, "Choose where to register"},
		{"sandbox", environmentChoice{Env: flow.Sandbox, HaveEnv: true}, ""},
		{"production", environmentChoice{Env: flow.Production, HaveEnv: true}, ""},
		{"sandbox with demo credential", environmentChoice{Env: flow.Sandbox, HaveEnv: true, UsingDemo: true}, "works only in Practice mode"},
		{"practice starting", environmentChoice{Env: flow.Environment{Name: "practice"}, HaveEnv: true, Practice: true}, "Starting Practice"},
		{"practice failed", environmentChoice{HaveEnv: true, Practice: true, PracticeErr: errors.New("no port")}, "could not start: no port"},
		{"practice, own credential", environmentChoice{Env: practice, HaveEnv: true, Practice: true, PracticeReady: true}, "Use the Practice credential"},
		{"practice ready", environmentChoice{Env: practice, HaveEnv: true, Practice: true, PracticeReady: true, UsingDemo: true}, ""},
		{"custom incomplete", environmentChoice{Env: flow.Custom("", "", "", ""), HaveEnv: true}, "registration client id"},
		{"custom plain http", environmentChoice{Env: flow.Custom("http://example.com/t", "https://example.com/r", "id", "s"), HaveEnv: true}, "plain http://"},
		{"custom loopback", environmentChoice{Env: flow.Custom("http://127.0.0.1:9/t", "http://localhost:9/r", "id", "s"), HaveEnv: true}, ""},
		// The trust rules hold for typed addresses too.
		{"custom, the ATO's token endpoint and another host", environmentChoice{Env: flow.Custom(flow.Production.TokenURL, "https://dcr.example.com/r", "id", "s"), HaveEnv: true}, "either uses the ATO's addresses only or none"},
		{"custom look-alike", environmentChoice{Env: flow.Custom("https://\u0430uth.ato.gov.au/t", flow.Production.RegistrationURL, "id", "s"), HaveEnv: true}, "U+0430"},
		{"custom ATO hosts with a CA file", environmentChoice{Env: flow.Custom(flow.Production.TokenURL, flow.Production.RegistrationURL, "id", "s"), HaveEnv: true, ExtraCA: true}, "no extra CA"},
		{"production with a CA file (a TLS-inspecting proxy)", environmentChoice{Env: flow.Production, HaveEnv: true, ExtraCA: true}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := environmentProblem(tc.e)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDetailsProblem(t *testing.T) {
	key := "abcdefghij0123456789"
	tests := []struct {
		name, key, inst, want string
	}{
		{"both fine", key, "Front desk PC", ""},
		{"pasted with breaks", " abcdefghij\n0123456789 \r\n", "  Front   desk ", ""},
		{"no key", "", "PC", "Enter the consumer (API) key"},
		{"short key", "abc", "PC", "only 3 characters"},
		{"odd characters", key + "<>", "PC", "characters an ATO key never has"},
		{"no name", key, "   ", "Enter a name"},
		{"long name", key, strings.Repeat("n", registrar.MaxNameLength+1), "keep it to 64 or fewer"},
		{"control character", key, "PC\u0007", "cannot be shown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := detailsProblem(consumerkey.Valid(tc.key), tc.inst)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFixStepFor(t *testing.T) {
	fe := func(s flow.Step, k flow.ErrorKind, code string) error {
		return fmt.Errorf("run: %w", &flow.Error{Step: s, Kind: k, Code: code})
	}
	tests := []struct {
		name string
		err  error
		want step
	}{
		{"signing failed", fe(flow.StepSign, flow.KindCredential, ""), stepCredential},
		{"no credential", fe(flow.StepCheck, flow.KindCredential, ""), stepCredential},
		{"bad input", fe(flow.StepCheck, flow.KindInput, ""), stepDetails},
		{"network", fe(flow.StepToken, flow.KindNetwork, ""), stepEnvironment},
		{"tls", fe(flow.StepToken, flow.KindTLS, ""), stepEnvironment},
		{"dns", fe(flow.StepRegister, flow.KindDNS, ""), stepEnvironment},
		{"timeout", fe(flow.StepRegister, flow.KindTimeout, ""), stepEnvironment},
		{"token refused", fe(flow.StepToken, flow.KindRefused, "invalid_client"), stepCredential},
		{"scope refused", fe(flow.StepToken, flow.KindRefused, "invalid_scope"), stepEnvironment},
		{"api key invalid", fe(flow.StepRegister, flow.KindRefused, "401-01"), stepDetails},
		{"api key mismatch", fe(flow.StepRegister, flow.KindRefused, "dcr.00001"), stepDetails},
		{"invalid request (name)", fe(flow.StepRegister, flow.KindRefused, "invalid_request"), stepDetails},
		{"certificate refused", fe(flow.StepRegister, flow.KindRefused, "invalid_client_metadata"), stepCredential},
		{"server trouble", fe(flow.StepRegister, flow.KindServer, ""), stepReview},
		{"unknown outcome", fe(flow.StepRegister, flow.KindUnknownOutcome, ""), stepReview},
		{"cancelled", fe(flow.StepToken, flow.KindCancelled, ""), stepReview},
		{"wrong password", fmt.Errorf("open: %w", m2m.ErrWrongPassword), stepCredential},
		{"keychain", &credstore.KeychainError{Op: "save"}, stepReview},
		{"anything else", errors.New("boom"), stepReview},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fixStepFor(tc.err); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestSmallFormatters(t *testing.T) {
	tests := []struct{ got, want string }{
		{stepHeading(stepWelcome), "Welcome to DCR Wizard"},
		{stepHeading(stepEnvironment), "Step 2 of 5 — Environment"},
		{stepHeading(stepDone), "Step 5 of 5 — Done"},
		{step(42).String(), "step(42)"},
		{formatABN("27809366375"), "27 809 366 375"},
		{formatABN("123"), "123"},
		{formatABN("2780936637x"), "2780936637x"},
		{maskKey("abcdefghij0123456789"), "abcd…6789 (20 characters)"},
		{maskKey("short"), "•••••"},
		{maskSecret("eyJhbGciOiJSUzI1NiJ9.payload.sig"), "eyJh… (32 characters; use Copy)"},
		{valuesFileName("Front desk PC"), "dcr-Front-desk-PC.json"},
		{valuesFileName(""), "dcr-registration.json"},
		{formatDate(time.Time{}), "unknown"},
		{formatDate(testNow), "2 March 2026"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%d: got %q, want %q", i, tc.got, tc.want)
		}
	}
}

func TestSupportSummaryHasNoSecrets(t *testing.T) {
	const token, apiKey = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.c2ln", "abcdefghij0123456789"
	res := &registrar.Result{
		Registration: &flow.Registration{ClientID: "cid-1", RegistrationAccessToken: token, Receipt: "6300000000042", IssuedAt: testNow},
		Where:        "the keychain",
		Stored:       false,
	}
	out := supportSummary(supportInfo{
		Version: "1.2.3", At: testNow, OS: "linux/amd64", Env: flow.Sandbox, Credential: "ABRD:1_X",
		Name: "PC", KeyShown: maskKey(apiKey), Result: res, SaveErr: "keychain locked",
	})
	for _, want := range []string{"1.2.3", "cid-1", "6300000000042", "sandbox", "ABRD:1_X", "keychain locked", "abcd…6789"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, token) || strings.Contains(out, apiKey) {
		t.Errorf("summary holds a secret:\n%s", out)
	}

	failed := supportSummary(supportInfo{At: testNow, Env: flow.Production, Err: &flow.Error{
		Step: flow.StepRegister, Kind: flow.KindRefused, Status: 400, Code: "invalid_request",
		Description: "invalid request", Receipt: "630", Body: `{"error":"invalid_request"}`,
	}})
	for _, want := range []string{"not registered", "register", "400", "invalid_request", "Server answer", "Message:", "Action:"} {
		if !strings.Contains(failed, want) {
			t.Errorf("failure summary lacks %q:\n%s", want, failed)
		}
	}
}

func TestWriteValuesFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "values.json")
	// The save dialog has already created the file with default permissions.
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	v := credstore.Values{ClientID: "cid", RegistrationAccessToken: "tok-secret", RegistrationClientURI: "https://x/cid"}
	if err := writeValuesFile(path, credstore.Record{Name: "PC", Environment: "sandbox"}, v, testNow); err != nil {
		t.Fatal(err)
	}
	checkValuesFile(t, path, v)

	err := writeValuesFile(filepath.Join(dir, "missing", "v.json"), credstore.Record{}, v, testNow)
	if err == nil || strings.Contains(err.Error(), "tok-secret") || !strings.Contains(err.Error(), "Choose another folder") {
		t.Errorf("writing into a missing folder: %v", err)
	}
}

func TestCancelledErrorWords(t *testing.T) {
	before := &cancelledError{name: "PC"}
	after := &cancelledError{name: "PC", sent: true}
	if !strings.Contains(before.Action(), "Nothing was sent") {
		t.Errorf("before sending: %q", before.Action())
	}
	// Not pointing at the Registrations screen: it cannot show a
	// registration whose answer was never seen (the Done page guides).
	if !strings.Contains(after.Action(), "may have registered") || !strings.Contains(after.Action(), `"PC"`) ||
		strings.Contains(after.Action(), "Registrations") {
		t.Errorf("after sending: %q", after.Action())
	}
	if msg, _ := errorWords(fmt.Errorf("wrapped: %w", before)); msg != "You cancelled the registration." {
		t.Errorf("errorWords through wrapping: %q", msg)
	}
}

// The support summary gives local times, as the screen does, with the
// offset from UTC.
func TestSupportSummaryLocalTime(t *testing.T) {
	old := time.Local
	time.Local = time.FixedZone("AEDT", 11*3600)
	defer func() { time.Local = old }()
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC) // 8:30 pm in Sydney
	out := supportSummary(supportInfo{At: at, Env: flow.Sandbox, Result: &registrar.Result{
		Registration: &flow.Registration{ClientID: "cid-1", IssuedAt: at}}})
	for _, want := range []string{"Time:                  2 March 2026, 8:30:00 pm (UTC+11:00)",
		"Issued at:             2 March 2026, 8:30:00 pm (UTC+11:00)"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "T09:30:00Z") {
		t.Errorf("summary gives UTC times:\n%s", out)
	}
}
