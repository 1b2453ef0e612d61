package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/credstore"
)

// The consumer key is kept with a registration and sent as apikey on every
// RFC 7592 call (the simulator refuses one without it). A registration
// saved before the key was kept asks for it once, then keeps it.
func TestConsumerKeyKeptForManagement(t *testing.T) {
	needSecretService(t)
	secretTool, err := exec.LookPath("secret-tool")
	if err != nil {
		t.Skip("needs secret-tool (libsecret-tools)")
	}
	f := atosimtest.Start(t, atosim.Options{})
	now := time.Now()
	keystore := writeCredential(t, f.Sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	config := t.TempDir()
	pw := []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}
	res := run{args: append([]string{"register", "--keystore", keystore, "--name", "Desk", "--json"}, f.CLIArgs()...), env: pw, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("register: %d %s", res.code, res.stderr)
	}
	id := decode[registerOut](t, res.stdout).ClientID
	account := credstore.ConsumerKeyAccount("custom", id)
	if out, err := exec.Command(secretTool, "lookup", "service", credstore.Service, "username", account).Output(); err != nil || string(out) != f.Sim.APIKey() {
		t.Fatalf("the consumer key is not in the keychain item %s: %v", account, err)
	}
	res = run{args: []string{"check", id}, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("check with the kept key: exit %d %s", res.code, res.stderr)
	}
	for _, r := range f.Sim.Requests() {
		if r.Method == "GET" && strings.Contains(r.Path, id) && r.Status != 200 {
			t.Errorf("the read was refused: %+v", r)
		}
	}

	// As if saved by an older version: no key item.
	if out, err := exec.Command(secretTool, "clear", "service", credstore.Service, "username", account).CombinedOutput(); err != nil {
		t.Fatalf("secret-tool clear: %v %s", err, out)
	}
	before := len(f.Sim.Requests())
	res = run{args: []string{"check", id}, config: config}.exec(t)
	if res.code != 1 || !strings.Contains(res.stderr, "saved without the consumer (API) key") || !strings.Contains(res.stderr, "--api-key-file") {
		t.Fatalf("check without a kept key: exit %d %s", res.code, res.stderr)
	}
	if len(f.Sim.Requests()) != before {
		t.Error("a request was sent without the consumer key")
	}
	keyFile := filepath.Join(t.TempDir(), "key.txt")
	if err := os.WriteFile(keyFile, []byte(f.Sim.APIKey()+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res = run{args: []string{"check", id, "--api-key-file", keyFile}, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("check with --api-key-file: exit %d %s", res.code, res.stderr)
	}
	res = run{args: []string{"rename", id, "--name", "Front desk"}, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("rename afterwards, with the key kept: exit %d %s", res.code, res.stderr)
	}
	if strings.Contains(res.stdout+res.stderr, f.Sim.APIKey()) {
		t.Error("the consumer key was printed")
	}
}
