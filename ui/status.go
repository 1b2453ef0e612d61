package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/internal/safetext"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
	"dcrwizard/ui/journey"
)

// Credential status on the Registrations screen and Welcome: whether each
// registration's credential needs renewing, from registrar.StateWith with
// the last-used keystore (read without its password, off the UI goroutine).

// listedRegistrations is the index read with each record's credential state.
type listedRegistrations struct {
	recs     []credstore.Record
	states   map[string]registrar.CredentialState
	keystore string // the file a renewed credential was looked for in
	err      error
}

// readRegistrations lists the registrations and grades their credentials.
// It runs in the background: the keystore read is file I/O and parsing.
// practiceKeystore, when set, is a rehearsal's renewed demo keystore, looked
// in for Practice registrations instead.
func readRegistrations(store *credstore.Store, timeout time.Duration, keystore, practiceKeystore string, now time.Time) listedRegistrations {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out := listedRegistrations{states: map[string]registrar.CredentialState{}, keystore: keystore}
	out.recs, out.err = store.List(ctx)
	var ks *m2m.Store
	if keystore != "" {
		ks, _ = m2m.OpenPublic(keystore) // a file that cannot be read just finds nothing renewed
	}
	var pks *m2m.Store
	if practiceKeystore != "" {
		pks, _ = m2m.OpenPublic(practiceKeystore)
	}
	for _, rec := range out.recs {
		if pks != nil && journey.IsPractice(rec.Environment) {
			out.states[rec.ClientID] = registrar.StateWith(rec, now, pks)
			continue
		}
		out.states[rec.ClientID] = registrar.StateWith(rec, now, ks)
	}
	return out
}

// needsAttention reports whether a registration's state asks the user to act.
func needsAttention(rec credstore.Record, st registrar.CredentialState) bool {
	if rec.ReplacedBy != "" {
		return true
	}
	switch st.Status {
	case registrar.CredentialRenewSoon, registrar.CredentialRenewNow, registrar.CredentialExpired, registrar.CredentialRenewed:
		return true
	}
	return false
}

// statusShort is the card's "Credential status" row.
func statusShort(st registrar.CredentialState) string {
	switch st.Status {
	case registrar.CredentialFine:
		return "Fine"
	case registrar.CredentialRenewSoon, registrar.CredentialRenewNow:
		return fmt.Sprintf("Renew within %s", daysWords(st.DaysLeft))
	case registrar.CredentialExpired:
		return "Expired"
	case registrar.CredentialRenewed:
		return "A renewed credential is available"
	}
	return "Unknown (the expiry date was not kept)"
}

func daysWords(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// statusLines is what the card says under its facts about the credential
// and a replacement; nothing when all is fine.
func statusLines(rec credstore.Record, st registrar.CredentialState, keystore, practiceKeystore string) []*widget.Label {
	var out []*widget.Label
	if rec.ReplacedBy != "" {
		out = append(out, warnPara("Replaced by "+safetext.Line(rec.ReplacedBy)+": this installation was registered again with the "+
			"renewed credential, and your software should now use that client ID. This old registration is kept until "+
			"you remove it at "+counterpartFor(rec.Environment).the()+" (Remove…)."))
	}
	switch st.Status {
	case registrar.CredentialRenewed:
		if journey.IsPractice(rec.Environment) && practiceKeystore != "" {
			keystore = practiceKeystore
		}
		out = append(out, warnPara("A renewed credential is available in "+filepath.Base(keystore)+" (valid until "+
			formatDate(st.Renewed.NotAfter)+"). Press Update with renewed credential to put it in this registration: "+
			"the client ID stays the same, so your software needs nothing new."))
	case registrar.CredentialExpired:
		out = append(out, errPara("The credential this registration was made with expired on "+formatDate(st.NotAfter)+
			". Software using this registration cannot sign in any more: renew the credential in RAM, then press "+
			"Update with renewed credential."))
	case registrar.CredentialRenewNow:
		out = append(out, warnPara("Renew within "+daysWords(st.DaysLeft)+": the credential this registration was made "+
			"with expires on "+formatDate(st.NotAfter)+". Renew it in RAM now, then press Update with renewed credential; "+
			"after that date your software cannot sign in with this registration."))
	case registrar.CredentialRenewSoon:
		out = append(out, para("Renew within "+daysWords(st.DaysLeft)+": the credential this registration was made with "+
			"expires on "+formatDate(st.NotAfter)+", within 6 months. Renew it in RAM, then press Update with renewed "+
			"credential."))
	}
	return out
}

// attentionWords is what Welcome says when registrations need attention:
// each by name with what it needs (the first few).
func attentionWords(names, needs []string) string {
	head := "One registration on this computer needs attention:"
	if len(names) > 1 {
		head = fmt.Sprintf("%d registrations on this computer need attention:", len(names))
	}
	var b strings.Builder
	b.WriteString(head)
	for i := range names {
		if i == 3 {
			b.WriteString("\n• and more: see Registrations.")
			break
		}
		b.WriteString("\n• “" + names[i] + "”: " + needs[i] + ".")
	}
	return b.String()
}

// attentionNeed says in a few words what a registration needs.
func attentionNeed(rec credstore.Record, st registrar.CredentialState) string {
	if rec.ReplacedBy != "" {
		return "replaced by " + safetext.Line(rec.ReplacedBy) + "; remove it at " + counterpartFor(rec.Environment).the() +
			" when your software uses the new one"
	}
	switch st.Status {
	case registrar.CredentialRenewed:
		return "a renewed credential is available: update the registration with it"
	case registrar.CredentialExpired:
		return "its credential expired on " + formatDate(st.NotAfter)
	}
	return strings.ToLower(statusShort(st)[:1]) + statusShort(st)[1:] + " (its credential expires on " + formatDate(st.NotAfter) + ")"
}

// attentionNote is Welcome's note when registrations need attention: each
// by name with what it needs, and a button to them. Hidden until a list
// read off the UI goroutine says otherwise.
type attentionNote struct {
	w    *Wizard
	box  *fyne.Container
	text *widget.Label
	btn  *keyButton
}

// build makes the note for Welcome.
func (n *attentionNote) build(w *Wizard) *fyne.Container {
	n.w = w
	n.text = warnPara("")
	n.btn = w.kit.newButtonWithIcon("Open Registrations", theme.ListIcon(), func() { w.registrations.open() })
	n.box = container.NewVBox(n.text, container.NewHBox(n.btn))
	n.box.Hide()
	return n.box
}

// show sets the note from a list just read.
func (n *attentionNote) show(l listedRegistrations) {
	if n.box == nil {
		return
	}
	var names, needs []string
	for _, rec := range l.recs {
		if st := l.states[rec.ClientID]; needsAttention(rec, st) {
			names = append(names, safetext.Line(rec.Name))
			needs = append(needs, attentionNeed(rec, st))
		}
	}
	if len(names) == 0 {
		n.box.Hide()
		return
	}
	n.text.SetText(attentionWords(names, needs))
	n.box.Show()
	if n.w.step == stepWelcome {
		n.w.relayout()
	}
}
