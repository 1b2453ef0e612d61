package cli_test

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/cli"
)

const vendorKey = "ExampleConsumerKey0000a1b2"

func writeSetupFile(t *testing.T, dir string, v map[string]any) string {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "acme.dcrwizard.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// simSetup is a vendor's setup file for the simulator's addresses.
func simSetup(f *atosimtest.Fixture) map[string]any {
	ep := f.Endpoints
	return map[string]any{
		"format": 1, "vendor": "Example Software Pty Ltd", "product": "Example Practice Manager",
		"support":     map[string]any{"phone": "1300 000 000", "email": "help@example.com"},
		"environment": "custom", "consumer_key": f.Sim.APIKey(), "name_template": "{product} on {computer}",
		"endpoints": map[string]any{"token_url": ep.TokenURL, "registration_url": ep.RegistrationURL,
			"registration_client_id": ep.RegistrationClientID, "scope": ep.Scope,
			"ca_pem": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.Sim.CACertificate().Raw}))},
	}
}

func TestSetupCheck(t *testing.T) {
	example := filepath.Join("..", "docs", "example.dcrwizard.json")
	res := run{args: []string{"setup-check", example}}.exec(t)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"Set by Example Software Pty Ltd: Sandbox; consumer key ending …a1b2", "Example Practice Manager – ", "1300 000 000 · help@example.com"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("setup-check does not show %q:\n%s", want, res.stdout)
		}
	}
	if strings.Contains(res.stdout+res.stderr, "ExampleConsumerKey") {
		t.Error("setup-check printed more of the key than its last four characters")
	}
	res = run{args: []string{"setup-check", example, "--json"}}.exec(t)
	ok := decode[struct {
		OK       bool
		Headline string
		Shown    []struct{ Label, Value string }
	}](t, res.stdout)
	if res.code != 0 || !ok.OK || len(ok.Shown) < 5 {
		t.Fatalf("exit %d %+v", res.code, ok)
	}

	// A bad file: exit 1, the field and the line named.
	data, _ := os.ReadFile(example)
	bad := filepath.Join(t.TempDir(), "bad.dcrwizard.json")
	os.WriteFile(bad, []byte(strings.Replace(strings.Replace(string(data), `"vendor"`, `"vendr"`, 1), vendorKey, "short", 1)), 0o600)
	res = run{args: []string{"setup-check", bad}}.exec(t)
	if res.code != 1 || !strings.Contains(res.stderr, `line 3, "vendr"`) || !strings.Contains(res.stderr, `line 11, "consumer_key"`) ||
		!strings.Contains(res.stderr, `did you mean "vendor"`) {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if strings.Contains(res.stderr, "short") && !strings.Contains(res.stderr, "only 5 characters") {
		t.Errorf("the bad key itself was printed:\n%s", res.stderr)
	}
	res = run{args: []string{"setup-check", "--json", bad}}.exec(t)
	got := decode[struct {
		OK       bool
		Problems []struct {
			Field   string
			Line    int
			Message string
		}
	}](t, res.stdout)
	if res.code != 1 || got.OK || len(got.Problems) != 2 || got.Problems[0].Field != "vendr" || got.Problems[0].Line != 3 {
		t.Fatalf("exit %d %+v", res.code, got)
	}
}

