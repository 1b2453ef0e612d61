//go:build unix

package credstore

import (
	"fmt"
	"os"
	"syscall"
)

// openKept opens a file DCR Wizard keeps for reading. The open does not
// block, so a FIFO or a device put in its place can never hang a command.
func openKept(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
}

// secureDir makes sure that only this user can change the settings folder
// dir: a folder with group or other write bits (0777, say) is set to 0700
// when it is ours and refused when it is not, since whoever can write in it
// can replace index.json and the pending notes.
func secureDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("the folder for DCR Wizard's settings (%s) could not be read: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("DCR Wizard's settings folder (%s) is not a folder", dir)
	}
	if fi.Mode().Perm()&0o022 == 0 {
		return nil
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) != os.Getuid() {
		return &UnsafeFolderError{Path: dir, Mode: fi.Mode().Perm()}
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("the folder for DCR Wizard's settings (%s) can be changed by other users of this computer (mode %04o) and could not be made private: %w", dir, fi.Mode().Perm(), err)
	}
	return nil
}
