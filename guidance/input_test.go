package guidance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dcrwizard/flow"
)

// TestInputWords: an input flow refuses is told with what to do about it,
// in the words the setup-file check, the wizard's Environment page and the
// command line show; flow's own text is only what is wrong.
func TestInputWords(t *testing.T) {
	env := func(tok, reg, hb string) flow.Environment {
		e := flow.Custom(tok, reg, "c", flow.Sandbox.Scope)
		e.HeartbeatURL = hb
		return e
	}
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, []byte("no certificate here\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, missingCA := flow.NewHTTPClient(filepath.Join(dir, "missing.pem"), 0)
	_, emptyCA := flow.NewHTTPClient(empty, 0)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"trailing dot", env("https://auth.ato.gov.au./t", "https://api.ato.gov.au/r", "").Validate(),
			`The token endpoint address cannot be used: its host name "auth.ato.gov.au." ends with a dot. Leave the dot out.`},
		{"mixed", env("https://auth.ato.gov.au/t", "https://dcr.evil.example/r", "").Validate(),
			"The token endpoint is the ATO's (auth.ato.gov.au) but the registration (DCR) endpoint (dcr.evil.example) is not. A set-up either uses the ATO's addresses only or none of them: mixed, what the ATO issues would be sent to another server."},
		{"heartbeat", env("https://a.vendor.example/t", "https://api.vendor.example/r", "https://collect.evil.example/hb").Validate(),
			"The heartbeat address (collect.evil.example) is not on the registration (DCR) endpoint's own domain (vendor.example). The heartbeat receives the new registration's access token, so it must be a server of the same organisation, or on this computer."},
		{"ATO with a CA", env("https://auth.ato.gov.au/t", "https://api.ato.gov.au/r", "").Check(true),
			"These addresses are the ATO's (auth.ato.gov.au), so no extra CA certificate may be trusted for them: whoever holds that CA could pose as the ATO. Remove the extra CA certificate."},
		{"no client id", flow.Custom("https://a.example/t", "https://a.example/r", "", "s").Validate(),
			"The environment has no registration client id. Enter the one the ATO gives for this environment."},
		{"no scope", flow.Custom("https://a.example/t", "https://a.example/r", "c", "").Validate(),
			"The environment has no scope. For the ATO it is ato.idp.relyingParties.c."},
		{"not a URL", env("auth.example", "https://a.example/r", "").Validate(),
			`The token endpoint address "auth.example" is not a full web address. It should look like https://host/path.`},
		{"punycode", env("https://xn--uth-8cd.ato.gov.au/t", "https://api.ato.gov.au/r", "").Validate(),
			"which stands for characters other than plain letters, and can make another server's name look like a known one. Use a host name of plain letters, digits and hyphens."},
		{"Cyrillic", env("https://\u0430uth.ato.gov.au/t", "https://api.ato.gov.au/r", "").Validate(),
			"which is not a plain letter, digit, dot or hyphen. Such characters can make another server's name look like a known one; type the address with plain letters."},
		{"plain http", env("http://auth.vendor.example/t", "https://api.vendor.example/r", "").Validate(),
			"uses plain http://, which is only allowed to this computer (localhost): plain http:// is only allowed to this computer. Use an https:// address."},
		{"CA file missing", missingCA, "could not be opened: "},
		{"CA file missing, what to do", missingCA, ". Check the file exists and you may read it."},
		{"CA file empty", emptyCA, "holds no certificates. Choose the CA certificate file (PEM or .cer) your IT support gave you."},
		// Through flow's check, as both front ends show a refused run.
		{"check", &flow.Error{Step: flow.StepCheck, Kind: flow.KindInput, Err: flow.Environment{TokenURL: "https://a.example/t", Scope: "s"}.Validate()},
			"The environment has no registration client id. Enter the one the ATO gives for this environment."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatal("no error")
			}
			if got := For(tt.err).Message(); !strings.Contains(got, tt.want) {
				t.Errorf("For(%q).Message()\n got %q\nwant %q in it", tt.err, got, tt.want)
			}
		})
	}
	// flow's check of a run: what is missing, and what to do.
	for err, want := range map[error]string{
		flow.ErrNoCredential:   "No M2M credential was chosen. Choose the credential to register with.",
		flow.ErrNoInstanceName: "Enter a name for this installation so you can tell your registrations apart.",
		flow.ErrNoConsumerKey:  "Enter the consumer (API) key your software vendor gave you.",
		flow.ErrNoClientID:     "No client id was given: choose the registration to test.",
		flow.ErrNoPrivateKey:   "The credential was opened without its private key. Open it again with its password.",
	} {
		if got := For(&flow.Error{Step: flow.StepCheck, Kind: flow.KindInput, Err: err}).Message(); got != want {
			t.Errorf("check %q: %q, want %q", err, got, want)
		}
	}
}
