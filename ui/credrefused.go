package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// revealList scrolls the Credential page, once a file is open
// and no credential could be chosen by itself, to its first refused one
// (its name, badge and reason), else to the list: on a small or scaled
// screen the list starts below the fold, and a refusal nobody sees looks
// like a page that will not go on.
func (p *credentialPage) revealList() {
	w := p.w
	sc, ok := w.views[stepCredential].(*container.Scroll)
	if !ok || w.step != stepCredential || p.store == nil || len(p.list.Objects) == 0 || p.selected() >= 0 {
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
	// The rows are new: the desktop driver knows no position for them
	// until they are drawn, so it is worked out from the layout, and the
	// content sized to its new height first (else the scroll clamps the
	// offset to the old, shorter content).
	sc.Content.Resize(fyne.NewSize(sc.Content.Size().Width, max(sc.Content.MinSize().Height, sc.Size().Height)))
	top, found := positionIn(sc.Content, target)
	if !found {
		return
	}
	pad := theme.Padding() * 2
	off := top.Y - pad // the row's start: its name first
	if end := top.Y + target.Size().Height + pad; end-off < sc.Size().Height {
		off = max(end-sc.Size().Height, 0) // all of it fits: just enough to show its end
		if off > top.Y-pad {
			off = top.Y - pad
		}
	}
	sc.Offset.Y = min(max(off, 0), max(sc.Content.MinSize().Height-sc.Size().Height, 0))
	sc.Refresh()
}

// positionIn is o's position inside root, found through containers.
func positionIn(root, o fyne.CanvasObject) (fyne.Position, bool) {
	if root == o {
		return fyne.Position{}, true
	}
	c, ok := root.(*fyne.Container)
	if !ok {
		return fyne.Position{}, false
	}
	for _, child := range c.Objects {
		if pos, found := positionIn(child, o); found {
			return child.Position().Add(pos), true
		}
	}
	return fyne.Position{}, false
}
