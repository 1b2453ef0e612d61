package oslock

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestExclusiveWithinProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	a, err := TryAcquire(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TryAcquire(path); !errors.Is(err, ErrBusy) {
		t.Fatalf("second TryAcquire: %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Acquire(ctx, path); !errors.Is(err, ErrBusy) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire with an ended context: %v", err)
	}
	got := make(chan *Lock)
	go func() {
		l, err := Acquire(context.Background(), path)
		if err != nil {
			t.Error(err)
		}
		got <- l
	}()
	select {
	case <-got:
		t.Fatal("Acquire returned while the lock was held")
	case <-time.After(3 * pollEvery):
	}
	if err := a.Release(); err != nil {
		t.Fatal(err)
	}
	if err := a.Release(); err != nil {
		t.Fatalf("second Release: %v", err)
	}
	b := <-got
	if b == nil {
		t.Fatal("no lock")
	}
	_ = b.Release()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the lock file must stay: %v", err)
	}
}

// The holder is another process: it keeps the lock while alive, and its
// SIGKILL releases it with no clean-up of ours.
func TestReleasedWhenHolderKilled(t *testing.T) {
	if os.Getenv("OSLOCK_HOLD") != "" {
		l, err := TryAcquire(os.Getenv("OSLOCK_HOLD"))
		if err != nil {
			os.Exit(3)
		}
		_ = l
		os.Stdout.WriteString("held\n")
		select {}
	}
	path := filepath.Join(t.TempDir(), "x.lock")
	cmd := exec.Command(os.Args[0], "-test.run=^TestReleasedWhenHolderKilled$")
	cmd.Env = append(os.Environ(), "OSLOCK_HOLD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "held\n" {
		_ = cmd.Process.Kill()
		t.Fatalf("holder: %q %v", line, err)
	}
	if _, err := TryAcquire(path); !errors.Is(err, ErrBusy) {
		_ = cmd.Process.Kill()
		t.Fatalf("lock of a live holder: %v, want ErrBusy", err)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	l, err := Acquire(context.Background(), path)
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	_ = l.Release()
}
