package ui

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/guidance"
	"dcrwizard/internal/safetext"
	"dcrwizard/ui/journey"
)

// Unfinished registrations: a registration whose answer the wizard never
// saw (window closed, program killed, network gone) or whose values it
// could not keep. The registrar leaves a pending note before the request is
// sent and adds the ATO's answer to it; the next start shows them all,
// once, in one dialog.

// pendingNotes is that dialog and the look for notes at start.
type pendingNotes struct{ w *Wizard }

// check shows, at start, what earlier runs left unfinished.
func (n pendingNotes) check() {
	w := n.w
	store := w.cfg.Store
	if store == nil {
		return
	}
	w.background(func() func() {
		list, err := store.Pending()
		if err != nil || len(list) == 0 {
			return nil
		}
		return func() { n.show(list) }
	})
}

// envWords names an environment for people.
func envWords(name string) string {
	switch name {
	case flow.Sandbox.Name:
		return "Sandbox (the ATO's test environment)"
	case flow.Production.Name:
		return "Production (the live ATO)"
	case journey.PracticeName:
		return "Practice (the practice simulator in this program; nothing went to the ATO)"
	case "custom":
		return "custom addresses set under Advanced"
	}
	return "“" + name + "”"
}

// pendingWhen is when p was started.
func pendingWhen(p credstore.Pending) string {
	return formatDateTime(p.Started)
}

// pendingGuidance is what to do about p, in plain words.
func pendingGuidance(p credstore.Pending) string {
	switch {
	case p.Unreadable:
		return "DCR Wizard could not read this note (it is damaged). It may stand for a registration that did not " +
			"finish, so it may exist at the ATO: before registering again, ask your software provider whether " +
			"the ATO holds one made from this computer."
	case p.Action == credstore.PendingRenew:
		return renewGuidance(p)
	case journey.IsPractice(p.Environment):
		return "This was a practice run: nothing was sent to the ATO, so there is nothing to check."
	case p.ClientID != "":
		return "The ATO accepted this registration, but DCR Wizard was interrupted before it saved it in this " +
			"computer's keychain. Your software can still use the client ID. Press Check with the ATO to see " +
			"whether this computer can still manage it."
	}
	return "DCR Wizard sent this registration but never saw the ATO's answer, so it may exist at the ATO. " +
		"Before registering again, ask your software vendor (the registration was made with their consumer " +
		"key) whether the ATO holds a registration named " + safetext.Line(p.Name) + ", made on " + pendingWhen(p) + ". If there is one, " +
		"use it or have it removed."
}

// show lists every unfinished registration in one dialog, each with what
// is known and what can be done.
func (n pendingNotes) show(list []credstore.Pending) {
	w := n.w
	box := container.NewVBox(para("These registrations were not finished the last time DCR Wizard ran. " +
		"Deal with each before registering the same installation again."))
	var d dialog.Dialog
	left := len(list)
	for _, p := range list {
		entry := container.NewVBox()
		n.fillEntry(entry, p, func() {
			if d != nil {
				d.Hide()
			}
		}, func() {
			left--
			entry.Hide()
			box.Refresh()
			if left == 0 && d != nil {
				d.Hide()
			}
		})
		box.Add(entry)
	}
	title := "An unfinished registration"
	if len(list) > 1 {
		title = fmt.Sprintf("%d unfinished registrations", len(list))
	}
	scroll := container.NewVScroll(box)
	scroll.SetMinSize(fyne.NewSize(0, min(box.MinSize().Height, 160))) // fits the smallest window
	d = w.kit.showDialog(title, "Remind me next time", scroll)
	d.Resize(w.kit.fitDialog(dialogSizeFor(box, 640)))
}

