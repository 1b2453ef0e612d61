//go:build !unix

package credstore

import (
	"io"
	"os"
)

// readRegular reads a file DCR Wizard keeps (index.json, a pending note),
// refusing anything but a plain file. (Windows has no FIFO or device at a
// path in a folder: named pipes live under \\.\pipe\.)
func readRegular(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	return io.ReadAll(f)
}

// secureDir: Windows ignores Unix modes; the folder takes the access list of
// %AppData%, which it inherits from the user's profile (the user, SYSTEM and
// Administrators), so there is nothing to tighten here.
func secureDir(string) error { return nil }
