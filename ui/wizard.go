// Package ui is the DCR Wizard window: a step-by-step Fyne wizard for people
// who never open a terminal. It does no HTTP or cryptography itself: it calls
// m2m.Open, registrar and credstore from goroutines and applies their results
// on the UI goroutine through one helper (see async.go).
package ui

import (
	"fmt"
	"image/color"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/flow"
	"dcrwizard/registrar"
	"dcrwizard/ui/journey"
)

// Preference keys. The password is never stored.
const (
	prefKeystorePath = "lastKeystorePath"
	prefEnvironment  = "environment"
)

// Wizard is the window: it navigates between the pages and offers them its
// services. What the user has chosen is the draft; each page draws it.
type Wizard struct {
	cfg Config
	app fyne.App
	win fyne.Window
	bg  sync.WaitGroup // background jobs still running (tests wait for them)
	kit kit            // makes controls and dialogs (kit.go)

	// draft is the registration being put together and the mode
	// (Practice): the one place the user's choices live.
	draft journey.Draft

	step     step
	heading  *widget.RichText
	banner   *fyne.Container // Practice's, under the heading (practice.go)
	body     *fyne.Container
	hint     *widget.Label
	backBtn  *keyButton
	nextBtn  *keyButton
	closeBtn *keyButton // on Done, where Next was: the wizard's "Finish"
	footer   *fyne.Container
	// steps are the pages; views their scrolls on screen, boxes the
	// scrolls' contents (ensurePage).
	steps [stepRegistrations + 1]page
	views [stepRegistrations + 1]fyne.CanvasObject
	boxes [stepRegistrations + 1]*fyne.Container

	welcome     welcomePage
	credential  credentialPage
	environment environmentPage
	details     detailsPage
	review      reviewPage
	done        donePage

	registrations registrationsPage

	practice practiceState
	setup    setupState // a vendor's setup file (setup.go)

	closeOnce sync.Once
	built     [stepRegistrations + 1]bool // pages made so far (ensurePage)
}

// ensurePage builds step s's page the first time it is needed: when it is
// shown, or when something must change it before (a dropped file, a setup
// file, Practice's demo credential). Tests reach pages the same way.
func (w *Wizard) ensurePage(s step) {
	if s < 0 || int(s) >= len(w.built) || w.built[s] {
		return
	}
	w.built[s] = true // before building: a builder may refresh its own page
	box := w.steps[s].build()
	// In a scroll, so that long pages scroll instead of growing the window.
	w.boxes[s] = box
	w.views[s] = container.NewVScroll(container.NewPadded(box))
}

// pageBuilt reports whether s's page exists yet: refreshes of a page not
// built can be skipped, its builder starts from the current state.
func (w *Wizard) pageBuilt(s step) bool { return w.built[s] }

// New builds the wizard window on a. Call it on the UI goroutine.
func New(a fyne.App, cfg Config) *Wizard {
	cfg = cfg.withDefaults()
	w := &Wizard{cfg: cfg, app: a}
	w.welcome.w, w.credential.w, w.environment.w, w.details.w = w, w, w, w
	w.setup.w, w.practice.w, w.registrations.w = w, w, w
	w.review.w, w.done.w = w, w
	w.draft.Name = cfg.DefaultName
	restoreEnvironment(&w.draft, a.Preferences(), cfg.Environments)
	w.steps = [...]page{
		stepWelcome:       &w.welcome,
		stepCredential:    &w.credential,
		stepEnvironment:   &w.environment,
		stepDetails:       &w.details,
		stepReview:        &w.review,
		stepDone:          &w.done,
		stepRegistrations: &w.registrations,
	}
	a.Settings().SetTheme(newWizardTheme(a.Settings().Theme()))
	if cfg.Icon != nil {
		a.SetIcon(cfg.Icon) // the window takes the app's: setting both decodes it twice
	}
	w.win = a.NewWindow(cfg.Title)
	w.kit = newKit(w)

	w.heading = widget.NewRichText(&widget.TextSegment{Style: widget.RichTextStyleHeading})
	w.hint = widget.NewLabel("")
	w.hint.Wrapping = fyne.TextWrapWord
	w.hint.Importance = widget.MediumImportance
	w.backBtn = w.kit.newButtonWithIcon("Back", theme.NavigateBackIcon(), w.back)
	w.nextBtn = w.kit.newButtonWithIcon("Next", theme.NavigateNextIcon(), w.next)
	w.nextBtn.Importance = widget.HighImportance
	w.nextBtn.freshPress = true // a held Enter's repeats never press Register (focus.go)
	w.nextBtn.IconPlacement = widget.ButtonIconTrailingText
	// Close asks first when values are unkept, as the window's own close
	// button does. It is not bound to Enter: a stray key must not close.
	w.closeBtn = w.kit.newButton("Close", w.closeRequested)

	w.banner = container.NewStack() // Practice's banner, made when first needed (drawFrame)
	w.banner.Hide()
	w.setup.build() // before the pages that show it
	// Only the first page now: the others are built when first needed
	// (ensurePage), so the window opens as fast as a bare one (issue 20).
	w.ensurePage(stepWelcome)

	w.body = container.NewStack()
	w.footer = container.NewBorder(nil, nil, w.backBtn, container.NewHBox(w.nextBtn, w.closeBtn), w.hint)
	top := container.NewVBox(w.heading, w.banner, widget.NewSeparator())
	bottom := container.NewVBox(widget.NewSeparator(), w.footer)
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(minWindowSize)
	// The frame's parts in reading order, heading and Practice's banner first:
	// Tab follows the container's order, not the layout's.
	frame := container.New(layout.NewBorderLayout(top, bottom, nil, nil), top, w.body, bottom)
	content := container.NewStack(spacer, frame)
	// The size first, then the content: Fyne lays new content out at the
	// window's size, so Welcome's text is wrapped once, at the size the
	// window opens with, not at the minimum first and again when it appears.
	w.win.SetContent(canvas.NewRectangle(color.Transparent))
	w.win.Resize(w.startSize())
	w.win.SetContent(content)

	w.win.Canvas().SetOnTypedKey(w.typedKey)
	w.win.SetOnDropped(w.dropped)
	w.win.SetCloseIntercept(w.closeRequested)
	w.win.SetOnClosed(w.shutdown)

	w.show(stepWelcome)
	w.registrations.start(w) // the first screen is about this computer's registrations, if any
	pendingNotes{w}.check()
	w.setup.start()
	return w
}

