//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// saved is the terminal state to put back if a second signal ends the
// process while echo is off.
var saved struct {
	sync.Mutex
	fd  int
	old *unix.Termios
}

// restoreTerminal turns echo back on if a prompt turned it off.
func restoreTerminal() {
	saved.Lock()
	defer saved.Unlock()
	if saved.old != nil {
		_ = unix.IoctlSetTermios(saved.fd, ioctlSetTermios, saved.old)
		saved.old = nil
	}
}

// promptPassword turns echo off first and only then shows the prompt, so a
// password typed (or pasted) the instant the prompt appears is never echoed.
// term.ReadPassword prints nothing itself, leaving that window open. When
// ctx ends (Ctrl-C: ISIG stays on, so the signal arrives) the terminal is
// restored and errInterrupted returned at once.
func promptPassword(ctx context.Context, fd int, prompt string, w io.Writer) ([]byte, error) {
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return nil, fmt.Errorf("the terminal's settings could not be read: %w", err)
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG
	quiet.Iflag |= unix.ICRNL
	saved.Lock()
	saved.fd, saved.old = fd, old
	saved.Unlock()
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &quiet); err != nil {
		restoreTerminal()
		return nil, fmt.Errorf("echo could not be turned off: %w", err)
	}
	defer restoreTerminal()
	fmt.Fprint(w, prompt)
	defer fmt.Fprintln(w)
	return waitFor(ctx, func() ([]byte, error) { return readLine(fd) })
}

// readLine reads byte by byte, so nothing after the line is swallowed from
// stdin.
func readLine(fd int) ([]byte, error) {
	in := os.NewFile(uintptr(fd), "stdin")
	var line []byte
	var b [1]byte
	for len(line) < 4096 {
		n, err := in.Read(b[:])
		if n == 1 {
			if b[0] == '\n' {
				return line, nil
			}
			if b[0] != '\r' {
				line = append(line, b[0])
			}
			continue
		}
		if err == io.EOF && len(line) > 0 {
			return line, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return nil, errors.New("the password is too long")
}
