package credstore

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"dcrwizard/internal/oslock"
)

// TestChildCrashBeforeRename runs in a child process: it saves two
// registrations, notes a third as pending, then dies between writing the new
// index to its temp file (fsynced) and renaming it.
func TestChildCrashBeforeRename(t *testing.T) {
	childOnly(t)
	keyring.MockInit() // process-wide; this process ends here
	dir := os.Getenv("CRASH_DIR")
	s := New(dir)
	ctx := context.Background()
	for _, name := range []string{"First", "Second"} {
		rec, v := sampleRecord(t, "sandbox", name)
		if err := s.Save(ctx, rec, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.BeginPending(Pending{Name: "Third", Environment: "sandbox", CredentialID: "ABRD:1"}); err != nil {
		t.Fatal(err)
	}
	s.beforeRename = func(string) { os.Exit(3) }
	rec, v := sampleRecord(t, "sandbox", "Third")
	_ = s.Save(ctx, rec, v)
	t.Fatal("Save returned: the crash hook did not run")
}

func TestIndexSurvivesCrashBetweenWriteAndRename(t *testing.T) {
	dir := t.TempDir()
	out, code := runChild(t, "TestChildCrashBeforeRename", "CRASH_DIR="+dir)
	if code != 3 {
		t.Fatalf("child exit %d, want 3 (crash):\n%s", code, out)
	}
	temps, _ := filepath.Glob(filepath.Join(dir, indexName+".tmp-*"))
	if len(temps) != 1 {
		t.Fatalf("temp files after crash: %v", temps)
	}
	// The old index is whole and readable.
	data, err := os.ReadFile(filepath.Join(dir, indexName))
	if err != nil {
		t.Fatal(err)
	}
	var ix indexFile
	if err := json.Unmarshal(data, &ix); err != nil || len(ix.Registrations) != 2 {
		t.Fatalf("index after crash: %v, %d records", err, len(ix.Registrations))
	}

	// The dead child's index.lock is broken because its process is gone,
	// not because it is old: dated in the future, it never looks stale.
	lock := filepath.Join(dir, lockName)
	if _, err := os.Stat(lock); err != nil {
		t.Fatalf("the crash left no lock: %v", err)
	}
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(lock, future, future); err != nil {
		t.Fatal(err)
	}
	s := anyStore(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a generous wait, not a speed check
	defer cancel()
	list, err := s.List(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "First" || list[1].Name != "Second" {
		t.Fatalf("List after crash = %+v, %v", list, err)
	}
	// The registration in flight is reported, so the user can check with the ATO.
	pend, err := s.Pending()
	if err != nil || len(pend) != 1 || pend[0].Name != "Third" || pend[0].Environment != "sandbox" || pend[0].CredentialID != "ABRD:1" {
		t.Fatalf("Pending after crash = %+v, %v", pend, err)
	}
	// The next write clears the leftover temp file.
	rec, v := sampleRecord(t, uniqueEnv(t), "After")
	if err := s.Save(ctx, rec, v); err != nil {
		t.Fatal(err)
	}
	if temps, _ := filepath.Glob(filepath.Join(dir, indexName+".tmp-*")); len(temps) != 0 {
		t.Errorf("leftover temp files: %v", temps)
	}
	if list, _ := s.List(ctx); len(list) != 3 {
		t.Errorf("List = %d records, want 3", len(list))
	}
}

func TestCorruptIndexKeptAside(t *testing.T) {
	dir := t.TempDir()
	s := anyStore(t, dir)
	ctx := context.Background()
	damaged := []byte(`{"version":1,"registrations":[{"name":"Fr`)
	if err := os.WriteFile(filepath.Join(dir, indexName), damaged, 0o600); err != nil {
		t.Fatal(err)
	}

	list, err := s.List(ctx)
	var sa *IndexRecoveredError
	if !errors.As(err, &sa) || len(sa.Paths) != 1 || len(list) != 0 {
		t.Fatalf("List = %+v, %v; want no records and *IndexRecoveredError", list, err)
	}
	if kept, err := os.ReadFile(sa.Paths[0]); err != nil || string(kept) != string(damaged) {
		t.Fatalf("damaged file not kept as it was: %v", err)
	}
	if !strings.HasPrefix(filepath.Base(sa.Paths[0]), "index.json.corrupt-") || !strings.Contains(err.Error(), sa.Paths[0]) {
		t.Errorf("aside path %q / message %q", sa.Paths[0], err)
	}

	// Saving still works; the notice stays until the file is dealt with.
	rec, v := sampleRecord(t, uniqueEnv(t), "New")
	if err := s.Save(ctx, rec, v); err != nil {
		t.Fatalf("Save after corruption: %v", err)
	}
	list, err = s.List(ctx)
	if !errors.As(err, &sa) || len(list) != 1 {
		t.Errorf("List = %d records, %v", len(list), err)
	}
	if err := os.Remove(sa.Paths[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(ctx); err != nil {
		t.Errorf("List once the file is gone: %v", err)
	}
}

func TestIndexFromNewerVersionNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	s := anyStore(t, dir)
	ctx := context.Background()
	newer := []byte(`{"version":2,"service":"dcrwizard","registrations":[{"name":"Future","environment":"sandbox","client_id":"abc","stored_at":"2030-01-01T00:00:00Z","new_field":1}]}`)
	path := filepath.Join(dir, indexName)
	if err := os.WriteFile(path, newer, 0o600); err != nil {
		t.Fatal(err)
	}
	if list, err := s.List(ctx); err != nil || len(list) != 1 || list[0].Name != "Future" {
		t.Fatalf("List = %+v, %v", list, err)
	}
	rec, v := sampleRecord(t, uniqueEnv(t), "Now")
	err := s.Save(ctx, rec, v)
	var ns *NotStoredError
	var ne *NewerIndexError
	if !errors.As(err, &ns) || !errors.As(err, &ne) || ns.Values != v {
		t.Fatalf("Save = %v, want *NotStoredError wrapping *NewerIndexError", err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(newer) {
		t.Error("newer index was overwritten")
	}
}

func TestIndexLock(t *testing.T) {
	dir := t.TempDir()
	s := anyStore(t, dir)
	ctx := context.Background()
	lock := filepath.Join(dir, lockName)

	// A lock held by a live holder (an OS lock; the file's content no
	// longer counts): wait, then give up with a plain message.
	held, err := oslock.TryAcquire(lock)
	if err != nil {
		t.Fatal(err)
	}
	s.Timeout = 100 * time.Millisecond
	if _, err := s.List(ctx); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("List with a held lock = %v", err)
	}

	// Its holder gone, the lock file left behind (dated long ago, holding
	// a PID as older versions wrote) is no obstacle.
	_ = held.Release()
	if err := os.WriteFile(lock, []byte(strconv.Itoa(os.Getppid())+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(lock, old, old); err != nil {
		t.Fatal(err)
	}
	s.Timeout = 0
	rec, v := sampleRecord(t, uniqueEnv(t), "PC")
	if err := s.Save(ctx, rec, v); err != nil {
		t.Fatalf("Save with a stale lock: %v", err)
	}
	// Released: the file stays (a waiter may have it open), the lock is free.
	l, err := oslock.TryAcquire(lock)
	if err != nil {
		t.Errorf("lock not released: %v", err)
	}
	_ = l.Release()
}

func TestIndexFileContents(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg", "dcrwizard") // created on first write
	s := anyStore(t, dir)
	rec, v := sampleRecord(t, uniqueEnv(t), "PC")
	if err := s.Save(context.Background(), rec, v); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode: %v, %v", fi.Mode(), err)
	}
	data, err := os.ReadFile(filepath.Join(dir, indexName))
	if err != nil {
		t.Fatal(err)
	}
	// Other programs read this file: keep the documented keys.
	var raw struct {
		Version       int              `json:"version"`
		Service       string           `json:"service"`
		Registrations []map[string]any `json:"registrations"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	if raw.Version != 1 || raw.Service != "dcrwizard" || len(raw.Registrations) != 1 {
		t.Fatalf("index = %s", data)
	}
	for _, k := range []string{"name", "environment", "client_id", "registration_client_uri", "issued_at", "receipt",
		"credential_id", "credential_abn", "credential_serial", "credential_not_after", "stored_at"} {
		if _, ok := raw.Registrations[0][k]; !ok {
			t.Errorf("index entry lacks %q: %s", k, data)
		}
	}
	if strings.Contains(string(data), "registration_access_token") {
		t.Error("index mentions the token")
	}
	assertNoSecretInFiles(t, dir, v.RegistrationAccessToken)
}

func TestDefaultDir(t *testing.T) {
	base, err := os.UserConfigDir()
	if err != nil {
		t.Skip(err)
	}
	got, err := DefaultDir()
	if err != nil || got != filepath.Join(base, "dcrwizard") {
		t.Errorf("DefaultDir = %q, %v", got, err)
	}
	if s := New(""); s.Dir() != got {
		t.Errorf("New(\"\").Dir() = %q", s.Dir())
	}
}