// TestSetupBesideTheProgram copies the program into a folder with
// dcrwizard-setup.json beside it, as a vendor ships it.
func TestSetupBesideTheProgram(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "dcrwizard")
	data, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prog, data, 0o700); err != nil {
		t.Fatal(err)
	}
	runProg := func() result { return run{prog: prog, args: []string{"setup-check"}}.exec(t) }
	if res := runProg(); res.code != 1 || !strings.Contains(res.stderr, "dcrwizard-setup.json") {
		t.Fatalf("without a file: exit %d %s", res.code, res.stderr)
	}
	example, _ := os.ReadFile(filepath.Join("..", "docs", "example.dcrwizard.json"))
	if err := os.WriteFile(filepath.Join(dir, "dcrwizard-setup.json"), example, 0o600); err != nil {
		t.Fatal(err)
	}
	if res := runProg(); res.code != 0 || !strings.Contains(res.stdout, filepath.Join(dir, "dcrwizard-setup.json")) ||
		!strings.Contains(res.stdout, "Set by Example Software Pty Ltd") {
		t.Fatalf("beside the program: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

func TestSetupNew(t *testing.T) {
	res := run{args: []string{"setup-new"}}.exec(t)
	if res.code != 0 || !strings.Contains(res.stdout, `"consumer_key"`) {
		t.Fatalf("exit %d %s", res.code, res.stdout)
	}
	out := filepath.Join(t.TempDir(), "new.dcrwizard.json")
	if res = (run{args: []string{"setup-new", "--out", out}}).exec(t); res.code != 0 {
		t.Fatalf("exit %d %s", res.code, res.stderr)
	}
	// A .json name opens in an editor on a double-click: the name to send is said.
	if !strings.Contains(res.stderr, "Send it to practices named new.dcrwizard:") {
		t.Errorf("no name to send for %s:\n%s", out, res.stderr)
	}
	send := filepath.Join(t.TempDir(), "Acme.dcrwizard")
	if res := (run{args: []string{"setup-new", "--out", send}}).exec(t); res.code != 0 || strings.Contains(res.stderr, "Send it") {
		t.Errorf("%s: exit %d\n%s", send, res.code, res.stderr)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), `"format": 1`) {
		t.Fatalf("%s", b)
	}
	// Never over an existing file.
	if res = (run{args: []string{"setup-new", "--out", out}}).exec(t); res.code != 1 || !strings.Contains(res.stderr, "exists already") {
		t.Fatalf("exit %d %s", res.code, res.stderr)
	}
	// The template is refused until every placeholder is replaced.
	res = run{args: []string{"setup-check", out}}.exec(t)
	if res.code != 1 || !strings.Contains(res.stderr, `"consumer_key": replace the placeholder`) {
		t.Fatalf("exit %d %s", res.code, res.stderr)
	}
}

func TestRegisterWithSetupFile(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{})
	now := time.Now()
	keystore := writeCredential(t, f.Sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	setup := writeSetupFile(t, t.TempDir(), simSetup(f))
	pw := []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}
	config := t.TempDir()

	// Everything from the file: only the credential is given.
	res := run{args: []string{"register", "--setup", setup, "--keystore", keystore, "--json"}, env: pw, config: config}.exec(t)
	type out struct {
		registerOut
		Sources map[string]string
		Vendor  map[string]string
	}
	reg := decode[out](t, res.stdout)
	if res.code != 0 || reg.Environment != "custom" || !strings.HasPrefix(reg.Name, "Example Practice Manager on ") {
		t.Fatalf("exit %d %+v\n%s", res.code, reg, res.stderr)
	}
	// Never silent: the file's own addresses are named on stderr.
	if !strings.Contains(res.stderr, "These addresses are not the ATO's: 127.0.0.1.") {
		t.Errorf("register --setup does not name the hosts:\n%s", res.stderr)
	}
	want := map[string]string{"environment": "setup file", "consumer_key": "setup file", "name": "setup file", "ca_file": "setup file", "vendor": "setup file"}
	for k, v := range want {
		if reg.Sources[k] != v {
			t.Errorf("sources[%s] = %q, want %q (%v)", k, reg.Sources[k], v, reg.Sources)
		}
	}
	if reg.Vendor["product"] != "Example Practice Manager" || reg.Vendor["support_phone"] != "1300 000 000" {
		t.Errorf("vendor %v", reg.Vendor)
	}
	// Flags win, and say so.
	res = run{args: []string{"register", "--setup", setup, "--keystore", keystore, "--name", "Front desk", "--json"}, env: pw, config: config}.exec(t)
	reg = decode[out](t, res.stdout)
	if res.code != 0 || reg.Name != "Front desk" || reg.Sources["name"] != "command line" || reg.Sources["consumer_key"] != "setup file" {
		t.Fatalf("exit %d %+v", res.code, reg)
	}
	// list and show remember the vendor.
	res = run{args: []string{"list", "--json"}, config: config}.exec(t)
	list := decode[[]struct {
		ClientID string `json:"client_id"`
		Vendor   map[string]string
	}](t, res.stdout)
	if res.code != 0 || len(list) != 2 || list[0].Vendor["name"] != "Example Software Pty Ltd" {
		t.Fatalf("list: %+v", list)
	}
	res = run{args: []string{"show", list[0].ClientID}, config: config}.exec(t)
	if res.code != 0 || !strings.Contains(res.stdout, "Example Practice Manager") || !strings.Contains(res.stdout, "1300 000 000 · help@example.com") {
		t.Fatalf("show: %s", res.stdout)
	}
	// The consumer key never appears in any output.
	if strings.Contains(res.stdout, f.Sim.APIKey()) {
		t.Error("show printed the consumer key")
	}
	// Practice with the vendor's file: the simulator's addresses and key,
	// the vendor's name template and support.
	res = run{args: []string{"register", "--setup", setup, "--env", "practice", "--json"}, config: config}.exec(t)
	reg = decode[out](t, res.stdout)
	if res.code != 0 || reg.Environment != "practice" || reg.Sources["environment"] != "practice" || reg.Sources["consumer_key"] != "practice" ||
		reg.Sources["name"] != "setup file" || reg.Vendor["name"] != "Example Software Pty Ltd" || reg.Sources["ca_file"] != "" {
		t.Fatalf("practice: exit %d %+v\n%s", res.code, reg, res.stderr)
	}
	// A consumer key given beside the file says how it was given: by key
	// file or environment variable, not "command line".
	keyFile := filepath.Join(t.TempDir(), "api-key.txt")
	if err := os.WriteFile(keyFile, []byte(f.Sim.APIKey()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"--api-key-file", keyFile, "--name", "Key file"}, pw, "key file"},
		{[]string{"--name", "Key variable"}, append([]string{"DCRWIZARD_API_KEY=" + f.Sim.APIKey()}, pw...), "DCRWIZARD_API_KEY"},
	} {
		res = run{args: append([]string{"register", "--setup", setup, "--keystore", keystore, "--json"}, tc.args...), env: tc.env, config: config}.exec(t)
		reg = decode[out](t, res.stdout)
		if res.code != 0 || reg.Sources["consumer_key"] != tc.want || reg.Sources["name"] != "command line" {
			t.Errorf("%v: exit %d, sources %v, want consumer_key %q\n%s", tc.args, res.code, reg.Sources, tc.want, res.stderr)
		}
	}
}

