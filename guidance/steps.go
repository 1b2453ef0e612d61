package guidance

import (
	"fmt"
	"strings"

	"dcrwizard/flow"
	"dcrwizard/internal/safetext"
	"dcrwizard/internal/timewords"
)

// StepWords is a progress event in words, one line, as both front ends
// show it (the wizard's progress rows, the command line's progress lines)
// and the support log keeps it: "Getting an access token from
// ato.example…", "Registered “Front desk”: client id …". Text from outside
// in it (a host, a name, a receipt) is escaped. "" for an event with
// nothing to say.
func StepWords(e flow.Event) string {
	return safetext.Line(atoNamed(stepWords(e)))
}

func stepWords(e flow.Event) string {
	if e.State == flow.StateFailed {
		switch {
		case e.Step == flow.StepSave:
			return "Could not save to " + e.Where
		case e.Err != nil:
			return e.Err.Error()
		}
		return ""
	}
	started := e.State == flow.StateStarted
	switch e.Step {
	case flow.StepSign:
		if started {
			return "Signing the request with credential “" + e.CredentialID + "”…"
		}
		return "Signed with credential “" + e.CredentialID + "” (certificate serial " + e.CredentialSerial +
			", valid until " + e.CredentialNotAfter.Local().Format("2 January 2006") + ")."
	case flow.StepToken, flow.StepVerify:
		return tokenWords(e)
	case flow.StepRegister:
		if started {
			return "Registering “" + e.InstanceName + "” with " + e.Host + "…"
		}
		msg := "Registered “" + e.InstanceName + "”: client id " + e.ClientID
		if e.Receipt != "" {
			msg += ", receipt " + e.Receipt
		}
		return msg + "." + tlsWords(e)
	case flow.StepRead:
		if started {
			return "Reading the registration from " + e.Host + "…"
		}
		return "Read registration " + e.ClientID + rotatedWords(e) + "."
	case flow.StepUpdate:
		if started {
			return "Updating the registration at " + e.Host + "…"
		}
		return "Updated registration " + e.ClientID + rotatedWords(e) + "."
	case flow.StepDelete:
		if started {
			return "Removing the registration at " + e.Host + "…"
		}
		return "Removed the registration."
	case flow.StepHeartbeat:
		if started {
			return "Calling {the ATO's} heartbeat at " + e.Host + " as the new registration…"
		}
		return "The heartbeat at " + e.Host + " answered." + tlsWords(e)
	case flow.StepSave:
		if started {
			return "Saving to " + e.Where + "…"
		}
		return "Saved to " + e.Where
	}
	return ""
}

// tokenWords: getting an access token, a retry of it, or got it.
func tokenWords(e flow.Event) string {
	switch {
	case e.State == flow.StateStarted && e.Attempt > 1:
		why := "the last attempt failed"
		if e.Err != nil {
			why = strings.TrimSuffix(e.Err.Error(), ".")
		}
		return fmt.Sprintf("%s; trying again in %s (attempt %d of %d)…", why, e.RetryIn, e.Attempt, e.Attempts)
	case e.State == flow.StateStarted:
		return "Getting an access token from " + e.Host + "…"
	}
	msg := "Got an access token from " + e.Host
	if e.Lifetime > 0 {
		msg += " (valid for " + timewords.Duration(e.Lifetime) + ")"
	}
	return msg + "." + tlsWords(e)
}

func rotatedWords(e flow.Event) string {
	if e.Rotated {
		return " ({the ATO} issued a new registration access token)"
	}
	return ""
}

// tlsWords is the note a step done over less than TLS 1.3 carries.
func tlsWords(e flow.Event) string {
	if e.TLSVersion == 0 {
		return ""
	}
	return " Note: the connection to " + e.Host + " used " + flow.TLSVersionName(e.TLSVersion) +
		"; {the ATO's} own servers accept TLS 1.3 only, so the same set-up would fail against them."
}

// RegistrationWarnings are the notes to show with an accepted
// registration about what flow did not take as given: a registration
// client URI off the registration service's address. None when all was
// taken as given.
func RegistrationWarnings(reg *flow.Registration) []string {
	if reg == nil || reg.URIReplaced == "" {
		return nil
	}
	return []string{safetext.Line(atoNamed(fmt.Sprintf(
		"{The ATO's} answer gave a registration client URI that is not on the registration service's own address (%s), so DCR Wizard will not send the registration access token there. It kept %s instead, the address {the ATO} uses for every registration. If managing this registration (check, rename, remove) fails, contact {the ATO}.",
		reg.URIReplaced, reg.RegistrationClientURI)))}
}
