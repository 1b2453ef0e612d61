package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"

	"dcrwizard/internal/safetext"
	"dcrwizard/internal/winpaths"
	"dcrwizard/setupfile"
)

// Fyne's file dialogs live inside the window: size them to it, or they open
// too small to use.
func (k *kit) dialogSize() fyne.Size {
	return k.win.Canvas().Size().SubtractWidthHeight(dialogMargin, dialogMargin)
}

// fitDialog is want, made no larger than the window: a dialog larger than
// its window makes the window grow past the screen on small or scaled
// screens.
func (k *kit) fitDialog(want fyne.Size) fyne.Size {
	return want.Min(k.dialogSize())
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

// defaultKeystoreFolder is where the ATO's Relationship Authorisation
// Manager (RAM) keeps machine credentials on this computer, or "" (set by
// the platform's finder where there is one).
var defaultKeystoreFolder = func() string { return "" }

// fileDialogText is the title and filter name for a dialog offering exts.
func fileDialogText(exts []string) (title, filter string) {
	has := func(e string) bool {
		for _, x := range exts {
			if x == e {
				return true
			}
		}
		return false
	}
	switch {
	case has(".xml"):
		return "Choose your M2M credential file", "M2M credential files"
	case has(".key"):
		return "Choose the other file of the certificate and key", "Certificate and key files"
	case has(setupfile.Extension):
		return "Choose the setup file from your software vendor", "DCR Wizard setup files"
	}
	return "Choose the certificate (CA) file", "Certificate files"
}

// showFileDialog shows the system's dialog for req, else Fyne's (fallback
// calls it); pick gets the path, not called on Cancel. The system dialog
// blocks, so it runs off the UI goroutine.
func (k *kit) showFileDialog(req fileRequest, fallback func(), pick func(path string)) {
	native := k.nativeFile
	if native == nil {
		h, ok := nativeHandle(k.win)
		if !ok {
			fallback() // tests, and drivers without native windows
			return
		}
		req.parent, native = h, systemFileDialog
	}
	k.background(func() func() {
		path, err := native(req)
		return func() {
			switch {
			case errors.Is(err, errNoNativeDialog):
				fallback()
			case err != nil:
				k.tell("The file dialog did not open", para("The system's file dialog failed ("+safetext.Line(err.Error())+
					"). Try again; a file can also be dragged onto this window."))
			case path != "":
				pick(path)
			}
		}
	})
}

// openFileDialog asks for an existing file with one of exts, starting in dir
// when it is set (else RAM's keystore folder, else Documents); pick gets
// its path (not called when the user cancels).
func (k *kit) openFileDialog(exts []string, dir string, pick func(path string)) {
	dir = startFolder(dir, defaultKeystoreFolder())
	title, name := fileDialogText(exts)
	k.showFileDialog(fileRequest{title: title, dir: dir, filter: fileFilter{name: name, exts: exts}},
		func() { k.fyneOpenDialog(exts, dir, pick) }, pick)
}

// saveFileDialog asks where to write a file, suggesting name in Documents;
// pick gets the path (not called when the user cancels).
func (k *kit) saveFileDialog(name string, pick func(path string)) {
	// Inside the user's profile, not wherever the last dialog was: on
	// Windows the file takes the ACL of its folder (credstore/LAYOUT.md).
	dir := startFolder(winpaths.ExportFolder())
	k.showFileDialog(fileRequest{title: "Save the values to a file", save: true, dir: dir, name: name,
		filter: fileFilter{name: "JSON files", exts: []string{".json"}}},
		func() { k.fyneSaveDialog(name, dir, pick) }, pick)
}

// fyneSaveDialog is Fyne's own Save dialog, sized to the window.
func (k *kit) fyneSaveDialog(name, dir string, pick func(path string)) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			k.tell("The file could not be chosen", para("The file dialog failed ("+safetext.Line(err.Error())+"). Try again."))
			return
		}
		if wc == nil {
			return // cancelled
		}
		path := wc.URI().Path()
		_ = wc.Close()
		pick(path)
	}, k.win)
	d.SetFileName(name)
	if dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(k.dialogSize())
	d.Show()
}
