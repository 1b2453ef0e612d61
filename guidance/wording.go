package guidance

import (
	"dcrwizard/flow"
	"dcrwizard/internal/timewords"
	"strings"
	"time"
)

// withSaid adds the server's own words to a general message, when there are
// any: they are often the most specific thing we have.
func withSaid(e *flow.Error, msg string) string {
	if d := strings.TrimSpace(e.Description); d != "" {
		msg += " {The ATO} said: “" + d + "”"
		if e.Code != "" {
			msg += " (" + e.Code + ")"
		}
		msg += "."
	} else if e.Code != "" {
		msg += " {The ATO} gave the code " + e.Code + "."
	}
	return msg
}

// errText is the cause's own text: for input and credential errors it is
// already a plain-English sentence of ours or m2m's.
func errText(e *flow.Error, fallback string) string {
	if w := checkWords(e.Err); w != "" {
		return w
	}
	if e.Err != nil && e.Err.Error() != "" {
		return Words(e.Err)
	}
	return fallback
}

// service names the other end by step, with the host when known.
func service(e *flow.Error) string {
	var s string
	switch e.Step {
	case flow.StepToken, flow.StepSign, flow.StepVerify:
		s = "{The ATO's} sign-in service"
	case flow.StepHeartbeat:
		s = "{The ATO's} heartbeat service"
	case flow.StepRegister, flow.StepRead, flow.StepUpdate, flow.StepDelete:
		s = "{The ATO's} registration service"
	default:
		s = "The server"
	}
	if e.Host != "" {
		s += " (" + e.Host + ")"
	}
	return s
}

// orService is the host, or the service when the host is unknown.
func orService(e *flow.Error) string {
	if e.Host != "" {
		return e.Host
	}
	return midSentence(service(e))
}

func stepNoun(s flow.Step) string {
	switch s {
	case flow.StepSign:
		return "signing the request"
	case flow.StepToken:
		return "getting the access token"
	case flow.StepRegister:
		return "registering"
	case flow.StepRead:
		return "reading the registration"
	case flow.StepUpdate:
		return "updating the registration"
	case flow.StepDelete:
		return "removing the registration"
	case flow.StepSave:
		return "saving"
	case flow.StepVerify:
		return "testing the new registration"
	case flow.StepHeartbeat:
		return "calling {the ATO's} heartbeat"
	}
	return "checking the details"
}

// clock is the local date and time, as the user reads it on their screen.
func clock(t time.Time) string {
	if t.IsZero() {
		t = time.Now()
	}
	return t.Local().Format("3:04 pm on Monday 2 January 2006 (MST)")
}

// clockShort is the local time and date of an event.
func clockShort(t time.Time) string {
	if t.IsZero() {
		t = time.Now()
	}
	return t.Local().Format("3:04 pm on 2 January 2006")
}

// skew describes how far this computer's clock is from the server's, when
// the server said and the gap matters (the JWT is checked against it).
func skew(e *flow.Error) string {
	if e.ServerTime.IsZero() || e.At.IsZero() {
		return ""
	}
	d := e.At.Sub(e.ServerTime)
	dir := "ahead of"
	if d < 0 {
		d, dir = -d, "behind"
	}
	if d < 2*time.Minute {
		return ""
	}
	return "This computer's clock is about " + timewords.Rough(d) + " " + dir + " {the ATO's}."
}
