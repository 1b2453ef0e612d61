package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
)

// forged starts a line of its own when a value's newline is printed as one.
var forged = regexp.MustCompile(`(?m)^\s*FORGED`)

// noForgedLines fails when text from outside made a line of its own.
func noForgedLines(t *testing.T, what, out string) {
	t.Helper()
	if m := forged.FindString(out); m != "" {
		t.Errorf("%s: a value's line break made the line %q:\n%s", what, m, out)
	}
	if !strings.Contains(out, `\u000a`) {
		t.Errorf("%s: the newline is not shown as \\u000a:\n%s", what, out)
	}
}

// A keystore whose credential id and certificate name (CN) hold line breaks
// and tabs: inspect prints each on its own single line.
func TestInspectValuesStayOnOneLine(t *testing.T) {
	sim, _ := inProcess(t)
	now := time.Now()
	id := "ABRD:80000000001_Desk\nFORGED\tfine"
	cred, err := sim.IssueCredential(id, "80000000001", "Front\nFORGED Valid until 2099", now.Add(-time.Hour), now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	demo, err := sim.WriteCredential(t.TempDir(), cred, atosim.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	pw := []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}
	res := run{args: []string{"inspect", "--keystore", demo.KeystorePath}, env: pw}.exec(t)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	noForgedLines(t, "inspect", res.stdout)
	if !strings.Contains(res.stdout, `ABRD:80000000001_Desk\u000aFORGED\u0009fine`) {
		t.Errorf("the id is not shown escaped:\n%s", res.stdout)
	}
	// --json keeps the value itself: JSON escapes the line break.
	res = run{args: []string{"inspect", "--keystore", demo.KeystorePath, "--json"}, env: pw}.exec(t)
	out := decode[struct{ Credentials []struct{ ID, Name string } }](t, res.stdout)
	if len(out.Credentials) != 1 || out.Credentials[0].ID != id {
		t.Errorf("--json: %+v", out)
	}
	// An error naming the credentials lists them on one line too.
	res = run{args: []string{"inspect", "--keystore", demo.KeystorePath, "--credential", "nope"}, env: pw}.exec(t)
	if res.code != 1 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	noForgedLines(t, "inspect --credential nope", res.stderr)
}

// A setup file's vendor and product names with line breaks: setup-check
// shows them on one line (the setup file's rules fold white space), and a
// file with several problems still gets a line for each problem, none for
// the values (each problem is one line now, so the list must be rebuilt).
func TestSetupCheckValuesStayOnOneLine(t *testing.T) {
	dir := t.TempDir()
	path := writeSetupFile(t, dir, map[string]any{
		"format": 1, "vendor": "Acme\nFORGED vendor", "product": "Books\nRegistered in production",
		"environment": "sandbox", "consumer_key": "ExampleConsumerKey0000a1b2",
	})
	res := run{args: []string{"setup-check", path}}.exec(t)
	if res.code != 0 || forged.MatchString(res.stdout) {
		t.Errorf("setup-check: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	bad := filepath.Join(dir, "bad.dcrwizard.json")
	if err := os.WriteFile(bad, []byte("{\"format\": 1, \"vendor\": 7, \"environment\": \"staging\\nFORGED\", \"FORGED\\nkey\": 1}"), 0o600); err != nil {
		t.Fatal(err)
	}
	res = run{args: []string{"setup-check", bad}}.exec(t)
	if res.code != 1 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "Error: ") || !strings.Contains(lines[0], "problems") || !strings.HasPrefix(lines[1], "  line ") {
		t.Errorf("setup-check of a file with several problems:\n%s", res.stderr)
	}
	if m := forged.FindString(res.stderr); m != "" {
		t.Errorf("a value's line break made the line %q:\n%s", m, res.stderr)
	}
}

// A pending note (a file from outside, like index.json) whose name, client
// id, URI, receipt and credential id hold line breaks: pending prints each
// on the line it belongs to.
func TestPendingValuesStayOnOneLine(t *testing.T) {
	config := t.TempDir()
	store := credstore.New(filepath.Join(config, "dcrwizard"))
	for _, p := range []credstore.Pending{
		{Name: "Front\nFORGED name", Environment: "sandbox\nFORGED env"},
		{Name: "Desk", Environment: "sandbox", Action: credstore.PendingRenew, ClientID: "id\nFORGED renew", CredentialID: "cred\nFORGED cred"},
	} {
		id, err := store.BeginPending(p)
		if err != nil {
			t.Fatal(err)
		}
		if p.Action == "" {
			p.ID, p.ClientID, p.RegistrationClientURI, p.Receipt = id, "abc\nFORGED id", "https://x/\nFORGED uri", "63\nFORGED receipt"
			if err := store.MarkAccepted(p); err != nil {
				t.Fatal(err)
			}
		}
	}
	res := run{args: []string{"pending"}, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	noForgedLines(t, "pending", res.stdout)
	for _, want := range []string{`"Front\nFORGED name"`, `"cred\nFORGED cred"`, `abc\u000aFORGED id`, `https://x/\u000aFORGED uri`, `63\u000aFORGED receipt`, `id\u000aFORGED renew`} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("pending does not show %s:\n%s", want, res.stdout)
		}
	}
}

// register's report names the keychain and its service once: "Stored in:"
// is credstore's Where, which already says service "dcrwizard".
func TestRegisterReportNamesTheServiceOnce(t *testing.T) {
	needSecretService(t)
	sim, custom := inProcess(t)
	now := time.Now()
	keystore := writeCredential(t, sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	res := run{args: append([]string{"register", "--keystore", keystore, "--name", "Front desk"}, custom...),
		env: []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}}.exec(t)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	stored := regexp.MustCompile(`(?m)^Stored in: +(.*)$`).FindStringSubmatch(res.stdout)
	if stored == nil || strings.Count(stored[1], `service "dcrwizard"`) != 1 || strings.Contains(stored[1], "(service") {
		t.Errorf("the Stored in line should name the service once:\n%s", res.stdout)
	}
}

// A note that cannot be read (cut short, garbage) is listed by its id, as
// one that may stand for a registration, never with an empty name and the
// year 1 as its start.
func TestPendingUnreadableNote(t *testing.T) {
	config := t.TempDir()
	dir := filepath.Join(config, "dcrwizard", "pending")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "3f2a9c.json"), []byte(`{"name": "Front de`), 0o600); err != nil {
		t.Fatal(err)
	}
	res := run{args: []string{"pending"}, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"3f2a9c  a note that could not be read", "dcrwizard pending --clear 3f2a9c"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("pending does not say %q:\n%s", want, res.stdout)
		}
	}
	if strings.Contains(res.stdout, `""`) || strings.Contains(res.stdout, "0001") {
		t.Errorf("pending shows an empty note:\n%s", res.stdout)
	}
}
