package credstore

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPendingLifecycle(t *testing.T) {
	dir := t.TempDir()
	s := NewWithKeyring(dir, nil)
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return t0 }

	id1, err := s.BeginPending(Pending{Name: "Front desk", Environment: "sandbox", CredentialID: "ABRD:1"})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := s.BeginPending(Pending{Name: "Back office", Environment: "production", Started: t0.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if id1 == id2 || id1 == "" {
		t.Fatalf("ids %q %q", id1, id2)
	}
	fi, err := os.Stat(filepath.Join(dir, pendingDir, id1+".json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("pending file: %v, %v", fi, err)
	}

	// A second Store (the next start of the program) sees both, oldest first.
	got, err := NewWithKeyring(dir, nil).Pending()
	if err != nil || len(got) != 2 {
		t.Fatalf("Pending = %+v, %v", got, err)
	}
	if got[0].ID != id2 || got[1].ID != id1 || got[1].Name != "Front desk" || got[1].CredentialID != "ABRD:1" || !got[1].Started.Equal(t0) {
		t.Errorf("Pending = %+v", got)
	}

	if err := s.ClearPending(id1); err != nil {
		t.Fatal(err)
	}
	if err := s.ClearPending(id1); err != nil {
		t.Errorf("clearing twice: %v", err)
	}
	if got, _ := s.Pending(); len(got) != 1 || got[0].ID != id2 {
		t.Errorf("after clear: %+v", got)
	}
	if err := s.ClearPending("../index"); err == nil {
		t.Error("ClearPending accepted a path")
	}
}

func TestPendingDamagedStillReported(t *testing.T) {
	dir := t.TempDir()
	s := NewWithKeyring(dir, nil)
	if got, err := s.Pending(); err != nil || len(got) != 0 {
		t.Fatalf("Pending on an empty dir = %+v, %v", got, err)
	}
	pd := filepath.Join(dir, pendingDir)
	if err := os.MkdirAll(pd, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pd, "abc123.json"), []byte("{trunc"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A temp file of an interrupted write is not a record.
	if err := os.WriteFile(filepath.Join(pd, "abc123.json.tmp-999"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := s.Pending()
	if err != nil || len(got) != 1 || got[0].ID != "abc123" {
		t.Fatalf("Pending = %+v, %v", got, err)
	}
	if err := s.ClearPending("abc123"); err != nil {
		t.Fatal(err)
	}
}

// A note cut short is listed, marked unreadable, never dropped: it may
// stand for a registration the ATO accepted.
func TestPendingUnreadableListed(t *testing.T) {
	s := NewWithKeyring(t.TempDir(), nil)
	id, err := s.BeginPending(Pending{Name: "Front desk", Environment: "sandbox"})
	if err != nil {
		t.Fatal(err)
	}
	path, err := s.pendingPath(id)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"name": "Fro`), 0o600); err != nil {
		t.Fatal(err)
	}
	list, err := s.Pending()
	if err != nil || len(list) != 1 || list[0].ID != id || !list[0].Unreadable {
		t.Fatalf("Pending() = %+v, %v; want the note, marked unreadable", list, err)
	}
}
