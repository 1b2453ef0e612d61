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
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/guidance"
	"dcrwizard/internal/safetext"
	"dcrwizard/registrar"
)

// The Registrations screen: every registration saved on this computer, and
// what can be done with it (RFC 7592 check, rename, remove; forget; export).
// All the work is registrar's; this file only asks, shows and confirms.

// regCard is one registration on the screen.
type regCard struct {
	rec     credstore.Record
	state   registrar.CredentialState // its credential's status (status.go)
	box     *fyne.Container           // facts, buttons, result
	buttons []*keyButton
	result  *fyne.Container // what the last action found; kept across reloads
}

type registrationsPage struct {
	from    step // where Back returns: Welcome or Done
	intro   *widget.Label
	notice  *widget.Label // the outcome of an action whose card is gone
	listErr *widget.Label
	empty   *widget.Label
	cards   *fyne.Container
	byID    map[string]*regCard
	// checkOnLoad is a client id to check once the list is read.
	checkOnLoad string

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
	lastWork   func(ctx context.Context, r *registrar.Registrar) (func(), error)
	cred       *credDialog // the open keystore dialog (tests read it)
	rehearsed  string      // the renewed practice keystore, once made
}

func (p *registrationsPage) running() bool { return p.cancel != nil }

// unkeptTokens reports whether closing now would lose a rotated token.
func (p *registrationsPage) unkeptTokens() bool { return len(p.unkept) > 0 }

// lifeAction is what a call on a registration does.
type lifeAction int

const (
	actCheck lifeAction = iota
	actRename
	actRemove
	actForget
	actExport
	actVerify   // Test the connection
	actRenew    // Update with renewed credential
	actAgain    // Register again with the renewed credential
	actRehearse // a renewed practice credential
)

func (w *Wizard) buildRegistrations() {
	p := &w.registrations
	p.byID = map[string]*regCard{}
	p.unkept = map[string]bool{}
	where := "the keychain"
	if w.cfg.Store != nil {
		where = w.cfg.Store.Where()
	}
	p.intro = para("These are the registrations made with DCR Wizard on this computer; their values are in " + where +
		". Check asks the ATO what it holds; Test the connection signs in as the registration, as your software would. " +
		"Rename and Remove change the registration at the ATO, and Update with renewed credential gives it the " +
		"credential renewed in RAM. Export writes the values to a file for software that cannot read the keychain.")
	p.notice = para("")
	p.notice.Hide()
	p.listErr = para("")
	p.listErr.Hide()
	p.empty = para("No registrations are saved on this computer yet. Registrations you make with this wizard appear here.")
	p.empty.Hide()
	p.cards = container.NewVBox()
	p.activity = widget.NewActivity()
	p.statusMsg = para("")
	p.cancelBtn = w.newButtonWithIcon("Cancel", theme.CancelIcon(), w.cancelRegistrationCall)
	// Shown in the card being worked on, where the user is looking.
	p.status = container.NewBorder(nil, nil, p.activity, p.cancelBtn, p.statusMsg)
	p.refreshBtn = w.newButtonWithIcon("Refresh the list", theme.ViewRefreshIcon(), w.loadRegistrations)
	w.setPage(stepRegistrations,
		p.intro,
		p.listErr,
		p.notice,
		p.empty,
		p.cards,
		container.NewHBox(p.refreshBtn),
	)
	w.problems[stepRegistrations] = func() string {
		if p.running() {
			return "Working… Press Cancel to stop waiting."
		}
		return ""
	}
	w.focusers[stepRegistrations] = func() fyne.Focusable {
		if b := firstButton(w.pages[stepRegistrations]); b != nil {
			return b
		}
		return w.backBtn
	}
}

// showRegistrations opens the screen from wherever the user is; Back
// returns there.
func (w *Wizard) showRegistrations() {
	w.ensurePage(stepRegistrations) // flowui: built on first use
	p := &w.registrations
	if w.step != stepRegistrations {
		p.from = w.step
		p.notice.Hide()
	}
	w.show(stepRegistrations)
	w.loadRegistrations()
}

// loadRegistrations reads the index (no keychain, no network).
func (w *Wizard) loadRegistrations() {
	p := &w.registrations
	store := w.cfg.Store
	if store == nil {
		return
	}
	p.loading = true
	p.loadGen++
	gen := p.loadGen
	w.drawBusy()
	timeout, now := w.cfg.Timeout, w.now()
	keystore, rehearsed := w.app.Preferences().String(prefKeystorePath), p.rehearsed
	w.background(func() func() {
		l := readRegistrations(store, timeout, keystore, rehearsed, now)
		return func() { w.registrationsLoaded(gen, l) }
	})
}