// startSize is the preferred start size, shrunk to fit the screen.
func (w *Wizard) startSize() fyne.Size {
	area := w.cfg.workArea
	if area == nil {
		area = func() (fyne.Size, bool) { return screenWorkArea(w.app, w.win) }
	}
	if work, ok := area(); ok {
		return fitStartSize(startWindowSize, work)
	}
	return startWindowSize
}

// Window is the wizard's window.
func (w *Wizard) Window() fyne.Window { return w.win }

// ShowAndRun shows the window and runs the app until it closes.
func (w *Wizard) ShowAndRun() { w.win.ShowAndRun() }

// now is the configured clock.
func (w *Wizard) now() time.Time { return w.cfg.Now() }

// show switches to page s and moves the focus to its first field.
func (w *Wizard) show(s step) {
	w.ensurePage(s)
	if s != stepReview {
		w.review.cool() // pre-made connections are for Review's Register only
	}
	w.step = s
	w.drawFrame()
	w.body.Objects = []fyne.CanvasObject{w.views[s]}
	if sc, ok := w.views[s].(*container.Scroll); ok {
		sc.Offset = fyne.Position{} // every page opens at its top, heading first
	}
	w.body.Refresh()
	w.steps[s].shown()
	w.refreshNav()
	c := w.win.Canvas()
	c.Unfocus()
	if f := w.steps[s].focus(); f != nil {
		c.Focus(f)
	}
}

// drawFrame draws what is round the page: the heading, which says when
// this is Practice, and Practice's banner.
func (w *Wizard) drawFrame() {
	s := w.step
	heading := stepHeading(s)
	if s == stepDone && w.done.title != "" {
		heading = fmt.Sprintf("Step %d of %d — %s", int(s), numberedSteps, w.done.title)
	}
	if w.draft.Practising() && s != stepRegistrations {
		heading = "Practice — " + heading
	}
	w.heading.Segments[0].(*widget.TextSegment).Text = heading
	w.heading.Refresh()
	if on := w.draft.Practising(); on != w.banner.Visible() {
		if on && len(w.banner.Objects) == 0 {
			w.banner.Objects = []fyne.CanvasObject{w.practice.buildBanner()}
		}
		setShown(w.banner, on)
		if c := w.win.Content(); c != nil {
			c.Refresh() // the frame lays out again round the banner's height
		}
	}
}

// redraw draws the frame and the page on screen again from the draft,
// after a change made elsewhere (Practice left, a setup file loaded),
// without moving the focus.
func (w *Wizard) redraw() {
	if w.body == nil {
		return // still being made: show draws it
	}
	w.drawFrame()
	w.steps[w.step].shown()
	w.refreshNav()
}

// places are where the draft can go: the configured places and, once it
// runs, Practice's simulator.
func (w *Wizard) places() journey.Places {
	pl := journey.Places{Presets: w.cfg.Environments}
	if p := w.practice.p; p != nil {
		pl.Practice = p.Env
	}
	return pl
}

