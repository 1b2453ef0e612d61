package ui

import (
	"dcrwizard/guidance"
	"errors"
	"os"
	"path/filepath"

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

// credentialPage is the Credential step. The file, its PEM pair and the
// credential picked are the draft's (Keystore, Pair, Credential); the page
// holds what opening the file found.
type credentialPage struct {
	w *Wizard

	pathLabel *widget.Label
	// shownPath is the file the page's password, list and errors are
	// about: when the draft's differs (leaving Practice dropped the demo
	// file), they are dropped (sync).
	shownPath string
	// A PEM certificate and its key may come as two files (the draft's
	// Pair); pairIsKey says which part the second one holds.
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
	radios       []*widget.RadioGroup
}

func (p *credentialPage) build() *fyne.Container {
	w := p.w
	p.pathLabel = para("No file chosen yet.")
	p.pathLabel.TextStyle.Monospace = true
	p.chooseBtn = w.kit.newButtonWithIcon("Choose file…", theme.FolderOpenIcon(), p.chooseKeystore)
	p.password = w.kit.newPasswordEntry("Password of the credential file")
	p.password.OnChanged = func(string) {
		p.demoPassword = false
		p.inputChanged()
	}
	p.password.OnSubmitted = func(string) {
		if p.store == nil && !p.opening {
			p.open()
			return
		}
		w.next()
	}
	p.openBtn = w.kit.newButtonWithIcon("Open", theme.ConfirmIcon(), p.open)
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
	p.pairBtn = w.kit.newButtonWithIcon("Choose the private key file…", theme.FolderOpenIcon(), p.choosePairFile)
	p.pairRow = container.NewHBox(p.pairBtn)
	p.pairRow.Hide()

	if d := &w.draft; d.Keystore == "" {
		if last := w.app.Preferences().String(prefKeystorePath); last != "" {
			d.ChooseKeystore(last)
		} else if found := winpaths.RAMKeystores(os.Getenv); len(found) > 0 {
			// Where RAM's installer put it (%APPDATA%\ATOMAS): offer it.
			d.ChooseKeystore(found[0])
		}
	}
	p.shownPath = w.draft.Keystore

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
	p.refresh()
	return box
}

func (p *credentialPage) shown()                { p.sync(); p.refresh() }
func (p *credentialPage) focus() fyne.Focusable { return p.password }

func (p *credentialPage) problem() string {
	return credentialProblem(p.choice(), p.w.now())
}

// sync drops what the page found in a file the draft no longer holds
// (leaving Practice drops the demo credential), and the demo's password.
func (p *credentialPage) sync() {
	d := &p.w.draft
	if p.demoPassword && !d.UsingDemo() {
		p.password.SetText("") // the demo password belongs to the demo file only
	}
	if p.shownPath != d.Keystore {
		p.shownPath = d.Keystore
		p.inputChanged()
	}
}

// choice is the page's state as plain data for the validator.
func (p *credentialPage) choice() credentialChoice {
	return credentialChoice{
		Path:          p.w.draft.Keystore,
		PasswordGiven: p.password.Text != "",
		Opening:       p.opening,
		Store:         p.store,
		OpenErr:       p.openErr,
		Selected:      p.selected(),
	}
}

// selected is the index of the draft's credential in the opened file, or
// -1.
func (p *credentialPage) selected() int {
	if p.store != nil && p.w.draft.Credential != nil {
		for i, c := range p.store.Credentials {
			if c == p.w.draft.Credential {
				return i
			}
		}
	}
	return -1
}

// pick makes credential i (-1: none) the draft's.
func (p *credentialPage) pick(i int) {
	if p.store == nil || i < 0 || i >= len(p.store.Credentials) {
		p.w.draft.Credential = nil
		return
	}
	p.w.draft.Credential = p.store.Credentials[i]
}

// chooseKeystore opens the file dialog (the system's, else the wizard's), starting
// in the folder of the last file.
func (p *credentialPage) chooseKeystore() {
	p.w.kit.openFileDialog(credentialExtensions, p.lastFolder(), p.setKeystorePath)
}

// lastFolder is the folder of the file in use, else of the remembered one,
// else RAM's default keystore folder.
func (p *credentialPage) lastFolder() string {
	w := p.w
	path := w.draft.Keystore
	if path == "" || w.draft.UsingDemo() {
		path = w.app.Preferences().String(prefKeystorePath)
	}
	if path == "" {
		return winpaths.RAMFolder(os.Getenv) // RAM's folder, when there is one
	}
	return filepath.Dir(path)
}

// setKeystorePath takes a newly chosen or dropped file; with the password
// already typed it is opened at once.
func (p *credentialPage) setKeystorePath(path string) {
	w := p.w
	if p.demoPassword && (w.practice.p == nil || path != w.practice.p.Demo.KeystorePath) {
		// The demo password belongs to the demo file only: never try it
		// on the user's own.
		p.password.SetText("")
	}
	p.demoPassword = false
	w.draft.ChooseKeystore(path)
	w.draft.Pair = ""
	p.shownPath = path
	retry := p.openErr == nil // a password the last file refused is not tried on this one: its error would look stale
	p.inputChanged()
	if p.password.Text != "" && retry {
		p.open()
	} else if w.step == stepCredential {
		w.win.Canvas().Focus(p.password)
	}
}

// choosePairFile picks the second file of a PEM certificate/key pair.
func (p *credentialPage) choosePairFile() {
	p.w.kit.openFileDialog([]string{".pem", ".key", ".crt", ".cer"}, p.lastFolder(), p.setPairPath)
}

// setPairPath takes the second PEM file and opens the pair.
func (p *credentialPage) setPairPath(path string) {
	isKey := p.pairIsKey
	p.inputChanged()
	p.w.draft.Pair, p.pairIsKey = path, isKey
	p.refresh()
	p.open()
}

// inputChanged forgets an opened file when the path or password changes,
// so that what is listed always matches what was typed.
func (p *credentialPage) inputChanged() {
	p.openGen++
	p.opening = false
	p.store, p.openErr = nil, nil
	p.w.draft.Credential = nil
	p.refresh()
	p.w.refreshNav()
}

// open decrypts the file in the background.
func (p *credentialPage) open() {
	w := p.w
	path, pw := w.draft.Keystore, p.password.Text
	if path == "" || pw == "" || p.opening {
		return
	}
	p.openGen++
	gen := p.openGen
	pair, pairIsKey := w.draft.Pair, p.pairIsKey
	p.opening = true
	p.store, p.openErr = nil, nil
	w.draft.Credential = nil
	p.refresh()
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
		return func() { p.opened(gen, st, err) }
	})
}

