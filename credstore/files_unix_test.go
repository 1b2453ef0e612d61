//go:build unix

package credstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestFIFOsAreNeverRead: index.json or a pending note that is a FIFO is
// refused (index) or listed by its id (note) without waiting for a writer.
func TestFIFOsAreNeverRead(t *testing.T) {
	dir := t.TempDir()
	s := anyStore(t, dir)
	if err := os.MkdirAll(filepath.Join(dir, pendingDir), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, indexName), filepath.Join(dir, pendingDir, "abc.json")} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skip(err)
		}
		// Should a reader block, this writer lets it go so the test ends.
		t.Cleanup(func() {
			if w, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		})
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, err := s.List(context.Background())
		var nr *NotRegularError
		if !errors.As(err, &nr) || nr.Path != filepath.Join(dir, indexName) {
			t.Errorf("List with a FIFO index.json = %v, want *NotRegularError", err)
		}
		notes, err := s.Pending()
		if err != nil || len(notes) != 1 || notes[0].ID != "abc" {
			t.Errorf("Pending with a FIFO note = %+v, %v", notes, err)
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Minute): // it must end, not be fast
		t.Fatal("still reading a FIFO after a minute")
	}
}

// TestSettingsFolderMadePrivate: a settings folder others can write in is
// made 0700 when it is ours (by reads and writes alike), refused when not.
func TestSettingsFolderMadePrivate(t *testing.T) {
	dir := t.TempDir()
	s := anyStore(t, dir)
	for _, use := range []func() error{
		func() error { _, err := s.List(context.Background()); return err },
		func() error { _, err := s.Pending(); return err },
		func() error { _, err := s.BeginPending(Pending{Name: "x", Environment: "sandbox"}); return err },
	} {
		if err := os.Chmod(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		if err := use(); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
			t.Errorf("mode after use: %v", fi.Mode())
		}
	}
	if os.Getuid() != 0 {
		t.Skip("giving the folder to another user needs root")
	}
	if err := os.Chmod(dir, 0o757); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	var uf *UnsafeFolderError
	if _, err := s.List(context.Background()); !errors.As(err, &uf) {
		t.Errorf("List in someone else's writable folder = %v", err)
	}
	if _, err := s.BeginPending(Pending{Name: "x", Environment: "sandbox"}); !errors.As(err, &uf) {
		t.Errorf("BeginPending in someone else's writable folder = %v", err)
	}
	// Someone else's folder that others cannot write in is fine.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(context.Background()); err != nil {
		t.Errorf("List in someone else's private folder = %v", err)
	}
}