func TestRegisterSetupRefusals(t *testing.T) {
	f := atosimtest.Start(t, atosim.Options{})
	now := time.Now()
	keystore := writeCredential(t, f.Sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	m := simSetup(f)
	m["keystore_password"] = atosim.DemoPassword
	setup := writeSetupFile(t, t.TempDir(), m)
	before := len(f.Sim.Requests())
	res := run{args: []string{"register", "--setup", setup, "--keystore", keystore, "--json"}, env: []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}}.exec(t)
	e := decode[errorOut](t, res.stdout)
	if res.code != 1 || !strings.Contains(e.Error.Message, `"keystore_password"`) || !strings.Contains(e.Error.Message, "never hold a password") {
		t.Fatalf("exit %d %+v", res.code, e)
	}
	if strings.Contains(res.stdout, f.Sim.APIKey()) {
		t.Error("the consumer key is in the error")
	}
	if len(f.Sim.Requests()) != before {
		t.Error("something was sent with a bad setup file")
	}
}

func TestWizardArgs(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		setup  string
		wizard bool
	}{
		{nil, "", true},
		{[]string{"--setup", "a.json"}, "a.json", true},
		{[]string{"--setup=a.json"}, "a.json", true},
		{[]string{`C:\Users\x\Downloads\Acme.DCRWizard.json`}, `C:\Users\x\Downloads\Acme.DCRWizard.json`, true},
		{[]string{`C:\Users\x\Downloads\Acme Accounting.dcrwizard`}, `C:\Users\x\Downloads\Acme Accounting.dcrwizard`, true},
		{[]string{"/Users/x/Downloads/ACME.DCRWIZARD"}, "/Users/x/Downloads/ACME.DCRWIZARD", true},
		{[]string{"Acme.json"}, "", false},
		{[]string{"Acme.dcrwizard.txt"}, "", false},
		{[]string{"Acme.dcrwizard", "list"}, "", false},
		{[]string{"register", "--setup", "a.json"}, "", false},
		{[]string{"list"}, "", false},
		{[]string{"--setup"}, "", false},
	} {
		setup, wizard := cli.WizardArgs(tc.args)
		if setup != tc.setup || wizard != tc.wizard {
			t.Errorf("%q: %q %v, want %q %v", tc.args, setup, wizard, tc.setup, tc.wizard)
		}
	}
}

