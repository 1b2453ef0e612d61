package ui

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/internal/safetext"
	"dcrwizard/registrar"
)

// supportInfo is everything a helpdesk may ask for; never a secret.
type supportInfo struct {
	Version    string
	At         time.Time
	OS         string
	Env        flow.Environment
	Credential string // id, ABN, serial, valid until
	Name       string
	KeyShown   string // the consumer key, masked
	CAFile     string
	Result     *registrar.Result
	SaveErr    string // why the keychain did not keep the values
	Err        error
	Vendor     credstore.Vendor // setup hook: whose setup file was used
	Verify     *verifyOutcome   // the test of the new registration
}

// summaryLines builds the support summary, one "label: value" a line.
type summaryLines struct{ b strings.Builder }

// line adds k: v, when v is not empty, as one line of safe text.
func (s *summaryLines) line(k, v string) {
	if v != "" {
		fmt.Fprintf(&s.b, "%-22s %s\n", k+":", safetext.Line(v))
	}
}

// supportSummary formats info for a helpdesk.
func supportSummary(info supportInfo) string {
	var s summaryLines
	s.line("DCR Wizard", info.Version)
	s.line("Computer", info.OS)
	s.line("Time", supportTime(info.At))
	s.line("Environment", info.Env.Name)
	s.line("Token endpoint", info.Env.TokenURL)
	s.line("Registration endpoint", info.Env.RegistrationURL)
	s.line("Credential", info.Credential)
	s.line("Instance name", info.Name)
	s.line("Consumer key", info.KeyShown)
	s.line("Extra CA file", info.CAFile)
	for _, row := range supportVendorLines(info.Vendor) { // setup hook
		s.line(row[0], row[1])
	}
	if r := info.Result; r != nil {
		s.result(r, info.SaveErr)
		s.verify(info.Verify)
	}
	if err := info.Err; err != nil {
		s.failure(err)
	}
	return s.b.String()
}

// result is an accepted registration and where it was kept.
func (s *summaryLines) result(r *registrar.Result, saveErr string) {
	s.b.WriteString("Outcome:               registered\n")
	if r.Registration != nil {
		s.line("Client ID", r.Registration.ClientID)
		s.line("Receipt", r.Registration.Receipt)
		if !r.Registration.IssuedAt.IsZero() {
			s.line("Issued at", supportTime(r.Registration.IssuedAt))
		}
	}
	s.line("Stored in", r.Where)
	s.line("Stored", fmt.Sprint(r.Stored))
	if r.Stored {
		for _, row := range keychainPlaces(r.Record, "") {
			s.line("Keychain account", row[1])
		}
	}
	s.line("Not stored because", saveErr)
}

// verify is the test of the new registration, when there was one.
func (s *summaryLines) verify(v *verifyOutcome) {
	switch {
	case v == nil:
	case v.stopped:
		s.line("Test", "stopped by the user")
	case v.err != nil:
		msg, action := errorWords(v.err)
		s.line("Test", "failed: "+msg)
		s.line("Test action", action)
	default:
		s.line("Test", "usable (access token obtained as the new client)")
		if v.v != nil {
			s.line("Test scope", v.v.Scope)
			s.line("Heartbeat", v.v.HeartbeatURL)
		}
	}
}

// failure is why the registration did not go through, or may not have.
func (s *summaryLines) failure(err error) {
	if outcomeUnknown(err) {
		s.b.WriteString("Outcome:               unknown (the request was sent; no answer seen)\n")
	} else {
		s.b.WriteString("Outcome:               not registered\n")
	}
	msg, action := errorWords(err)
	s.line("Message", msg)
	s.line("Action", action)
	var fe *flow.Error
	if !errors.As(err, &fe) {
		if cause := errors.Unwrap(err); cause != nil {
			s.line("Cause", cause.Error())
		}
		return
	}
	s.line("Step", string(fe.Step))
	s.line("Kind", string(fe.Kind))
	if fe.Status != 0 {
		s.line("HTTP status", fmt.Sprint(fe.Status))
	}
	s.line("Code", fe.Code)
	s.line("Description", fe.Description)
	s.line("Receipt", fe.Receipt)
	s.line("Host", fe.Host)
	if !fe.At.IsZero() {
		s.line("At", supportTime(fe.At))
	}
	if fe.Unknown {
		s.line("Outcome known", "no — find out before registering again")
	}
	if fe.Body != "" {
		s.line("Server answer", safetext.Cap(strings.Join(strings.Fields(fe.Body), " "), 1000))
	}
}

// supportText is the support summary of the current outcome.
func (d *donePage) supportText() string {
	w := d.w
	in := w.review.run.input
	info := supportInfo{
		Version:  w.cfg.Version,
		At:       w.now(),
		OS:       runtime.GOOS + "/" + runtime.GOARCH,
		Env:      in.Env,
		Name:     in.InstanceName,
		KeyShown: w.setup.shownKey(in.ConsumerKey), // setup hook: only the last 4 of a vendor's key
		CAFile:   w.review.run.caFile,
		Result:   d.res,
		Err:      d.failErr,
		Vendor:   w.setup.vendor(), // setup hook
		Verify:   d.verify,
	}
	if c := in.Credential; c != nil {
		info.Credential = fmt.Sprintf("%s, ABN %s, serial %s, valid until %s", c.ID, c.ABN, c.Serial, formatDate(c.NotAfter))
	}
	if ns := d.notStored; ns != nil && ns.Err != nil {
		info.SaveErr = ns.Err.Error()
	}
	return supportSummary(info)
}

// showSupport shows the support summary with a Copy button.
func (d *donePage) showSupport() {
	w := d.w
	text := d.supportText()
	l := widget.NewLabel(text)
	l.TextStyle.Monospace = true
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	content := container.NewBorder(nil, container.NewHBox(w.kit.copyButton("Copy", func() string { return text })), nil, nil,
		container.NewVScroll(l))
	dlg := w.kit.showDialog("Details for support", "Close", content)
	dlg.Resize(w.kit.fitDialog(w.win.Canvas().Size().SubtractWidthHeight(80, 80)))
}

// supportTime is a time as the support summary gives it: local, as the
// user's screen and messages show it, with the offset from UTC, so that
// support staff elsewhere can match it with the ATO's logs.
func supportTime(t time.Time) string {
	l := t.Local()
	return l.Format("2 January 2006, 3:04:05 pm") + " (UTC" + l.Format("-07:00") + ")"
}
