package ui

// A setup file that names its own addresses (environment "custom") is a
// file from outside telling the wizard where to send the practice's
// signature and its vendor's consumer key: it is used only once the user
// has seen those addresses, marked as not the ATO's, and confirmed on
// purpose — whether it was opened by hand, dropped, given on the command
// line or found beside the program. A sandbox or production file sets only
// built-in ATO addresses and is used at once.

import (
	"errors"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/registrar"
)

// setupConfirm is the question asked about a custom setup file. Use stays
// disabled until the check is ticked, and the focus starts on "Don't use
// it", so Enter alone never accepts the addresses; Tab reaches the check
// (Space ticks it) and then Use.
type setupConfirm struct {
	d       *dialog.CustomDialog
	checked *keyCheck
	use     *keyButton
	cancel  *keyButton
}

// ask asks about s; done gets the answer once.
func (st *setupState) ask(s *registrar.Setup, done func(ok bool)) *setupConfirm {
	w := st.w
	sc := &setupConfirm{}
	answered := false
	answer := func(ok bool) {
		if answered {
			return
		}
		answered = true
		sc.d.Hide()
		done(ok)
	}
	sc.use = w.kit.newButtonWithIcon("Use these addresses", theme.ConfirmIcon(), func() { answer(true) })
	sc.use.Importance = widget.DangerImportance
	sc.use.Disable()
	sc.use.onEscape = func() { answer(false) }
	sc.cancel = w.kit.newButtonWithIcon("Don't use this file", theme.CancelIcon(), func() { answer(false) })
	sc.cancel.onEscape = func() { answer(false) }
	// The notice above it names the vendor; the box's label does not, as
	// a check box's label does not wrap and the file's vendor name (up to
	// 100 characters) made the dialog wider than the window.
	sc.checked = w.kit.newCheck("I have checked with the vendor named above that these are their addresses", func(on bool) {
		if on {
			sc.use.Enable()
		} else {
			sc.use.Disable()
		}
	})
	sc.checked.onEnter = func() {} // Enter never accepts: the box is ticked with Space or a click
	sc.checked.onEscape = func() { answer(false) }

	// The notice (it names the hosts) and the box stay in view above the
	// buttons on a small screen (1024x600 at 125 %); the details scroll.
	notice, rows := warnPara(s.AddressNotice()), setupAddressRows(s)
	want := dialogSizeFor(container.NewVBox(notice, rows, sc.checked), 620)
	content := container.NewBorder(notice, sc.checked, nil, nil, container.NewVScroll(rows))
	sc.d = dialog.NewCustomWithoutButtons("Addresses that are not the ATO's", content, w.win)
	sc.d.SetButtons([]fyne.CanvasObject{sc.cancel, sc.use})
	sc.d.SetOnClosed(func() { answer(false) })
	sc.d.Resize(w.kit.fitDialog(want))
	sc.d.Show()
	w.win.Canvas().Focus(sc.cancel)
	return sc
}

// setupAddressRows lists where the file sends what, with the file's name.
func setupAddressRows(s *registrar.Setup) fyne.CanvasObject {
	box := container.NewVBox()
	row := func(label, value string) {
		box.Add(bold(label))
		box.Add(para(value))
	}
	row("Setup file", filepath.Base(s.Path)+" (from "+s.Vendor.Name+", for "+s.Vendor.Product+")")
	row("Token endpoint (signs in with your credential)", s.Env.TokenURL)
	row("Registration endpoint (receives the consumer key)", s.Env.RegistrationURL)
	if s.HeartbeatURL != "" {
		row("Heartbeat (tests the new registration)", s.HeartbeatURL)
	}
	if s.CACount > 0 {
		row("Extra trusted CA", fmt.Sprintf("%d certificate(s) from the file, trusted for these addresses only", s.CACount))
	}
	return box
}

// arrived is a file read and checked: a custom one is asked about first
// (loaded); it reports whether it handled s.
func (st *setupState) arrived(gen int, s *registrar.Setup) bool {
	if !s.NeedsConfirmation() {
		return false
	}
	st.confirm = st.ask(s, func(ok bool) {
		st.confirm = nil
		if gen != st.gen {
			return // another file was chosen meanwhile
		}
		if ok {
			st.use(s)
			return
		}
		st.busy = false
		st.err = errors.New("The setup file " + filepath.Base(s.Path) + " was not used: you chose not to use its addresses.")
		st.refresh()
	})
	return true
}
