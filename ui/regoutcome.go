package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/guidance"
	"dcrwizard/registrar"
)

// A call on a registration that did not succeed: why, in plain words, and
// what can be done now.

// outcomeKind sorts a failed call by what the user can do next.
type outcomeKind int

const (
	outcomeFailed       outcomeKind = iota // try again later, or ask for help
	outcomeGone                            // the ATO no longer knows it (401/404): offer Forget
	outcomeRefused                         // the ATO refused (403)
	outcomeNotAllowed                      // removal not allowed here (405): offer Forget, separately
	outcomeNotStored                       // a rotated token the keychain did not keep
	outcomeMissingLocal                    // this computer lost its values: offer Forget
	outcomeCancelled
	outcomeNotOffered // the ATO does not offer the call: what can be done instead (notoffered.go)
)

type outcome struct {
	kind            outcomeKind
	message, action string
	receipt         string
	notStored       *credstore.NotStoredError
}

// lifecycleOutcome puts a failed call into plain words; cp is who answered.
func lifecycleOutcome(act lifeAction, err error, cp counterpart) outcome {
	var ns *credstore.NotStoredError
	if errors.As(err, &ns) {
		return outcome{kind: outcomeNotStored, message: guidance.Text(ns), notStored: ns}
	}
	var fe *flow.Error
	errors.As(err, &fe)
	receipt := ""
	if fe != nil {
		receipt = fe.Receipt
	}
	if o, ok := notOfferedOutcome(err, cp); ok {
		o.receipt = receipt
		return o
	}
	if errors.Is(err, registrar.ErrRemovalNotAllowed) {
		return outcome{kind: outcomeNotAllowed, receipt: receipt,
			message: cp.The() + " does not allow removing registrations from here, so this one still exists at " + cp.the() + ".",
			action: "This computer keeps its values. To have it removed, contact " + cp.the() + "; or leave it: an unused " +
				"registration does no harm. If you no longer want it listed here, you can forget it on this computer " +
				"only — it stays registered at " + cp.the() + "."}
	}
	var nf *credstore.NotFoundError
	if errors.As(err, &nf) && nf.Item != "" {
		msg, _ := cp.errorWords(nf)
		return outcome{kind: outcomeMissingLocal, message: msg,
			action: "Without it this computer cannot ask " + cp.the() + " about this registration. If you have the values " +
				"somewhere else, your software can still use them; otherwise forget it here and register again if needed."}
	}
	if fe != nil {
		if o, ok := refusedOutcome(act, err, fe, cp); ok {
			o.receipt = receipt
			return o
		}
	}
	msg, action := cp.errorWords(err)
	return outcome{kind: outcomeFailed, message: msg, action: action, receipt: receipt}
}

// refusedOutcome is a cancelled call, or one the ATO answered with 401,
// 403 or 404.
func refusedOutcome(act lifeAction, err error, fe *flow.Error, cp counterpart) (outcome, bool) {
	switch {
	case fe.Kind == flow.KindCancelled || errors.Is(err, context.Canceled):
		return outcome{kind: outcomeCancelled, message: cancelledWords(act)}, true
	case fe.Status == 401 || fe.Status == 404:
		return outcome{kind: outcomeGone,
			message: cp.The() + " no longer knows this registration.",
			action: "It was probably removed at " + cp.the() + " (in " + cp.the() + " portal or from another computer), or another " +
				"program replaced its access token. Nothing was changed on this computer. If this installation still " +
				"needs to connect to " + cp.the() + ", register it again; if not, forget it here."}, true
	case fe.Status == 403:
		return outcome{kind: outcomeRefused,
			message: cp.The() + " refused this request for this registration. Nothing was changed.",
			action: cp.The() + " does not allow this for this registration. If you need it, contact " + cp.the() +
				" with the receipt number below, if there is one."}, true
	}
	return outcome{}, false
}