func (w *Wizard) registrationsLoaded(gen int, l listedRegistrations) {
	p := &w.registrations
	if gen != p.loadGen {
		return
	}
	p.loading = false
	recs, err := l.recs, l.err
	p.keystore = l.keystore
	w.showAttention(l) // Welcome, for when Back returns there
	var aside *credstore.IndexRecoveredError
	switch {
	case err == nil:
		p.listErr.Hide()
	case errors.As(err, &aside):
		// The records read are good: show them under the warning.
		p.listErr.Importance = widget.WarningImportance
		p.listErr.SetText(guidance.Words(err))
		p.listErr.Show()
	default:
		msg, action := errorWords(err)
		if action != "" {
			msg += " " + action
		}
		p.listErr.Importance = widget.DangerImportance
		p.listErr.SetText("The list of registrations could not be read. " + msg)
		p.listErr.Show()
	}

	keep := map[string]bool{}
	p.cards.Objects = nil
	for _, rec := range recs {
		c := p.byID[rec.ClientID]
		if c == nil {
			c = &regCard{result: container.NewVBox(), box: container.NewVBox()}
			p.byID[rec.ClientID] = c
		}
		c.rec, c.state = rec, l.states[rec.ClientID]
		w.fillCard(c)
		keep[rec.ClientID] = true
		p.cards.Add(c.box)
	}
	for id := range p.byID {
		if !keep[id] {
			delete(p.byID, id)
		}
	}
	setShown(p.empty, len(recs) == 0 && (err == nil || aside != nil))
	p.cards.Refresh()
	w.drawBusy()
	if id := p.checkOnLoad; id != "" {
		p.checkOnLoad = ""
		if c := p.byID[id]; c != nil && !p.running() {
			w.checkRegistration(c) // asked for from the unfinished-registrations note
		}
	}
}

// fillCard (re)builds a card from its record, keeping its result box.
func (w *Wizard) fillCard(c *regCard) {
	rec := c.rec
	c.box.Objects = nil
	c.buttons = nil
	name := rec.Name
	if name == "" {
		name = "(no name)"
	}
	c.box.Add(subheading(safetext.Line(name)))

	grid := container.New(layout.NewFormLayout())
	grid.Add(bold("Environment"))
	grid.Add(valuePara(environmentWords(rec)))
	w.valueRow(grid, "Client ID", rec.ClientID, rec.ClientID)
	grid.Add(bold("Registered at"))
	grid.Add(para(formatDateTime(rec.IssuedAt)))
	if rec.Receipt != "" {
		grid.Add(bold(receiptLabel(rec.Environment == practiceName)))
		grid.Add(valuePara(rec.Receipt))
	}
	grid.Add(bold("Made with credential"))
	grid.Add(valuePara(credentialWords(rec)))
	grid.Add(bold("Credential valid until"))
	grid.Add(para(formatDate(rec.CredentialNotAfter)))
	grid.Add(bold("Credential status"))
	grid.Add(para(statusShort(c.state)))
	for _, row := range vendorRows(rec) { // setup hook: the software vendor
		grid.Add(bold(row[0]))
		grid.Add(valuePara(row[1]))
	}
	c.box.Add(grid)
	for _, l := range statusLines(rec, c.state, w.registrations.keystore, w.registrations.rehearsed) {
		c.box.Add(l)
	}

	actions := container.NewHBox()
	add := func(label string, icon fyne.Resource, tapped func()) *keyButton {
		b := w.newButtonWithIcon(label, icon, tapped)
		c.buttons = append(c.buttons, b)
		actions.Add(b)
		return b
	}
	if w.practiceOnly(rec) {
		c.box.Add(para("This is a Practice registration. It was made with the simulator built into DCR Wizard, which " +
			"stopped when the program last closed and kept nothing, so it cannot be checked, renamed or removed. " +
			"It can only be forgotten on this computer."))
		add("Forget…", theme.DeleteIcon(), func() { w.askForget(c, false) })
	} else {
		add("Check", theme.SearchIcon(), func() { w.checkRegistration(c) })
		add("Rename…", theme.DocumentCreateIcon(), func() { w.askRename(c) })
		add("Remove…", theme.DeleteIcon(), func() { w.askRemove(c) })
		add("Export…", theme.DocumentSaveIcon(), func() { w.askExport(c) })
	}
	c.box.Add(actions)
	if !w.practiceOnly(rec) { // verify.go, renew.go
		more := container.NewHBox()
		add = func(label string, icon fyne.Resource, tapped func()) *keyButton {
			b := w.newButtonWithIcon(label, icon, tapped)
			c.buttons = append(c.buttons, b)
			more.Add(b)
			return b
		}
		add("Test the connection…", theme.ConfirmIcon(), func() { w.askVerify(c) })
		add("Update with renewed credential…", theme.ViewRefreshIcon(), func() { w.askRenew(c) })
		if rec.Environment == practiceName { // renew.go, notoffered.go
			w.practiceRehearsals(c, func(l string, i fyne.Resource, f func()) { add(l, i, f) })
		}
		c.box.Add(more)
	}
	c.box.Add(c.result)
	c.box.Add(widget.NewSeparator())
	c.box.Refresh()
}

