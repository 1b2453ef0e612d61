package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
)

// The licences of what the binary is built from, which their licences ask
// to go with it, are printed by the built binary.
func TestLicences(t *testing.T) {
	for _, name := range []string{"licences", "licenses"} {
		res := run{args: []string{name}}.exec(t)
		if res.code != 0 || res.stderr != "" || !strings.Contains(res.stdout, "fyne.io/fyne/v2 (LICENSE)") ||
			!strings.Contains(res.stdout, "Redistributions in binary form must reproduce") {
			t.Fatalf("%s: exit %d, stderr %q, stdout starts %.200q", name, res.code, res.stderr, res.stdout)
		}
	}
}

func TestVersionAndHelp(t *testing.T) {
	res := run{args: []string{"version"}}.exec(t)
	if res.code != 0 || !strings.HasPrefix(res.stdout, "dcrwizard ") || res.stderr != "" {
		t.Fatalf("version: exit %d %q %q", res.code, res.stdout, res.stderr)
	}
	res = run{args: []string{"help"}}.exec(t)
	for _, want := range []string{"Exit codes", "DCRWIZARD_PASSWORD", "--password-stdin", "5  outcome unknown"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("help does not mention %q", want)
		}
	}
}

func TestLifecycleCommands(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{RotateTokens: true, DisableDelete: true})
	sim, custom := f.Sim, f.CLIArgs()
	now := time.Now()
	keystore := writeCredential(t, sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	config := t.TempDir()
	res := run{args: append([]string{"register", "--keystore", keystore, "--name", "Desk", "--json"}, custom...),
		env: []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("register: %d %s", res.code, res.stderr)
	}
	id := decode[registerOut](t, res.stdout).ClientID

	res = run{args: []string{"check", id, "--json"}, config: config}.exec(t)
	chk := decode[struct {
		Rotated bool           `json:"token_rotated"`
		ATO     map[string]any `json:"ato_metadata"`
	}](t, res.stdout)
	if res.code != 0 || !chk.Rotated || chk.ATO["client_name"] != "Desk" || chk.ATO["ato_api_key"] != nil {
		t.Fatalf("check: exit %d %+v %s", res.code, chk, res.stderr)
	}
	res = run{args: []string{"rename", id, "--name", "Front desk"}, config: config}.exec(t)
	if res.code != 0 || sim.Clients()[0].Name != "Front desk" {
		t.Fatalf("rename: exit %d %s %s", res.code, res.stdout, res.stderr)
	}
	export := filepath.Join(t.TempDir(), "values.json")
	res = run{args: []string{"export", id, "--out", export}, config: config}.exec(t)
	if fi, err := os.Stat(export); res.code != 0 || err != nil || fi.Mode().Perm() != 0o600 || !strings.Contains(res.stderr, "secret") {
		t.Fatalf("export: exit %d %v %s", res.code, err, res.stderr)
	}
	// The ATO refuses removal here (405): exit 3, kept locally, forget offered.
	res = run{args: []string{"remove", id, "--yes"}, config: config}.exec(t)
	if res.code != 3 || !strings.Contains(res.stderr, "dcrwizard forget "+id) {
		t.Fatalf("remove: exit %d %s", res.code, res.stderr)
	}
	// Without --yes and without a terminal nothing is removed.
	res = run{args: []string{"forget", id}, config: config}.exec(t)
	if res.code != 1 {
		t.Fatalf("forget without --yes: exit %d", res.code)
	}
	res = run{args: []string{"forget", id, "--yes"}, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("forget: exit %d %s", res.code, res.stderr)
	}
	res = run{args: []string{"list", "--json"}, config: config}.exec(t)
	if l := decode[[]registerOut](t, res.stdout); len(l) != 0 || len(sim.Clients()) != 1 {
		t.Fatalf("after forget: local %d, ATO %d", len(l), len(sim.Clients()))
	}
	res = run{args: []string{"check", id}, config: config}.exec(t)
	if res.code != 1 {
		t.Fatalf("check of a forgotten client: exit %d", res.code)
	}
}

// TestPasswordPromptOnTerminal gives the binary a real terminal (util-linux
// script(1) allocates a pty): with no other source it must ask, without echo.
func TestPasswordPromptOnTerminal(t *testing.T) {
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) is not installed")
	}
	abs, _ := filepath.Abs(sampleKeystore)
	cmd := exec.Command(scriptBin, "-q", "-e", "-c", binary+" inspect --keystore "+abs+" --credential ABRD:27809366375_USIMachine", "/dev/null")
	cmd.Env = baseEnv(t.TempDir())
	pr, pw, _ := os.Pipe()
	cmd.Stdin = pr
	var mu sync.Mutex
	var out bytes.Buffer
	outR, outW, _ := os.Pipe()
	cmd.Stdout, cmd.Stderr = outW, outW
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr.Close()
	outW.Close()
	prompted := make(chan struct{})
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		buf := make([]byte, 4096)
		once := sync.Once{}
		for {
			n, err := outR.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			if strings.Contains(out.String(), "Keystore password:") {
				once.Do(func() { close(prompted) })
			}
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	select {
	case <-prompted:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("no password prompt:\n%s", out.String())
	}
	fmt.Fprintln(pw, samplePassword)
	defer pw.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	<-copied
	got := out.String()
	if !strings.Contains(got, "Keystore password:") || !strings.Contains(got, "27809366375") {
		t.Fatalf("no prompt or no result:\n%s", got)
	}
	if strings.Contains(got, samplePassword) {
		t.Fatalf("the password was echoed:\n%s", got)
	}
}
