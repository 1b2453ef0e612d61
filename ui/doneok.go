package ui

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/internal/safetext"
	"dcrwizard/registrar"
)

// addStoredResult is Done for a registration the keychain kept: what happens
// next, in the product's and vendor's name when a setup file gave them, the
// vendor's support, and the technical values behind "Technical details"
// for support staff. All of it at body size.
func (d *donePage) addStoredResult(res *registrar.Result, ver *verifyOutcome, cp counterpart) {
	if cp.practice {
		d.title = "Registered" // the frame says "Practice — " before it
		d.box.Add(subheading("The practice registration worked"))
		d.box.Add(para("The practice simulator accepted the registration. The three values it issued are saved in " +
			"this computer's keychain, as a real registration's would be. They work only with the practice simulator: " +
			"nothing was sent to the ATO. When you are ready, register for real with your own credential."))
		if p := res.Record.Vendor.Product; p != "" {
			d.box.Add(para("A real registration will be ready for " + p + ", which finds it itself."))
		}
	} else {
		d.title = "Done"
		d.box.Add(subheading("This installation is registered"))
		d.box.Add(para(cp.The() + " accepted the registration, and it is saved in this computer's keychain."))
		d.box.Add(bold("What happens next"))
		d.box.Add(para(nextStepWords(res.Record.Vendor)))
	}
	if ver != nil {
		d.addVerifyOutcome(cp, res.Where, ver)
	}
	if c := registrar.SupportContact(res.Record.Vendor); c != "" {
		d.box.Add(para("Questions? Contact " + res.Record.Vendor.Name + ": " + c + "."))
	}
}

// nextStepWords says what the practice does now. Software made to work with
// DCR Wizard reads the registration from the keychain items
// credstore/LAYOUT.md describes, so there is nothing to copy.
func nextStepWords(v credstore.Vendor) string {
	if v.Product != "" {
		return "Nothing else to do: open " + v.Product + ". It finds this registration itself, in this computer's " +
			"keychain, where DCR Wizard saved it."
	}
	return "Nothing else to do if your practice software works with DCR Wizard: it finds this registration itself, " +
		"in this computer's keychain. If your software asks for a client ID, open Technical details below and copy it."
}

// addTechnicalDetails puts the values the ATO issued and where they are
// saved behind a "Technical details" disclosure: support staff need them,
// a practice does not.
func (d *donePage) addTechnicalDetails(rec credstore.Record, where string, cp counterpart) {
	grid := container.New(layout.NewFormLayout())
	valueRow(d.w, grid, "Client ID", d.values.ClientID, d.values.ClientID)
	grid.Add(bold("Registration client URI"))
	grid.Add(container.NewVBox(monoPara(safetext.Line(d.values.RegistrationClientURI)),
		para("The address at "+cp.the()+" where this registration is checked, renamed or removed.")))
	grid.Add(bold("Registration access token"))
	grid.Add(container.NewVBox(para("stored (hidden)"),
		para("The secret that lets this computer manage the registration. It stays in the keychain.")))
	body := container.NewVBox(grid)
	addKeychainPlaces(body, rec, where, d.w.cfg.Store.Dir())
	d.box.Add(d.w.kit.newDisclosure("Technical details", body).Container)
}

// addKeychainPlaces lists where each value was saved: the keychain
// accounts (credstore/LAYOUT.md) and the list file, for support staff.
func addKeychainPlaces(box *fyne.Container, rec credstore.Record, where, storeDir string) {
	box.Add(bold("Where to find them"))
	box.Add(para("Saved in " + where + "."))
	box.Add(para("What is this? The keychain is the password store built into this computer: Credential " +
		"Manager on Windows, Keychain Access on a Mac, and on Linux the Secret Service (GNOME Keyring or KWallet). " +
		"Only programs running as you can read it."))
	box.Add(para("Each value is its own keychain item, service \"" + credstore.Service + "\", under these account names. " +
		"The list of registrations (no secrets) is a file beside them."))
	grid := container.New(layout.NewFormLayout())
	for _, row := range keychainPlaces(rec, storeDir) {
		v := valuePara(row[1]) // account names hold the ATO's client id
		v.TextStyle.Monospace = true
		grid.Add(widget.NewLabel(row[0]))
		grid.Add(v)
	}
	box.Add(grid)
}

// keychainPlaces names where a saved registration's values are.
func keychainPlaces(rec credstore.Record, storeDir string) [][2]string {
	rows := [][2]string{
		{"Registration access token", credstore.TokenAccount(rec.Environment, rec.ClientID)},
		{"Registration client URI", credstore.URIAccount(rec.Environment, rec.ClientID)},
	}
	if rec.Name != "" {
		rows = append(rows, [2]string{"Client ID, by name", credstore.NameAccount(rec.Environment, rec.Name)})
	}
	if storeDir != "" {
		rows = append(rows, [2]string{"List of registrations", filepath.Join(storeDir, "index.json")})
	}
	return rows
}

// actions are Done's buttons after a registration; after a practice run
// kept in the keychain, the first is the real registration it was for.
func (d *donePage) actions(cp counterpart) fyne.CanvasObject {
	w := d.w
	box := container.NewHBox(
		w.kit.copyButton("Copy support summary", d.supportText),
		w.kit.newButtonWithIcon("View registrations", theme.ListIcon(), w.registrations.open),
		w.kit.newButtonWithIcon("Register another", theme.ContentAddIcon(), d.registerAnother),
	)
	if !cp.practice || d.notStored != nil {
		return box
	}
	// On a row of its own, first: four buttons in one row do not fit a
	// small screen at 125 %.
	forReal := w.kit.newButtonWithIcon("Now register for real", theme.NavigateNextIcon(), d.registerForReal)
	forReal.Importance = widget.HighImportance
	return container.NewVBox(container.NewHBox(forReal), box)
}
