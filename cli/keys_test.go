//go:build unix

package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
)

// withoutAPIKey drops --api-key KEY from the simulator's register flags.
func withoutAPIKey(args []string) []string {
	if i := slices.Index(args, "--api-key"); i >= 0 {
		return slices.Delete(slices.Clone(args), i, i+2)
	}
	return args
}

// Issue 16 finding 6: the consumer key from a file or the environment,
// never only a flag everyone sees in ps.
func TestAPIKeyFromFileOrEnvironment(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{})
	sim, custom := f.Sim, withoutAPIKey(f.CLIArgs())
	now := time.Now()
	keystore := writeCredential(t, sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	pw := "DCRWIZARD_PASSWORD=" + atosim.DemoPassword
	keyFile := filepath.Join(t.TempDir(), "key.txt")
	if err := os.WriteFile(keyFile, []byte("\ufeff"+sim.APIKey()+"\r\n"), 0o600); err != nil { // as Notepad writes it
		t.Fatal(err)
	}
	base := append([]string{"register", "--keystore", keystore, "--json"}, custom...)
	for name, r := range map[string]run{
		"--api-key-file":    {args: append(slices.Clone(base), "--name", "From file", "--api-key-file", keyFile), env: []string{pw}},
		"DCRWIZARD_API_KEY": {args: append(slices.Clone(base), "--name", "From env"), env: []string{pw, "DCRWIZARD_API_KEY=" + sim.APIKey()}},
	} {
		res := r.exec(t)
		if res.code != 0 {
			t.Errorf("%s: exit %d\n%s\n%s", name, res.code, res.stdout, res.stderr)
		}
	}
	before := len(sim.Requests())
	empty := filepath.Join(t.TempDir(), "empty")
	_ = os.WriteFile(empty, []byte("\n"), 0o600)
	for name, r := range map[string]run{
		"two sources": {args: append(slices.Clone(base), "--name", "x", "--api-key-file", keyFile), env: []string{pw, "DCRWIZARD_API_KEY=" + sim.APIKey()}},
		"empty file":  {args: append(slices.Clone(base), "--name", "x", "--api-key-file", empty), env: []string{pw}},
		"no file":     {args: append(slices.Clone(base), "--name", "x", "--api-key-file", empty+".missing"), env: []string{pw}},
	} {
		if res := r.exec(t); res.code != 1 {
			t.Errorf("%s: exit %d, want 1\n%s", name, res.code, res.stdout)
		}
	}
	if len(sim.Requests()) != before {
		t.Error("a refused key source still sent requests")
	}
	if res := (run{args: []string{"help"}}).exec(t); !strings.Contains(res.stdout, "--api-key-file FILE") || !strings.Contains(res.stdout, "DCRWIZARD_API_KEY") {
		t.Errorf("usage does not document --api-key-file and DCRWIZARD_API_KEY:\n%s", res.stdout)
	}
}

// Issue 16 finding 10: a --timeout that ends the run before anything could
// be sent is bad input, not "did not answer in time".
func TestTimeoutIsChecked(t *testing.T) {
	sim, custom := inProcess(t)
	now := time.Now()
	keystore := writeCredential(t, sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	for _, d := range []string{"0", "-1s", "1ns", "500ms"} {
		res := run{args: append([]string{"register", "--keystore", keystore, "--name", "x", "--timeout", d}, custom...),
			env: []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}}.exec(t)
		if res.code != 1 || !strings.Contains(res.stderr, "too short") || strings.Contains(res.stderr, "in time") {
			t.Errorf("--timeout %s: exit %d\n%s", d, res.code, res.stderr)
		}
	}
	if n := len(sim.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// Issue 16 finding 8: export never replaces what is not a plain file,
// writes to standard output with --out -, and leaves no temp file.
func TestExportTargets(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{})
	sim, custom := f.Sim, f.CLIArgs()
	now := time.Now()
	keystore := writeCredential(t, sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	config := t.TempDir()
	res := run{args: append([]string{"register", "--keystore", keystore, "--name", "Export", "--json"}, custom...),
		env: []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("register: %d %s", res.code, res.stderr)
	}
	id := decode[registerOut](t, res.stdout).ClientID

	res = run{args: []string{"export", id, "--out", "-"}, config: config}.exec(t)
	var v struct {
		ClientID string `json:"client_id"`
		Token    string `json:"registration_access_token"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &v); res.code != 0 || err != nil || v.ClientID != id || strings.Count(v.Token, ".") != 2 {
		t.Fatalf("export --out -: exit %d %v\n%s", res.code, err, res.stdout)
	}

	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.json")
	if err := os.WriteFile(plain, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(plain, link); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{fifo, link, dir, "/dev/null"} {
		res := run{args: []string{"export", id, "--out", target}, config: config}.exec(t)
		if res.code != 1 || !strings.Contains(res.stderr, "not a plain file") {
			t.Errorf("export --out %s: exit %d %s", target, res.code, res.stderr)
		}
	}
	if b, _ := os.ReadFile(plain); string(b) != "keep me" {
		t.Error("the file behind the link was replaced")
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the FIFO was replaced")
	}
	out := filepath.Join(dir, "new.json")
	if res := (run{args: []string{"export", id, "--out", out}, config: config}).exec(t); res.code != 0 {
		t.Fatalf("export to a new file: %d %s", res.code, res.stderr)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".dcrwizard-export-*")); len(left) != 0 {
		t.Errorf("temp files left: %v", left)
	}
}
