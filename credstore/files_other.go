//go:build !unix

package credstore

import (
	"os"
)

// openKept opens a file DCR Wizard keeps for reading. (Windows has no FIFO
// or device at a path in a folder: named pipes live under \\.\pipe\.)
func openKept(path string) (*os.File, error) { return os.Open(path) }

// secureDir: Windows ignores Unix modes; the folder takes the access list of
// %AppData%, which it inherits from the user's profile (the user, SYSTEM and
// Administrators), so there is nothing to tighten here.
func secureDir(string) error { return nil }
