package cli_test

import (
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
)

// Against an ATO that offers no RFC 7592 (the simulator's lifecycle off:
// GET is the gateway's 404, PUT and DELETE 405), check, rename and remove
// say what is true — the registration exists — and lose nothing. Before,
// check said "The ATO has no registration at this address … register it
// again", and a practice following it made a duplicate.
func TestLifecycleNotOfferedCommands(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{NoLifecycle: true})
	sim, custom := f.Sim, f.CLIArgs()
	now := time.Now()
	keystore := writeCredential(t, sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	config := t.TempDir()
	pw := []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}
	res := run{args: append([]string{"register", "--keystore", keystore, "--name", "Desk", "--json"}, custom...), env: pw, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("register: %d %s", res.code, res.stderr)
	}
	id := decode[registerOut](t, res.stdout).ClientID
	gone := func(t *testing.T, what, out string) {
		t.Helper()
		low := strings.ToLower(out)
		for _, bad := range []string{"register it again", "may have been removed", "no registration at this address", "no longer recognises"} {
			if strings.Contains(low, bad) {
				t.Errorf("%s reports an existing registration gone (%q):\n%s", what, bad, out)
			}
		}
	}

	// check without the credential: not offered, nothing proven, exit 3.
	res = run{args: []string{"check", id}, config: config}.exec(t)
	gone(t, "check", res.stdout+res.stderr)
	if res.code != 3 || !strings.Contains(res.stderr, "does not offer reading a registration back") || !strings.Contains(res.stderr, "--keystore FILE") {
		t.Fatalf("check: exit %d\n%s", res.code, res.stderr)
	}
	// With it, the registration is proven by a sign-in as it.
	res = run{args: []string{"check", id, "--keystore", keystore}, env: pw, config: config}.exec(t)
	gone(t, "check --keystore", res.stdout+res.stderr)
	if res.code != 0 || !strings.Contains(res.stdout, "proved it another way") || !strings.Contains(res.stdout, "can sign in to the ATO as \"Desk\"") {
		t.Fatalf("check --keystore: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	res = run{args: []string{"check", id, "--keystore", keystore, "--json"}, env: pw, config: config}.exec(t)
	chk := decode[struct {
		NotOffered   string `json:"not_offered"`
		Verification *struct {
			Usable bool `json:"usable"`
		} `json:"verification"`
	}](t, res.stdout)
	if res.code != 0 || chk.NotOffered != "read" || chk.Verification == nil || !chk.Verification.Usable {
		t.Fatalf("check --json: exit %d %+v", res.code, chk)
	}

	// rename: nothing changed without consent; --here-only changes it here.
	res = run{args: []string{"rename", id, "--name", "Front desk"}, config: config}.exec(t)
	gone(t, "rename", res.stdout+res.stderr)
	if res.code != 3 || !strings.Contains(res.stderr, "--here-only") || localName(t, config, id) != "Desk" {
		t.Fatalf("rename: exit %d\n%s", res.code, res.stderr)
	}
	res = run{args: []string{"rename", id, "--name", "Front desk", "--here-only"}, config: config}.exec(t)
	if res.code != 0 || !strings.Contains(res.stdout, "on this computer only") || localName(t, config, id) != "Front desk" {
		t.Fatalf("rename --here-only: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if n := sim.Clients()[0].Name; n != "Desk" {
		t.Fatalf("the ATO's name is %q", n)
	}

	// remove: still at the ATO and here; forget offered.
	res = run{args: []string{"remove", id, "--yes"}, config: config}.exec(t)
	gone(t, "remove", res.stdout+res.stderr)
	if res.code != 3 || !strings.Contains(res.stderr, "does not offer removing") || !strings.Contains(res.stderr, "dcrwizard forget "+id) {
		t.Fatalf("remove: exit %d\n%s", res.code, res.stderr)
	}
	if localName(t, config, id) != "Front desk" || len(sim.Clients()) != 1 {
		t.Fatal("remove lost the registration")
	}
}

// localName is the name `list` shows for id ("" when it is not listed).
func localName(t *testing.T, config, id string) string {
	t.Helper()
	res := run{args: []string{"list", "--json"}, config: config}.exec(t)
	for _, r := range decode[[]registerOut](t, res.stdout) {
		if r.ClientID == id {
			return r.Name
		}
	}
	return ""
}

// A vendor's setup file that says the ATO offers no lifecycle: the calls
// are not even tried (the simulator here offers them, so a call sent would
// succeed), the messages say so, and setup-check shows it.
func TestSetupFileLifecycle(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{})
	now := time.Now()
	keystore := writeCredential(t, f.Sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	config := t.TempDir()
	res := run{args: append([]string{"register", "--keystore", keystore, "--name", "Desk", "--json"}, f.CLIArgs()...),
		env: []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("register: %d %s", res.code, res.stderr)
	}
	id := decode[registerOut](t, res.stdout).ClientID
	setup := simSetup(f)
	setup["lifecycle"] = map[string]any{"read": false, "update": false, "delete": false}
	path := writeSetupFile(t, t.TempDir(), setup)

	res = run{args: []string{"setup-check", path}, config: config}.exec(t)
	if res.code != 0 || !strings.Contains(res.stdout, "Not offered by the ATO") || !strings.Contains(res.stdout, "check (read); rename and renewal in place (update); remove (delete)") {
		t.Fatalf("setup-check: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	before := len(f.Sim.Requests())
	for _, args := range [][]string{{"check", id}, {"rename", id, "--name", "Front desk"}, {"remove", id, "--yes"}} {
		res = run{args: append(args, "--setup", path), config: config}.exec(t)
		if res.code != 3 || !strings.Contains(res.stderr, "does not offer") || !strings.Contains(res.stderr, "setup file says so") {
			t.Errorf("%s: exit %d\n%s", args[0], res.code, res.stderr)
		}
	}
	if n := len(f.Sim.Requests()) - before; n != 0 {
		t.Errorf("%d requests sent for calls the setup file says the ATO does not offer", n)
	}
	if localName(t, config, id) != "Desk" || len(f.Sim.Clients()) != 1 || f.Sim.Clients()[0].Name != "Desk" {
		t.Error("something changed")
	}
	// Without the file, the same commands reach the ATO as before.
	if res = (run{args: []string{"check", id}, config: config}).exec(t); res.code != 0 {
		t.Errorf("check without the setup file: exit %d %s", res.code, res.stderr)
	}
}

// renew against an ATO without the lifecycle: the reason in plain words and
// the way on (register again), nothing left pending; register again works
// and says the old credential is still valid until revoked in RAM.
func TestRenewNotOffered(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{NoLifecycle: true})
	now := time.Now()
	_, config, pw, id := registerForRenewal(t, f)
	newKS := writeCredential(t, f.Sim, now.Add(-time.Minute), now.AddDate(2, 0, 0))
	res := run{args: []string{"renew", id, "--keystore", newKS}, env: pw, config: config}.exec(t)
	if res.code != 3 || !strings.Contains(res.stderr, "does not offer changing a registration from here") ||
		!strings.Contains(res.stderr, "--register-again") || strings.Contains(res.stderr, "may have been removed") {
		t.Fatalf("renew: exit %d\n%s", res.code, res.stderr)
	}
	if p := (run{args: []string{"pending", "--json"}, config: config}).exec(t); strings.TrimSpace(p.stdout) != "[]" {
		t.Errorf("pending notes left: %s", p.stdout)
	}
	res = run{args: []string{"renew", id, "--keystore", newKS, "--register-again"},
		env: append(pw, "DCRWIZARD_API_KEY="+f.Sim.APIKey()), config: config}.exec(t)
	if res.code != 0 || !strings.Contains(res.stdout, "The old machine credential is still valid") {
		t.Fatalf("register again: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if len(f.Sim.Clients()) != 2 || localName(t, config, id) == "" {
		t.Error("the old registration was dropped")
	}
}

// renew where the vendor's setup file says the ATO offers no update: the
// refusal is known before anything is sent, and it is exit 3 with --json
// as in words (as for check, rename and remove), with the JSON's
// exit_code saying the same.
func TestRenewUpdateNotOfferedBySetupFile(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{})
	_, config, pw, id := registerForRenewal(t, f)
	newKS := writeCredential(t, f.Sim, time.Now().Add(-time.Minute), time.Now().AddDate(2, 0, 0))
	setup := simSetup(f)
	setup["lifecycle"] = map[string]any{"update": false}
	path := writeSetupFile(t, t.TempDir(), setup)
	before := len(f.Sim.Requests())

	res := run{args: []string{"renew", id, "--keystore", newKS, "--setup", path}, env: pw, config: config}.exec(t)
	if res.code != 3 || !strings.Contains(res.stderr, "--register-again") {
		t.Errorf("renew: exit %d\n%s", res.code, res.stderr)
	}
	res = run{args: []string{"renew", id, "--keystore", newKS, "--setup", path, "--json"}, env: pw, config: config}.exec(t)
	out := decode[struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
		ExitCode int `json:"exit_code"`
	}](t, res.stdout)
	if res.code != 3 || out.ExitCode != 3 || !strings.Contains(out.Error.Message, "register this installation again") {
		t.Errorf("renew --json: exit %d, exit_code %d\n%s", res.code, out.ExitCode, res.stdout)
	}
	if n := len(f.Sim.Requests()) - before; n != 0 {
		t.Errorf("%d requests sent for an update the setup file says the ATO does not offer", n)
	}
}
