package cli_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
)

// registrations counts the registration POSTs the simulator received.
func registrations(t *testing.T, f *atosimtest.Fixture) int {
	t.Helper()
	u, err := url.Parse(f.Endpoints.RegistrationURL)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range f.Sim.Requests() {
		if r.Method == http.MethodPost && r.Path == u.Path {
			n++
		}
	}
	return n
}

// A vendor's rollout script run twice makes one registration: the second
// run finds the stored one before anything is sent, exits 0 and says so;
// --again registers anyway; another name or credential is another
// registration.
func TestRegisterTwiceSendsOnce(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{})
	now := time.Now()
	keystore := writeCredential(t, f.Sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	renewed := writeCredential(t, f.Sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	pw := []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}
	config := t.TempDir()
	type out struct {
		registerOut
		Existing bool   `json:"existing"`
		StoredIn string `json:"stored_in"`
	}
	register := func(extra ...string) (result, out) {
		t.Helper()
		args := append(append([]string{"register", "--keystore", keystore, "--name", "Front desk", "--json"}, f.CLIArgs()...), extra...)
		res := run{args: args, env: pw, config: config}.exec(t)
		if res.code != 0 {
			t.Fatalf("register %v: exit %d\n%s\n%s", extra, res.code, res.stdout, res.stderr)
		}
		return res, decode[out](t, res.stdout)
	}

	_, first := register()
	if first.Existing || registrations(t, f) != 1 {
		t.Fatalf("first run: %+v, %d registrations", first, registrations(t, f))
	}
	before := len(f.Sim.Requests())
	_, second := register()
	if len(f.Sim.Requests()) != before {
		t.Fatalf("the second run sent %d requests", len(f.Sim.Requests())-before)
	}
	if !second.Existing || second.ClientID != first.ClientID || second.RegistrationClientURI != first.RegistrationClientURI ||
		second.Name != "Front desk" || second.Environment != "custom" || !second.Stored || second.StoredIn == "" || second.RegistrationAccessToken != "" {
		t.Fatalf("second run: %+v, want the first registration (%s) marked existing", second, first.ClientID)
	}

	// Text: names it, says nothing was sent and how to register again.
	res := run{args: append([]string{"register", "--keystore", keystore, "--name", "Front desk"}, f.CLIArgs()...), env: pw, config: config}.exec(t)
	for _, want := range []string{`"Front desk" is already registered`, "nothing was sent to the ATO", first.ClientID, "--again"} {
		if res.code != 0 || !strings.Contains(res.stdout, want) {
			t.Fatalf("exit %d: text output lacks %q:\n%s\n%s", res.code, want, res.stdout, res.stderr)
		}
	}
	if registrations(t, f) != 1 {
		t.Fatalf("%d registrations after a text run", registrations(t, f))
	}

	if _, again := register("--again"); again.Existing || again.ClientID == first.ClientID || registrations(t, f) != 2 {
		t.Fatalf("--again: %+v, %d registrations", again, registrations(t, f))
	}
	if _, other := register("--name", "Back office"); other.Existing || registrations(t, f) != 3 {
		t.Fatalf("another name: %+v, %d registrations", other, registrations(t, f))
	}
	res = run{args: append([]string{"register", "--keystore", renewed, "--name", "Front desk", "--json"}, f.CLIArgs()...), env: pw, config: config}.exec(t)
	if o := decode[out](t, res.stdout); res.code != 0 || o.Existing || registrations(t, f) != 4 {
		t.Fatalf("another credential: exit %d %+v, %d registrations", res.code, o, registrations(t, f))
	}
}

// The same with a vendor's setup file: opening it again registers nothing.
func TestRegisterWithSetupFileTwiceSendsOnce(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{})
	now := time.Now()
	keystore := writeCredential(t, f.Sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	setup := writeSetupFile(t, t.TempDir(), simSetup(f))
	pw := []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}
	config := t.TempDir()
	var ids []string
	for i := range 2 {
		res := run{args: []string{"register", "--setup", setup, "--keystore", keystore, "--json"}, env: pw, config: config}.exec(t)
		o := decode[struct {
			registerOut
			Existing bool `json:"existing"`
		}](t, res.stdout)
		if res.code != 0 || o.Existing != (i == 1) {
			t.Fatalf("run %d: exit %d %+v\n%s", i+1, res.code, o, res.stderr)
		}
		ids = append(ids, o.ClientID)
	}
	if ids[0] != ids[1] || registrations(t, f) != 1 {
		t.Fatalf("client ids %v, %d registrations at the ATO", ids, registrations(t, f))
	}
}
