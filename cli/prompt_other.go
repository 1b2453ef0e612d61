//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package cli

import (
	"context"
	"fmt"
	"io"

	"golang.org/x/term"
)

// restoreTerminal: term.ReadPassword restores the console itself.
func restoreTerminal() {}

// promptPassword shows the prompt and reads without echo (Windows console);
// ctx ending stops the wait.
func promptPassword(ctx context.Context, fd int, prompt string, w io.Writer) ([]byte, error) {
	fmt.Fprint(w, prompt)
	defer fmt.Fprintln(w)
	return waitFor(ctx, func() ([]byte, error) { return term.ReadPassword(fd) })
}
