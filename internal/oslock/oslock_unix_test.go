//go:build unix

package oslock

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestRefusesFIFOAndSymlink(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.lock")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := TryAcquire(fifo); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("FIFO: %v, want ErrNotRegular", err)
	}
	link := filepath.Join(dir, "link.lock")
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), link); err != nil {
		t.Fatal(err)
	}
	if l, err := TryAcquire(link); err == nil {
		l.Release()
		t.Fatal("a symbolic link was followed")
	}
}
