package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/internal/safetext"
	"dcrwizard/registrar"
	"dcrwizard/ui/journey"
)

// regCard is one registration on the Registrations screen: its facts, its
// actions, and what the last action found.
type regCard struct {
	p       *registrationsPage
	rec     credstore.Record
	state   registrar.CredentialState // its credential's status (status.go)
	box     *fyne.Container           // facts, buttons, result
	buttons []*keyButton
	result  *fyne.Container // what the last action found; kept across reloads
}

// cp is who answers this registration's calls.
func (c *regCard) cp() counterpart { return counterpartFor(c.rec.Environment) }

// fill (re)builds the card from its record, keeping its result box.
func (c *regCard) fill() {
	rec := c.rec
	c.box.Objects = nil
	c.buttons = nil
	name := rec.Name
	if name == "" {
		name = "(no name)"
	}
	c.box.Add(subheading(safetext.Line(name)))
	c.box.Add(c.facts())
	for _, l := range statusLines(rec, c.state, c.p.keystore, c.p.rehearsed) {
		c.box.Add(l)
	}
	if c.p.practiceOnly(rec) {
		c.box.Add(para("This is a Practice registration. It was made with the simulator built into DCR Wizard, which " +
			"stopped when the program last closed and kept nothing, so it cannot be checked, renamed or removed. " +
			"It can only be forgotten on this computer."))
		c.box.Add(c.row(action{"Forget…", theme.DeleteIcon(), func() { c.askForget(false) }}))
	} else {
		c.box.Add(c.row(
			action{"Check it works…", theme.ConfirmIcon(), c.askCheck},
			action{"Rename…", theme.DocumentCreateIcon(), c.askRename},
			action{"Remove…", theme.DeleteIcon(), c.askRemove},
			action{"Export…", theme.DocumentSaveIcon(), c.askExport}))
		c.box.Add(c.row(action{"Update with renewed credential…", theme.ViewRefreshIcon(), renewal{c}.ask}))
		if journey.IsPractice(rec.Environment) { // renew.go, notoffered.go
			// A row of their own, one button each: beside the others they
			// made a row wider than the window at 125 %, and the window grew
			// off a 1024 px screen.
			for _, a := range c.practiceRehearsals() {
				c.box.Add(c.row(a))
			}
		}
	}
	c.box.Add(c.result)
	c.box.Add(c.technical())
	c.box.Add(widget.NewSeparator())
	c.box.Refresh()
}

// facts are what a practice reads on the card: where, when, the
// credential's status and the vendor. The values support staff ask for are
// behind the card's "Client ID and credential" (technical), so that a card's actions
// stay in view on a small screen.
func (c *regCard) facts() *fyne.Container {
	rec := c.rec
	grid := container.New(layout.NewFormLayout())
	grid.Add(bold("Environment"))
	grid.Add(valuePara(environmentWords(rec)))
	grid.Add(bold("Registered at"))
	grid.Add(para(formatDateTime(rec.IssuedAt)))
	grid.Add(bold("Credential status"))
	grid.Add(para(statusShort(c.state)))
	for _, row := range vendorRows(rec) { // setup hook: the software vendor
		grid.Add(bold(row[0]))
		grid.Add(valuePara(row[1]))
	}
	return grid
}

// technical are the card's values for support: client ID, receipt, the
// credential and its expiry.
func (c *regCard) technical() fyne.CanvasObject {
	rec := c.rec
	grid := container.New(layout.NewFormLayout())
	valueRow(c.p.w, grid, "Client ID", rec.ClientID, rec.ClientID)
	if rec.Receipt != "" {
		grid.Add(bold(c.cp().receipt()))
		grid.Add(valuePara(rec.Receipt))
	}
	grid.Add(bold("Made with credential"))
	grid.Add(valuePara(credentialWords(rec)))
	grid.Add(bold("Credential valid until"))
	grid.Add(para(formatDate(rec.CredentialNotAfter)))
	return c.p.w.kit.newDisclosure("Client ID and credential", grid).Container
}

// action is one of a card's buttons.
type action struct {
	label  string
	icon   fyne.Resource
	tapped func()
}

// row is a line of the card's buttons, which drawBusy disables while a call runs.
func (c *regCard) row(acts ...action) *fyne.Container {
	box := container.NewHBox()
	for _, a := range acts {
		b := c.p.w.kit.newButtonWithIcon(a.label, a.icon, a.tapped)
		c.buttons = append(c.buttons, b)
		box.Add(b)
	}
	return box
}

// say replaces what the card's last action found.
func (c *regCard) say(objs ...fyne.CanvasObject) {
	c.result.Objects = objs
	c.result.Refresh()
	c.p.w.relayout()
}

// askRename asks for the new name (RFC 7592 update).
func (c *regCard) askRename() {
	if c.p.running() {
		return
	}
	old := c.rec.Name
	intro := para("The new name is changed at " + c.cp().the() + " and on this computer. Use a name that tells this installation " +
		"apart from your others, such as the computer's name.")
	c.p.dlg = newNameDialog(c.p.w, "Rename “"+old+"”", intro, "New name", old, "Rename", widget.HighImportance,
		func(s string) string { return renameProblem(old, s) },
		c.rename)
}

func (c *regCard) rename(newName string) {
	id, cp := c.rec.ClientID, c.cp()
	newName = registrar.CleanName(newName)
	c.p.run(c, actRename, "Renaming “"+c.rec.Name+"” to “"+newName+"” at "+cp.the()+"…",
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			rec, err := r.Rename(ctx, id, newName)
			if err != nil {
				return nil, err
			}
			return func() {
				c.rec = rec
				c.fill()
				c.say(okPara("Renamed to “" + rec.Name + "” at " + cp.the() + " and on this computer."))
			}, nil
		})
}

// askRemove asks for the instance name before removing it at the ATO
// (RFC 7592 delete).
func (c *regCard) askRemove() {
	if c.p.running() {
		return
	}
	rec, cp := c.rec, c.cp()
	intro := container.NewVBox(
		para("This asks "+cp.the()+" to delete the registration “"+rec.Name+"” ("+environmentWords(rec)+", client ID "+
			rec.ClientID+"). Software using it on this installation will no longer be able to connect to "+cp.the()+". "+
			"This cannot be undone: to connect again, you would register again."),
		para("If "+cp.the()+" agrees, its values are also removed from this computer's keychain."),
	)
	c.p.dlg = newNameDialog(c.p.w, "Remove this registration?", intro, "Type its name to confirm", "",
		"Remove", widget.DangerImportance,
		func(s string) string {
			if !removeConfirmed(rec.Name, s) {
				return "Type “" + rec.Name + "” exactly to confirm."
			}
			return ""
		},
		func(string) { c.remove() })
}

func (c *regCard) remove() {
	id, name, cp := c.rec.ClientID, c.rec.Name, c.cp()
	c.p.run(c, actRemove, "Removing “"+name+"” at "+cp.the()+"…",
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			if err := r.Remove(ctx, id); err != nil {
				return nil, err
			}
			return func() {
				c.p.gone(id, "“"+name+"” was removed at "+cp.the()+", and its values were removed from this computer.")
			}, nil
		})
}
