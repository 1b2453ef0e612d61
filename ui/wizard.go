// Package ui is the DCR Wizard window: a step-by-step Fyne wizard for people
// who never open a terminal. It does no HTTP or cryptography itself: it calls
// m2m.Open, registrar and credstore from goroutines and applies their results
// on the UI goroutine through one helper (see async.go).
package ui

import (
	"fmt"
	"image/color"
	"net/http"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/registrar"
)

// Preference keys. The password is never stored.
const (
	prefKeystorePath = "lastKeystorePath"
	prefEnvironment  = "environment"
)

// Config is what the program (or a test) gives the wizard.
type Config struct {
	Title   string        // window title; "DCR Wizard" when empty
	Icon    fyne.Resource // app and window icon; may be nil
	Version string        // shown in the support summary

	// Store is where registrations are kept (required).
	Store *credstore.Store
	// NewHTTPClient makes the client for the ATO, trusting caFile as well
	// when it is not empty. Default flow.NewHTTPClient.
	NewHTTPClient func(caFile string, timeout time.Duration) (*http.Client, error)
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// PracticeDir receives Practice mode's demo keystore. Default: a new
	// temporary folder, removed when the window closes.
	PracticeDir string
	// Environments are the choices besides Practice. Default flow.Presets().
	Environments []flow.Environment
	// Timeout bounds each HTTP request. Default 60 seconds.
	Timeout time.Duration
	// DefaultName is the suggested instance name. Default
	// registrar.DefaultInstanceName() (the computer's name).
	DefaultName string
	// SetupPath is a software vendor's setup file to start with (dcrwizard
	// --setup FILE); when empty, dcrwizard-setup.json beside the program is
	// used if there is one (see setup.go).
	SetupPath string

	// For tests: post replaces fyne.Do; tick is the elapsed-time interval.
	post          func(func())
	tick          time.Duration
	startPractice func(dir string) (*practiceRun, error)
	setupBeside   func() (string, bool) // default registrar.SetupBesideProgram
	// workArea is the screen's work area in logical units (default: the
	// primary screen's, see screen_desktop.go).
	workArea func() (fyne.Size, bool)
	// nativeFile replaces the system's file dialog (default: the system's
	// when the window is a native one, else Fyne's).
	nativeFile nativeFileFunc
}

// Wizard is the window and everything it remembers between steps.
type Wizard struct {
	cfg Config
	app fyne.App
	win fyne.Window
	bg  sync.WaitGroup // background jobs still running (tests wait for them)

	step     step
	heading  *widget.RichText
	body     *fyne.Container
	hint     *widget.Label
	backBtn  *keyButton
	nextBtn  *keyButton
	closeBtn *keyButton // on Done, where Next was: the wizard's "Finish"
	footer   *fyne.Container
	pages    [stepRegistrations + 1]fyne.CanvasObject
	boxes    [stepRegistrations + 1]*fyne.Container
	problems [stepRegistrations + 1]func() string
	focusers [stepRegistrations + 1]func() fyne.Focusable

	welcome     welcomePage
	credential  credentialPage
	environment environmentPage
	details     detailsPage
	review      reviewPage
	done        donePage

	registrations registrationsPage

	practice practiceState
	setup    setupState // setup hook: a vendor's setup file (setup.go)

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
	switch s {
	case stepWelcome:
		w.buildWelcome()
	case stepCredential:
		w.buildCredential()
	case stepEnvironment:
		w.buildEnvironment()
	case stepDetails:
		w.buildDetails()
	case stepReview:
		w.mountPage(stepReview, &w.review)
	case stepDone:
		w.mountPage(stepDone, &w.done)
	case stepRegistrations:
		w.buildRegistrations()
	}
}

// credentialState is the Credential page, built if need be: for tests and
// code that read it before it was shown (the environment's accessors,
// selectedOption and currentEnv, build theirs the same way).
func (w *Wizard) credentialState() *credentialPage {
	w.ensurePage(stepCredential)
	return &w.credential
}

// pageBuilt reports whether s's page exists yet: refreshes of a page not
// built can be skipped, its builder starts from the current state.
func (w *Wizard) pageBuilt(s step) bool { return w.built[s] }