// TestSetupCheckTrustRules runs issue 24's attacker's files (findings 1–3)
// through setup-check and register: each is refused (exit 1) with the
// field and the reason, and nothing is sent; a vendor's own server is
// accepted with its hosts named on stderr.
func TestSetupCheckTrustRules(t *testing.T) {
	f := atosimtest.Start(t, atosim.Options{})
	dir := t.TempDir()
	good := writeSetupFile(t, dir, simSetup(f))
	res := run{args: []string{"setup-check", good}}.exec(t)
	if res.code != 0 || !strings.Contains(res.stderr, "These addresses are not the ATO's: 127.0.0.1.") {
		t.Fatalf("a vendor's own server: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = run{args: []string{"setup-check", filepath.Join("..", "docs", "example.dcrwizard.json")}}.exec(t)
	if strings.Contains(res.stderr, "not the ATO's") {
		t.Errorf("a sandbox file is called not the ATO's:\n%s", res.stderr)
	}

	const atoToken = "https://auth.ato.gov.au/core2/connect/token"
	for _, tc := range []struct {
		name   string
		ep     map[string]any
		field  string
		phrase string
	}{
		{"the ATO's token endpoint, the registration on another host", map[string]any{"token_url": atoToken},
			"endpoints.registration_url", "either uses the ATO's addresses only or none of them"},
		{"a heartbeat on any host", map[string]any{"heartbeat_url": "https://collect.evil.example/hb"},
			"endpoints.heartbeat_url", "not on the registration (DCR) endpoint's own domain"},
		{"Cyrillic", map[string]any{"token_url": "https://\u0430uth.ato.gov.au/t"}, "endpoints.token_url", "U+0430"},
		{"punycode", map[string]any{"token_url": "https://xn--uth-8cd.ato.gov.au/t"}, "endpoints.token_url", "punycode"},
		{"full-width dots", map[string]any{"token_url": "https://auth.ato\uff0egov\uff0eau/t"}, "endpoints.token_url", "U+FF0E"},
		{"zero-width space", map[string]any{"token_url": "https://ato.gov.au\u200b/t"}, "endpoints.token_url", "U+200B"},
		{"the ATO's name under another domain", map[string]any{"registration_url": "https://api.ato.gov.au.evil.example/r"},
			"endpoints.registration_url", "looks like an ATO address"},
		{"the ATO's real hosts with a CA", map[string]any{"token_url": atoToken, "registration_url": "https://api.ato.gov.au/idp/v1/relyingparties"},
			"endpoints.ca_pem", "no extra CA certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := simSetup(f)
			ep := m["endpoints"].(map[string]any)
			for k, v := range tc.ep {
				ep[k] = v
			}
			path := writeSetupFile(t, t.TempDir(), m)
			res := run{args: []string{"setup-check", path}}.exec(t)
			if res.code != 1 || !strings.Contains(res.stderr, `"`+tc.field+`": `) || !strings.Contains(res.stderr, tc.phrase) {
				t.Fatalf("setup-check: exit %d, want 1 naming %s and saying %q\n%s%s", res.code, tc.field, tc.phrase, res.stdout, res.stderr)
			}
			res = run{args: []string{"setup-check", "--json", path}}.exec(t)
			got := decode[struct {
				OK       bool
				Problems []struct{ Field, Message string }
			}](t, res.stdout)
			if res.code != 1 || got.OK || len(got.Problems) == 0 || got.Problems[0].Field != tc.field {
				t.Fatalf("setup-check --json: exit %d %+v", res.code, got)
			}
			before := len(f.Sim.Requests())
			res = run{args: []string{"register", "--setup", path, "--keystore", "unused.xml"}}.exec(t)
			if res.code != 1 || !strings.Contains(res.stderr, tc.phrase) || len(f.Sim.Requests()) != before {
				t.Fatalf("register --setup: exit %d, %d requests sent\n%s", res.code, len(f.Sim.Requests())-before, res.stderr)
			}
		})
	}
}

// TestSetupManyUnknownFields: setup-check of a file with 16,000 unknown
// fields prints a short refusal (it printed ~3 MB).
func TestSetupManyUnknownFields(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"format":1,"vendor":"V","product":"P","environment":"sandbox","consumer_key":"` + vendorKey + `"`)
	for i := range 16000 {
		fmt.Fprintf(&b, `,"f%05d":1`, i)
	}
	b.WriteString("}")
	path := filepath.Join(t.TempDir(), "many.dcrwizard.json")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	res := run{args: []string{"setup-check", path}}.exec(t)
	if res.code != 1 || len(res.stderr) > 4096 || !strings.Contains(res.stderr, "and 15992 more") {
		t.Fatalf("exit %d, %d bytes on stderr:\n%.2000s", res.code, len(res.stderr), res.stderr)
	}
}

// TestRegisterFlagsTrustRules: the address flags get the same trust rules
// as a setup file. The simulator stands in for the token endpoint, with the
// ATO's real registration endpoint beside it (mixed), or with the ATO's
// real hosts and --ca-file: refused (exit 1) before anything is sent.
func TestRegisterFlagsTrustRules(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{})
	now := time.Now()
	keystore := writeCredential(t, f.Sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.Sim.CACertificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	ep := f.Endpoints
	for _, tc := range []struct {
		name   string
		flags  []string
		phrase string
	}{
		{"the simulator's token endpoint, the ATO's registration endpoint",
			[]string{"--token-url", ep.TokenURL, "--registration-url", "https://api.ato.gov.au/idp/v1/relyingparties"},
			"either uses the ATO's addresses only or none of them"},
		{"a look-alike registration endpoint",
			[]string{"--token-url", ep.TokenURL, "--registration-url", "https://api.ato.gov.au.evil.example/r"},
			"looks like an ATO address"},
		{"the ATO's hosts with --ca-file",
			[]string{"--token-url", "https://auth.ato.gov.au/core2/connect/token", "--registration-url", "https://api.ato.gov.au/idp/v1/relyingparties", "--ca-file", caFile},
			"no extra CA certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.Sim.Requests())
			args := append([]string{"register", "--env", "custom", "--keystore", keystore, "--name", "Front desk",
				"--registration-client-id", ep.RegistrationClientID, "--scope", ep.Scope}, tc.flags...)
			res := run{args: args, env: []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword, "DCRWIZARD_API_KEY=" + f.Sim.APIKey()}}.exec(t)
			if res.code != 1 || !strings.Contains(res.stderr, tc.phrase) {
				t.Fatalf("exit %d, want 1 saying %q\n%s%s", res.code, tc.phrase, res.stdout, res.stderr)
			}
			if n := len(f.Sim.Requests()) - before; n != 0 {
				t.Fatalf("%d requests sent", n)
			}
		})
	}
}