// fillEntry draws one unfinished registration; done is called once the
// user has dealt with it (its note is then removed).
func (n pendingNotes) fillEntry(entry *fyne.Container, p credstore.Pending, hide, done func()) {
	w := n.w
	entry.Objects = nil
	entry.Add(widget.NewSeparator())
	name := bold(safetext.Line(p.Name))
	if p.Unreadable {
		name = bold("A note that could not be read")
	}
	name.SizeName = theme.SizeNameSubHeadingText
	entry.Add(name)
	facts := container.New(layout.NewFormLayout())
	if !p.Unreadable { // nothing but its file name is known
		facts.Add(bold("Environment"))
		facts.Add(valuePara(envWords(p.Environment)))
		facts.Add(bold("Started"))
		facts.Add(para(pendingWhen(p)))
	}
	if p.ClientID != "" {
		id := monoPara(safetext.Line(p.ClientID))
		facts.Add(bold("Client ID"))
		facts.Add(container.NewBorder(nil, nil, nil, w.kit.copyButton("Copy", func() string { return p.ClientID }), id))
	}
	if p.Action == credstore.PendingRenew && p.CredentialID != "" {
		facts.Add(bold("Renewed credential"))
		facts.Add(valuePara(p.CredentialID))
	}
	if p.Receipt != "" {
		facts.Add(bold(counterpartFor(p.Environment).receipt()))
		facts.Add(valuePara(p.Receipt))
	}
	entry.Add(facts)
	advice := para(pendingGuidance(p))
	entry.Add(advice)
	status := para("")
	status.Hide()
	entry.Add(status)

	dealt := w.kit.newButtonWithIcon("I've dealt with it", theme.ConfirmIcon(), nil)
	dealt.OnTapped = func() {
		dealt.Disable()
		store, id := w.cfg.Store, p.ID
		w.background(func() func() {
			err := store.ClearPending(id)
			return func() {
				if err != nil {
					dealt.Enable()
					status.SetText(guidance.Sentence("The note could not be removed: " + err.Error()))
					status.Importance = widget.DangerImportance
					status.Show()
					return
				}
				done()
			}
		})
	}
	buttons := container.NewHBox()
	if p.Action == credstore.PendingRenew {
		open := w.kit.newButtonWithIcon("Open Registrations", theme.ListIcon(), func() {
			hide()
			w.registrations.open()
		})
		buttons.Add(open)
	} else if p.ClientID != "" && !journey.IsPractice(p.Environment) {
		check := w.kit.newButtonWithIcon("Check with the ATO", theme.SearchIcon(), nil)
		check.OnTapped = func() { n.checkWithATO(p, check, status, hide) }
		buttons.Add(check)
	}
	buttons.Add(dealt)
	entry.Add(buttons)
}

// checkWithATO asks the ATO about p when this computer kept its token
// (the keychain write finished, only the note was left), else says
// plainly why it cannot.
func (n pendingNotes) checkWithATO(p credstore.Pending, btn *keyButton, status *widget.Label, hide func()) {
	w := n.w
	btn.Disable()
	status.SetText("Checking with the ATO…")
	status.Importance = widget.MediumImportance
	status.Show()
	store := w.cfg.Store
	w.background(func() func() {
		_, _, err := store.Get(context.Background(), p.ClientID)
		return func() {
			btn.Enable()
			if err == nil {
				// Kept after all: the Registrations screen checks it, and
				// the note stays until the user says it is dealt with.
				status.SetText("This registration is saved on this computer: it is being checked on the Registrations screen.")
				hide()
				w.registrations.checkOnLoad = p.ClientID
				w.registrations.open()
				return
			}
			if errors.Is(err, credstore.ErrNotFound) {
				status.SetText("This computer did not keep the registration access token, which the ATO asks for " +
					"before it says anything about a registration, so it cannot be checked from here. To manage it, " +
					"register this installation again, and ask your software provider to remove the old one " +
					"(client ID " + safetext.Line(p.ClientID) + ").")
			} else {
				status.SetText(guidance.Sentence("The keychain could not be read: " + guidance.Text(err)))
				status.Importance = widget.DangerImportance
			}
			status.Refresh()
		}
	})
}

// monoPara is a value shown in a fixed-width font (client ids, keychain
// names), wrapping.
func monoPara(text string) *widget.Label {
	l := para(text)
	l.TextStyle.Monospace = true
	return l
}

// renewGuidance explains a note left by an update with a renewed
// credential (registrar.Renew): the registration exists either way; the
// question is only which certificate the ATO holds.
func renewGuidance(p credstore.Pending) string {
	cp := counterpartFor(p.Environment)
	return "DCR Wizard was updating the registration " + safetext.Line(p.Name) + " (client ID " + safetext.Line(p.ClientID) + ") with a renewed " +
		"credential when it was interrupted or lost " + cp.theirs() + " answer, so " + cp.the() + " may or may not hold the renewed " +
		"certificate now. The registration itself still exists. Open Registrations and press Check it works " +
		"on it with the renewed keystore: if the test works, the update was made (press Update with renewed " +
		"credential once more so that this computer's list names the renewed credential too); if not, press " +
		"Update with renewed credential to try again."
}
