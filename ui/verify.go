package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/internal/timewords"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

// The keystore dialog of Check it works and Update with renewed credential,
// and a sign-in's result in plain words. A failed sign-in changes nothing
// and never hides the registration.

// credDialog asks for a keystore file and its password. Its OK stays
// disabled until both are given; Enter in the password is OK, Escape Cancel.
type credDialog struct {
	d        *dialog.CustomDialog
	path     string
	pathText *widget.Label
	choose   *keyButton
	password *keyEntry
	ok       *keyButton
	cancel   *keyButton
}

func newCredDialog(w *Wizard, title string, intro fyne.CanvasObject, path, okText string, onOK func(path, password string)) *credDialog {
	cd := &credDialog{path: path}
	cd.pathText = para(path)
	cd.pathText.TextStyle.Monospace = true
	if path == "" {
		cd.pathText.SetText("(no file chosen)")
	}
	cd.password = w.kit.newPasswordEntry("")
	check := func() {
		if cd.path != "" && cd.password.Text != "" {
			cd.ok.Enable()
		} else {
			cd.ok.Disable()
		}
	}
	submit := func() {
		if cd.path == "" || cd.password.Text == "" {
			return
		}
		pw := cd.password.Text
		cd.password.SetText("") // not kept in a widget once used
		cd.d.Hide()
		onOK(cd.path, pw)
	}
	cd.ok = w.kit.newButtonWithIcon(okText, theme.ConfirmIcon(), submit)
	cd.ok.Importance = widget.HighImportance
	cd.cancel = w.kit.newButtonWithIcon("Cancel", theme.CancelIcon(), func() { cd.d.Hide() })
	dir := ""
	if path != "" {
		dir = filepath.Dir(path)
	}
	cd.choose = w.kit.newButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() {
		w.kit.openFileDialog(credentialExtensions, dir, func(p string) {
			cd.path = p
			cd.pathText.SetText(p)
			check()
		})
	})
	cd.password.OnChanged = func(string) { check() }
	cd.password.OnSubmitted = func(string) { submit() }
	cd.password.onEscape = func() { cd.d.Hide() }
	content := container.NewVBox(intro,
		bold("Credential file"), container.NewBorder(nil, nil, nil, cd.choose, cd.pathText),
		bold("Password"),
		caption("The password of this keystore. It is used only to open the file on this computer and is never saved."),
		cd.password)
	cd.d = dialog.NewCustomWithoutButtons(title, content, w.win)
	cd.d.SetButtons([]fyne.CanvasObject{cd.cancel, cd.ok})
	check()
	cd.d.Resize(w.kit.fitDialog(dialogSizeFor(content, 600)))
	cd.d.Show()
	w.win.Canvas().Focus(cd.password)
	return cd
}

// pickCredential is registrar.PickCredential (nothing is chosen by id in
// the wizard: the file is the choice), saying in the wizard's words when the
// file holds nothing for this registration.
func pickCredential(rec credstore.Record, store *m2m.Store, purpose registrar.Purpose) (*m2m.Credential, error) {
	c, err := registrar.PickCredential(rec, store, purpose, "")
	if errors.As(err, new(*registrar.NoCredentialError)) {
		return nil, noCredentialError(rec, store)
	}
	return c, err
}

// noCredentialError says the file holds nothing for this registration.
func noCredentialError(rec credstore.Record, store *m2m.Store) error {
	return fmt.Errorf("this file holds no credential for this registration (%s). It holds: %s. Choose the keystore that "+
		"holds %s", credentialWords(rec), strings.Join(store.IDs(), ", "), rec.CredentialID)
}

// verificationLines puts a test in plain words. A failure says that the
// registration itself still exists.
func verificationLines(cp counterpart, v *flow.Verification, err error) []fyne.CanvasObject {
	if err != nil {
		return signInFailed(cp, err)
	}
	out := []fyne.CanvasObject{okPara("Your software can sign in to " + cp.the() + " with this registration.")}
	if f := signInFacts(cp, v); f != "" {
		out = append(out, para(f))
	}
	return out
}

// signInFailed is a failed sign-in with its advice.
func signInFailed(cp counterpart, err error) []fyne.CanvasObject {
	msg, action := cp.errorWords(err)
	out := []fyne.CanvasObject{errPara("The test sign-in did not work: " + msg)}
	if action != "" {
		out = append(out, para(action))
	}
	return append(out, para("The registration itself still exists, at "+cp.the()+" and on this computer: the test "+
		"changed and removed nothing. Until this works, your software cannot sign in with it."))
}

// signInFacts is what a sign-in found: the token's lifetime, the health check.
func signInFacts(cp counterpart, v *flow.Verification) string {
	var facts []string
	if v.TokenLifetime > 0 {
		facts = append(facts, cp.The()+" issued it an access token valid for "+timewords.Duration(v.TokenLifetime)+".")
	}
	if v.HeartbeatURL != "" {
		facts = append(facts, "The health check answered.")
	}
	return strings.Join(facts, " ")
}
