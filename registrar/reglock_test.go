package registrar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/internal/oslock"
)

// While another holder (another window or command) works on a registration,
// a lifecycle call on it waits and sends nothing; once the holder is done it
// goes ahead with the token the holder left.
func TestLifecycleCallsTakeTurns(t *testing.T) {
	sim, r, res := lifecycleFixture(t, atosim.Options{RotateTokens: true})
	id := res.Registration.ClientID
	held := holdRegistration(t, r, id)
	before := len(sim.Requests())
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	_, err := r.Check(ctx, id)
	cancel()
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Check while another holds the registration: %v, want a wait that ended", err)
	}
	if n := len(sim.Requests()); n != before {
		t.Fatalf("%d requests sent while waiting, want none", n-before)
	}
	done := make(chan error, 1)
	go func() { _, err := r.Rename(context.Background(), id, "Next"); done <- err }()
	time.Sleep(50 * time.Millisecond) // most likely waiting on the lock by now; either way it must succeed
	_ = held.Release()
	if err := <-done; err != nil {
		t.Fatalf("Rename once the holder let go: %v", err)
	}
	if _, err := r.Check(context.Background(), id); err != nil {
		t.Fatalf("the stored token no longer works: %v", err)
	}
}

// An export waits while another holder works on the registration (it may be
// rotating the token) and writes nothing meanwhile; then it writes the
// values as they are.
func TestExportTakesItsTurn(t *testing.T) {
	_, r, res := lifecycleFixture(t, atosim.Options{RotateTokens: true})
	id := res.Registration.ClientID
	held := holdRegistration(t, r, id)
	path := filepath.Join(t.TempDir(), "values.json")
	for name, export := range map[string]func(context.Context) error{
		"Export":   func(ctx context.Context) error { return r.Export(ctx, id, path) },
		"ExportTo": func(ctx context.Context) error { return r.ExportTo(ctx, id, io.Discard) },
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		err := export(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s while another holds the registration: %v, want a wait that ended", name, err)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the file was written while another held the registration: %v", err)
	}
	_ = held.Release()
	if err := r.Export(context.Background(), id, path); err != nil {
		t.Fatalf("Export once the holder let go: %v", err)
	}
}

// holdRegistration takes registration id's lock as another window or
// command would.
func holdRegistration(t *testing.T, r *Registrar, id string) *oslock.Lock {
	t.Helper()
	sum := sha256.Sum256([]byte(id))
	locks := filepath.Join(r.Store.Dir(), "locks")
	if err := os.MkdirAll(locks, 0o700); err != nil {
		t.Fatal(err)
	}
	held, err := oslock.Acquire(context.Background(), filepath.Join(locks, hex.EncodeToString(sum[:16])+".lock"))
	if err != nil {
		t.Fatal(err)
	}
	return held
}
