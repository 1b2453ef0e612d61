//go:build linux

package drills_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// Finding 5: a signal ends every wait at once, with 130 (INT) or 143 (TERM).
func TestSignalsEndEveryWait(t *testing.T) {
	h := newHostile(t)
	start := func(t *testing.T, stdin *os.File, extra []string, env []string) (*exec.Cmd, *bytes.Buffer) {
		args := append([]string{"register", "--name", "Waiting"}, h.customArgs()...)
		cmd := exec.Command(binary, append(args, extra...)...)
		cmd.Env = append(baseEnv(t.TempDir()), env...)
		cmd.Stdin = stdin
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &errb
	}
	// wait waits (generously) until the process is blocked as ready says,
	// signals it, and checks it ends by itself with want.
	wait := func(t *testing.T, cmd *exec.Cmd, ready func() bool, sig syscall.Signal, want int) {
		deadline := time.Now().Add(time.Minute)
		for !ready() {
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Fatal("the process never reached the wait")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != want {
				t.Fatalf("ended with %v, want exit %d", err, want)
			}
		case <-time.After(time.Minute): // generous: it must end, not be fast
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("still waiting a minute after %v", sig)
		}
	}
	for _, sig := range []struct {
		s    syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run("password-stdin from an open pipe, "+sig.s.String(), func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			cmd, _ := start(t, r, []string{"--keystore", h.keystore, "--password-stdin"}, nil)
			r.Close()
			wait(t, cmd, func() bool { return blockedIn(cmd.Process.Pid, "0 0x0 ") }, sig.s, sig.code) // read(0, …)
		})
		t.Run("password-file that is a FIFO, "+sig.s.String(), func(t *testing.T) {
			fifo := filepath.Join(t.TempDir(), "pw")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skip(err)
			}
			cmd, _ := start(t, nil, []string{"--keystore", h.keystore, "--password-file", fifo}, nil)
			// Once it has opened the FIFO (its signal handling is set up
			// long before), hold the other end open and write nothing: it
			// then waits in read.
			var w *os.File
			defer func() {
				if w != nil {
					w.Close()
				}
			}()
			wait(t, cmd, func() bool {
				if w == nil {
					w, _ = os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
				}
				return w != nil
			}, sig.s, sig.code)
		})
	}
	t.Run("password prompt on a terminal restores echo", func(t *testing.T) {
		master, slave := openPTY(t)
		defer master.Close()
		cmd, _ := start(t, slave, []string{"--keystore", h.keystore}, nil)
		go func() { _, _ = io.Copy(io.Discard, master) }()
		// Echo off: the prompt is up.
		wait(t, cmd, func() bool { return !echoOn(t, slave) }, syscall.SIGINT, 130)
		if !echoOn(t, slave) {
			t.Error("echo was left off after Ctrl-C")
		}
		slave.Close()
	})
	t.Run("keystore that is a FIFO is refused", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "keystore.xml")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skip(err)
		}
		res := runBinary(t, t.TempDir(), pwEnv, "", append([]string{"register", "--name", "x", "--keystore", fifo}, h.customArgs()...)...)
		if res.code != 1 || !strings.Contains(res.stderr, "is not a file") {
			t.Fatalf("exit %d %s", res.code, res.stderr)
		}
	})
}

// blockedIn reports whether a thread of pid is blocked in the system call
// /proc/PID/task/*/syscall starts with prefix ("0 0x0 " is read from fd 0).
func blockedIn(pid int, prefix string) bool {
	paths, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/syscall", pid))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && strings.HasPrefix(string(b), prefix) {
			return true
		}
	}
	return false
}

// echoOn reads the terminal's ECHO flag.
func echoOn(t *testing.T, tty *os.File) bool {
	t.Helper()
	var tio syscall.Termios
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, tty.Fd(), syscall.TCGETS, uintptr(unsafe.Pointer(&tio))); e != 0 {
		t.Fatalf("TCGETS: %v", e)
	}
	return tio.Lflag&syscall.ECHO != 0
}
