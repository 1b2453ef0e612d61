//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package cli

import (
	"fmt"
	"io"

	"golang.org/x/term"
)

// promptPassword shows the prompt and reads without echo (Windows console).
func promptPassword(fd int, prompt string, w io.Writer) ([]byte, error) {
	fmt.Fprint(w, prompt)
	defer fmt.Fprintln(w)
	return term.ReadPassword(fd)
}
