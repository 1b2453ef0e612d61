// Package oslock is an exclusive lock on a file that the operating system
// releases when its holder ends, however it ends (exit, crash, SIGKILL,
// power loss): flock on Unix, LockFileEx on Windows. Unlike a lock file
// that holds a PID, it can never be taken from a live holder, and a dead
// holder never leaves it behind.
//
// The lock file itself is never removed: removing it while another process
// waits on it would let two processes hold "the" lock on two different files.
package oslock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// ErrBusy: another holder has the lock (TryAcquire), or the wait for it
// ended (Acquire, wrapped with the context's error).
var ErrBusy = errors.New("locked by another process")

// ErrNotRegular: the lock's path is something other than a plain file (a
// FIFO, a device, a folder): opening or locking it could hang or do harm.
var ErrNotRegular = errors.New("is not a plain file")

// Lock is a held lock. Release it once; the OS releases it anyway when the
// process ends.
type Lock struct {
	f *os.File
}

// pollEvery is how often Acquire tries again. Neither flock nor LockFileEx
// can wait on a context, so a waiter polls the non-blocking form.
const pollEvery = 20 * time.Millisecond

// TryAcquire takes the lock at path if it is free. It returns ErrBusy
// (unwrapped) when another holder has it.
func TryAcquire(path string) (*Lock, error) {
	f, err := openLockFile(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("lock %s %w", path, ErrNotRegular)
	}
	if err := tryLock(f); err != nil {
		f.Close()
		if errors.Is(err, ErrBusy) {
			return nil, ErrBusy
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// Acquire waits for the lock at path until ctx ends. A wait that ends
// returns an error wrapping both ErrBusy and ctx.Err().
func Acquire(ctx context.Context, path string) (*Lock, error) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("lock %s: %w: %w", path, ErrBusy, ctx.Err())
		case <-t.C:
		}
		l, err := TryAcquire(path)
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, ErrBusy) {
			return nil, err
		}
		t.Reset(pollEvery)
	}
}

// Release gives the lock up. Calling it again does nothing.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	unlock(f)
	return f.Close()
}
