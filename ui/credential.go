package ui

import (
	"dcrwizard/guidance"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/internal/safetext"
	"dcrwizard/internal/winpaths"
	"dcrwizard/m2m"
)

// credentialExtensions are the files the file dialog offers.
var credentialExtensions = []string{".xml", ".p12", ".pfx", ".pem", ".crt", ".key"}

type credentialPage struct {
	w *Wizard

	path      string
	pathLabel *widget.Label
	// A PEM certificate and its key may come as two files: pairPath is the
	// second one, pairIsKey says which part it holds.
	pairPath  string
	pairIsKey bool
	pairLabel *widget.Label
	pairBtn   *keyButton
	pairRow   *fyne.Container
	chooseBtn *keyButton
	password  *keyEntry
	openBtn   *keyButton
	activity  *widget.Activity
	status    *widget.Label
	errLabel  *widget.Label
	demoNote  *widget.Label
	list      *fyne.Container

	opening      bool
	demoPassword bool // the password field holds the demo keystore's
	openGen      int  // bumped on every change, so a stale result is dropped
	store        *m2m.Store
	openErr      error
	selected     int
	radios       []*widget.RadioGroup
}

func (w *Wizard) buildCredential() *fyne.Container {
	p := &w.credential
	p.selected = -1
	p.pathLabel = para("No file chosen yet.")
	p.pathLabel.TextStyle.Monospace = true
	p.chooseBtn = w.kit.newButtonWithIcon("Choose file…", theme.FolderOpenIcon(), w.chooseKeystore)
	p.password = w.kit.newPasswordEntry("Password of the credential file")
	p.password.OnChanged = func(string) {
		p.demoPassword = false
		w.credentialInputChanged()
	}
	p.password.OnSubmitted = func(string) {
		if p.store == nil && !p.opening {
			w.openCredential()
			return
		}
		w.next()
	}
	p.openBtn = w.kit.newButtonWithIcon("Open", theme.ConfirmIcon(), w.openCredential)
	p.activity = widget.NewActivity()
	p.activity.Hide()
	p.status = para("")
	p.status.Hide()
	p.errLabel = errPara("")
	p.errLabel.Hide()
	p.demoNote = para("")
	p.demoNote.Hide()
	p.list = container.NewVBox()
	p.pairLabel = para("")
	p.pairLabel.TextStyle.Monospace = true
	p.pairLabel.Hide()
	p.pairBtn = w.kit.newButtonWithIcon("Choose the private key file…", theme.FolderOpenIcon(), w.choosePairFile)
	p.pairRow = container.NewHBox(p.pairBtn)
	p.pairRow.Hide()

	if last := w.app.Preferences().String(prefKeystorePath); last != "" {
		p.path = last
		p.pathLabel.SetText(safetext.Line(last))
	} else if found := winpaths.RAMKeystores(os.Getenv); len(found) > 0 {
		// Where RAM's installer put it (%APPDATA%\ATOMAS): offer it.
		p.path = found[0]
		p.pathLabel.SetText(safetext.Line(found[0]))
	}

	fileRow := container.NewBorder(nil, nil, nil, p.chooseBtn, p.pathLabel)
	pwRow := container.NewBorder(nil, nil, nil, p.openBtn, p.password)
	box := container.NewVBox(
		para("Choose the file that holds your M2M credential: the ATO keystore.xml, or a .p12/.pfx file exported "+
			"from it. You can also drag the file onto this window."),
		bold("Credential file"),
		fileRow,
		p.pairLabel,
		bold("Password"),
		para("The password that was set when the credential was installed or exported. It is used only to open the "+
			"file on this computer and is never saved."),
		pwRow,
		p.demoNote,
		container.NewHBox(p.activity, p.status),
		p.errLabel,
		p.pairRow,
		p.list,
	)
	w.refreshCredential()
	return box
}

func (p *credentialPage) build() *fyne.Container { return p.w.buildCredential() }
func (p *credentialPage) shown()                 { p.w.refreshCredential() }
func (p *credentialPage) leaving()               { p.w.credentialLeaving() }
func (p *credentialPage) focus() fyne.Focusable  { return p.password }

func (p *credentialPage) problem() string {
	return credentialProblem(p.w.credentialChoice(), p.w.now())
}

