package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/registrar"
	"dcrwizard/ui/journey"
)

// The Registrations screen: every registration saved on this computer, and
// what can be done with it (Check it works, rename, remove; forget; export).
// It is also the first screen when this computer holds registrations
// (registrations_first.go). All the work is registrar's; this page only
// asks, shows and confirms. A card (regcard.go) is one registration.

type registrationsPage struct {
	w *Wizard

	from    step // where Back returns: Welcome or Done; itself when it was the first screen
	intro   *widget.Label
	where   string          // where the values are kept, in the keychain's words
	newReg  *fyne.Container // "New registration", when this is the first screen
	newBtn  *keyButton
	notice  *widget.Label // the outcome of an action whose card is gone
	listErr *widget.Label
	empty   *widget.Label
	cards   *fyne.Container
	byID    map[string]*regCard
	// checkOnLoad is a client id to check once the list is read.
	checkOnLoad string
	note        attentionNote // Welcome's note on registrations needing attention (status.go)

	status     *fyne.Container
	activity   *widget.Activity
	statusMsg  *widget.Label
	cancelBtn  *keyButton
	refreshBtn *keyButton

	loading bool
	loadGen int
	gen     int
	cancel  context.CancelFunc // non-nil while a call runs
	busyID  string
	busyAct lifeAction
	unkept  map[string]bool // client ids whose new token the keychain refused and the user has not copied
	held    atomic.Int32    // calls still running off the UI goroutine, cancelled or not (closing.go)
	dlg     *nameDialog     // the open Rename or Remove dialog (tests read it)
	// keystore is the last-used keystore a renewed credential was looked for in.
	keystore string
	// lastStatus and lastWork are the running call's, to run it again once
	// a missing consumer key is given (consumerkey.go).
	lastStatus string
	lastWork   callWork
	cred       *credDialog // the open keystore dialog (tests read it)
	rehearsed  string      // the renewed practice keystore, once made
	built      bool
	// preread is a list already read (the first screen's), drawn at once by
	// the next load instead of reading again.
	preread *listedRegistrations
}

var _ page = (*registrationsPage)(nil)

// callWork is what a call on a registration does off the UI goroutine: it
// gets a Registrar and returns what to show (apply) and the call's error.
type callWork func(ctx context.Context, r *registrar.Registrar) (apply func(), err error)

func (p *registrationsPage) running() bool { return p.cancel != nil }

// unkeptTokens reports whether closing now would lose a rotated token.
func (p *registrationsPage) unkeptTokens() bool { return len(p.unkept) > 0 }

// lifeAction is what a call on a registration does.
type lifeAction int

const (
	actCheck lifeAction = iota // Check it works
	actRename
	actRemove
	actForget
	actExport
	actRenew    // Update with renewed credential
	actAgain    // Register again with the renewed credential
	actRehearse // a renewed practice credential
)

func (p *registrationsPage) build() *fyne.Container {
	w := p.w
	p.built = true
	p.byID = map[string]*regCard{}
	p.unkept = map[string]bool{}
	where := "the keychain"
	if w.cfg.Store != nil {
		where = w.cfg.Store.Where()
	}
	p.intro = para("")
	p.where = where
	p.newBtn = w.kit.newButtonWithIcon("New registration", theme.ContentAddIcon(), p.newRegistration)
	p.newBtn.Importance = widget.HighImportance
	p.newReg = container.NewHBox(p.newBtn)
	setShown(p.newReg, p.first())
	p.notice = para("")
	p.notice.Hide()
	p.listErr = para("")
	p.listErr.Hide()
	p.empty = para("No registrations are saved on this computer yet. Registrations you make with this wizard appear here.")
	p.empty.Hide()
	p.cards = container.NewVBox()
	p.activity = widget.NewActivity()
	p.statusMsg = para("")
	p.cancelBtn = w.kit.newButtonWithIcon("Cancel", theme.CancelIcon(), w.cancelRegistrationCall)
	// Shown in the card being worked on, where the user is looking.
	p.status = container.NewBorder(nil, nil, p.activity, p.cancelBtn, p.statusMsg)
	p.refreshBtn = w.kit.newButtonWithIcon("Refresh the list", theme.ViewRefreshIcon(), p.load)
	return container.NewVBox(p.newReg, p.intro, p.listErr, p.notice, p.empty, p.cards, container.NewHBox(p.refreshBtn))
}

// shown reads the list again each time the screen comes up.
func (p *registrationsPage) shown() {
	setShown(p.newReg, p.first())
	p.intro.SetText(p.introWords())
	p.load()
}

// introWords is the screen's opening paragraph: short when it is the first
// screen, which greets a practice coming back.
func (p *registrationsPage) introWords() string {
	if p.first() {
		return "Welcome back. These are the registrations made with DCR Wizard on this computer. Press Check it works " +
			"to see that your software can still sign in with one, or New registration to register another installation."
	}
	return "These are the registrations made with DCR Wizard on this computer; their values are in " + p.where +
		". Check it works signs in as the registration, as your software would, and says in one sentence whether it can. " +
		"Rename and Remove change the registration at the ATO, and Update with renewed credential gives it the " +
		"credential renewed in RAM. Export writes the values to a file for software that cannot read the keychain."
}

func (p *registrationsPage) leaving() {}

func (p *registrationsPage) problem() string {
	if p.running() {
		return "Working… Press Cancel to stop waiting."
	}
	return ""
}

