package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/guidance"
	"dcrwizard/registrar"
)

// Values not kept: the ATO accepted the registration but the keychain did
// not keep what it issued. Done shows the values, lets the user copy them
// or save them to a file, and asks before the window closes meanwhile.

// addNotStored says why the values are shown and puts them in grid.
func (d *donePage) addNotStored(grid *fyne.Container, cp counterpart) {
	d.title = "Registered — keep these values"
	d.box.Add(subheading("Registered, but not saved on this computer"))
	msg, _ := cp.errorWords(d.notStored)
	d.box.Add(errPara(msg))
	d.box.Add(warnPara("The registration access token below is a secret: anyone who has it can change or delete " +
		"this registration. Copy these three values into your software or save them to a file now — this " +
		"window cannot show them again."))
	valueRow(d.w, grid, "Client ID", d.values.ClientID, d.values.ClientID)
	tok := d.values.RegistrationAccessToken
	valueRow(d.w, grid, "Registration access token", maskSecret(tok), tok)
	valueRow(d.w, grid, "Registration client URI", d.values.RegistrationClientURI, d.values.RegistrationClientURI)
}

// addKeepValues is the way to keep the values: a file, or the user's word.
func (d *donePage) addKeepValues() {
	w := d.w
	d.savedTo = para("")
	d.savedTo.Hide()
	d.keptCheck = widget.NewCheck("I have copied these values and keep them somewhere safe", func(on bool) {
		d.kept = on
		if on {
			d.clearResultPending()
		}
	})
	d.box.Add(container.NewHBox(w.kit.newButtonWithIcon("Save to a file…", theme.DocumentSaveIcon(), d.saveValues)))
	d.box.Add(d.savedTo)
	d.box.Add(d.keptCheck)
	w.setup.addSupport(d.box) // setup hook
}

// maskSecret shows that a secret is there without showing it.
func maskSecret(s string) string {
	if len(s) <= 8 {
		return strings.Repeat("•", len(s))
	}
	return s[:4] + "…" + fmt.Sprintf(" (%d characters; use Copy)", len(s))
}

// clearResultPending forgets the pending note of a registration whose values
// the user now holds.
func (d *donePage) clearResultPending() {
	w := d.w
	if d.res == nil || d.res.PendingID == "" || w.cfg.Store == nil {
		return
	}
	id, store := d.res.PendingID, w.cfg.Store
	d.res.PendingID = ""
	w.background(func() func() {
		_ = store.ClearPending(id)
		return nil
	})
}

// saveValues writes the values the keychain did not keep to a file the
// user picks, after saying plainly that the file holds a secret.
func (d *donePage) saveValues() {
	w := d.w
	if d.notStored == nil {
		return
	}
	rec, vals := d.notStored.Record, d.values
	if rec.Name == "" && d.res != nil {
		rec = d.res.Record
	}
	w.kit.confirm("This file will hold a secret",
		para("The file will contain the registration access token. Anyone who gets the file can change or delete this "+
			"registration. Save it only where no one else can read it (it is written readable by you only), and "+
			"delete it once the values are in your software."),
		"Choose the file…", "Cancel", func() {
			w.kit.saveFileDialog(valuesFileName(rec.Name), func(path string) {
				now := w.now()
				w.background(func() func() {
					err := writeValuesFile(path, rec, vals, now)
					return func() { d.valuesSaved(path, err) }
				})
			})
		})
}

func (d *donePage) valuesSaved(path string, err error) {
	if d.savedTo == nil {
		return
	}
	if err != nil {
		d.savedTo.Importance = widget.DangerImportance
		d.savedTo.SetText(guidance.Words(err))
		d.savedTo.Show()
		return
	}
	d.savedTo.Importance = widget.SuccessImportance
	d.savedTo.SetText("Saved to " + path + ". Keep this file safe and delete it once the values are in your software.")
	d.savedTo.Show()
	d.kept = true
	if d.keptCheck != nil {
		d.keptCheck.SetChecked(true)
	}
	d.clearResultPending()
}

// valuesFileName suggests a file name from the instance name.
func valuesFileName(name string) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '-'
	}, name)
	if clean == "" {
		clean = "registration"
	}
	return "dcr-" + clean + ".json"
}

// writeValuesFile writes the values as the command line's export does
// (registrar.WriteValuesFile: JSON, readable by the owner only, replacing
// the empty file the save dialog made), in words that say what to do.
func writeValuesFile(path string, rec credstore.Record, v credstore.Values, now time.Time) error {
	if err := registrar.WriteValuesFile(path, rec, v, now); err != nil {
		return fmt.Errorf("the file %s could not be written. Choose another folder: %w", filepath.Base(path), err)
	}
	return nil
}