// credentialChoice is the page's state as plain data for the validator.
func (w *Wizard) credentialChoice() credentialChoice {
	p := &w.credential
	return credentialChoice{
		Path:          p.path,
		PasswordGiven: p.password.Text != "",
		Opening:       p.opening,
		Store:         p.store,
		OpenErr:       p.openErr,
		Selected:      p.selected,
	}
}

// selectedCredential is the chosen usable credential, or nil.
func (w *Wizard) selectedCredential() *m2m.Credential {
	p := &w.credential
	if p.store == nil || p.selected < 0 || p.selected >= len(p.store.Credentials) {
		return nil
	}
	return p.store.Credentials[p.selected]
}

// chooseKeystore opens the file dialog (the system's, else the wizard's), starting
// in the folder of the last file.
func (w *Wizard) chooseKeystore() {
	w.kit.openFileDialog(credentialExtensions, w.lastFolder(), w.setKeystorePath)
}

// lastFolder is the folder of the file in use, else of the remembered one,
// else RAM's default keystore folder.
func (w *Wizard) lastFolder() string {
	path := w.credential.path
	if path == "" || w.usingDemo() {
		path = w.app.Preferences().String(prefKeystorePath)
	}
	if path == "" {
		return winpaths.RAMFolder(os.Getenv) // RAM's folder, when there is one
	}
	return filepath.Dir(path)
}

// setKeystorePath takes a newly chosen or dropped file; with the password
// already typed it is opened at once.
func (w *Wizard) setKeystorePath(path string) {
	p := &w.credential
	if p.demoPassword && (w.practice.p == nil || path != w.practice.p.Demo.KeystorePath) {
		// The demo password belongs to the demo file only: never try it
		// on the user's own.
		p.password.SetText("")
	}
	p.demoPassword = false
	p.path = path
	p.pathLabel.SetText(safetext.Line(path)) // a file name may hold a line break
	p.pairPath = ""
	retry := p.openErr == nil // a password the last file refused is not tried on this one: its error would look stale
	w.credentialInputChanged()
	if p.password.Text != "" && retry {
		w.openCredential()
	} else if w.step == stepCredential {
		w.win.Canvas().Focus(p.password)
	}
}

// choosePairFile picks the second file of a PEM certificate/key pair.
func (w *Wizard) choosePairFile() {
	w.kit.openFileDialog([]string{".pem", ".key", ".crt", ".cer"}, w.lastFolder(), w.setPairPath)
}

// setPairPath takes the second PEM file and opens the pair.
func (w *Wizard) setPairPath(path string) {
	p := &w.credential
	isKey := p.pairIsKey
	w.credentialInputChanged()
	p.pairPath, p.pairIsKey = path, isKey
	w.refreshCredential()
	w.openCredential()
}

// openPEMPair reads a certificate file and a key file (each at most
// m2m.MaxFileSize) and opens them together.
func openPEMPair(certPath, keyPath, password string) (*m2m.Store, error) {
	certData, err := readCredentialFile(certPath)
	if err != nil {
		return nil, err
	}
	keyData, err := readCredentialFile(keyPath)
	if err != nil {
		return nil, err
	}
	return m2m.ParsePEM(certData, keyData, password)
}

func readCredentialFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("the file %s could not be opened. Check that it exists and that you may read it: %w", filepath.Base(path), err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, m2m.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("the file %s could not be read: %w", filepath.Base(path), err)
	}
	if len(data) > m2m.MaxFileSize {
		return nil, &m2m.TooLargeError{Name: filepath.Base(path), Size: -1}
	}
	return data, nil
}

// credentialInputChanged forgets an opened file when the path or password
// changes, so that what is listed always matches what was typed.
func (w *Wizard) credentialInputChanged() {
	p := &w.credential
	p.openGen++
	p.opening = false
	p.store, p.openErr, p.selected = nil, nil, -1
	w.refreshCredential()
	w.refreshNav()
}

