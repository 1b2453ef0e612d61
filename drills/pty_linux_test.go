package drills_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// runOnTerminal runs the binary with its stderr on a pseudo-terminal, the
// one thing that makes `register` print its progress lines: the most it
// ever logs.
func runOnTerminal(t *testing.T, config string, env []string, stdin string, args ...string) result {
	t.Helper()
	master, slave := openPTY(t)
	cmd := exec.Command(binary, args...)
	cmd.Env = append(baseEnv(config), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, slave
	var term bytes.Buffer
	read := make(chan struct{})
	go func() {
		defer close(read)
		_, _ = io.Copy(&term, master) // ends with EIO once the last writer has gone
	}()
	err := cmd.Run()
	slave.Close()
	<-read
	master.Close()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running dcrwizard: %v", err)
	}
	return result{code, out.String(), term.String()}
}

// openPTY opens a pseudo-terminal pair with /dev/ptmx (Linux; no cgo).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		t.Fatalf("unlocking the pseudo-terminal: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		m.Close()
		t.Fatalf("naming the pseudo-terminal: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Fatalf("opening the pseudo-terminal: %v", err)
	}
	return m, s
}