// focus is New registration on the first screen (Enter starts one, the
// main action there, and nothing is sent); elsewhere the first card's
// first action, or Back.
func (p *registrationsPage) focus() fyne.Focusable {
	if p.first() {
		return p.newBtn
	}
	if b := firstButton(p.cards); b != nil {
		return b
	}
	return p.w.backBtn
}

// first reports whether the screen is the window's first: no page is behind it.
func (p *registrationsPage) first() bool { return p.from == stepRegistrations }

// open shows the screen from wherever the user is; Back returns there.
func (p *registrationsPage) open() {
	w := p.w
	if w.step != stepRegistrations {
		p.from = w.step
		if p.built {
			p.notice.Hide()
			p.newReg.Hide()
		}
	}
	p.w.show(stepRegistrations)
}

// newRegistration leaves the first screen for Welcome, where a new
// registration starts; Registrations stays one button away there.
func (p *registrationsPage) newRegistration() {
	if p.running() {
		return
	}
	p.from = stepWelcome
	p.newReg.Hide()
	p.w.show(stepWelcome)
}

// practiceOnly reports whether rec was made with a Practice simulator that
// no longer runs: calls to it would only fail to connect.
func (p *registrationsPage) practiceOnly(rec credstore.Record) bool {
	if !journey.IsPractice(rec.Environment) {
		return false
	}
	if pr := p.w.practice.p; pr != nil && strings.HasPrefix(rec.RegistrationClientURI, pr.Env.RegistrationURL+"/") {
		return false // made in this session: its simulator still runs
	}
	return true
}

// drawBusy enables what may be used now and shows what is running.
func (p *registrationsPage) drawBusy() {
	if !p.built {
		return
	}
	busy := p.running()
	for _, c := range p.byID {
		for _, b := range c.buttons {
			if busy {
				b.Disable()
			} else {
				b.Enable()
			}
		}
	}
	if busy || p.loading {
		p.refreshBtn.Disable()
	} else {
		p.refreshBtn.Enable()
	}
	if busy {
		p.newBtn.Disable()
		p.activity.Start()
	} else {
		p.newBtn.Enable()
		p.activity.Stop()
	}
	if p.w.step == stepRegistrations {
		p.w.refreshNav()
	}
}

// lifecycleTimeout bounds one action: Rename makes two requests and may
// write to the keychain twice; Check it works reads and signs in.
func (p *registrationsPage) lifecycleTimeout() time.Duration { return 3 * p.w.cfg.Timeout }

// run runs work for card c in the background, with the buttons disabled
// and a Cancel that works at once. work gets a Registrar on an HTTP client
// with the Environment step's extra CA file.
func (p *registrationsPage) run(c *regCard, act lifeAction, status string, work callWork) {
	w := p.w
	if p.running() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.lifecycleTimeout())
	p.gen++
	gen := p.gen
	p.cancel, p.busyID, p.busyAct = cancel, c.rec.ClientID, act
	p.lastStatus, p.lastWork = status, work
	p.statusMsg.SetText(status)
	p.notice.Hide()
	c.result.Objects = []fyne.CanvasObject{p.status}
	c.result.Refresh()
	p.drawBusy()

	caFile, timeout, newClient := w.draft.CAFile, w.cfg.Timeout, w.cfg.NewHTTPClient
	store, now, offered := w.cfg.Store, w.cfg.Now, p.offered()
	p.held.Add(1)
	w.background(func() func() {
		defer p.held.Add(-1)
		defer cancel()
		var apply func()
		r, err := registrar.New(registrar.Options{NewHTTPClient: newClient, CAFile: caFile, Timeout: timeout,
			Local: act == actForget || act == actExport, // these stay on this computer
			Store: store, Now: now, Offered: offered})
		var ce *registrar.ConnectionError
		if errors.As(err, &ce) {
			err = fmt.Errorf("the connection settings could not be used: %w", ce.Err)
		} else if err == nil {
			apply, err = work(ctx, r)
		}
		return func() { p.callDone(gen, c, act, apply, err) }
	})
}

// callDone shows a call's result. After a Cancel only a token the keychain
// did not keep is shown (it must be, whatever happened); the list is read
// again since the call may have changed it before it stopped.
func (p *registrationsPage) callDone(gen int, c *regCard, act lifeAction, apply func(), err error) {
	if gen == p.gen && p.running() {
		p.cancel = nil
		c.result.Remove(p.status)
		work := p.lastWork
		p.lastWork = nil // it may hold a keystore's password: kept no longer than needed
		if errors.Is(err, registrar.ErrNoConsumerKey) {
			c.askConsumerKey(act, p.lastStatus, work) // then the same call again
		} else if err != nil {
			c.showOutcome(act, err)
		} else if apply != nil {
			apply()
		}
		p.drawBusy()
		return
	}
	var ns *credstore.NotStoredError
	if errors.As(err, &ns) {
		c.showOutcome(act, err)
	}
	if !p.running() {
		p.load()
	}
}

// gone drops a card and says why.
func (p *registrationsPage) gone(clientID, notice string) {
	delete(p.unkept, clientID)
	p.notice.Importance = widget.SuccessImportance
	p.notice.SetText(notice)
	p.notice.Show()
	if r := p.w.done.res; r != nil && r.Record.ClientID == clientID {
		p.w.done.gone(notice) // the Done page Back returns to must not show it as registered
	}
	p.load()
}

// offered is what the loaded setup file says the ATO offers of RFC 7592
// (everything when none is loaded).
func (p *registrationsPage) offered() registrar.Offered {
	if s := p.w.draft.Setup; s != nil {
		return s.Offered
	}
	return registrar.Offered{}
}
