package cli_test

import (
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
)

func TestRegisterExitCodes(t *testing.T) {
	sim, custom := inProcess(t)
	now := time.Now()
	good := writeCredential(t, sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	pw := []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}

	t.Run("expired credential refused before sending", func(t *testing.T) {
		expired := writeCredential(t, sim, now.AddDate(-2, 0, 0), now.AddDate(0, 0, -1))
		before := len(sim.Requests())
		res := run{args: append([]string{"register", "--keystore", expired, "--name", "x"}, custom...), env: pw}.exec(t)
		if res.code != 1 || !strings.Contains(res.stderr, "expired") {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
		if len(sim.Requests()) != before {
			t.Fatal("something was sent to the ATO for an expired credential")
		}
	})
	t.Run("expiring within 6 months refused", func(t *testing.T) {
		soon := writeCredential(t, sim, now.Add(-time.Hour), now.AddDate(0, 5, 0))
		res := run{args: append([]string{"register", "--keystore", soon, "--name", "x", "--json"}, custom...), env: pw}.exec(t)
		if e := decode[errorOut](t, res.stdout); res.code != 1 || !strings.Contains(e.Error.Message, "6 months") {
			t.Fatalf("exit %d %+v", res.code, e)
		}
	})
	t.Run("bad flags", func(t *testing.T) {
		for _, args := range [][]string{
			{"register", "--keystore", good, "--name", "x", "--api-key", sim.APIKey()},                                                // no --env
			{"register", "--keystore", good, "--name", "x", "--env", "staging", "--api-key", "k"},                                     // unknown env
			{"register", "--keystore", good, "--name", "x", "--env", "custom", "--api-key", "k"},                                      // custom without URLs
			append(append([]string{"register", "--keystore", good, "--name", "x"}, custom...), "--token-url", "http://example.com/t"), // plain http off loopback
		} {
			if res := (run{args: args, env: pw}).exec(t); res.code != 1 {
				t.Errorf("%v: exit %d, want 1\n%s", args, res.code, res.stderr)
			}
		}
	})
	t.Run("keychain absent: refused before sending, exit 1", func(t *testing.T) {
		// No session bus at all: a real failure, as on a server with no
		// keyring. It is found before anything is sent (issue 16 finding
		// 7), not after the ATO accepted.
		env := append([]string{"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus"}, pw...)
		before := len(sim.Requests())
		res := run{args: append([]string{"register", "--keystore", good, "--name", "No keychain", "--json", "--timeout", "2m"}, custom...), env: env}.exec(t)
		e := decode[errorOut](t, res.stdout)
		if res.code != 1 || !strings.HasPrefix(e.Error.Message, "Nothing was sent to the ATO") || !strings.Contains(e.Error.Message, "keychain") {
			t.Fatalf("exit %d %+v\n%s", res.code, e, res.stderr)
		}
		res = run{args: append([]string{"register", "--keystore", good, "--name", "No keychain 2"}, custom...), env: env}.exec(t)
		if res.code != 1 || !strings.Contains(res.stderr, "Nothing was sent to the ATO") {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		if len(sim.Requests()) != before {
			t.Fatal("a request reached the ATO although the keychain could not be reached")
		}
	})
	t.Run("connection lost after sending: exit 5", func(t *testing.T) {
		sim.InjectFault(atosim.Fault{Kind: atosim.FaultDropAfterRegister, Endpoint: "register", Nth: 1})
		defer sim.ClearFaults()
		config := t.TempDir()
		res := run{args: append([]string{"register", "--keystore", good, "--name", "Lost", "--json"}, custom...), env: pw, config: config}.exec(t)
		e := decode[errorOut](t, res.stdout)
		if res.code != 5 || e.Error.Step != "register" || !strings.Contains(e.Error.Message, "Lost") {
			t.Fatalf("exit %d %+v", res.code, e)
		}
		// The note stays until the user has checked, and says so.
		res = run{args: []string{"pending", "--json"}, config: config}.exec(t)
		notes := decode[[]struct{ ID, Name, Environment string }](t, res.stdout)
		if res.code != 0 || len(notes) != 1 || notes[0].Name != "Lost" || notes[0].Environment != "custom" {
			t.Fatalf("pending: exit %d %+v", res.code, notes)
		}
		if res = (run{args: []string{"list"}, config: config}).exec(t); !strings.Contains(res.stderr, "dcrwizard pending") {
			t.Fatalf("list does not point at the unfinished registration: %q", res.stderr)
		}
		if res = (run{args: []string{"pending"}, config: config}).exec(t); !strings.Contains(res.stdout, "Check in the ATO") {
			t.Fatalf("pending (text): %s", res.stdout)
		}
		if res = (run{args: []string{"pending", "--clear", notes[0].ID}, config: config}).exec(t); res.code != 0 {
			t.Fatalf("pending --clear: exit %d %s", res.code, res.stderr)
		}
		res = run{args: []string{"pending", "--json"}, config: config}.exec(t)
		if n := decode[[]struct{ ID string }](t, res.stdout); len(n) != 0 {
			t.Fatalf("after --clear: %+v", n)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		sim.InjectFault(atosim.Fault{Kind: atosim.FaultDelay, Endpoint: "token", Nth: 0, Delay: 5 * time.Second})
		defer sim.ClearFaults()
		res := run{args: append([]string{"register", "--keystore", good, "--name", "Slow", "--timeout", "1s"}, custom...), env: pw}.exec(t)
		if res.code != 3 {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
	})
}

func TestRegisterPractice(t *testing.T) {
	needSecretService(t)
	config := t.TempDir()
	res := run{args: []string{"register", "--env", "practice", "--name", "Rehearsal", "--json"}, config: config}.exec(t)
	reg := decode[registerOut](t, res.stdout)
	if res.code != 0 || !reg.Stored || reg.Environment != "practice" {
		t.Fatalf("exit %d %+v\n%s", res.code, reg, res.stderr)
	}
}
