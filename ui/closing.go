package ui

import (
	"fyne.io/fyne/v2"
)

// closeRequested guards the values the ATO returned but the keychain did
// not keep: closing would lose them for good.
func (w *Wizard) closeRequested() {
	if w.review.running() {
		w.review.askCloseWhileRegistering()
		return
	}
	if w.registrations.held.Load() > 0 {
		// A Cancel does not stop a request already sent (flow: its answer
		// may carry a new registration access token, kept first); closing
		// would end the process before that.
		w.kit.ask("Close before the ATO has answered?",
			para("A request about a registration was sent to the ATO and its answer has not come yet. The ATO may "+
				"send a new registration access token with it, which DCR Wizard keeps as soon as it arrives (within "+
				"a few seconds). If you close now, that token would be lost and the registration could no longer "+
				"be managed from this computer."),
			"Close anyway", "Wait for the answer", w.win.Close, nil)
		return
	}
	if w.registrations.unkeptTokens() {
		w.kit.ask("Close without keeping the new token?",
			para("The ATO issued a new registration access token that could not be saved to the keychain, and the old "+
				"one no longer works. If you close now without copying it, the registration can no longer be managed "+
				"from this computer."),
			"Close anyway", "Keep the window open", w.win.Close, nil)
		return
	}
	if !w.done.unkeptValues() {
		w.win.Close()
		return
	}
	w.kit.ask("Close without keeping the values?",
		para("The ATO registered this instance, but the values could not be saved to the keychain. If you close "+
			"now without copying or saving them, the registration can no longer be managed from this computer."),
		"Close anyway", "Keep the window open", w.win.Close, nil)
}

// cancelRegistrationCall stops waiting at once; the request ends with its
// context.
func (w *Wizard) cancelRegistrationCall() {
	p := &w.registrations
	if !p.running() {
		return
	}
	p.cancel()
	p.cancel = nil
	p.gen++ // the call's result no longer applies, except a lost token
	if c := p.byID[p.busyID]; c != nil {
		c.result.Objects = []fyne.CanvasObject{warnPara(cancelledWords(p.busyAct))}
		c.result.Refresh()
	}
	p.drawBusy()
}