// openCredential decrypts the file in the background.
func (w *Wizard) openCredential() {
	p := &w.credential
	if p.path == "" || p.password.Text == "" || p.opening {
		return
	}
	p.openGen++
	gen, path, pw := p.openGen, p.path, p.password.Text
	pair, pairIsKey := p.pairPath, p.pairIsKey
	p.opening = true
	p.store, p.openErr, p.selected = nil, nil, -1
	w.refreshCredential()
	w.refreshNav()
	w.background(func() func() {
		var st *m2m.Store
		var err error
		if pair == "" {
			st, err = m2m.Open(path, pw)
		} else if pairIsKey {
			st, err = openPEMPair(path, pair, pw)
		} else {
			st, err = openPEMPair(pair, path, pw)
		}
		return func() { w.credentialOpened(gen, st, err) }
	})
}

func (w *Wizard) credentialOpened(gen int, st *m2m.Store, err error) {
	p := &w.credential
	if gen != p.openGen {
		return // the user changed the file or password meanwhile
	}
	p.opening = false
	p.store, p.openErr = st, err
	p.selected = -1
	if err == nil {
		// One usable credential: choose it, as anyone would.
		usable := -1
		for i, c := range st.Credentials {
			if c.Verdict(w.now()).OK() {
				if usable >= 0 {
					usable = -2
					break
				}
				usable = i
			}
		}
		if usable >= 0 {
			p.selected = usable
		}
		if !w.usingDemo() {
			w.app.Preferences().SetString(prefKeystorePath, p.path)
		}
	}
	w.refreshCredential()
	w.refreshNav()
	w.revealCredentialList()
}

// refreshCredential redraws the status, error and credential list.
func (w *Wizard) refreshCredential() {
	p := &w.credential
	if p.path == "" {
		p.pathLabel.SetText("No file chosen yet.")
	}
	setShown(p.activity, p.opening)
	if p.opening {
		p.activity.Start()
		p.status.SetText("Opening " + filepath.Base(p.path) + "…")
	} else {
		p.activity.Stop()
		p.status.SetText("")
	}
	setShown(p.status, p.opening)
	if p.openErr != nil {
		p.errLabel.SetText(guidance.Sentence(p.openErr.Error()))
		p.errLabel.Show()
	} else {
		p.errLabel.Hide()
	}
	// A certificate without its key, or the other way round: offer to
	// choose the other file.
	switch {
	case p.pairPath == "" && errors.Is(p.openErr, m2m.ErrKeyFileNeeded):
		p.pairIsKey = true
		p.pairBtn.SetText("Choose the private key file…")
		p.pairRow.Show()
	case p.pairPath == "" && errors.Is(p.openErr, m2m.ErrCertFileNeeded):
		p.pairIsKey = false
		p.pairBtn.SetText("Choose the certificate file…")
		p.pairRow.Show()
	case p.pairPath != "" && p.openErr != nil:
		if p.pairIsKey {
			p.pairBtn.SetText("Choose another private key file…")
		} else {
			p.pairBtn.SetText("Choose another certificate file…")
		}
		p.pairRow.Show()
	default:
		p.pairRow.Hide()
	}
	if p.pairPath != "" {
		what := "Certificate file: "
		if p.pairIsKey {
			what = "Private key file: "
		}
		p.pairLabel.SetText(what + p.pairPath)
		p.pairLabel.Show()
	} else {
		p.pairLabel.Hide()
	}
	if w.usingDemo() {
		p.demoNote.SetText("Practice mode: this is the demo credential made for the practice simulator. " +
			"Its password is " + w.practice.p.Demo.Password + " and it works only in Practice mode.")
		p.demoNote.Show()
	} else {
		p.demoNote.Hide()
	}
	if p.opening || p.path == "" || p.password.Text == "" {
		p.openBtn.Disable()
	} else {
		p.openBtn.Enable()
	}

	p.radios = nil
	p.list.Objects = nil
	if p.store != nil {
		now := w.now()
		n := len(p.store.Credentials)
		switch n {
		case 0:
			p.list.Add(errPara("This file holds no credentials."))
		case 1:
			p.list.Add(subheading("The credential in this file"))
		default:
			usable := 0
			for _, c := range p.store.Credentials {
				if c.Verdict(now).OK() {
					usable++
				}
			}
			if usable == 0 {
				p.list.Add(subheading(fmt.Sprintf("This file holds %d credentials; none can be used", n)))
			} else {
				p.list.Add(subheading(fmt.Sprintf("This file holds %d credentials: choose one", n)))
			}
		}
		for i, c := range p.store.Credentials {
			p.list.Add(w.credentialRow(i, c, now))
		}
	}
	p.list.Refresh()
}

