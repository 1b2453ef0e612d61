package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/internal/safetext"
	"dcrwizard/registrar"
)

// The Registrations screen: every registration saved on this computer, and
// what can be done with it (RFC 7592 check, rename, remove; forget; export).
// All the work is registrar's; this file only asks, shows and confirms.

// regCard is one registration on the screen.
type regCard struct {
	rec     credstore.Record
	box     *fyne.Container // facts, buttons, result
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
	dlg     *nameDialog     // the open Rename or Remove dialog (tests read it)
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
		". Check asks the ATO what it holds. Rename and Remove change the registration at the ATO. " +
		"Export writes the values to a file for software that cannot read the keychain.")
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
	timeout := w.cfg.Timeout
	w.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		recs, err := store.List(ctx)
		return func() { w.registrationsLoaded(gen, recs, err) }
	})
}

func (w *Wizard) registrationsLoaded(gen int, recs []credstore.Record, err error) {
	p := &w.registrations
	if gen != p.loadGen {
		return
	}
	p.loading = false
	var aside *credstore.IndexSetAsideError
	switch {
	case err == nil:
		p.listErr.Hide()
	case errors.As(err, &aside):
		// The records read are good: show them under the warning.
		p.listErr.Importance = widget.WarningImportance
		p.listErr.SetText(err.Error())
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
		c.rec = rec
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
	rec, now := c.rec, w.now()
	c.box.Objects = nil
	c.buttons = nil
	name := rec.Name
	if name == "" {
		name = "(no name)"
	}
	c.box.Add(subheading(name))

	grid := container.New(layout.NewFormLayout())
	grid.Add(bold("Environment"))
	grid.Add(para(environmentWords(rec)))
	w.valueRow(grid, "Client ID", rec.ClientID, rec.ClientID)
	grid.Add(bold("Registered at"))
	grid.Add(para(formatDateTime(rec.IssuedAt)))
	if rec.Receipt != "" {
		grid.Add(bold(receiptLabel(rec.Environment == practiceName)))
		grid.Add(para(safetext.Line(rec.Receipt))) // index.json: outside text
	}
	grid.Add(bold("Made with credential"))
	grid.Add(para(credentialWords(rec)))
	grid.Add(bold("Credential valid until"))
	grid.Add(para(formatDate(rec.CredentialNotAfter)))
	for _, row := range vendorRows(rec) { // setup hook: the software vendor
		grid.Add(bold(row[0]))
		grid.Add(para(row[1]))
	}
	c.box.Add(grid)
	if text, level := credentialExpiry(rec.CredentialNotAfter, now); text != "" {
		l := warnPara(text)
		if level == expiryPast {
			l = errPara(text)
		}
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
	p.statusMsg.SetText(status)
	p.notice.Hide()
	c.result.Objects = []fyne.CanvasObject{p.status}
	c.result.Refresh()
	w.drawBusy()

	caFile, timeout, newClient := w.environment.caFile, w.cfg.Timeout, w.cfg.NewHTTPClient
	store, now := w.cfg.Store, w.cfg.Now
	w.background(func() func() {
		defer cancel()
		var apply func()
		var hc *http.Client
		var err error
		if act != actForget && act != actExport { // these stay on this computer
			hc, err = newClient(caFile, timeout)
		}
		if err != nil {
			err = fmt.Errorf("The connection settings could not be used: %w", err)
		} else {
			r := &registrar.Registrar{Flow: &flow.Client{HTTP: hc, Now: now}, Store: store, Now: now}
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
		if err != nil {
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
	w.drawBusy()
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
		grid.Add(para(row[1]))
	}
	box.Add(grid)
	rows := atoRows(res.Metadata)
	box.Add(container.NewHBox(w.newButtonWithIcon("Details for support", theme.InfoIcon(), func() { w.showATODetails(c.rec.Name, rows) })))
	if atoName, _ := res.Metadata["client_name"].(string); atoName != "" && atoName != c.rec.Name {
		box.Add(warnPara(practiceWords(practice, "The name at the ATO (“"+atoName+"”) is not the name on this computer (“"+c.rec.Name+
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

// askForget confirms forgetting on this computer only. atoHolds says the
// ATO still has the registration (or may have).
func (w *Wizard) askForget(c *regCard, atoHolds bool) {
	if w.registrations.running() {
		return
	}
	rec := c.rec
	msg := "Forget “" + rec.Name + "” on this computer? Its values are removed from the keychain and it leaves this list."
	switch {
	case !w.practiceOnly(rec) && atoHolds:
		msg += "\n\nThe registration stays at the ATO: this does not remove it there. Once forgotten, it can no longer " +
			"be managed from this computer."
	case !w.practiceOnly(rec):
		msg += "\n\nIt does not change anything at the ATO."
	default:
		msg += "\n\nNothing else holds it: the Practice simulator kept nothing."
	}
	d := dialog.NewConfirm("Forget on this computer only?", msg, func(ok bool) {
		if ok {
			w.forgetRegistration(c)
		}
	}, w.win)
	d.SetConfirmText("Forget")
	d.SetDismissText("Keep it")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

func (w *Wizard) forgetRegistration(c *regCard) {
	id, name := c.rec.ClientID, c.rec.Name
	w.runRegistrationCall(c, actForget, "Forgetting “"+name+"” on this computer…",
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			if err := r.Forget(ctx, id); err != nil {
				return nil, err
			}
			return func() { w.registrationGone(id, "“"+name+"” was forgotten on this computer.") }, nil
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

// askExport warns that the file holds a secret, then asks where to write.
func (w *Wizard) askExport(c *regCard) {
	if w.registrations.running() {
		return
	}
	rec := c.rec
	d := dialog.NewConfirm("This file will hold a secret",
		"Export writes the client ID, the registration client URI and the registration access token to a JSON file, "+
			"for software that cannot read the keychain.\n\nThe registration access token is a secret: anyone who gets "+
			"the file can change or delete this registration. Save it only where no one else can read it (it is "+
			"written readable by you only), and delete it once your software has the values. Continue?",
		func(ok bool) {
			if !ok {
				return
			}
			w.saveFileDialog(valuesFileName(rec.Name), func(path string) { w.exportRegistration(c, path) })
		}, w.win)
	d.SetConfirmText("Choose the file…")
	d.Show()
}

// exportRegistration writes c's values to path (what the save dialog
// chose), readable by the owner only.
func (w *Wizard) exportRegistration(c *regCard, path string) {
	id := c.rec.ClientID
	w.runRegistrationCall(c, actExport, "Writing "+filepath.Base(path)+"…",
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			if err := r.Export(ctx, id, path); err != nil {
				var nf *credstore.NotFoundError
				if errors.As(err, &nf) || errors.Is(err, credstore.ErrKeychainUnavailable) {
					return nil, err
				}
				return nil, fmt.Errorf("The file %s could not be written. Choose another folder: %w", filepath.Base(path), err)
			}
			return func() {
				c.result.Objects = []fyne.CanvasObject{
					okPara("Saved to " + path + "."),
					warnPara("It holds the registration access token: keep it where only you can read it, and delete it " +
						"once your software has the values."),
				}
				c.result.Refresh()
				w.relayout()
			}, nil
		})
}

// showOutcome shows why a call did not succeed and what can be done now.
func (w *Wizard) showOutcome(c *regCard, act lifeAction, err error) {
	o := lifecycleOutcome(act, err)
	box := c.result
	box.Objects = nil
	if o.kind == outcomeNotStored {
		w.showNotStoredToken(c, o.notStored)
		return
	}
	box.Add(errPara(cardWords(c, o.message)))
	if o.action != "" {
		box.Add(para(cardWords(c, o.action)))
	}
	if o.receipt != "" {
		box.Add(para(receiptLabel(c.rec.Environment == practiceName) + ": " + o.receipt))
	}
	switch o.kind {
	case outcomeGone, outcomeMissingLocal:
		box.Add(container.NewHBox(w.newButtonWithIcon("Forget on this computer…", theme.DeleteIcon(),
			func() { w.askForget(c, false) })))
	case outcomeNotAllowed:
		box.Add(container.NewHBox(w.newButtonWithIcon("Forget on this computer only…", theme.DeleteIcon(),
			func() { w.askForget(c, true) })))
	}
	box.Refresh()
	w.relayout()
}

// showNotStoredToken shows a rotated token the keychain did not keep, with
// Copy buttons, as the Done step does for a whole registration.
func (w *Wizard) showNotStoredToken(c *regCard, ns *credstore.NotStoredError) {
	p := &w.registrations
	id := c.rec.ClientID
	p.unkept[id] = true
	box := c.result
	box.Objects = nil
	box.Add(errPara("The ATO issued a new registration access token, but it could not be saved: the old one no longer works. " +
		ns.Error()))
	box.Add(warnPara("The token is a secret: anyone who has it can change or delete this registration. Copy it now " +
		"into your software or somewhere safe."))
	grid := container.New(layout.NewFormLayout())
	v := ns.Values
	if v.ClientID == "" {
		v.ClientID = id
	}
	if v.RegistrationClientURI == "" {
		v.RegistrationClientURI = c.rec.RegistrationClientURI
	}
	w.valueRow(grid, "Client ID", v.ClientID, v.ClientID)
	tok := v.RegistrationAccessToken
	grid.Add(bold("Registration access token"))
	tokCopy := w.copyButton("Copy", func() string { return tok })
	copied := tokCopy.OnTapped
	tokCopy.OnTapped = func() {
		copied()
		delete(p.unkept, id)
	}
	shown := para(maskSecret(tok))
	shown.TextStyle.Monospace = true
	grid.Add(container.NewBorder(nil, nil, nil, tokCopy, shown))
	w.valueRow(grid, "Registration client URI", v.RegistrationClientURI, v.RegistrationClientURI)
	box.Add(grid)
	box.Refresh()
	w.relayout()
}

// nameDialog asks for one name: a new one, or the current one typed to
// confirm. Its OK button stays disabled while problem objects; Enter in
// the field is OK, Escape is Cancel.
type nameDialog struct {
	d      *dialog.CustomDialog
	entry  *keyEntry
	hint   *widget.Label
	ok     *keyButton
	cancel *keyButton
}

func (w *Wizard) showNameDialog(title string, intro fyne.CanvasObject, label, initial, okText string,
	okImportance widget.Importance, problem func(string) string, onOK func(string)) *nameDialog {
	nd := &nameDialog{}
	nd.entry = w.newEntry("")
	nd.entry.SetText(initial)
	nd.hint = para("")
	nd.hint.Importance = widget.WarningImportance
	submit := func() {
		if problem(nd.entry.Text) != "" {
			return
		}
		nd.d.Hide()
		onOK(nd.entry.Text)
	}
	nd.ok = w.newButtonWithIcon(okText, theme.ConfirmIcon(), submit)
	nd.ok.Importance = okImportance
	nd.cancel = w.newButtonWithIcon("Cancel", theme.CancelIcon(), func() { nd.d.Hide() })
	typed := false // no warning before the user has typed anything
	check := func() {
		msg := problem(nd.entry.Text)
		nd.hint.SetText(msg)
		setShown(nd.hint, msg != "" && typed)
		if msg != "" {
			nd.ok.Disable()
		} else {
			nd.ok.Enable()
		}
	}
	nd.entry.OnChanged = func(string) {
		typed = true
		check()
	}
	nd.entry.OnSubmitted = func(string) { submit() }
	nd.entry.onEscape = func() { nd.d.Hide() }
	content := container.NewVBox(intro, bold(label), nd.entry, nd.hint)
	nd.d = dialog.NewCustomWithoutButtons(title, content, w.win)
	nd.d.SetButtons([]fyne.CanvasObject{nd.cancel, nd.ok})
	check()
	nd.d.Resize(w.fitDialog(dialogSizeFor(content, 560)))
	nd.d.Show()
	w.win.Canvas().Focus(nd.entry)
	return nd
}

// okPara is a paragraph in the theme's success colour.
func okPara(text string) *widget.Label {
	l := para(text)
	l.Importance = widget.SuccessImportance
	return l
}

// formatDateTime is a date and time as the Done step shows it.
func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.Local().Format("2 January 2006, 3:04 pm")
}

// environmentWords names a registration's environment in plain words.
func environmentWords(rec credstore.Record) string {
	switch rec.Environment {
	case practiceName:
		return "Practice (the simulator built into DCR Wizard)"
	case "custom":
		if u, err := url.Parse(rec.RegistrationClientURI); err == nil && u.Host != "" {
			return "Custom addresses (" + u.Host + ")"
		}
		return "Custom addresses"
	}
	if e, ok := flow.Lookup(rec.Environment); ok {
		return e.Label
	}
	return rec.Environment
}

// credentialWords names the credential a registration was made with.
func credentialWords(rec credstore.Record) string {
	if rec.CredentialID == "" {
		return "unknown"
	}
	s := rec.CredentialID
	if rec.CredentialABN != "" {
		s += " (ABN " + formatABN(rec.CredentialABN) + ")"
	}
	return s
}

// expiryLevel grades a credential's expiry date.
type expiryLevel int

const (
	expiryFine expiryLevel = iota
	expiryUnknown
	expirySoon // within the ATO's renewal window: the instance needs attention
	expiryPast
)

// credentialExpiry says what a registration's credential expiry means for
// it: nothing when it is far off.
func credentialExpiry(notAfter, now time.Time) (string, expiryLevel) {
	switch {
	case notAfter.IsZero():
		return "", expiryUnknown
	case now.After(notAfter):
		return "The credential this registration was made with expired on " + formatDate(notAfter) + ". " +
			"This installation cannot use the registration any more: renew the credential in RAM, then register again.", expiryPast
	case !notAfter.After(now.AddDate(0, 6, 0)):
		return "The credential this registration was made with expires on " + formatDate(notAfter) + ", within 6 months. " +
			"This installation will need attention before then: renew the credential in RAM, then register again " +
			"and remove this registration.", expirySoon
	}
	return "", expiryFine
}

// atoFieldLabels name the fields of the ATO's answer, in display order.
var atoFieldLabels = []struct{ key, label string }{
	{"client_name", "Name at the ATO"},
	{"client_id", "Client ID"},
	{"client_id_issued_at", "Registered at"},
	{"grant_types", "Grant types"},
	{"registration_client_uri", "Registration client URI"},
	{"x509_certificate", "Certificate"},
}

// hiddenATOField reports whether a field of the ATO's answer must not be
// shown: the consumer key it echoes back (ato_api_key), and anything else
// named like a secret.
func hiddenATOField(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "api_key") || strings.Contains(k, "apikey") ||
		strings.Contains(k, "secret") || strings.Contains(k, "token") || strings.Contains(k, "password")
}

// atoRows is what the ATO holds, as label/value pairs: known fields first
// in a fixed order, then the rest by name; never the consumer key.
// cardWords rewords s for c's registration: a Practice one is held by the
// practice simulator, never the ATO.
func cardWords(c *regCard, s string) string {
	return practiceWords(c.rec.Environment == practiceName, s)
}

// checkedFacts is what Check shows: the name at the ATO, the environment,
// when it was registered, and the credential it was made with (serial and
// expiry, as kept on this computer).
func checkedFacts(rec credstore.Record, md map[string]any) [][2]string {
	name, _ := md["client_name"].(string)
	if name == "" {
		name = "(none)"
	}
	when := formatDateTime(rec.IssuedAt)
	if v, ok := md["client_id_issued_at"]; ok {
		when = atoValue("client_id_issued_at", v)
	}
	nameLabel := "Name at the ATO"
	if rec.Environment == practiceName {
		nameLabel = "Name at the practice simulator"
	}
	rows := [][2]string{
		{nameLabel, name},
		{"Environment", environmentWords(rec)},
		{"Registered", when},
	}
	if rec.CredentialSerial != "" {
		rows = append(rows, [2]string{"Certificate serial number", rec.CredentialSerial +
			" (identifies the M2M credential; support may ask for it)"})
	}
	if !rec.CredentialNotAfter.IsZero() {
		rows = append(rows, [2]string{"Credential valid until", formatDate(rec.CredentialNotAfter)})
	}
	return rows
}

// showATODetails shows the ATO's answer, field by field, for support.
func (w *Wizard) showATODetails(name string, rows [][2]string) {
	grid := container.New(layout.NewFormLayout())
	for _, r := range rows {
		grid.Add(bold(r[0]))
		grid.Add(monoPara(r[1]))
	}
	content := container.NewVBox(para("What the ATO holds for “"+name+"”, as it sent it. Support staff may ask for these."), grid)
	d := dialog.NewCustom("Details for support", "Close", container.NewVScroll(content), w.win)
	d.Resize(w.fitDialog(dialogSizeFor(content, 640)))
	d.Show()
}

func atoRows(md map[string]any) [][2]string {
	var rows [][2]string
	seen := map[string]bool{}
	for _, f := range atoFieldLabels {
		seen[f.key] = true
		if v, ok := md[f.key]; ok {
			rows = append(rows, [2]string{f.label, safetext.Line(atoValue(f.key, v))})
		}
	}
	var rest []string
	for k := range md {
		if !seen[k] && !hiddenATOField(k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		rows = append(rows, [2]string{safetext.Line(k), safetext.Line(atoValue(k, md[k]))})
	}
	return rows
}

func atoValue(key string, v any) string {
	var s string
	switch t := v.(type) {
	case []any:
		parts := make([]string, len(t))
		for i, p := range t {
			parts[i] = fmt.Sprint(p)
		}
		s = strings.Join(parts, ", ")
	case nil:
		s = "(none)"
	default:
		s = fmt.Sprint(t)
	}
	if key == "client_id_issued_at" {
		if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return formatDateTime(ts)
		}
	}
	if len(s) > 72 { // a base64 certificate: its start is enough to recognise it
		s = s[:60] + fmt.Sprintf("… (%d characters)", len(s))
	}
	return s
}

// outcomeKind sorts a failed call by what the user can do next.
type outcomeKind int

const (
	outcomeFailed       outcomeKind = iota // try again later, or ask for help
	outcomeGone                            // the ATO no longer knows it (401/404): offer Forget
	outcomeRefused                         // the ATO refused (403)
	outcomeNotAllowed                      // removal not allowed here (405): offer Forget, separately
	outcomeNotStored                       // a rotated token the keychain did not keep
	outcomeMissingLocal                    // this computer lost its values: offer Forget
	outcomeCancelled
)

type outcome struct {
	kind            outcomeKind
	message, action string
	receipt         string
	notStored       *credstore.NotStoredError
}

// lifecycleOutcome puts a failed call into plain words.
func lifecycleOutcome(act lifeAction, err error) outcome {
	var ns *credstore.NotStoredError
	if errors.As(err, &ns) {
		return outcome{kind: outcomeNotStored, message: ns.Error(), notStored: ns}
	}
	var fe *flow.Error
	errors.As(err, &fe)
	receipt := ""
	if fe != nil {
		receipt = fe.Receipt
	}
	if errors.Is(err, registrar.ErrRemovalNotAllowed) {
		return outcome{kind: outcomeNotAllowed, receipt: receipt,
			message: "The ATO does not allow removing registrations from here, so this one still exists at the ATO.",
			action: "This computer keeps its values. To have it removed, contact the ATO; or leave it: an unused " +
				"registration does no harm. If you no longer want it listed here, you can forget it on this computer " +
				"only — it stays registered at the ATO."}
	}
	var nf *credstore.NotFoundError
	if errors.As(err, &nf) && nf.Item != "" {
		return outcome{kind: outcomeMissingLocal, message: nf.Error(),
			action: "Without it this computer cannot ask the ATO about this registration. If you have the values " +
				"somewhere else, your software can still use them; otherwise forget it here and register again if needed."}
	}
	if fe != nil {
		switch {
		case fe.Kind == flow.KindCancelled || errors.Is(err, context.Canceled):
			return outcome{kind: outcomeCancelled, message: cancelledWords(act)}
		case fe.Status == 401 || fe.Status == 404:
			return outcome{kind: outcomeGone, receipt: receipt,
				message: "The ATO no longer knows this registration.",
				action: "It was probably removed at the ATO (in the ATO portal or from another computer), or another " +
					"program replaced its access token. Nothing was changed on this computer. If this installation still " +
					"needs to connect to the ATO, register it again; if not, forget it here."}
		case fe.Status == 403:
			return outcome{kind: outcomeRefused, receipt: receipt,
				message: "The ATO refused this request for this registration. Nothing was changed.",
				action:  "The ATO does not allow this for this registration. If you need it, contact the ATO with the receipt number below, if there is one."}
		}
	}
	msg, action := errorWords(err)
	return outcome{kind: outcomeFailed, message: msg, action: action, receipt: receipt}
}

// cancelledWords says what a cancelled call may have left behind.
func cancelledWords(act lifeAction) string {
	switch act {
	case actCheck:
		return "You cancelled the check. Nothing was changed."
	case actRename, actRemove:
		return "You stopped waiting. If the request had already reached the ATO, the change may have been made there: " +
			"press Check to see what the ATO holds."
	case actForget:
		return "You stopped waiting. The list below shows whether it was forgotten."
	}
	return "You cancelled the export. If the file was written all the same, it holds the secret: delete it if you do not need it."
}
