package cli_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
)

// labelled is one "  label: value" line of check's output.
var labelled = regexp.MustCompile(`^  [a-z0-9_.]+: \S`)

// TestCheckPrintsLabelledLines runs `check` through the binary against the
// simulator: one labelled line per field, lists joined, no Go map or slice
// syntax, no secret; --json keeps the raw metadata.
func TestCheckPrintsLabelledLines(t *testing.T) {
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

	res = run{args: []string{"check", id}, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("check: exit %d %s", res.code, res.stderr)
	}
	lines := strings.Split(strings.TrimRight(res.stdout, "\n"), "\n")
	var fields []string
	for _, l := range lines {
		if strings.HasPrefix(l, "  ") {
			fields = append(fields, l)
			if !labelled.MatchString(l) {
				t.Errorf("not a labelled line: %q", l)
			}
		}
	}
	out := res.stdout
	for _, want := range []string{"  client_name: Desk\n", "  grant_types: client_credentials\n", "  client_id: " + id + "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	for _, never := range []string{"map[", "[client_credentials]", "ato_api_key", "registration_access_token", f.Sim.APIKey()} {
		if strings.Contains(out, never) {
			t.Errorf("check output shows %q:\n%s", never, out)
		}
	}
	if len(fields) < 4 {
		t.Errorf("only %d metadata lines:\n%s", len(fields), out)
	}

	res = run{args: []string{"check", id, "--json"}, config: config}.exec(t)
	chk := decode[struct {
		ATO map[string]any `json:"ato_metadata"`
	}](t, res.stdout)
	if g, _ := chk.ATO["grant_types"].([]any); res.code != 0 || len(g) != 1 || g[0] != "client_credentials" || chk.ATO["ato_api_key"] != nil {
		t.Fatalf("check --json: exit %d %+v", res.code, chk.ATO)
	}
}