// cancelledWords says what a cancelled call may have left behind.
func cancelledWords(act lifeAction) string {
	switch act {
	case actCheck:
		return "You cancelled the check. Nothing was changed."
	case actRename, actRemove:
		return "You stopped waiting. If the request had already reached the ATO, the change may have been made there: " +
			"press Check it works, whose technical details show what the ATO holds."
	case actForget:
		return "You stopped waiting. The list below shows whether it was forgotten."
	case actRenew:
		return "You stopped waiting. If the update had already reached the ATO, it may have been made there: press " +
			"Check it works and choose the renewed keystore to find out before trying again."
	case actAgain:
		return "You stopped waiting. If the request had already reached the ATO, a new registration may have been made: " +
			"the list below shows it if it was stored; otherwise the note about unfinished registrations says what to check."
	case actRehearse:
		return "You cancelled. If a renewed practice credential was made, it is in the practice folder."
	}
	return "You cancelled the export. If the file was written all the same, it holds the secret: delete it if you do not need it."
}

// showOutcome shows why a call did not succeed and what can be done now.
func (c *regCard) showOutcome(act lifeAction, err error) {
	cp := c.cp()
	o := lifecycleOutcome(act, err, cp)
	if o.kind == outcomeNotStored {
		c.showNotStoredToken(o.notStored)
		return
	}
	box := c.result
	box.Objects = nil
	box.Add(errPara(o.message))
	if o.action != "" {
		box.Add(para(o.action))
	}
	if o.receipt != "" {
		box.Add(para(cp.receipt() + ": " + o.receipt))
	}
	w := c.p.w
	switch o.kind {
	case outcomeGone, outcomeMissingLocal:
		box.Add(container.NewHBox(w.kit.newButtonWithIcon("Forget on this computer…", theme.DeleteIcon(),
			func() { c.askForget(false) })))
	case outcomeNotAllowed:
		box.Add(container.NewHBox(w.kit.newButtonWithIcon("Forget on this computer only…", theme.DeleteIcon(),
			func() { c.askForget(true) })))
	case outcomeNotOffered:
		c.notOfferedButtons(err)
	}
	box.Refresh()
	w.relayout()
}

// showNotStoredToken shows a rotated token the keychain did not keep, with
// Copy buttons, as the Done step does for a whole registration.
func (c *regCard) showNotStoredToken(ns *credstore.NotStoredError) {
	p, w, cp := c.p, c.p.w, c.cp()
	id := c.rec.ClientID
	p.unkept[id] = true
	grid := container.New(layout.NewFormLayout())
	v := ns.Values
	if v.ClientID == "" {
		v.ClientID = id
	}
	if v.RegistrationClientURI == "" {
		v.RegistrationClientURI = c.rec.RegistrationClientURI
	}
	valueRow(w, grid, "Client ID", v.ClientID, v.ClientID)
	tok := v.RegistrationAccessToken
	grid.Add(bold("Registration access token"))
	tokCopy := w.kit.copyButton("Copy", func() string { return tok })
	copied := tokCopy.OnTapped
	tokCopy.OnTapped = func() {
		copied()
		delete(p.unkept, id)
	}
	shown := para(maskSecret(tok))
	shown.TextStyle.Monospace = true
	grid.Add(container.NewBorder(nil, nil, nil, tokCopy, shown))
	valueRow(w, grid, "Registration client URI", v.RegistrationClientURI, v.RegistrationClientURI)
	c.say(
		errPara(cp.The()+" issued a new registration access token, but it could not be saved: the old one no longer works. "+
			guidance.Words(ns)),
		warnPara("The token is a secret: anyone who has it can change or delete this registration. Copy it now "+
			"into your software or somewhere safe. Once the keychain works again, DCR Wizard can keep it again: your "+
			"support contact can hand it back with the command dcrwizard restore "+id+" (it checks the token with "+cp.the()+" first)."),
		grid)
}