// practiceOnly reports whether rec was made with a Practice simulator that
// no longer runs: calls to it would only fail to connect.
func (w *Wizard) practiceOnly(rec credstore.Record) bool {
	if rec.Environment != practiceName {
		return false
	}
	if pr := w.practice.p; pr != nil && strings.HasPrefix(rec.RegistrationClientURI, pr.Env.RegistrationURL+"/") {
		return false // made in this session: its simulator still runs
	}
	return true
}

// drawBusy enables what may be used now and shows what is running.
func (w *Wizard) drawBusy() {
	p := &w.registrations
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
		p.activity.Start()
	} else {
		p.activity.Stop()
	}
	if w.step == stepRegistrations {
		w.refreshNav()
	}
}

// lifecycleTimeout bounds one action: Rename makes two requests and may
// write to the keychain twice.
func (w *Wizard) lifecycleTimeout() time.Duration { return 3 * w.cfg.Timeout }

// runRegistrationCall runs work for card c in the background, with the
// buttons disabled and a Cancel that works at once. work gets a Registrar
// on an HTTP client with the Environment step's extra CA file, and returns
// what to show (apply) and the call's error, if any.
func (w *Wizard) runRegistrationCall(c *regCard, act lifeAction, status string,
	work func(ctx context.Context, r *registrar.Registrar) (apply func(), err error)) {
	p := &w.registrations
	if p.running() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.lifecycleTimeout())
	p.gen++
	gen := p.gen
	p.cancel, p.busyID, p.busyAct = cancel, c.rec.ClientID, act
	p.lastStatus, p.lastWork = status, work
	p.statusMsg.SetText(status)
	p.notice.Hide()
	c.result.Objects = []fyne.CanvasObject{p.status}
	c.result.Refresh()
	w.drawBusy()

	caFile, timeout, newClient := w.environment.caFile, w.cfg.Timeout, w.cfg.NewHTTPClient
	store, now, offered := w.cfg.Store, w.cfg.Now, w.offered()
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
		return func() { w.registrationCallDone(gen, c, act, apply, err) }
	})
}

// registrationCallDone shows a call's result. After a Cancel only a token
// the keychain did not keep is shown (it must be, whatever happened); the
// list is read again since the call may have changed it before it stopped.
func (w *Wizard) registrationCallDone(gen int, c *regCard, act lifeAction, apply func(), err error) {
	p := &w.registrations
	if gen == p.gen && p.running() {
		p.cancel = nil
		c.result.Remove(p.status)
		if errors.Is(err, registrar.ErrNoConsumerKey) {
			w.askConsumerKey(c, act, p.lastStatus, p.lastWork) // then the same call again
		} else if err != nil {
			w.showOutcome(c, act, err)
		} else if apply != nil {
			apply()
		}
		w.drawBusy()
		return
	}
	var ns *credstore.NotStoredError
	if errors.As(err, &ns) {
		w.showOutcome(c, act, err)
	}
	if !p.running() {
		w.loadRegistrations()
	}
}

// checkRegistration asks the ATO what it holds (RFC 7592 read).
func (w *Wizard) checkRegistration(c *regCard) {
	id, name := c.rec.ClientID, c.rec.Name
	w.runRegistrationCall(c, actCheck, cardWords(c, "Asking the ATO about “"+name+"”…"),
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			res, err := r.Check(ctx, id)
			if err != nil {
				return nil, err
			}
			return func() { w.showChecked(c, res) }, nil
		})
}

