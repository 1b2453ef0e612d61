package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
)

// Fyne's file dialogs live inside the window: size them to it, or they open
// too small to use.
func (w *Wizard) dialogSize() fyne.Size {
	return w.win.Canvas().Size().SubtractWidthHeight(dialogMargin, dialogMargin)
}

// fitDialog is want, made no larger than the window: a dialog larger than
// its window makes the window grow past the screen on small or scaled
// screens.
func (w *Wizard) fitDialog(want fyne.Size) fyne.Size {
	return want.Min(w.dialogSize())
}

// dialogSizeFor is the size of a dialog of the given width holding
// content: wrapping text is measured at that width (its minimum height at
// no width would make the dialog as tall as the window).
func dialogSizeFor(content fyne.CanvasObject, width float32) fyne.Size {
	inner := width - 2*theme.Padding() - 2*theme.InnerPadding()
	content.Resize(fyne.NewSize(inner, content.MinSize().Height))
	// Title and button rows, and the dialog's own padding.
	return fyne.NewSize(width, content.MinSize().Height+dialogChrome)
}

// openFileDialog asks for an existing file with one of exts, starting in dir
// when it is set; pick gets its path (not called when the user cancels).
func (w *Wizard) openFileDialog(exts []string, dir string, pick func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, w.win)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		_ = r.Close()
		pick(path)
	}, w.win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	if dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(w.dialogSize())
	d.Show()
}

// saveFileDialog asks where to write a file, suggesting name; pick gets the
// path (not called when the user cancels).
func (w *Wizard) saveFileDialog(name string, pick func(path string)) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, w.win)
			return
		}
		if wc == nil {
			return // cancelled
		}
		path := wc.URI().Path()
		_ = wc.Close()
		pick(path)
	}, w.win)
	d.SetFileName(name)
	d.Resize(w.dialogSize())
	d.Show()
}
