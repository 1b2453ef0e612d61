package ui

// Words for the Registrations screen: facts, the ATO's answer and failed
// calls in plain English.

import (
	"context"
	"dcrwizard/guidance"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

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
	outcomeNotOffered // the ATO does not offer the call: what can be done instead (notoffered.go)
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
		return outcome{kind: outcomeNotStored, message: guidance.Text(ns), notStored: ns}
	}
	var fe *flow.Error
	errors.As(err, &fe)
	receipt := ""
	if fe != nil {
		receipt = fe.Receipt
	}
	if o, ok := notOfferedOutcome(err); ok {
		o.receipt = receipt
		return o
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
		return outcome{kind: outcomeMissingLocal, message: guidance.Text(nf),
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
	case actVerify:
		return "You cancelled the test. Nothing was changed."
	case actRenew:
		return "You stopped waiting. If the update had already reached the ATO, it may have been made there: press " +
			"Test the connection and choose the renewed keystore to find out before trying again."
	case actAgain:
		return "You stopped waiting. If the request had already reached the ATO, a new registration may have been made: " +
			"the list below shows it if it was stored; otherwise the note about unfinished registrations says what to check."
	case actRehearse:
		return "You cancelled. If a renewed practice credential was made, it is in the practice folder."
	}
	return "You cancelled the export. If the file was written all the same, it holds the secret: delete it if you do not need it."
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
	case outcomeNotOffered:
		w.notOfferedButtons(c, err)
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
		guidance.Words(ns)))
	box.Add(warnPara("The token is a secret: anyone who has it can change or delete this registration. Copy it now " +
		"into your software or somewhere safe. Once the keychain works again, DCR Wizard can keep it again: your " +
		"support contact can hand it back with the command dcrwizard restore " + id + " (it checks the token with the ATO first)."))
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