// New builds the wizard window on a. Call it on the UI goroutine.
func New(a fyne.App, cfg Config) *Wizard {
	if cfg.Title == "" {
		cfg.Title = "DCR Wizard"
	}
	if cfg.NewHTTPClient == nil {
		cfg.NewHTTPClient = flow.NewHTTPClient
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Environments == nil {
		cfg.Environments = flow.Presets()
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.DefaultName == "" {
		cfg.DefaultName = registrar.DefaultInstanceName()
	}
	if cfg.startPractice == nil {
		cfg.startPractice = startRegistrarPractice
	}
	if cfg.tick <= 0 {
		cfg.tick = time.Second
	}
	w := &Wizard{cfg: cfg, app: a}
	a.Settings().SetTheme(newWizardTheme(a.Settings().Theme()))
	if cfg.Icon != nil {
		a.SetIcon(cfg.Icon)
	}
	w.win = a.NewWindow(cfg.Title)
	if cfg.Icon != nil {
		w.win.SetIcon(cfg.Icon)
	}

	w.heading = widget.NewRichText(&widget.TextSegment{Style: widget.RichTextStyleHeading})
	w.hint = widget.NewLabel("")
	w.hint.Wrapping = fyne.TextWrapWord
	w.hint.Importance = widget.MediumImportance
	w.backBtn = w.newButtonWithIcon("Back", theme.NavigateBackIcon(), w.back)
	w.nextBtn = w.newButtonWithIcon("Next", theme.NavigateNextIcon(), w.next)
	w.nextBtn.Importance = widget.HighImportance
	w.nextBtn.freshPress = true // a held Enter's repeats never press Register (focus.go)
	w.nextBtn.IconPlacement = widget.ButtonIconTrailingText
	// Close asks first when values are unkept, as the window's own close
	// button does. It is not bound to Enter: a stray key must not close.
	w.closeBtn = w.newButton("Close", w.closeRequested)

	w.buildSetup() // setup hook: before the pages that show it
	// Only the first page now: the others are built when first needed
	// (ensurePage), so the window opens as fast as a bare one (issue 20).
	w.ensurePage(stepWelcome)

	w.body = container.NewStack()
	w.footer = container.NewBorder(nil, nil, w.backBtn, container.NewHBox(w.nextBtn, w.closeBtn), w.hint)
	top := container.NewVBox(w.heading, widget.NewSeparator())
	bottom := container.NewVBox(widget.NewSeparator(), w.footer)
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(minWindowSize)
	content := container.NewStack(spacer, container.NewBorder(top, bottom, nil, nil, w.body))
	w.win.SetContent(content)
	w.win.Resize(w.startSize())

	w.win.Canvas().SetOnTypedKey(w.typedKey)
	w.win.SetOnDropped(w.dropped)
	w.win.SetCloseIntercept(w.closeRequested)
	w.win.SetOnClosed(w.shutdown)

	w.show(stepWelcome)
	pendingNotes{w}.check()
	w.startSetup() // setup hook
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
		w.review.cool() // flowui: pre-made connections are for Review's Register only
	}
	w.step = s
	heading := stepHeading(s)
	if s == stepDone && w.done.title != "" {
		heading = fmt.Sprintf("Step %d of %d — %s", int(s), numberedSteps, w.done.title)
	}
	w.heading.Segments[0].(*widget.TextSegment).Text = heading
	w.heading.Refresh()
	w.body.Objects = []fyne.CanvasObject{w.pages[s]}
	if sc, ok := w.pages[s].(*container.Scroll); ok {
		sc.Offset = fyne.Position{} // every page opens at its top, heading first
	}
	w.body.Refresh()
	switch s {
	case stepCredential:
		w.credentialShown()
	case stepEnvironment:
		w.environmentShown()
	case stepDetails:
		w.detailsShown()
	case stepReview:
		w.review.shown()
	}
	w.refreshNav()
	c := w.win.Canvas()
	c.Unfocus()
	if f := w.focusers[s]; f != nil {
		if obj := f(); obj != nil {
			c.Focus(obj)
		}
	}
}

// refreshNav enables Next only when the current step is complete and says
// why it is not.
func (w *Wizard) refreshNav() {
	problem := ""
	if p := w.problems[w.step]; p != nil {
		problem = p()
	}
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
	}
	if running {
		w.backBtn.Disable()
	} else {
		w.backBtn.Enable()
	}
	if w.step == stepDone {
		w.closeBtn.Show()
		w.closeBtn.Importance = widget.MediumImportance
		if w.done.res != nil && w.done.res.Stored {
			w.closeBtn.Importance = widget.HighImportance // finished: nothing left to do here
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
	if w.nextBtn.Disabled() || !w.nextBtn.Visible() {
		return
	}
	if p := w.problems[w.step]; p != nil && p() != "" {
		return
	}
	switch w.step {
	case stepWelcome:
		if w.welcome.practice.Checked {
			w.choosePractice()
		}
		w.show(stepCredential)
	case stepCredential:
		w.credentialLeaving()
		w.show(stepEnvironment)
	case stepEnvironment:
		w.environmentLeaving()
		w.show(stepDetails)
	case stepDetails:
		w.show(stepReview)
	case stepReview:
		w.review.next()
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
			if w.droppedSetup(u.Path()) { // setup hook: a vendor's setup file, not a credential
				return
			}
			w.ensurePage(stepCredential)
			w.setKeystorePath(u.Path())
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
		w.stopPractice()
	})
}
