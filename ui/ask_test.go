package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
	"dcrwizard/setupfile"
)

// wantDialogFocus checks the open dialog as a keyboard user meets it: the
// focus is on its button label, and every button in it is one that takes
// Enter and shows the focus ring (no stock Fyne button).
func (h *harness) wantDialogFocus(label string) {
	h.t.Helper()
	top := h.overlay()
	f, ok := h.w.win.Canvas().Focused().(*keyButton)
	if !ok || f.Text != label {
		h.t.Fatalf("the focus is on %#v, want the %q button; the dialog says:\n%s", h.w.win.Canvas().Focused(), label, textsIn(top))
	}
	if stock := plainButtons(top); len(stock) > 0 {
		h.t.Errorf("buttons without Enter or the focus ring in the dialog: %q", stock)
	}
}

func (h *harness) wantNoDialog(after string) {
	h.t.Helper()
	h.loop.drain()
	if top := h.w.win.Canvas().Overlays().Top(); top != nil {
		h.t.Fatalf("after %s a dialog is still open:\n%s", after, textsIn(top))
	}
}

// Every dialog takes the keyboard (issue 26, item 6): it opens with the
// focus on a button that loses nothing, Enter and Space press the focused
// button, Escape gives the safe answer, and each button shows the ring.
// Fyne's stock dialogs opened unfocused, ignored Enter and Escape, and
// showed the focus as a faint tint.
func TestDialogsTakeTheKeyboard(t *testing.T) {
	h := newHarness(t, harnessOpts{})

	// One button: About.
	test.Tap(h.w.welcome.about)
	h.wantDialogFocus("Close")
	h.key(fyne.KeyReturn)
	h.wantNoDialog("Enter on About's Close")
	test.Tap(h.w.welcome.about)
	h.key(fyne.KeyEscape)
	h.wantNoDialog("Escape on About")
	h.wantStep(stepWelcome) // Escape closed the dialog, it did not go Back

	// A message: a setup file refused while on another page.
	h.next()
	h.wantStep(stepCredential)
	bad := filepath.Join(h.dir, "broken"+setupfile.Extension)
	if err := os.WriteFile(bad, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.w.setup.load(bad) // what the file dialog hands back
	h.loop.until(t, "the setup file's answer", func() bool { return h.w.win.Canvas().Overlays().Top() != nil })
	if s := textsIn(h.overlay()); !strings.Contains(s, "This setup file cannot be used") {
		t.Errorf("the refused setup file's dialog says:\n%s", s)
	}
	h.wantDialogFocus("OK")
	h.key(fyne.KeySpace)
	h.wantNoDialog("Space on OK")
	h.wantStep(stepCredential)

	// A question: the focus on the answer that loses nothing.
	_, rec := h.registerAt(atosim.Options{}, "Reception")
	h.openRegistrations()
	c := h.card(rec.ClientID)
	h.tapCard(c, "Export…")
	h.wantDialogFocus("Cancel")
	h.key(fyne.KeyReturn)
	h.wantNoDialog("Enter on Export's Cancel")
	h.tapCard(c, "Export…")
	h.key(fyne.KeyEscape)
	h.wantNoDialog("Escape on Export's question")
	h.wantStep(stepRegistrations)
	// Tab to the other answer and Enter takes it: here, the file dialog.
	h.tapCard(c, "Export…")
	h.w.win.Canvas().FocusNext()
	h.wantDialogFocus("Choose the file…")
	h.key(fyne.KeyReturn)
	h.loop.drain()
	if s := textsIn(h.overlay()); strings.Contains(s, "will hold a secret") {
		t.Errorf("Enter on “Choose the file…” left the question open:\n%s", s)
	}
}

// No file of the wizard makes a stock Fyne dialog with buttons of its own
// (Confirm, Error, Information, Custom with a dismiss text, Form): their
// buttons do not take Enter or Escape nor show the focus ring. Dialogs are
// made through kit (ask.go); Fyne's file dialogs remain as the fallback
// where the system has none.
func TestNoStockDialogs(t *testing.T) {
	stock := map[string]bool{
		"ShowConfirm": true, "NewConfirm": true, "ShowError": true, "NewError": true,
		"ShowInformation": true, "NewInformation": true, "ShowCustom": true, "NewCustom": true,
		"ShowCustomConfirm": true, "NewCustomConfirm": true, "ShowForm": true, "NewForm": true,
		"ShowEntryDialog": true, "NewEntryDialog": true,
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "dialog" && stock[sel.Sel.Name] {
				t.Errorf("%s: dialog.%s: make it with kit.ask, kit.confirm, kit.tell or kit.showDialog", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
