//go:build linux

package drills_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"dcrwizard/internal/oslock"
)

// Issue 24 findings 10 and 11: a damaged, lost or hostile settings folder
// never hides a registration, hangs a command or is used as it is.

// TestDamagedIndexLosesNothing is finding 10: index.json cut short (as an
// older version left it: no previous copy beside it). `list` shows every
// registration, with a warning; `check` reaches each at the ATO, `rename`
// and `forget` work on one rebuilt from the keychain alone.
func TestDamagedIndexLosesNothing(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service")
	}
	h := newHostile(t)
	config := t.TempDir()
	var ids []string
	for _, name := range []string{"Front desk", "Back office", "Reception"} {
		res := h.register(t, config, name, "--json")
		if res.code != 0 {
			t.Fatalf("register %s: exit %d %s", name, res.code, res.stderr)
		}
		ids = append(ids, decode[registerOut](t, res.stdout).ClientID)
	}
	dir := filepath.Join(config, "dcrwizard")
	index := filepath.Join(dir, "index.json")
	data, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	cut := bytes.Index(data, []byte(ids[1]))
	if cut < 0 {
		t.Fatalf("index = %s", data)
	}
	if err := os.WriteFile(index, data[:cut], 0o600); err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(index + ".prev")

	list := runBinary(t, config, nil, "", "list", "--json")
	var recs []struct {
		ClientID  string `json:"client_id"`
		Name      string `json:"name"`
		Recovered string `json:"recovered"`
	}
	if err := json.Unmarshal([]byte(list.stdout), &recs); err != nil || list.code != 0 {
		t.Fatalf("list: exit %d, %v\n%s\n%s", list.code, err, list.stdout, list.stderr)
	}
	// The keychain is shared by every test of this run: other tests'
	// registrations may be rebuilt here too.
	names := map[string]string{}
	for _, r := range recs {
		names[r.ClientID] = r.Name
	}
	for i, want := range []string{"Front desk", "Back office", "Reception"} {
		if got, ok := names[ids[i]]; !ok || got != want {
			t.Errorf("list after the damage: %s = %q (listed %v), want %q", ids[i], got, ok, want)
		}
	}
	if !strings.Contains(list.stderr, "was damaged") || !strings.Contains(list.stderr, "index.json.corrupt-") {
		t.Errorf("list said nothing of the damage: %s", list.stderr)
	}
	for _, id := range ids {
		if res := runBinary(t, config, nil, "", "check", id); res.code != 0 {
			t.Errorf("check %s after the damage: exit %d\n%s%s", id, res.code, res.stdout, res.stderr)
		}
	}
	// "Reception" was rebuilt from the keychain alone (no receipt, no
	// credential details): rename and forget still work.
	if res := runBinary(t, config, nil, "", "rename", ids[2], "--name", "Reception 2"); res.code != 0 {
		t.Errorf("rename a rebuilt registration: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := runBinary(t, config, nil, "", "show", ids[2], "--json"); res.code != 0 || !strings.Contains(res.stdout, `"Reception 2"`) {
		t.Errorf("show after rename: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := runBinary(t, config, nil, "", "forget", ids[2], "--yes"); res.code != 0 {
		t.Errorf("forget a rebuilt registration: exit %d\n%s", res.code, res.stderr)
	}
	// "Back office" too. A test sign-in needs the token endpoint, which
	// only the lost entry held: asked for, then given, it works.
	if res := runBinary(t, config, pwEnv, "", "verify", ids[1], "--keystore", h.keystore); res.code != 1 || !strings.Contains(res.stderr, "--token-url") {
		t.Errorf("verify a rebuilt custom registration: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := runBinary(t, config, pwEnv, "", "verify", ids[1], "--keystore", h.keystore, "--token-url", h.env().TokenURL); res.code != 0 {
		t.Errorf("verify with --token-url: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// Export gives its three values, remove removes it at the ATO.
	exp := runBinary(t, config, nil, "", "export", ids[1], "--out", "-")
	var vals struct {
		ClientID string `json:"client_id"`
		Token    string `json:"registration_access_token"`
		URI      string `json:"registration_client_uri"`
	}
	if err := json.Unmarshal([]byte(exp.stdout), &vals); err != nil || exp.code != 0 || vals.ClientID != ids[1] || vals.Token == "" || vals.URI == "" {
		t.Errorf("export a rebuilt registration: exit %d, %v\n%s", exp.code, err, exp.stderr)
	}
	if res := runBinary(t, config, nil, "", "remove", ids[1], "--yes"); res.code != 0 {
		t.Errorf("remove a rebuilt registration: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if slices.Contains(h.clientIDs(), ids[1]) {
		t.Errorf("the ATO still holds %s after remove", ids[1])
	}
}

// startWithExit starts dcrwizard; done reports its exit code.
func startWithExit(t *testing.T, config string, args ...string) (*exec.Cmd, *bytes.Buffer, chan int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = baseEnv(config)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		err := cmd.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		done <- code
	}()
	return cmd, &out, done
}

// endsBy waits (generously: it must end, not be fast) for the run to end.
func endsBy(t *testing.T, cmd *exec.Cmd, done chan int, unblock func()) int {
	t.Helper()
	select {
	case code := <-done:
		return code
	case <-time.After(time.Minute):
		unblock()
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("still waiting after a minute")
		return -1
	}
}

// TestFIFOInTheSettingsFolder is finding 11: index.json or a pending note
// that is a FIFO made `list` and `pending` wait for ever (and SIGTERM did
// not end them). Now it is refused at once, with what to do.
func TestFIFOInTheSettingsFolder(t *testing.T) {
	t.Run("index.json", func(t *testing.T) {
		config := t.TempDir()
		dir := filepath.Join(config, "dcrwizard")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		fifo := filepath.Join(dir, "index.json")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skip(err)
		}
		for _, args := range [][]string{{"list"}, {"show", "0f8fad5b-d9cb-469f-a165-70867728950e"}} {
			cmd, out, done := startWithExit(t, config, args...)
			code := endsBy(t, cmd, done, func() { unblockFIFO(fifo) })
			if code != 1 || !strings.Contains(out.String(), "not a plain file (a named pipe (FIFO))") {
				t.Errorf("%v: exit %d\n%s", args, code, out)
			}
		}
	})
	t.Run("pending note", func(t *testing.T) {
		config := t.TempDir()
		dir := filepath.Join(config, "dcrwizard", "pending")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		fifo := filepath.Join(dir, "3f2a9c.json")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skip(err)
		}
		for _, c := range []struct{ args, says string }{{"pending", "3f2a9c"}, {"list", "did not finish"}} {
			cmd, out, done := startWithExit(t, config, c.args)
			code := endsBy(t, cmd, done, func() { unblockFIFO(fifo) })
			// Listed by its id, never hidden, never waited on.
			if code != 0 || !strings.Contains(out.String(), c.says) {
				t.Errorf("%s: exit %d\n%s", c.args, code, out)
			}
		}
	})
}

// unblockFIFO lets a reader stuck on fifo go (old code), so the test ends.
func unblockFIFO(fifo string) {
	if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
	}
}

// TestSignalEndsLockWait: `list` waiting for index.lock held by another
// process ends at SIGTERM (143) and Ctrl-C (130), as the README promises
// of every wait.
func TestSignalEndsLockWait(t *testing.T) {
	for _, sig := range []struct {
		s    syscall.Signal
		code int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}} {
		t.Run(sig.s.String(), func(t *testing.T) {
			config := t.TempDir()
			dir := filepath.Join(config, "dcrwizard")
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			lock := filepath.Join(dir, "index.lock")
			held, err := oslock.TryAcquire(lock)
			if err != nil {
				t.Fatal(err)
			}
			defer held.Release()
			opened := watchOpen(t, lock)
			cmd, out, done := startWithExit(t, config, "list")
			// It tries the lock once its signal handling is set up (before
			// any command runs).
			select {
			case <-opened:
			case code := <-done:
				t.Fatalf("list ended (exit %d) without waiting for the lock:\n%s", code, out)
			case <-time.After(time.Minute):
				t.Fatal("list never tried the lock")
			}
			if err := cmd.Process.Signal(sig.s); err != nil {
				t.Fatal(err)
			}
			if code := endsBy(t, cmd, done, func() {}); code != sig.code {
				t.Errorf("exit %d, want %d\n%s", code, sig.code, out)
			}
		})
	}
}

