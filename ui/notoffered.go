package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/registrar"
)

// What the Registrations screen offers when the ATO does not offer a
// lifecycle call (registrar.NotOfferedError): the same as the command line.
// Check proves the registration by a sign-in as it (Test the connection);
// rename keeps the new name here only, after a confirmation; remove offers
// Forget (outcomeNotAllowed); renew offers Register again (showRenewed).

// notOfferedOutcome puts a NotOfferedError into plain words; ok is false
// for any other error.
func notOfferedOutcome(err error) (outcome, bool) {
	var no *registrar.NotOfferedError
	if !errors.As(err, &no) {
		return outcome{}, false
	}
	o := notOfferedWords(no.Op)
	if no.Err == nil {
		o.message += " (Your software vendor's setup file says so: nothing was sent.)"
	}
	return o, true
}

func notOfferedWords(op registrar.Op) outcome {
	switch op {
	case registrar.OpRead:
		return outcome{kind: outcomeNotOffered,
			message: "The ATO does not offer reading a registration back, so it cannot say what it holds. This does not mean the registration is gone.",
			action: "Nothing was changed. Do not register again because of this. To prove the registration works, press " +
				"Test the connection: it signs in to the ATO as this registration, as your software would."}
	case registrar.OpUpdate:
		return outcome{kind: outcomeNotOffered,
			message: "The ATO does not offer renaming a registration from here. Nothing was changed at the ATO.",
			action: "The registration still works as before. You can change its name on this computer only: " +
				"the ATO keeps the old one."}
	}
	return outcome{kind: outcomeNotAllowed,
		message: "The ATO does not offer removing registrations from here, so this one still exists at the ATO.",
		action: "This computer keeps its values. Leave it in place (an unused registration does no harm) or have it " +
			"removed by other means. If you no longer want it listed here, you can forget it on this computer " +
			"only — it stays registered at the ATO."}
}

// notOfferedButtons adds what can be done instead.
func (w *Wizard) notOfferedButtons(c *regCard, err error) {
	var no *registrar.NotOfferedError
	if !errors.As(err, &no) {
		return
	}
	box := c.result
	switch no.Op {
	case registrar.OpRead:
		box.Add(container.NewHBox(w.kit.newButtonWithIcon("Test the connection…", theme.ConfirmIcon(), func() { w.askVerify(c) })))
	case registrar.OpUpdate:
		if no.Name == "" {
			return
		}
		name := no.Name
		box.Add(container.NewHBox(w.kit.newButtonWithIcon("Rename on this computer only…", theme.DocumentCreateIcon(),
			func() { w.askRenameHere(c, name) })))
	}
}

// askRenameHere asks before the name is changed here and not at the ATO.
func (w *Wizard) askRenameHere(c *regCard, newName string) {
	if w.registrations.running() {
		return
	}
	old := c.rec.Name
	d := dialog.NewConfirm("Rename on this computer only?",
		"Change the name to “"+newName+"” on this computer only? The ATO does not offer renaming registrations, so "+
			"it keeps the name “"+old+"”. The registration itself is unchanged and still works.",
		func(ok bool) {
			if ok {
				w.renameHere(c, newName)
			}
		}, w.win)
	d.SetConfirmText("Rename here")
	d.SetDismissText("Cancel")
	d.SetConfirmImportance(widget.HighImportance)
	d.Show()
}

func (w *Wizard) renameHere(c *regCard, newName string) {
	id, old := c.rec.ClientID, c.rec.Name
	w.runRegistrationCall(c, actRename, "Renaming “"+old+"” on this computer…",
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			rec, err := r.RenameHere(ctx, id, newName)
			if err != nil {
				return nil, err
			}
			return func() {
				c.rec = rec
				w.fillCard(c)
				c.result.Objects = []fyne.CanvasObject{okPara("Renamed to “" + rec.Name + "” on this computer only. The ATO keeps the name “" + old + "”.")}
				c.result.Refresh()
				w.relayout()
			}, nil
		})
}

// oldCredentialPara tells, after a proven renewal, that RAM left the old
// credential valid: the practice revokes it there once its software works
// with the new one. A rehearsal revoked the practice one already.
func oldCredentialPara(old credstore.Record, practice bool) *widget.Label {
	if practice {
		return para("In a real renewal RAM does not revoke the old credential: you revoke it in RAM once your software " +
			"works with the new one. (This rehearsal revoked the old practice credential for you.)")
	}
	return warnPara(registrar.OldCredentialNote(old))
}

// offered is what the loaded setup file says the ATO offers of RFC 7592
// (everything when none is loaded).
func (w *Wizard) offered() registrar.Offered {
	if s := w.draft.Setup; s != nil {
		return s.Offered
	}
	return registrar.Offered{}
}

// practiceRehearsals are a Practice card's rehearsal buttons: a renewal
// (renew.go), and an ATO that offers no check, rename or remove.
func (w *Wizard) practiceRehearsals(c *regCard, add func(string, fyne.Resource, func())) {
	add("Rehearse a renewal", theme.MediaReplayIcon(), func() { w.rehearseRenewal(c) })
	pr := w.practice.p
	if pr == nil || pr.SetLifecycle == nil {
		return
	}
	label := "Rehearse an ATO without check, rename and remove"
	if pr.lifecycleOff {
		label = "Give the practice ATO check, rename and remove back"
	}
	add(label, theme.WarningIcon(), func() { w.togglePracticeLifecycle(c) })
}

// togglePracticeLifecycle switches the practice simulator's RFC 7592 calls
// (an atomic switch in this process: nothing is sent anywhere).
func (w *Wizard) togglePracticeLifecycle(c *regCard) {
	pr := w.practice.p
	if pr == nil || pr.SetLifecycle == nil || w.registrations.running() {
		return
	}
	pr.lifecycleOff = !pr.lifecycleOff
	pr.SetLifecycle(!pr.lifecycleOff)
	w.fillCard(c)
	msg := "The practice simulator answers again as an ATO that offers check, rename and remove."
	if pr.lifecycleOff {
		msg = "The practice simulator now answers as an ATO that offers no check, rename or remove would (404 and 405). " +
			"Press Check, Rename… or Remove… to see what DCR Wizard does then: nothing is lost, and it offers what can be done instead."
	}
	c.result.Objects = []fyne.CanvasObject{okPara(msg)}
	c.result.Refresh()
	w.relayout()
}
