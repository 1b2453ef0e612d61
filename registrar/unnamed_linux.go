package registrar

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// errNoUnnamed: this file system (or kernel) has no O_TMPFILE; use a named
// temp file instead.
var errNoUnnamed = errors.New("O_TMPFILE not supported")

// writeUnnamed writes data to an unnamed file in dir (O_TMPFILE), gives it
// a temp name only once it is complete and synced, and renames it to path.
// A process killed while writing leaves nothing on disk.
func writeUnnamed(dir, path string, data []byte) error {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EISDIR) || errors.Is(err, unix.EINVAL) {
		return errNoUnnamed
	}
	if err != nil {
		return fmt.Errorf("could not write in %s: %w", dir, err)
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	var tmp string
	for i := 0; ; i++ {
		tmp = filepath.Join(dir, fmt.Sprintf(".dcrwizard-export-%d-%d", os.Getpid(), i))
		err = unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), unix.AT_FDCWD, tmp, unix.AT_SYMLINK_FOLLOW)
		if !errors.Is(err, unix.EEXIST) || i > 100 {
			break
		}
	}
	if err != nil {
		return errNoUnnamed // no /proc, or linking refused: the named way works
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	return nil
}
