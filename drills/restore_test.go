//go:build linux

package drills_test

import (
	"bytes"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dcrwizard/atosim"
)

// busCutter is a session bus in front of the throw-away Secret Service that
// forwards everything until cut, then drops every connection and refuses new
// ones: a keychain lost at a chosen moment.
func busCutter(t *testing.T) (addr string, cut func()) {
	t.Helper()
	real := ""
	for _, kv := range strings.Split(strings.TrimPrefix(os.Getenv("DBUS_SESSION_BUS_ADDRESS"), "unix:"), ",") {
		if p, ok := strings.CutPrefix(kv, "path="); ok {
			real = p
		}
	}
	if real == "" {
		t.Skip("the session bus has no unix:path address")
	}
	sock := filepath.Join(t.TempDir(), "bus")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	cutNow := false
	cut = func() {
		mu.Lock()
		defer mu.Unlock()
		cutNow = true
		for _, c := range conns {
			c.Close()
		}
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("unix", real)
			mu.Lock()
			if cutNow || err != nil {
				mu.Unlock()
				c.Close()
				if up != nil {
					up.Close()
				}
				continue
			}
			conns = append(conns, c, up)
			mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(func() { ln.Close(); cut() })
	return "unix:path=" + sock, cut
}

// printedToken is the registration access token a run printed on stdout
// when the keychain refused it.
func printedToken(t *testing.T, stdout string) string {
	t.Helper()
	for _, line := range strings.Split(stdout, "\n") {
		if tok, ok := strings.CutPrefix(line, "Registration access token: "); ok {
			return strings.TrimSpace(tok)
		}
	}
	t.Fatalf("no token printed:\n%s", stdout)
	return ""
}

// The keychain is lost as a check's rotated token comes back: the token is
// printed (exit 4) with how to hand it back, the keychain keeps the old
// (dead) one, and `dcrwizard restore` takes the printed token on standard
// input, checks it with the ATO, stores it: the registration is managed
// again. A dead token or garbage is refused and changes nothing.
func TestRestoreAPrintedToken(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service: run `make test`")
	}
	r := newRotating(t)
	ks := rotKeystores(t, r.sim)
	config := t.TempDir()
	id := rotRegister(t, r, config, ks[0], "Hand back")

	bus, cut := busCutter(t)
	arrived := r.nextLifecycle()
	go func() { <-arrived; cut() }()
	lost := runBinary(t, config, []string{"DBUS_SESSION_BUS_ADDRESS=" + bus}, "", "check", id)
	if lost.code != 4 || !strings.Contains(lost.stderr, "dcrwizard restore "+id) {
		t.Fatalf("check with the keychain lost as the answer came: exit %d, want 4 naming dcrwizard restore\n%s%s", lost.code, lost.stdout, lost.stderr)
	}
	tok := printedToken(t, lost.stdout)
	if ok, _ := stillWorks(t, config, id); ok {
		t.Fatal("the keychain's old token still works: the server did not rotate, nothing to hand back")
	}

	// What check printed, piped back in whole.
	res := runBinary(t, config, nil, lost.stdout, "restore", id)
	if res.code != 0 || !strings.Contains(res.stdout, "accepted the token") {
		t.Fatalf("restore: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if strings.Contains(res.stdout+res.stderr, tok) {
		t.Error("restore printed the token")
	}
	if ok, why := stillWorks(t, config, id); !ok {
		t.Fatalf("after restore the stored token does not work: %s", why)
	}

	// The handed-back token is dead now (the ATO rotated it as restore
	// read with it, and check since): refused, the keychain unchanged.
	res = runBinary(t, config, nil, tok+"\n", "restore", id)
	if res.code != 3 || !strings.Contains(res.stderr, "did not accept this token") || !strings.Contains(res.stderr, "Nothing was stored") {
		t.Errorf("restore of a dead token: exit %d, want 3 and a refusal\n%s", res.code, res.stderr)
	}
	for _, bad := range []string{"", "not a token", "eyJ\x1b[2Jabc"} {
		res = runBinary(t, config, nil, bad, "restore", id)
		if res.code != 1 {
			t.Errorf("restore of %q: exit %d, want 1\n%s", bad, res.code, res.stderr)
		}
	}
	if ok, why := stillWorks(t, config, id); !ok {
		t.Fatalf("a refused restore changed the keychain: %s", why)
	}
}

// A registration the keychain lost as `register` stored it (exit 4, values
// printed, a pending note with its client id): restore lists it again from
// the note once the keychain works — the same path as a full disk that let
// the keychain items be written but not index.json.
func TestRestoreAnUnsavedRegistration(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service: run `make test`")
	}
	r := newRotating(t)
	ks := rotKeystores(t, r.sim)
	config := t.TempDir()
	bus, cut := busCutter(t)
	// The keychain goes once the DCR POST has reached the ATO.
	r.mu.Lock()
	r.onPost = cut
	r.mu.Unlock()
	res := runBinary(t, config, []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword, "DBUS_SESSION_BUS_ADDRESS=" + bus}, "",
		append([]string{"register", "--keystore", ks[0], "--name", "Unsaved", "--json"}, r.args...)...)
	r.mu.Lock()
	r.onPost = nil
	r.mu.Unlock()
	if res.code != 4 {
		t.Fatalf("register with the keychain lost as the ATO answered: exit %d, want 4\n%s", res.code, res.stderr)
	}
	out := decode[registerOut](t, res.stdout)
	if list := runBinary(t, config, nil, "", "list"); strings.Contains(list.stdout, out.ClientID) {
		t.Fatal("the unsaved registration is listed")
	}
	keyFile := filepath.Join(t.TempDir(), "key.txt")
	if err := os.WriteFile(keyFile, []byte(r.sim.APIKey()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	back := runBinary(t, config, nil, res.stdout, "restore", out.ClientID, "--api-key-file", keyFile)
	if back.code != 0 || !strings.Contains(back.stdout, "listed on this computer again") {
		t.Fatalf("restore: exit %d\n%s%s", back.code, back.stdout, back.stderr)
	}
	if list := runBinary(t, config, nil, "", "list"); !strings.Contains(list.stdout, out.ClientID) {
		t.Errorf("not listed after restore:\n%s", list.stdout)
	}
	if p := pending(t, config); len(p) != 0 {
		t.Errorf("the note is still there: %+v", p)
	}
	if ok, why := stillWorks(t, config, out.ClientID); !ok {
		t.Fatalf("after restore the registration cannot be checked: %s", why)
	}
}

// At a terminal restore asks for the token without echo: what is typed
// never appears on the screen.
func TestRestoreAsksWithoutEcho(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service: run `make test`")
	}
	r := newRotating(t)
	ks := rotKeystores(t, r.sim)
	config := t.TempDir()
	id := rotRegister(t, r, config, ks[0], "Typed")
	show := runBinary(t, config, nil, "", "show", id, "--reveal", "--json")
	tok := decode[registerOut](t, show.stdout).RegistrationAccessToken
	if tok == "" {
		t.Fatalf("show --reveal gave no token: %s", show.stdout)
	}
	master, slave := openPTY(t)
	defer master.Close()
	cmd := exec.Command(binary, "restore", id)
	cmd.Env = baseEnv(config)
	var out bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, &out, slave
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var screen bytes.Buffer
	read := make(chan struct{})
	go func() { defer close(read); _, _ = io.Copy(&screen, master) }()
	deadline := time.Now().Add(60 * time.Second)
	for echoOn(t, slave) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if echoOn(t, slave) {
		_ = cmd.Process.Kill()
		t.Fatal("restore never turned echo off to ask for the token")
	}
	if _, err := master.Write([]byte(tok + "\n")); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("restore did not finish")
	}
	echoBack := echoOn(t, slave)
	slave.Close()
	<-read
	if code := exitCodeOf(err); code != 0 || !strings.Contains(out.String(), "accepted the token") {
		t.Fatalf("restore at a terminal: exit %d\n%s\n%s", code, out.String(), screen.String())
	}
	if strings.Contains(screen.String(), tok[:40]) {
		t.Error("the token was echoed on the terminal")
	}
	if !echoBack {
		t.Error("echo was left off")
	}
}
