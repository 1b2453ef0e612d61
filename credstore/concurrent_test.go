package credstore

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"dcrwizard/credstore/credstoretest"
	"dcrwizard/internal/oslock"
)

// TestParallelSaves runs concurrent Saves through one Store and through a
// second Store on the same folder (as a second DCR Wizard process would):
// none may be lost from the index. It uses the real keychain when there is
// one; run with -race.
func TestParallelSaves(t *testing.T) {
	dir := t.TempDir()
	a, b := anyStore(t, dir), anyStore(t, dir)
	ctx := context.Background()
	env := uniqueEnv(t)
	const n = 8
	var wg sync.WaitGroup
	want := map[string]bool{}
	var mu sync.Mutex
	for i := range 2 * n {
		s := a
		if i%2 == 1 {
			s = b
		}
		rec, v := sampleRecord(t, env, fmt.Sprintf("PC %d", i))
		want[rec.ClientID] = true
		wg.Go(func() {
			if err := s.Save(ctx, rec, v); err != nil {
				mu.Lock()
				defer mu.Unlock()
				t.Errorf("Save %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	list, err := a.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(want) {
		t.Fatalf("List has %d records, want %d", len(list), len(want))
	}
	for _, r := range list {
		if !want[r.ClientID] {
			t.Errorf("unexpected record %s", r.ClientID)
		}
	}
	// index.lock is an OS lock now: its file stays, and must be free.
	l, err := oslock.TryAcquire(filepath.Join(dir, lockName))
	if err != nil {
		t.Errorf("index.lock left held: %v", err)
	}
	_ = l.Release()
}

// TestParallelSavesSameName saves one name many times at once through two
// Stores on one folder (two processes): the by-name item, written in the
// same keychain session as each registration's own items, must end up
// naming the newest registration in the index, as a lone save leaves it.
func TestParallelSavesSameName(t *testing.T) {
	a, b := twoStores(t)
	ctx := context.Background()
	env := uniqueEnv(t)
	const n = 6
	var wg sync.WaitGroup
	for i := range 2 * n {
		s := a
		if i%2 == 1 {
			s = b
		}
		rec, v := sampleRecord(t, env, "Front desk")
		wg.Go(func() {
			if err := s.Save(ctx, rec, v); err != nil {
				t.Errorf("Save %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	ix, err := a.readIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	newest, ok := ix.newest(env, "Front desk")
	if !ok || len(ix.sameName(env, "Front desk", "")) != 2*n {
		t.Fatalf("index holds %d registrations named Front desk, want %d", len(ix.sameName(env, "Front desk", "")), 2*n)
	}
	wantNameItem(t, a, env, "Front desk", newest.ClientID)
}

// wantNameItem checks that name's by-name item in env names clientID, the
// newest registration of that name.
func wantNameItem(t *testing.T, s *Store, env, name, clientID string) {
	t.Helper()
	got, err := s.kcGet(context.Background(), NameAccount(env, name))
	if err != nil {
		t.Fatal(err)
	}
	if got != clientID {
		t.Errorf("name item holds %s, want the newest registration %s", got, clientID)
	}
}

// TestSaveOvertaken: a save of the same name by another process starts
// later but completes between this save's look at the index and its
// keychain write, so this one's by-name item lands last although the other
// registration is the newer. The by-name item must still name the newest.
func TestSaveOvertaken(t *testing.T) {
	a, b := twoStores(t)
	ctx := context.Background()
	env := uniqueEnv(t)
	older, v1 := sampleRecord(t, env, "Front desk")
	newer, v2 := sampleRecord(t, env, "Front desk")
	a.beforeBatch = func() {
		a.beforeBatch = nil
		b.now = func() time.Time { return time.Now().Add(time.Minute) } // started later
		if err := b.Save(ctx, newer, v2); err != nil {
			t.Errorf("overtaking Save: %v", err)
		}
	}
	if err := a.Save(ctx, older, v1); err != nil {
		t.Fatalf("Save: %v", err)
	}
	wantNameItem(t, a, env, "Front desk", newer.ClientID)
}

// twoStores are two Stores on one folder and one keychain, as two DCR
// Wizard processes are: the real keychain when there is one.
func twoStores(t *testing.T) (*Store, *Store) {
	dir := t.TempDir()
	if haveSecretService() {
		return anyStore(t, dir), anyStore(t, dir)
	}
	kr := &credstoretest.Keyring{}
	a, b := NewWithKeyring(dir, kr), NewWithKeyring(dir, kr)
	a.retryDelay, b.retryDelay = 0, 0
	return a, b
}

// overwritingKeyring is a keychain where another process writes the by-name
// item of name once, right after ours (to other), before it is read back:
// a save of the same name racing this one.
type overwritingKeyring struct {
	*credstoretest.Keyring
	account, other string
	done           *bool
}

func (k overwritingKeyring) Set(service, user, password string) error {
	if err := k.Keyring.Set(service, user, password); err != nil || user != k.account || *k.done {
		return err
	}
	*k.done = true
	return k.Keyring.Set(service, user, k.other)
}

// TestSaveNameItemOverwritten: the by-name item reads back another
// process's value. The registration is stored (its own items are), and the
// by-name item is then settled under the index lock: it names this
// registration, the newest of its name, and nothing is reported amiss.
func TestSaveNameItemOverwritten(t *testing.T) {
	env := uniqueEnv(t)
	rec, v := sampleRecord(t, env, "Front desk")
	kr := overwritingKeyring{&credstoretest.Keyring{}, NameAccount(env, "Front desk"), "someone-else", new(bool)}
	s := NewWithKeyring(t.TempDir(), kr)
	s.retryDelay = 0
	if err := s.Save(context.Background(), rec, v); err != nil {
		t.Fatalf("Save = %v, want stored with its name item settled", err)
	}
	if _, got, err := s.Get(context.Background(), rec.ClientID); err != nil || got.RegistrationAccessToken != v.RegistrationAccessToken {
		t.Errorf("Get after Save = %v, %v; want the registration stored", got, err)
	}
	wantNameItem(t, s, env, "Front desk", rec.ClientID)
}

// TestSaveAfterLateNameWrite: between this save's keychain write and its
// index entry, another process writes the by-name item for an older
// registration of the same name (its own late settling, say). The save
// that indexes last must leave the item at the newest.
func TestSaveAfterLateNameWrite(t *testing.T) {
	a, b := twoStores(t)
	ctx := context.Background()
	env := uniqueEnv(t)
	older, v1 := sampleRecord(t, env, "Front desk")
	if err := b.Save(ctx, older, v1); err != nil {
		t.Fatalf("Save older: %v", err)
	}
	newer, v2 := sampleRecord(t, env, "Front desk")
	a.now = func() time.Time { return time.Now().Add(time.Minute) }
	a.afterBatch = func() {
		a.afterBatch = nil
		if err := b.writeVerified(ctx, []item{nameItem(env, "Front desk", older.ClientID)}); err != nil {
			t.Errorf("the late write: %v", err)
		}
	}
	if err := a.Save(ctx, newer, v2); err != nil {
		t.Fatalf("Save newer: %v", err)
	}
	wantNameItem(t, a, env, "Front desk", newer.ClientID)
}
