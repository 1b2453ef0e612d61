package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/registrar"
)

// What the Registrations screen offers when the ATO does not offer a
// lifecycle call (registrar.NotOfferedError): the same as the command line.
// Check it works proves the registration by its sign-in alone;
// rename keeps the new name here only, after a confirmation; remove offers
// Forget (outcomeNotAllowed); renew offers Register again (showRenewed).

// notOfferedOutcome puts a NotOfferedError into plain words; ok is false
// for any other error.
func notOfferedOutcome(err error, cp counterpart) (outcome, bool) {
	var no *registrar.NotOfferedError
	if !errors.As(err, &no) {
		return outcome{}, false
	}
	o := notOfferedWords(no.Op, cp)
	if no.Err == nil {
		o.message += " (Your software vendor's setup file says so: nothing was sent.)"
	}
	return o, true
}

func notOfferedWords(op registrar.Op, cp counterpart) outcome {
	switch op {
	case registrar.OpRead:
		return outcome{kind: outcomeNotOffered,
			message: cp.The() + " does not offer reading a registration back, so it cannot say what it holds. This does not mean the registration is gone.",
			action: "Nothing was changed. Do not register again because of this. To prove the registration works, press " +
				"Check it works: it signs in to " + cp.the() + " as this registration, as your software would."}
	case registrar.OpUpdate:
		return outcome{kind: outcomeNotOffered,
			message: cp.The() + " does not offer renaming a registration from here. Nothing was changed at " + cp.the() + ".",
			action: "The registration still works as before. You can change its name on this computer only: " +
				cp.the() + " keeps the old one."}
	}
	return outcome{kind: outcomeNotAllowed,
		message: cp.The() + " does not offer removing registrations from here, so this one still exists at " + cp.the() + ".",
		action: "This computer keeps its values. Leave it in place (an unused registration does no harm) or have it " +
			"removed by other means. If you no longer want it listed here, you can forget it on this computer " +
			"only — it stays registered at " + cp.the() + "."}
}

// notOfferedButtons adds what can be done instead.
func (c *regCard) notOfferedButtons(err error) {
	var no *registrar.NotOfferedError
	if !errors.As(err, &no) {
		return
	}
	box, w := c.result, c.p.w
	switch no.Op {
	case registrar.OpRead:
		box.Add(container.NewHBox(w.kit.newButtonWithIcon("Check it works…", theme.ConfirmIcon(), c.askCheck)))
	case registrar.OpUpdate:
		if no.Name == "" {
			return
		}
		name := no.Name
		box.Add(container.NewHBox(w.kit.newButtonWithIcon("Rename on this computer only…", theme.DocumentCreateIcon(),
			func() { c.askRenameHere(name) })))
	}
}

// askRenameHere asks before the name is changed here and not at the ATO.
func (c *regCard) askRenameHere(newName string) {
	if c.p.running() {
		return
	}
	old := c.rec.Name
	c.p.w.kit.confirm("Rename on this computer only?",
		para("Change the name to “"+newName+"” on this computer only? "+c.cp().The()+" does not offer renaming registrations, so "+
			"it keeps the name “"+old+"”. The registration itself is unchanged and still works."),
		"Rename here", "Cancel", func() { c.renameHere(newName) })
}

func (c *regCard) renameHere(newName string) {
	id, old, cp := c.rec.ClientID, c.rec.Name, c.cp()
	c.p.run(c, actRename, "Renaming “"+old+"” on this computer…",
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			rec, err := r.RenameHere(ctx, id, newName)
			if err != nil {
				return nil, err
			}
			return func() {
				c.rec = rec
				c.fill()
				c.say(okPara("Renamed to “" + rec.Name + "” on this computer only. " + cp.The() + " keeps the name “" + old + "”."))
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

// practiceRehearsals are a Practice card's rehearsal buttons: a renewal
// (renew.go), and an ATO that offers no check, rename or remove.
func (c *regCard) practiceRehearsals() []action {
	acts := []action{{"Rehearse a renewal", theme.MediaReplayIcon(), renewal{c}.rehearse}}
	pr := c.p.w.practice.p
	if pr == nil || pr.SetLifecycle == nil {
		return acts
	}
	label := "Rehearse an ATO without check, rename and remove"
	if pr.lifecycleOff {
		label = "Give the practice ATO check, rename and remove back"
	}
	return append(acts, action{label, theme.WarningIcon(), c.togglePracticeLifecycle})
}

// togglePracticeLifecycle switches the practice simulator's RFC 7592 calls
// (an atomic switch in this process: nothing is sent anywhere).
func (c *regCard) togglePracticeLifecycle() {
	pr := c.p.w.practice.p
	if pr == nil || pr.SetLifecycle == nil || c.p.running() {
		return
	}
	pr.lifecycleOff = !pr.lifecycleOff
	pr.SetLifecycle(!pr.lifecycleOff)
	c.fill()
	msg := "The practice simulator answers again as an ATO that offers check, rename and remove."
	if pr.lifecycleOff {
		msg = "The practice simulator now answers as an ATO that offers no check, rename or remove would (404 and 405). " +
			"Press Check it works, Rename… or Remove… to see what DCR Wizard does then: nothing is lost, and it offers what can be done instead."
	}
	c.say(okPara(msg))
}
