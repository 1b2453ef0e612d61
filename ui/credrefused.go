package ui

import "fyne.io/fyne/v2"

// revealCredentialList scrolls the Credential page, once a file is open
// and no credential could be chosen by itself, to its first refused one (its name, badge and reason), else to
// the list: on a small or scaled screen the list starts below the fold,
// and a refusal nobody sees looks like a page that will not go on.
func (w *Wizard) revealCredentialList() {
	p := &w.credential
	if w.step != stepCredential || p.store == nil || len(p.list.Objects) == 0 || p.selected >= 0 {
		return // a credential chosen by itself needs nothing: the page stays at its top
	}
	target := fyne.CanvasObject(p.list)
	now := w.now()
	for i, c := range p.store.Credentials {
		// The list is a heading, then one row per credential.
		if !c.Verdict(now).OK() && i+1 < len(p.list.Objects) {
			target = p.list.Objects[i+1]
			break
		}
	}
	w.revealFocused(target)
}