func (w *Wizard) showChecked(c *regCard, res *registrar.CheckResult) {
	box := c.result
	practice := c.rec.Environment == practiceName
	box.Objects = nil
	if practice {
		box.Add(okPara("The practice simulator holds this practice registration. It is not at the ATO: " +
			"the ATO knows nothing of it."))
	} else {
		box.Add(okPara("The ATO holds this registration."))
	}
	// What a person cares about; the ATO's raw answer is behind
	// "Details for support".
	grid := container.New(layout.NewFormLayout())
	for _, row := range checkedFacts(c.rec, res.Metadata) {
		grid.Add(bold(row[0]))
		grid.Add(valuePara(row[1]))
	}
	box.Add(grid)
	rows := atoRows(res.Metadata)
	box.Add(container.NewHBox(w.newButtonWithIcon("Details for support", theme.InfoIcon(), func() { w.showATODetails(c.rec.Name, rows) })))
	if atoName, _ := res.Metadata["client_name"].(string); atoName != "" && atoName != c.rec.Name {
		box.Add(warnPara(practiceWords(practice, "The name at the ATO (“"+safetext.Line(atoName)+"”) is not the name on this computer (“"+safetext.Line(c.rec.Name)+
			"”). It was probably changed elsewhere. Use Rename to set the one you want in both places.")))
	}
	if res.Rotated {
		box.Add(para(practiceWords(practice, "The ATO issued a new registration access token. It is now saved in the keychain in place of "+
			"the old one, which no longer works. If other software on this computer keeps its own copy, export the "+
			"values again for it.")))
	} else {
		box.Add(para("The registration access token in the keychain is still the current one."))
	}
	box.Refresh()
	w.relayout()
	w.revealFocused(box) // the answer, not left below the fold
}

// askRename asks for the new name (RFC 7592 update).
func (w *Wizard) askRename(c *regCard) {
	if w.registrations.running() {
		return
	}
	old := c.rec.Name
	intro := para(cardWords(c, "The new name is changed at the ATO and on this computer. Use a name that tells this installation "+
		"apart from your others, such as the computer's name."))
	w.registrations.dlg = w.showNameDialog("Rename “"+old+"”", intro, "New name", old, "Rename", widget.HighImportance,
		func(s string) string { return renameProblem(old, s) },
		func(newName string) { w.renameRegistration(c, newName) })
}

func (w *Wizard) renameRegistration(c *regCard, newName string) {
	id := c.rec.ClientID
	newName = registrar.CleanName(newName)
	w.runRegistrationCall(c, actRename, cardWords(c, "Renaming “"+c.rec.Name+"” to “"+newName+"” at the ATO…"),
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			rec, err := r.Rename(ctx, id, newName)
			if err != nil {
				return nil, err
			}
			return func() {
				c.rec = rec
				w.fillCard(c)
				c.result.Objects = []fyne.CanvasObject{okPara(cardWords(c, "Renamed to “"+rec.Name+"” at the ATO and on this computer."))}
				c.result.Refresh()
				w.relayout()
			}, nil
		})
}

// askRemove asks for the instance name before removing it at the ATO
// (RFC 7592 delete).
func (w *Wizard) askRemove(c *regCard) {
	if w.registrations.running() {
		return
	}
	rec := c.rec
	intro := container.NewVBox(
		para(cardWords(c, "This asks the ATO to delete the registration “"+rec.Name+"” ("+environmentWords(rec)+", client ID "+
			rec.ClientID+"). Software using it on this installation will no longer be able to connect to the ATO. "+
			"This cannot be undone: to connect again, you would register again.")),
		para(cardWords(c, "If the ATO agrees, its values are also removed from this computer's keychain.")),
	)
	w.registrations.dlg = w.showNameDialog("Remove this registration?", intro, "Type its name to confirm", "",
		"Remove", widget.DangerImportance,
		func(s string) string {
			if !removeConfirmed(rec.Name, s) {
				return "Type “" + rec.Name + "” exactly to confirm."
			}
			return ""
		},
		func(string) { w.removeRegistration(c) })
}

func (w *Wizard) removeRegistration(c *regCard) {
	id, name := c.rec.ClientID, c.rec.Name
	w.runRegistrationCall(c, actRemove, cardWords(c, "Removing “"+name+"” at the ATO…"),
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			if err := r.Remove(ctx, id); err != nil {
				return nil, err
			}
			return func() {
				w.registrationGone(id, cardWords(c, "“"+name+"” was removed at the ATO, and its values were removed from this computer."))
			}, nil
		})
}

// registrationGone drops a card and says why.
func (w *Wizard) registrationGone(clientID, notice string) {
	p := &w.registrations
	delete(p.unkept, clientID)
	p.notice.Importance = widget.SuccessImportance
	p.notice.SetText(notice)
	p.notice.Show()
	if r := w.done.res; r != nil && r.Record.ClientID == clientID {
		w.doneGone(notice) // the Done page Back returns to must not show it as registered
	}
	w.loadRegistrations()
}
