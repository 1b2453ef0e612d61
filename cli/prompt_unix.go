//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// promptPassword turns echo off first and only then shows the prompt, so a
// password typed (or pasted) the instant the prompt appears is never echoed.
// term.ReadPassword prints nothing itself, leaving that window open.
func promptPassword(fd int, prompt string, w io.Writer) ([]byte, error) {
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return nil, fmt.Errorf("the terminal's settings could not be read: %w", err)
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG
	quiet.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &quiet); err != nil {
		return nil, fmt.Errorf("echo could not be turned off: %w", err)
	}
	defer unix.IoctlSetTermios(fd, ioctlSetTermios, old)
	fmt.Fprint(w, prompt)
	defer fmt.Fprintln(w)
	// Byte by byte, so nothing after the line is swallowed from stdin.
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
