package guidance

import (
	"context"
	"dcrwizard/flow"
	"errors"
	"fmt"
)

// unknownOutcome: the DCR POST left this computer and no usable answer came
// back. Say when and for which name, so the user can check before trying
// again: a second POST could make a second registration.
func unknownOutcome(e *flow.Error) advice {
	when := clockShort(e.At)
	if flow.IsLifecycle(e.Step) {
		return lifecycleUnknown(e, when)
	}
	name := "“" + e.InstanceName + "”"
	check := "Before trying again, check whether " + name + " was registered at about " + when +
		" (contact {the ATO}, or your software vendor, with the time" + receiptNote(e) + "). Registering again without checking may create a second registration."
	switch {
	case e.Status/100 == 2:
		return advice{"At " + when + " {the ATO} answered that it registered " + name + ", but its answer could not be read, so the registration's details were not received.",
			"Do not register again yet. Contact {the ATO} with the time" + receiptNote(e) + " to have the registration removed or its details resent.", nil}
	case e.Status == 504:
		return advice{"At " + when + " the registration request for " + name + " was sent, but {the ATO's} gateway stopped waiting for an answer (HTTP " + fmt.Sprint(e.Status) + "). It is not known whether the registration was created.", check, nil}
	case e.Status >= 300 && e.Status < 400:
		return advice{"At " + when + " the registration request for " + name + " was sent, and " + orService(e) +
			" answered by sending this program somewhere else (HTTP " + fmt.Sprint(e.Status) + "). It is not known whether the registration was created.", check, nil}
	case e.Status != 0:
		// A 5xx, 3xx or a 4xx without an ATO error: the request arrived,
		// and the answer does not say that nothing was created.
		return advice{withSaid(e, "At "+when+" the registration request for "+name+" was sent, and "+
			midSentence(service(e))+" answered with an error (HTTP "+fmt.Sprint(e.Status)+
			") that does not say whether the registration was created."), check, nil}
	case errors.Is(e.Err, context.Canceled):
		return advice{"You stopped at " + when + ", after the registration request for " + name + " had been sent. It is not known whether the registration was created.", check, nil}
	case e.Err != nil && (errors.Is(e.Err, context.DeadlineExceeded) || isTimeout(e.Err)):
		return advice{"At " + when + " the registration request for " + name + " was sent, but {the ATO} did not answer in time. It is not known whether the registration was created.", check, nil}
	}
	return advice{"At " + when + " the registration request for " + name + " was sent, but the connection broke before {the ATO} answered. It is not known whether the registration was created.", check, nil}
}

// notSent: an RFC 7592 request stopped before it reached the ATO (what
// came before it in the same command, a read and its new token, is kept).
func notSent(e *flow.Error) advice {
	what := "You stopped it"
	if e.Kind == flow.KindTimeout {
		what = "The time allowed ran out"
	}
	action := "Start again when you are ready."
	var next []Next
	if e.Kind == flow.KindTimeout {
		action, next = "Try again.", []Next{{Step: LongerTimeout}}
	}
	switch e.Step {
	case flow.StepUpdate:
		return advice{what + " before the update was sent: the registration at {the ATO} is unchanged.", action, next}
	case flow.StepDelete:
		return advice{what + " before the removal was sent: the registration still exists at {the ATO} and here.", action, next}
	}
	return advice{what + " before the registration was read: nothing was sent to {the ATO}.", action, next}
}

// lifecycleUnknown: an RFC 7592 request left this computer and no usable
// answer came back. Besides what the request was for, the answer may have
// carried a new registration access token (RFC 7592 lets the ATO rotate it
// on any call), which is then lost: say how to find out, and what then.
func lifecycleUnknown(e *flow.Error, when string) advice {
	why := "no usable answer came back"
	switch {
	case e.Status/100 == 2:
		why = "its answer could not be read"
	case errors.Is(e.Err, context.Canceled):
		why = "it was stopped before the answer came"
	case e.Err != nil && (errors.Is(e.Err, context.DeadlineExceeded) || isTimeout(e.Err)):
		why = "{the ATO} did not answer in time"
	case e.Err != nil:
		why = "the connection broke before {the ATO} answered"
	}
	check := "Check the registration with {the ATO} now."
	checkIt := Next{CheckRegistration, e.ClientID}
	lost := " If {the ATO} answers that it no longer recognises the registration or its access token, {the ATO} issued a new token with the lost answer: the registration still exists and your software can still sign in with its client ID, but it can no longer be changed from this computer. Then contact {the ATO} with the time" + receiptNote(e) + ", or register this installation again."
	token := " {The ATO} may also have issued a new registration access token with that answer, which this computer never received."
	switch e.Step {
	case flow.StepUpdate:
		return advice{"At " + when + " the update of the registration was sent, but " + why + ". It is not known whether {the ATO} changed the registration." + token,
			check + " If it works, nothing was lost: see whether the change was made, and if it was a renewal, test the registration with the renewed credential (if it signs in, the update was made)." + lost,
			[]Next{checkIt, {TestRegistration, e.ClientID}}}
	case flow.StepDelete:
		return advice{"At " + when + " the request to remove the registration was sent, but " + why + ". It is not known whether {the ATO} removed it.",
			check + " If {the ATO} answers that it has no such registration or no longer recognises it, it was removed: forget it on this computer.",
			[]Next{checkIt, {ForgetRegistration, e.ClientID}}}
	}
	return advice{"At " + when + " the request to read the registration was sent, but " + why + "." + token,
		check + " If it works, nothing was lost." + lost, []Next{checkIt}}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

func receiptNote(e *flow.Error) string {
	if e.Receipt != "" {
		return " and receipt number " + e.Receipt
	}
	return ""
}