// credentialRow shows one credential: a choice, its name, ABN, expiry, a
// badge, and for a refused one the reason in full.
func (w *Wizard) credentialRow(i int, c *m2m.Credential, now time.Time) fyne.CanvasObject {
	p := &w.credential
	v := c.Verdict(now)
	title := safetext.Line(c.Name) // from the keystore file
	if title == "" {
		title = safetext.Line(c.ID)
	}
	var choice fyne.CanvasObject
	if !v.OK() {
		// Not a disabled (faded) choice: the name stays readable, and the
		// badge and reason say why it cannot be chosen.
		p.radios = append(p.radios, nil)
		choice = bold(title)
	} else {
		choice = w.credentialChoiceRadio(i, title)
	}

	facts := []string{}
	if c.ABN != "" {
		facts = append(facts, "ABN "+formatABN(c.ABN))
	}
	facts = append(facts, "valid until "+formatDate(c.NotAfter))
	if c.ID != "" && c.ID != title {
		facts = append(facts, "ID "+safetext.Line(c.ID))
	}
	info := para(strings.Join(facts, " · "))
	row := container.NewVBox(container.NewBorder(nil, nil, nil, verdictBadge(v), choice), info)
	if !v.OK() && v.Message != "" {
		row.Add(errPara(v.Message)) // refused: a stop, not a warning
	}
	return container.NewVBox(row, widget.NewSeparator())
}

// credentialChoiceRadio is the choice of usable credential i.
func (w *Wizard) credentialChoiceRadio(i int, title string) *widget.RadioGroup {
	p := &w.credential
	rg := widget.NewRadioGroup([]string{title}, nil)
	if p.selected == i {
		rg.SetSelected(title)
	}
	rg.OnChanged = func(s string) {
		if s == "" {
			if p.selected == i {
				p.selected = -1
			}
		} else {
			p.selected = i
			// One choice across the rows: clear the others without
			// calling their OnChanged (Refresh does not).
			for j, other := range p.radios {
				if j != i && other != nil && other.Selected != "" {
					other.Selected = ""
					other.Refresh()
				}
			}
		}
		w.refreshNav()
	}
	p.radios = append(p.radios, rg)
	return rg
}

// verdictBadge is the short verdict: icon and word, so colour is not the
// only cue.
func verdictBadge(v m2m.Verdict) fyne.CanvasObject {
	var icon fyne.Resource
	l := widget.NewLabel("")
	switch v.Status {
	case m2m.StatusOK:
		icon, l.Text, l.Importance = theme.ConfirmIcon(), "Fine", widget.SuccessImportance
	case m2m.StatusExpiresSoon:
		icon, l.Text, l.Importance = theme.NewErrorThemedResource(theme.ErrorIcon()), "Expires within 6 months", widget.DangerImportance
	case m2m.StatusExpired:
		icon, l.Text, l.Importance = theme.NewErrorThemedResource(theme.ErrorIcon()), "Expired", widget.DangerImportance
	case m2m.StatusNotYetValid:
		icon, l.Text, l.Importance = theme.NewErrorThemedResource(theme.ErrorIcon()), "Not valid yet", widget.DangerImportance
	default:
		icon, l.Text, l.Importance = theme.NewErrorThemedResource(theme.ErrorIcon()), "Cannot be used", widget.DangerImportance
	}
	l.TextStyle.Bold = true
	return container.NewHBox(widget.NewIcon(icon), l)
}

// formatABN groups an 11-digit ABN the way the ABR prints it.
func formatABN(abn string) string {
	if len(abn) != 11 || strings.Trim(abn, "0123456789") != "" {
		return abn
	}
	return abn[:2] + " " + abn[2:5] + " " + abn[5:8] + " " + abn[8:]
}

// formatDate is a date as Australians write it in prose.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.Local().Format("2 January 2006")
}

// credentialLeaving remembers the file (never the password).
func (w *Wizard) credentialLeaving() {
	if w.credential.path != "" && !w.usingDemo() {
		w.app.Preferences().SetString(prefKeystorePath, w.credential.path)
	}
}
