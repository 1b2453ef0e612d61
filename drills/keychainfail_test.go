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
	"syscall"
	"testing"
	"time"
)

func canLock() bool {
	for _, tool := range []string{"dbus-run-session", "dbus-send", "secret-tool", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			return false
		}
	}
	return true
}

// runLocked runs the binary in a Secret Service of its own (a real
// gnome-keyring-daemon) whose login keyring holds an item and is then
// locked. With no display the unlock prompt fails at once, as when the user
// dismisses it: the write is refused for real.
func runLocked(t *testing.T, config string, env []string, args ...string) result {
	t.Helper()
	script, err := filepath.Abs("../scripts/with-secret-service.sh")
	if err != nil {
		t.Fatal(err)
	}
	const inner = `set -e
printf warm | secret-tool store --label=drill service dcrwizard-drill username warm
dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
	org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
export XDG_CONFIG_HOME="$DRILL_CONFIG" HOME="$DRILL_CONFIG"
exec "$@"`
	cmd := exec.Command(script, append([]string{"sh", "-c", inner, "sh", binary}, args...)...)
	// No DISPLAY (baseEnv has none): a prompt must not reach a screen.
	cmd.Env = append(baseEnv(config), env...)
	cmd.Env = append(cmd.Env, "DRILL_CONFIG="+config)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return finish(t, cmd, &out, &errb)
}

// busProxy is a session bus in front of the real one (the throw-away
// Secret Service): it forwards everything until the DCR POST reaches the
// ATO, then either stops answering (hang: a keychain stuck behind an unlock
// prompt) or drops every connection and refuses new ones (drop: the
// keyring daemon gone). So the checks before sending pass, and the keychain
// fails only after the ATO has accepted. It returns the bus address.
func busProxy(t *testing.T, a *ato, hang bool) string {
	t.Helper()
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service")
	}
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
	var failed bool
	a.mu.Lock()
	a.onRegister = func() {
		mu.Lock()
		defer mu.Unlock()
		failed = true
		if !hang {
			for _, c := range conns {
				c.Close()
			}
		}
	}
	a.mu.Unlock()
	pipe := func(dst, src net.Conn) {
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			mu.Lock()
			stop := failed
			mu.Unlock()
			if stop {
				_, _ = io.Copy(io.Discard, src) // hang: swallow, never answer
				return
			}
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			refuse := failed && !hang
			mu.Unlock()
			if refuse {
				c.Close()
				continue
			}
			up, err := net.Dial("unix", real)
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, up)
			mu.Unlock()
			go pipe(up, c)
			go pipe(c, up)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		a.mu.Lock()
		a.onRegister = nil
		a.mu.Unlock()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "unix:path=" + sock
}

// runBusLost runs the binary with a session bus that is gone once the DCR
// POST has been sent (busProxy, drop).
func runBusLost(t *testing.T, a *ato, config string, env []string, args ...string) result {
	t.Helper()
	bus := busProxy(t, a, false)
	return runBinary(t, config, append(env, "DBUS_SESSION_BUS_ADDRESS="+bus), "", args...)
}

// runKilled gives the binary a session bus that stops answering once the
// DCR POST has been sent — a keychain stuck behind an unlock prompt — then
// kills it (SIGKILL) as soon as the ATO's answer is noted on disk, i.e.
// between the DCR answer and the keychain write.
func runKilled(t *testing.T, a *ato, config string, env []string, args ...string) result {
	t.Helper()
	bus := busProxy(t, a, true)
	cmd := exec.Command(binary, args...)
	cmd.Env = append(append(baseEnv(config), env...), "DBUS_SESSION_BUS_ADDRESS="+bus)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if p := pending(t, config); len(p) == 1 && p[0].ClientID != "" {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("the ATO's answer was never noted on disk\nstdout %s\nstderr %s", out.String(), errb.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the process was not killed as planned (it finished first: %v)\nstdout %s\nstderr %s", err, out.String(), errb.String())
	}
	return result{code: -1, stdout: out.String(), stderr: errb.String()}
}
