// Package cleanup removes the temporary folders DCR Wizard makes (Practice
// mode's demo keystore and simulator files) without relying on os.RemoveAll
// alone: under Wine 8, Go 1.26's os.RemoveAll fails on files ("Invalid
// function") while os.Remove works, which left demo keystores in %TEMP%.
package cleanup

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// RemoveAll removes dir and everything in it. It tries os.RemoveAll, then,
// if anything is left, removes what remains entry by entry with os.Remove,
// deepest first. It returns nil once dir is gone.
func RemoveAll(dir string) error {
	first := os.RemoveAll(dir)
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var paths []string
	walkErr := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err == nil {
			paths = append(paths, p)
		}
		return nil // keep going past what cannot be read
	})
	// Children sort after their parent: remove in reverse, files before
	// the folders that hold them.
	slices.Sort(paths)
	var errs []error
	for i := len(paths) - 1; i >= 0; i-- {
		p := paths[i]
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return errors.Join(append([]error{first, walkErr}, errs...)...)
}