// watchOpen reports (once) when path is next opened, through inotify.
func watchOpen(t *testing.T, path string) <-chan struct{} {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		t.Skip(err)
	}
	if _, err := unix.InotifyAddWatch(fd, path, unix.IN_OPEN); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	opened := make(chan struct{})
	go func() {
		defer unix.Close(fd)
		buf := make([]byte, 4096)
		if n, _ := unix.Read(fd, buf); n > 0 {
			close(opened)
		}
	}()
	return opened
}

// TestSettingsFolderOthersCanWrite is finding 11: a settings folder with
// mode 0777 was used as it was. Ours, it is made 0700; someone else's, it is
// refused with a plain message.
func TestSettingsFolderOthersCanWrite(t *testing.T) {
	config := t.TempDir()
	dir := filepath.Join(config, "dcrwizard")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if res := runBinary(t, config, nil, "", "list"); res.code != 0 {
		t.Fatalf("list: exit %d %s", res.code, res.stderr)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("settings folder after list: %v, %v; want 0700", fi.Mode(), err)
	}

	if os.Getuid() != 0 {
		t.Skip("giving the folder to another user needs root")
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"list"}, {"pending"}} {
		res := runBinary(t, config, nil, "", args...)
		if res.code != 1 || !strings.Contains(res.stderr, "can be changed by other users of this computer") {
			t.Errorf("%v in someone else's 0777 folder: exit %d %s", args, res.code, res.stderr)
		}
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o777 {
		t.Errorf("someone else's folder was changed: %v", fi.Mode())
	}
}
