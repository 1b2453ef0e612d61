package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/internal/safetext"
	"dcrwizard/registrar"
	"dcrwizard/ui/journey"
)

// reviewPage is the Review step: the summary of what Register will send,
// built from the draft (w.input), and the live run (reviewrun.go).
type reviewPage struct {
	w *Wizard

	summary   *fyne.Container
	prodNote  *widget.Label
	runBox    *fyne.Container
	rows      progressRows
	elapsed   *widget.Label
	cancelBtn *keyButton

	run runState // the current or last run (runstate.go)

	warm *warmClient // the client the next run uses, pre-connected (warm.go)

	existing existingCheck // the same registration stored already (existing.go)
}

// running reports whether a registration run is going.
func (p *reviewPage) running() bool { return p.run.running() }

func (p *reviewPage) build() *fyne.Container {
	w := p.w
	p.summary = container.New(layout.NewFormLayout())
	p.prodNote = warnPara("Production: this is a real registration with the ATO.")
	p.prodNote.Hide()
	var list *fyne.Container
	p.rows, list = newProgressRows()
	p.elapsed = widget.NewLabel("")
	p.cancelBtn = w.kit.newButtonWithIcon("Cancel", theme.CancelIcon(), p.cancelRun)
	// Cancel sits above the list, beside the heading: the list grows as
	// steps report, and a button that moves is hard to hit.
	p.runBox = container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewVBox(p.cancelBtn), container.NewVBox(subheading("Progress"), p.elapsed)),
		list,
		widget.NewSeparator(),
	)
	p.runBox.Hide()
	p.existing.w = w
	return container.NewVBox(
		para("Check these details. When they are right, press Register. It usually takes a few seconds."),
		p.runBox,
		p.summary,
		p.prodNote,
		p.existing.build(p),
	)
}

func (p *reviewPage) problem() string {
	if p.running() {
		if p.run.stored != nil {
			return "Registered and stored. Testing it… Press Cancel to stop the test."
		}
		return "Registering… Press Cancel to stop."
	}
	return ""
}

// focus is Register, as Enter advanced every earlier page; in Production
// it asks first (confirmRegister).
func (p *reviewPage) focus() fyne.Focusable { return p.w.nextBtn }

// maskKey shows enough of a consumer key to recognise it.
func maskKey(k string) string {
	if len(k) <= 8 {
		return strings.Repeat("•", len(k))
	}
	return fmt.Sprintf("%s…%s (%d characters)", k[:4], k[len(k)-4:], len(k))
}

// practiceOptionLabel is how Review names Practice, as the Environment
// page's choice does.
const practiceOptionLabel = "Practice — offline, with the practice simulator built into this program"

// envSummary names the environment as the Environment page's choice does.
func envSummary(env flow.Environment) string {
	switch journey.KindOf(env) {
	case journey.Practice:
		return practiceOptionLabel
	case journey.Sandbox, journey.Production:
		return envOptionLabel(env)
	}
	return env.Label
}

// summaryRows is the Review step's summary as label/value pairs: what the
// run will send (in, caFile from w.input) and the credential file chosen.
func summaryRows(in registrar.Input, caFile, keystore, shownKey string) [][2]string {
	env := in.Env
	rows := [][2]string{{"Environment", envSummary(env)}}
	if env.Name != flow.Sandbox.Name && env.Name != flow.Production.Name {
		rows = append(rows, [2]string{"Addresses", env.TokenURL + "\n" + env.RegistrationURL})
		if !journey.IsPractice(env.Name) && !env.IsATO() {
			rows = append(rows, [2]string{"Not the ATO's", "These addresses are not the ATO's: " + strings.Join(env.Hosts(), ", ") + "."})
		}
	}
	if c := in.Credential; c != nil {
		name := safetext.Line(c.Name) // a keystore's names and a file name are one line each
		if c.ABN != "" {
			name += " (ABN " + formatABN(c.ABN) + ")"
		}
		rows = append(rows,
			[2]string{"Credential", name},
			[2]string{"Credential ID", safetext.Line(c.ID)},
			[2]string{"Valid until", formatDate(c.NotAfter)})
	}
	rows = append(rows,
		[2]string{"File", safetext.Line(keystore)},
		[2]string{"Consumer key", shownKey},
		[2]string{"Name", in.InstanceName})
	rows = append(rows, vendorRows(credstore.Record{Vendor: in.Vendor})...)
	if caFile != "" {
		rows = append(rows, [2]string{"Extra CA file", safetext.Line(caFile)})
	}
	return rows
}

func (p *reviewPage) shown() {
	w := p.w
	in, caFile, _ := w.input() // a setup file's error is the run's to show
	p.summary.Objects = nil
	for _, r := range summaryRows(in, caFile, w.draft.Keystore, w.setup.shownKey(in.ConsumerKey)) {
		p.summary.Add(bold(r[0]))
		p.summary.Add(w.details.summaryValue(r[0], r[1])) // the typed key can be shown (revealkey.go)
	}
	p.summary.Refresh()
	setShown(p.prodNote, in.Env.Name == flow.Production.Name)
	if !p.running() {
		p.runBox.Hide()
		p.warmUp(in.Env, caFile)
		p.existing.check(in)
	}
}

var _ page = (*reviewPage)(nil)
