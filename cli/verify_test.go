package cli_test

import (
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
)

type verifyOut struct {
	ClientID      string `json:"client_id"`
	Usable        bool   `json:"usable"`
	TokenLifetime int    `json:"token_lifetime_seconds"`
	Scope         string `json:"scope"`
	Heartbeat     string `json:"heartbeat_url"`
	Problem       string `json:"problem"`
}

// register --verify, verify and token against the simulator, through the
// built binary; then a revoked credential: registered but not usable.
func TestVerifyCommands(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{})
	sim, ep := f.Sim, f.Endpoints
	now := time.Now()
	keystore := writeCredential(t, sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	config := t.TempDir()
	pw := []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}
	verifyArgs := []string{"--verify-scope", ep.VerifyScope, "--heartbeat-url", ep.HeartbeatURL}

	res := run{args: append(append([]string{"register", "--keystore", keystore, "--name", "Desk", "--verify", "--json"}, f.CLIArgs()...), verifyArgs...),
		env: pw, config: config}.exec(t)
	reg := decode[struct {
		ClientID     string     `json:"client_id"`
		Stored       bool       `json:"stored"`
		Verification *verifyOut `json:"verification"`
	}](t, res.stdout)
	if res.code != 0 || !reg.Stored || reg.Verification == nil || !reg.Verification.Usable ||
		reg.Verification.TokenLifetime != int(atosim.AccessTokenLifetime/time.Second) || reg.Verification.Heartbeat != ep.HeartbeatURL {
		t.Fatalf("register --verify: exit %d %+v %+v\n%s", res.code, reg, reg.Verification, res.stderr)
	}
	if strings.Contains(res.stdout, "access_token") {
		t.Errorf("register --verify printed a token:\n%s", res.stdout)
	}
	id := reg.ClientID

	// Later, from what was stored (the custom addresses were kept).
	res = run{args: []string{"verify", id, "--keystore", keystore, "--json"}, env: pw, config: config}.exec(t)
	v := decode[verifyOut](t, res.stdout)
	if res.code != 0 || !v.Usable || v.ClientID != id || v.Heartbeat != ep.HeartbeatURL || v.Scope != ep.VerifyScope {
		t.Fatalf("verify: exit %d %+v %s", res.code, v, res.stderr)
	}
	res = run{args: []string{"verify", id, "--keystore", keystore}, env: pw, config: config}.exec(t)
	if res.code != 0 || !strings.Contains(res.stdout, `Your software can sign in to the ATO as "Desk"`) {
		t.Fatalf("verify (text): exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}

	// token prints an access token for a support person, and only that.
	res = run{args: []string{"token", id, "--keystore", keystore, "--scope", "ato.api.example"}, env: pw, config: config}.exec(t)
	if tok := strings.TrimSpace(res.stdout); res.code != 0 || strings.Count(tok, ".") != 2 || strings.ContainsAny(tok, " \n") {
		t.Fatalf("token: exit %d %q %s", res.code, res.stdout, res.stderr)
	}

	// The credential is revoked (as RAM does after a renewal): the test
	// fails with the ATO's reason, and the registration stays.
	other := writeCredential(t, sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	res = run{args: append(append([]string{"register", "--keystore", other, "--name", "Back office", "--verify", "--json"}, f.CLIArgs()...), verifyArgs...),
		env: pw, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("second register: %d %s", res.code, res.stderr)
	}
	revokeAll(t, sim, "Back office")
	id2 := decode[struct {
		ClientID string `json:"client_id"`
	}](t, res.stdout).ClientID
	res = run{args: []string{"verify", id2, "--keystore", other}, env: pw, config: config}.exec(t)
	if res.code != 3 || !strings.Contains(res.stderr, "The registration exists, but signing in to the ATO with it failed") ||
		!strings.Contains(res.stderr, "stays stored") {
		t.Fatalf("verify with a revoked credential: exit %d\n%s", res.code, res.stderr)
	}
	res = run{args: []string{"list", "--json"}, config: config}.exec(t)
	if !strings.Contains(res.stdout, id2) {
		t.Errorf("a failed test removed the registration from the list:\n%s", res.stdout)
	}
}

// revokeAll revokes the certificate the simulator holds for the
// registration named name.
func revokeAll(t *testing.T, sim *atosim.Simulator, name string) {
	t.Helper()
	for _, c := range sim.Clients() {
		if c.Name == name {
			if err := sim.RevokeRegistered(c.ClientID); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no registration %q at the simulator", name)
}
