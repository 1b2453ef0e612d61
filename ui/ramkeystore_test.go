package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
)

// RAM's installer puts the keystore in %APPDATA%\ATOMAS (ato-facts §11):
// the Credential step offers it, and the file dialog starts there.
func TestCredentialOffersRAMKeystore(t *testing.T) {
	appData := t.TempDir()
	t.Setenv("APPDATA", appData)
	ram := filepath.Join(appData, "ATOMAS")
	sample, err := os.ReadFile(filepath.Join("..", "m2m", "testdata", "ato-sample-keystore.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(ram, 0o700); err != nil {
		t.Fatal(err)
	}
	keystore := filepath.Join(ram, "keystore.xml")
	if err := os.WriteFile(keystore, sample, 0o600); err != nil {
		t.Fatal(err)
	}

	h := newHarness(t, harnessOpts{})
	if p := offeredKeystore(h); p != keystore {
		t.Errorf("Credential step offers %q, want RAM's %q", p, keystore)
	}
	if got := h.w.credential.lastFolder(); got != ram {
		t.Errorf("file dialog would start in %q, want %q", got, ram)
	}
	// The offer opens like any chosen file.
	h.next()
	h.wantStep(stepCredential)
	h.w.credential.password.SetText(samplePasswordForRAMTest)
	h.w.credential.open()
	h.loop.until(t, "the RAM keystore to open", func() bool { return h.w.credential.store != nil || h.w.credential.openErr != nil })
	if h.w.credential.openErr != nil {
		t.Fatalf("opening the offered keystore: %v", h.w.credential.openErr)
	}

	// A file the user chose before wins over the offer.
	h2 := newHarness(t, harnessOpts{before: func(a fyne.App) {
		a.Preferences().SetString(prefKeystorePath, "/some/folder/keystore.xml")
	}})
	if p := offeredKeystore(h2); p != "/some/folder/keystore.xml" {
		t.Errorf("remembered file replaced by %q", p)
	}
}

func TestCredentialNoRAMKeystore(t *testing.T) {
	t.Setenv("APPDATA", t.TempDir()) // no ATOMAS folder
	h := newHarness(t, harnessOpts{})
	if offeredKeystore(h) != "" || h.w.credential.lastFolder() != "" {
		t.Errorf("path %q, folder %q; want none", offeredKeystore(h), h.w.credential.lastFolder())
	}
}

const samplePasswordForRAMTest = "Password1!"
