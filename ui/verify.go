package ui

import (
	"context"
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

// "Test the connection" on a registration card: the keystore and its
// password, then registrar.VerifyStored (a sign-in as the registered
// client). A failed test changes nothing and never hides the registration.

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

func (w *Wizard) showCredDialog(title string, intro fyne.CanvasObject, path, okText string, onOK func(path, password string)) *credDialog {
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

// askVerify asks for the keystore (default: the last-used file).
func (w *Wizard) askVerify(c *regCard) {
	p := &w.registrations
	if p.running() {
		return
	}
	path := w.app.Preferences().String(prefKeystorePath)
	if c.rec.Environment == practiceName && w.practice.p != nil && path == "" {
		path = w.practice.p.Demo.KeystorePath
	}
	intro := para(cardWords(c, "The test signs in to the ATO as this registration, with the credential it holds, "+
		"as your software would. It changes nothing at the ATO or on this computer. Choose the keystore with that "+
		"credential (or, after an update, the renewed one)."))
	p.cred = w.showCredDialog("Test the connection of “"+c.rec.Name+"”", intro, path, "Test",
		func(path, password string) { w.verifyRegistration(c, path, password) })
}

func (w *Wizard) verifyRegistration(c *regCard, path, password string) {
	rec := c.rec
	w.runRegistrationCall(c, actVerify, cardWords(c, "Signing in to the ATO as “"+rec.Name+"”…"),
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			ks, err := m2m.Open(path, password)
			if err != nil {
				return nil, fmt.Errorf("the keystore %s could not be opened: %w", filepath.Base(path), err)
			}
			cred, err := pickCredential(rec, ks, registrar.ForVerify)
			if err != nil {
				return nil, err
			}
			v, verr := r.VerifyStored(ctx, rec.ClientID, cred, registrar.VerifyOverrides{}, nil)
			return func() { w.showVerified(c, v, verr) }, nil
		})
}

// showVerified shows a test's result on the card.
func (w *Wizard) showVerified(c *regCard, v *flow.Verification, err error) {
	box := c.result
	box.Objects = nil
	for _, l := range verificationLines(c.rec.Environment == practiceName, v, err) {
		box.Add(l)
	}
	box.Refresh()
	w.relayout()
	w.revealFocused(box)
}

// verificationLines puts a test in plain words. A failure says that the
// registration itself still exists.
func verificationLines(practice bool, v *flow.Verification, err error) []fyne.CanvasObject {
	words := func(s string) string { return practiceWords(practice, s) }
	if err != nil {
		msg, action := errorWords(err)
		out := []fyne.CanvasObject{errPara(words("The test sign-in did not work: " + msg))}
		if action != "" {
			out = append(out, para(words(action)))
		}
		return append(out, para(words("The registration itself still exists, at the ATO and on this computer: the test "+
			"changed and removed nothing. Until this works, your software cannot sign in with it.")))
	}
	out := []fyne.CanvasObject{okPara(words("Your software can sign in to the ATO with this registration."))}
	var facts []string
	if v.TokenLifetime > 0 {
		facts = append(facts, words("The ATO issued it an access token valid for "+timewords.Duration(v.TokenLifetime)+"."))
	}
	if v.HeartbeatURL != "" {
		facts = append(facts, "The health check answered.")
	}
	if len(facts) > 0 {
		out = append(out, para(strings.Join(facts, " ")))
	}
	return out
}
