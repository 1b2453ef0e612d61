package credstore

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"dcrwizard/internal/oslock"
)

// oldStealAge is how long index.lock was honoured before it was taken from
// its holder, live or not, by versions that kept a PID in it.
const oldStealAge = 10 * time.Second

// TestChildStalledHolder runs in a child process: it saves a registration
// and stalls under index.lock, between writing the new index and renaming it
// into place (as a save waiting on the keychain under the lock does), until
// the file RELEASE appears. It says so by creating HOLDING.
func TestChildStalledHolder(t *testing.T) {
	childOnly(t)
	dir, env := os.Getenv("LOCK_DIR"), os.Getenv("LOCK_ENV")
	s := New(dir)
	s.retryDelay = 0
	s.Timeout = 5 * time.Minute
	s.beforeRename = func(string) {
		if err := os.WriteFile(filepath.Join(dir, "HOLDING"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "RELEASE")); err == nil {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	rec, v := sampleRecord(t, env, "Stalled")
	if err := os.WriteFile(filepath.Join(dir, "CHILD_ID"), []byte(rec.ClientID), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(context.Background(), rec, v); err != nil {
		t.Fatalf("stalled Save: %v", err)
	}
}

// holder is a child process running TestChildStalledHolder.
type holder struct {
	cmd    *exec.Cmd
	out    *strings.Builder
	exited chan error
}

// startStalledHolder starts TestChildStalledHolder on dir and waits until it
// holds index.lock. The child's keychain items are removed at test end.
func startStalledHolder(t *testing.T, dir, env string) (*holder, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildStalledHolder$", "-test.v", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), childEnv+"=TestChildStalledHolder", "LOCK_DIR="+dir, "LOCK_ENV="+env)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &holder{cmd: cmd, out: out, exited: make(chan error, 1)}
	go func() { h.exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	for {
		if _, err := os.Stat(filepath.Join(dir, "HOLDING")); err == nil {
			break
		}
		select {
		case err := <-h.exited:
			t.Fatalf("the holder ended before taking the lock: %v\n%s", err, out)
		case <-time.After(10 * time.Millisecond):
		}
	}
	id, err := os.ReadFile(filepath.Join(dir, "CHILD_ID"))
	if err != nil {
		t.Fatal(err)
	}
	childID := string(id)
	t.Cleanup(func() {
		for _, acct := range []string{TokenAccount(env, childID), URIAccount(env, childID), ConsumerKeyAccount(env, childID), NameAccount(env, "Stalled")} {
			_ = defaultKeyring().Delete(Service, acct)
		}
	})
	return h, childID
}

// TestStalledHolderLosesNothing is finding 8's repro: a holder of
// index.lock stalled past the 10 s after which older versions took the lock
// from it, while a second registration saves. The second waits (it is not
// done while the holder holds the lock), and both end up in index.json and
// in the keychain.
func TestStalledHolderLosesNothing(t *testing.T) {
	if !haveSecretService() {
		t.Skip(skipNoSecretService)
	}
	dir, env := t.TempDir(), uniqueEnv(t)
	h, childID := startStalledHolder(t, dir, env)

	s := anyStore(t, dir)
	s.Timeout = 5 * time.Minute // a generous wait, not a speed check
	ctx := context.Background()
	rec, v := sampleRecord(t, env, "Waiting")
	done := make(chan error, 1)
	go func() { done <- s.Save(ctx, rec, v) }()

	// Past the old steal age the second save must still be waiting, and the
	// holder still holding.
	select {
	case err := <-done:
		t.Fatalf("Save finished (%v) while another process held index.lock", err)
	case <-time.After(oldStealAge + 2*time.Second):
	}
	if l, err := oslock.TryAcquire(filepath.Join(dir, lockName)); !errors.Is(err, oslock.ErrBusy) {
		_ = l.Release()
		t.Fatalf("index.lock taken from its live holder: TryAcquire = %v", err)
	}

	if err := os.WriteFile(filepath.Join(dir, "RELEASE"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := <-h.exited; err != nil {
		t.Fatalf("holder: %v\n%s", err, h.out)
	}
	if err := <-done; err != nil {
		t.Fatalf("waiting Save: %v", err)
	}
	for _, id := range []string{childID, rec.ClientID} {
		got, vals, err := s.Get(ctx, id)
		if err != nil || got.ClientID != id || vals.RegistrationAccessToken == "" {
			t.Errorf("registration %s after both saves: %+v, %v", id, got, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, lockName)); err != nil {
		t.Errorf("index.lock removed: %v", err)
	}
}

// TestKilledHolderFreesLock: a holder killed with SIGKILL leaves index.lock
// free at once: the very next try takes it, with no age or PID to judge.
func TestKilledHolderFreesLock(t *testing.T) {
	if !haveSecretService() {
		t.Skip(skipNoSecretService)
	}
	dir, env := t.TempDir(), uniqueEnv(t)
	h, _ := startStalledHolder(t, dir, env)
	lock := filepath.Join(dir, lockName)
	if _, err := oslock.TryAcquire(lock); !errors.Is(err, oslock.ErrBusy) {
		t.Fatalf("TryAcquire while held = %v, want ErrBusy", err)
	}
	if err := h.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-h.exited
	l, err := oslock.TryAcquire(lock)
	if err != nil {
		t.Fatalf("TryAcquire once the holder was killed = %v", err)
	}
	_ = l.Release()
	s := anyStore(t, dir)
	rec, v := sampleRecord(t, env, "After")
	if err := s.Save(context.Background(), rec, v); err != nil {
		t.Fatalf("Save after the holder was killed: %v", err)
	}
}

// TestForeignLockFileCostsNothing: an index.lock left by an older version,
// holding the PID of a live process that is not DCR Wizard, or garbage,
// neither blocks nor delays: only a held OS lock does.
func TestForeignLockFileCostsNothing(t *testing.T) {
	for name, content := range map[string]string{
		"live PID":    strconv.Itoa(os.Getppid()) + "\n",
		"own PID":     strconv.Itoa(os.Getpid()) + "\n",
		"not numeric": "not-a-pid\x00\xff",
		"empty":       "",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s := anyStore(t, dir)
			if err := os.WriteFile(filepath.Join(dir, lockName), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			// Shorter than the old age-based wait: an old lock file that
			// still counted would make these fail as "in use".
			s.Timeout = 2 * time.Second
			if _, err := s.List(context.Background()); err != nil {
				t.Fatalf("List with an old index.lock = %v", err)
			}
			s.Timeout = 0
			rec, v := sampleRecord(t, uniqueEnv(t), "PC")
			if err := s.Save(context.Background(), rec, v); err != nil {
				t.Fatalf("Save with an old index.lock = %v", err)
			}
		})
	}
}

// TestHeldLockWaitsThenSaysInUse: a held lock makes others wait up to the
// timeout, then say plainly that another window has it; a caller that stops
// waiting (a signal) is told so instead. The holder keeps its lock.
func TestHeldLockWaitsThenSaysInUse(t *testing.T) {
	dir := t.TempDir()
	s := anyStore(t, dir)
	lock := filepath.Join(dir, lockName)
	held, err := oslock.TryAcquire(lock)
	if err != nil {
		t.Fatal(err)
	}
	s.Timeout = 100 * time.Millisecond
	_, err = s.List(context.Background())
	var iu *InUseError
	// What a person reads about it: guidance.TestStoreWords.
	if !errors.As(err, &iu) || iu.Path != lock || iu.Waited < s.Timeout {
		t.Fatalf("List with a held lock = %v, want *InUseError", err)
	}
	s.Timeout = time.Minute
	// The caller's own deadline ends the wait the same way.
	short, cancelShort := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancelShort()
	if _, err := s.List(short); !errors.As(err, &iu) {
		t.Fatalf("List past the caller's deadline = %v, want *InUseError", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.List(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("List cancelled while waiting = %v", err)
	}
	if l, err := oslock.TryAcquire(lock); !errors.Is(err, oslock.ErrBusy) {
		_ = l.Release()
		t.Fatalf("the holder lost its lock to a waiter that gave up: %v", err)
	}
	_ = held.Release()
	if _, err := s.List(context.Background()); err != nil {
		t.Fatalf("List once released: %v", err)
	}
}
