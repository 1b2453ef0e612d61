package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// openDialogFixture is a folder with a sub-folder holding a keystore, the
// remembered file's folder being the first: the dialog starts there.
func openDialogFixture(h *harness) (start, ks string) {
	h.t.Helper()
	start = filepath.Join(h.dir, "creds")
	if err := os.MkdirAll(filepath.Join(start, "sub"), 0o755); err != nil {
		h.t.Fatal(err)
	}
	data, err := os.ReadFile(h.goodKeystore())
	if err != nil {
		h.t.Fatal(err)
	}
	ks = filepath.Join(start, "sub", "keystore.xml")
	if err := os.WriteFile(ks, data, 0o600); err != nil {
		h.t.Fatal(err)
	}
	h.w.ensurePage(stepCredential)
	h.w.draft.ChooseKeystore(filepath.Join(start, "old.xml"))
	return start, ks
}

// The fallback Open dialog takes a typed path: the focus starts in its path
// box, Enter on a folder goes into it and keeps the focus there, Enter on
// a file opens it. Two words typed, two Enters.
func TestOpenDialogTakesATypedPath(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	_, ks := openDialogFixture(h)
	h.next()
	test.Tap(h.w.credential.chooseBtn)
	h.loop.drain()
	if h.w.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no file dialog")
	}
	box, ok := h.w.win.Canvas().Focused().(*keyEntry)
	if !ok {
		t.Fatalf("the file dialog opens with the focus on %T, not on a path box", h.w.win.Canvas().Focused())
	}
	h.typeText("sub")
	h.press(fyne.KeyReturn)
	h.loop.drain()
	h.wantFocus(box, "the path box, after entering a folder")
	if !strings.HasSuffix(box.Text, "sub"+string(filepath.Separator)) {
		t.Fatalf("the path box says %q after entering sub", box.Text)
	}
	h.typeText("nothere.xml")
	h.press(fyne.KeyReturn)
	if txt := textsIn(h.w.win.Canvas().Overlays().Top()); !strings.Contains(txt, "There is no file or folder") {
		t.Fatalf("a wrong path says nothing:\n%s", txt)
	}
	box.SetText(filepath.Dir(ks) + string(filepath.Separator) + "keystore.xml")
	h.press(fyne.KeyReturn)
	h.loop.drain()
	if h.w.draft.Keystore != ks {
		t.Fatalf("the typed file was not taken (path %q)", h.w.draft.Keystore)
	}
	if h.w.win.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stays open after choosing")
	}
	h.wantFocus(h.w.credential.password, "the password, after choosing the file")
}

// In the folder's list, the arrow keys and Enter go into a folder; the
// focus stays in the list there, and Enter on a file opens it.
func TestOpenDialogListKeepsFocus(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	_, ks := openDialogFixture(h)
	h.next()
	test.Tap(h.w.credential.chooseBtn)
	h.loop.until(t, "the folder's list", func() bool { return findKeyList(h) != nil })
	h.press(fyne.KeyTab)
	list, ok := h.w.win.Canvas().Focused().(*keyList)
	if !ok {
		t.Fatalf("Tab from the path box goes to %T, not the folder's list", h.w.win.Canvas().Focused())
	}
	h.press(fyne.KeyDown) // past "Up one folder"
	h.press(fyne.KeyReturn)
	h.loop.until(t, "the inner folder's list", func() bool { l := findKeyList(h); return l != nil && l != list })
	inner, ok := h.w.win.Canvas().Focused().(*keyList)
	if !ok || inner == list {
		t.Fatalf("after entering a folder from the list the focus is on %T", h.w.win.Canvas().Focused())
	}
	h.press(fyne.KeyDown)
	h.press(fyne.KeyReturn)
	h.loop.drain()
	if h.w.draft.Keystore != ks {
		t.Fatalf("Enter on the file did not take it (path %q)", h.w.draft.Keystore)
	}
}

// findKeyList is the open dialog's folder list, once it is read.
func findKeyList(h *harness) *keyList {
	var found *keyList
	eachObject(h.w.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if l, ok := o.(*keyList); ok {
			found = l
			return false
		}
		return true
	})
	return found
}