// currentEnv is the environment the draft goes to.
func (w *Wizard) currentEnv() (flow.Environment, bool) { return w.draft.Env(w.places()) }

// input is what Register sends and the CA file to trust, from the draft
// alone (through registrar.ApplySetup when a setup file is in use).
func (w *Wizard) input() (registrar.Input, string, error) {
	return w.draft.Input(w.places(), w.practice.key(), w.cfg.Store.Dir())
}

// refreshNav enables Next only when the current step is complete and says
// why it is not.
func (w *Wizard) refreshNav() {
	problem := w.steps[w.step].problem()
	w.hint.SetText(problem)
	running := w.review.running()
	switch w.step {
	case stepWelcome:
		w.backBtn.Hide()
	case stepDone:
		w.backBtn.Hide()
	default:
		w.backBtn.Show()
	}
	if w.step == stepRegistrations {
		running = w.registrations.running()
		if w.registrations.first() {
			w.backBtn.Hide() // the window's first screen: nothing behind it
		}
	}
	for _, b := range []*keyButton{w.backBtn, w.practice.leaveBtn} {
		if b == nil {
			continue // the banner is not made yet
		}
		if running {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if w.step == stepDone {
		w.closeBtn.Show()
		w.closeBtn.Importance = widget.MediumImportance
		if r := w.done.res; r != nil && r.Stored && !journey.IsPractice(r.Record.Environment) {
			// Finished: nothing left to do here. After Practice, "Now
			// register for real" is the one primary button.
			w.closeBtn.Importance = widget.HighImportance
		}
		w.closeBtn.Refresh()
	} else {
		w.closeBtn.Hide()
	}
	switch w.step {
	case stepDone, stepRegistrations:
		w.nextBtn.Hide()
	case stepReview:
		w.nextBtn.Show()
		w.nextBtn.SetText("Register")
		w.nextBtn.SetIcon(theme.ConfirmIcon())
		w.review.existing.nav()
	case stepWelcome:
		w.nextBtn.Show()
		w.nextBtn.SetText("Start")
		w.nextBtn.SetIcon(theme.NavigateNextIcon())
	default:
		w.nextBtn.Show()
		w.nextBtn.SetText("Next")
		w.nextBtn.SetIcon(theme.NavigateNextIcon())
	}
	if problem != "" || running {
		w.nextBtn.Disable()
	} else {
		w.nextBtn.Enable()
	}
	w.relayout()
}

// next advances when the current step is complete (Next, Enter).
func (w *Wizard) next() {
	if w.step == stepRegistrations && w.registrations.first() {
		w.registrations.newRegistration() // the first screen's main action
		return
	}
	if w.nextBtn.Disabled() || !w.nextBtn.Visible() {
		return
	}
	from := w.step
	if w.steps[from].problem() != "" {
		return
	}
	w.steps[from].leaving() // Review's starts the registration
	if from < stepReview {
		w.show(from + 1)
	}
}

// back returns to the previous step (Back, Escape), keeping what was typed.
func (w *Wizard) back() {
	if w.step == stepRegistrations {
		if !w.registrations.running() {
			w.show(w.registrations.from)
		}
		return
	}
	if w.review.running() || w.step == stepWelcome || w.step == stepDone {
		return
	}
	w.show(w.step - 1)
}

// typedKey handles Enter and Escape when no field has the focus; fields
// forward them here themselves (see fields.go).
func (w *Wizard) typedKey(ev *fyne.KeyEvent) {
	if w.win.Canvas().Overlays().Top() != nil {
		return // a dialog is open: its keys are its own
	}
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		w.next() // the page's main action, never Back
	case fyne.KeyEscape:
		w.back()
	}
}

// escape is Escape on a focused button: Back, unless a dialog is open
// (its keys are its own).
func (w *Wizard) escape() {
	if w.win.Canvas().Overlays().Top() == nil {
		w.back()
	}
}

// dropped takes a file dropped on the window as the credential file.
func (w *Wizard) dropped(_ fyne.Position, uris []fyne.URI) {
	if w.review.running() || w.step == stepDone || w.step == stepRegistrations {
		return
	}
	for _, u := range uris {
		if u.Scheme() == "file" {
			if w.setup.dropped(u.Path()) { // a vendor's setup file, not a credential
				return
			}
			w.ensurePage(stepCredential)
			w.credential.setKeystorePath(u.Path())
			if w.step != stepCredential {
				w.show(stepCredential)
			}
			return
		}
	}
}

// shutdown stops what the window started: a registration run, Practice mode.
func (w *Wizard) shutdown() {
	w.closeOnce.Do(func() {
		w.review.stop()
		if c := w.registrations.cancel; c != nil {
			c()
		}
		w.review.cool()
		w.practice.stop()
	})
}