func (p *credentialPage) opened(gen int, st *m2m.Store, err error) {
	w := p.w
	if gen != p.openGen {
		return // the user changed the file or password meanwhile
	}
	p.opening = false
	p.store, p.openErr = st, err
	w.draft.Credential = nil
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
		p.pick(usable)
		if !w.draft.UsingDemo() {
			w.app.Preferences().SetString(prefKeystorePath, w.draft.Keystore)
		}
	}
	p.refresh()
	w.refreshNav()
	p.revealList()
}

// refresh redraws the file, status, error and credential list.
func (p *credentialPage) refresh() {
	w, d := p.w, &p.w.draft
	if d.Keystore == "" {
		p.pathLabel.SetText("No file chosen yet.")
	} else {
		p.pathLabel.SetText(safetext.Line(d.Keystore)) // a file name may hold a line break
	}
	setShown(p.activity, p.opening)
	if p.opening {
		p.activity.Start()
		p.status.SetText("Opening " + filepath.Base(d.Keystore) + "…")
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
	case d.Pair == "" && errors.Is(p.openErr, m2m.ErrKeyFileNeeded):
		p.pairIsKey = true
		p.pairBtn.SetText("Choose the private key file…")
		p.pairRow.Show()
	case d.Pair == "" && errors.Is(p.openErr, m2m.ErrCertFileNeeded):
		p.pairIsKey = false
		p.pairBtn.SetText("Choose the certificate file…")
		p.pairRow.Show()
	case d.Pair != "" && p.openErr != nil:
		if p.pairIsKey {
			p.pairBtn.SetText("Choose another private key file…")
		} else {
			p.pairBtn.SetText("Choose another certificate file…")
		}
		p.pairRow.Show()
	default:
		p.pairRow.Hide()
	}
	if d.Pair != "" {
		what := "Certificate file: "
		if p.pairIsKey {
			what = "Private key file: "
		}
		p.pairLabel.SetText(what + d.Pair)
		p.pairLabel.Show()
	} else {
		p.pairLabel.Hide()
	}
	if d.UsingDemo() && w.practice.p != nil {
		p.demoNote.SetText("Practice mode: this is the demo credential made for the practice simulator. " +
			"Its password is " + w.practice.p.Demo.Password + " and it works only in Practice mode.")
		p.demoNote.Show()
	} else {
		p.demoNote.Hide()
	}
	if p.opening || d.Keystore == "" || p.password.Text == "" {
		p.openBtn.Disable()
	} else {
		p.openBtn.Enable()
	}

	p.drawList()
}

// leaving remembers the file (never the password).
func (p *credentialPage) leaving() {
	if d := &p.w.draft; d.Keystore != "" && !d.UsingDemo() {
		p.w.app.Preferences().SetString(prefKeystorePath, d.Keystore)
	}
}
