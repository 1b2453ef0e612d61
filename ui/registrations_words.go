package ui

// Words for the Registrations screen: facts, the ATO's answer and failed
// calls in plain English.

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/internal/safetext"
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

// checkedFacts is what Check it works shows under Technical details: the name at the ATO, the environment,
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
	nameLabel := "Name at " + counterpartFor(rec.Environment).the()
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
func showATODetails(w *Wizard, cp counterpart, name string, rows [][2]string) {
	grid := container.New(layout.NewFormLayout())
	for _, r := range rows {
		grid.Add(bold(r[0]))
		grid.Add(monoPara(r[1]))
	}
	content := container.NewVBox(para("What "+cp.the()+" holds for “"+name+"”, as it sent it. Support staff may ask for these."), grid)
	d := w.kit.showDialog("Details for support", "Close", container.NewVScroll(content))
	d.Resize(w.kit.fitDialog(dialogSizeFor(content, 640)))
}

// atoRows is what the ATO holds, as label/value pairs: known fields first
// in a fixed order, then the rest by name; never the consumer key.
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
