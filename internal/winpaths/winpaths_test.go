package winpaths

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func env(appData string) func(string) string {
	return func(k string) string {
		if k == "APPDATA" {
			return appData
		}
		return ""
	}
}

func write(t *testing.T, p string, mod time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("<credentialStore/>"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mod, mod); err != nil {
		t.Fatal(err)
	}
}

func TestRAMKeystores(t *testing.T) {
	appData := t.TempDir()
	if got := RAMKeystores(env(appData)); got != nil {
		t.Errorf("no ATOMAS folder: %q", got)
	}
	if got := RAMFolder(env(appData)); got != "" {
		t.Errorf("no ATOMAS folder: RAMFolder %q", got)
	}
	dir := filepath.Join(appData, "ATOMAS")
	old := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	write(t, filepath.Join(dir, "keystore.xml"), old)
	if got, want := RAMKeystores(env(appData)), []string{filepath.Join(dir, "keystore.xml")}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := RAMFolder(env(appData)); got != dir {
		t.Errorf("RAMFolder %q, want %q", got, dir)
	}
	// A renewal, written later, comes first.
	write(t, filepath.Join(dir, "keystore-new.xml"), old.Add(time.Hour))
	want := []string{filepath.Join(dir, "keystore-new.xml"), filepath.Join(dir, "keystore.xml")}
	if got := RAMKeystores(env(appData)); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// keystore.xml rewritten after the renewal file: it is the newest.
	write(t, filepath.Join(dir, "keystore.xml"), old.Add(2*time.Hour))
	want = []string{filepath.Join(dir, "keystore.xml"), filepath.Join(dir, "keystore-new.xml")}
	if got := RAMKeystores(env(appData)); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// Empty files and folders of the same name are not keystores.
	if err := os.Truncate(filepath.Join(dir, "keystore.xml"), 0); err != nil {
		t.Fatal(err)
	}
	if got := RAMKeystores(env(appData)); !reflect.DeepEqual(got, []string{filepath.Join(dir, "keystore-new.xml")}) {
		t.Errorf("empty keystore.xml offered: %q", got)
	}
	if got := RAMKeystores(env("")); got != nil {
		t.Errorf("APPDATA unset: %q", got)
	}
}

func TestExportFolder(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	if got := ExportFolder(); got != home {
		t.Errorf("no Documents: %q, want %q", got, home)
	}
	docs := filepath.Join(home, "Documents")
	if err := os.Mkdir(docs, 0o700); err != nil {
		t.Fatal(err)
	}
	if got := ExportFolder(); got != docs {
		t.Errorf("got %q, want %q", got, docs)
	}
}
