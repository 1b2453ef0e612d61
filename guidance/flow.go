package guidance

import (
	"dcrwizard/flow"
	"errors"
	"fmt"
	"strings"
)

// guide builds guidance for one error; most are fixed text.
type guide func(e *flow.Error) advice

func fixed(msg, action string) guide {
	return func(*flow.Error) advice { return advice{msg, action, nil} }
}

// fixedNext is fixed text with next steps.
func fixedNext(msg, action string, next ...Next) guide {
	return func(*flow.Error) advice { return advice{msg, action, next} }
}

// askVendor is the next step of all advice about the consumer key.
var askVendor = Next{Step: CheckKeyWithVendor}

// Texts used by several entries.
const (
	actionRetryLater = "This is a problem on {the ATO's} side. Wait a few minutes and try again. If it keeps happening, check {the ATO's} system status, or contact {the ATO} and give them the receipt number, if one is shown."
	actionSendLog    = "Try again. " + actionIfAgain
	actionIfAgain    = "If it happens again, send the log of this run to your support contact: it shows what {the ATO} answered."
	// The consumer key is the software vendor's, never the practice's own
	// (ato-facts.md §10): advice about it ends in the vendor next step,
	// which each front end words with the vendor's name when it knows it.
	actionCheckAPIKey  = "Check the consumer key is the one for this environment (the sandbox key for a sandbox registration, the production key for a production one) and that it was entered whole, then try again."
	actionProductAcces = "The consumer key used may not be allowed to use {the ATO's} dynamic client registration (DCR) service in this environment (production needs production access)."
)

// codeGuides maps ATO and OAuth error codes, in lower case, to guidance.
// Codes come from ato-facts.md §4 and RFC 6749 §5.2 / RFC 7591 §3.2.2.
var codeGuides = map[string]guide{
	// Gateway codes.
	"401-01": fixedNext("The consumer (API) key was not accepted.", actionCheckAPIKey, askVendor),
	"400-01": fixed("{The ATO's} gateway rejected the request as badly formed.", actionSendLog),
	"403-01": fixedNext("{The ATO's} gateway refused access to the registration service.", actionProductAcces, askVendor),
	"oas.val.00000": func(e *flow.Error) advice {
		msg := "The request did not match what {the ATO's} registration service expects."
		if e.Field != "" {
			msg = "{The ATO's} registration service did not accept the value of the field " + e.Field + " in the request."
		}
		if e.Field == "" || strings.Contains(strings.ToLower(e.Field), "client_name") {
			return advice{msg, "Check the installation name uses ordinary letters, digits and punctuation, then try again. " + actionIfAgain, nil}
		}
		return advice{msg, actionProgramFault, nil}
	},
	"pyid.00001": fixed("{The ATO} could not process the registration for this credential.",
		"Check the M2M credential is the right one for this business and environment. If it is, contact {the ATO} with the receipt number shown."),

	// DCR codes.
	"dcr.00001": fixedNext("{The ATO} found that the consumer (API) key in the registration does not match the key it was sent with.",
		"Enter the consumer key again exactly as your software vendor gave it, with nothing before or after it, and try again.", askVendor),
	"invalid_client_metadata": func(e *flow.Error) advice {
		return advice{withSaid(e, "{The ATO} did not accept the registration details."),
			"Check the M2M credential is current and was issued by {the ATO} for this environment (a sandbox registration needs a test credential), and that the installation name is a plain name. Then try again.", nil}
	},
	"invalid_redirect_uri": func(e *flow.Error) advice {
		return advice{withSaid(e, "{The ATO} did not accept the registration details (redirect address)."), actionSendLog, nil}
	},
	"invalid_software_statement": func(e *flow.Error) advice {
		return advice{withSaid(e, "{The ATO} did not accept the registration details (software statement)."), actionSendLog, nil}
	},
	"invalid_token": func(e *flow.Error) advice {
		return advice{"{The ATO} did not accept the access token this program had just been given.",
			"Try again. If it keeps happening, check this computer's clock: its date, time and time zone (it shows " + clock(e.At) + "). Also check you chose the right environment.", nil}
	},
	"insufficient_scope": fixedNext("The access token does not allow registering software (insufficient scope).",
		actionProductAcces+" For a custom environment, check the scope is "+flow.Sandbox.Scope+".", askVendor),

	// Token endpoint codes (RFC 6749 §5.2).
	"invalid_client":         invalidClient,
	"invalid_grant":          invalidClient,
	"unauthorized_client":    fixed("{The ATO} does not allow this M2M credential to register software.", "Check in Relationship Authorisation Manager (RAM) that the machine credential is active for this business, or choose another credential. If it looks right, contact {the ATO}."),
	"invalid_scope":          fixed("{The ATO} did not allow the registration scope.", "For a custom environment, check the scope is "+flow.Sandbox.Scope+". Otherwise contact {the ATO}: the credential may not be allowed to register software."),
	"unsupported_grant_type": fixed("{The ATO's} sign-in service did not accept the kind of request this program sends.", "Check the token endpoint address is right for this environment. "+actionSendLog),
	"invalid_request": func(e *flow.Error) advice {
		return advice{withSaid(e, "{The ATO} rejected the request as invalid."),
			"Check the installation name and the consumer (API) key, then try again. " + actionIfAgain, nil}
	},
}

// invalidClient: the token endpoint rejected the signed JWT. The usual
// causes are the credential and the clock, so show the clock.
func invalidClient(e *flow.Error) advice {
	msg := "{The ATO} did not accept your M2M credential. This happens when the credential has expired or been revoked, when it was not issued by {the ATO} for this environment (a sandbox registration needs a test credential), or when this computer's clock is wrong: it shows " + clock(e.At) + "."
	if d := skew(e); d != "" {
		msg += " " + d
	}
	return advice{msg, "Check this computer's date, time and time zone are right. Then check the credential in Relationship Authorisation Manager (RAM), or choose another credential, and try again.", nil}
}

// lifecycleGuides are the RFC 7592 answers (ato-facts.md §5), by status.
var lifecycleGuides = map[int]guide{
	401: fixed("{The ATO} no longer recognises this registration or its access token.",
		"The registration may have been removed, or its access token replaced by another program (or while DCR Wizard was ended in the middle of a call, before it could keep the new one). If you still need this installation registered, register it again; otherwise remove it from the list."),
	403: fixed("{The ATO} refused this request for this registration.",
		"{The ATO} does not allow this change for this registration. If you need it, contact {the ATO} with the receipt number shown."),
	// 404, 405 and 501: the ATO does not offer the call (notoffered.go).
	404: notOfferedGuide,
	405: notOfferedGuide,
	501: notOfferedGuide,
}

// statusGuides apply when no code is known.
var statusGuides = map[int]guide{
	400: func(e *flow.Error) advice {
		return advice{withSaid(e, "{The ATO} rejected the request as invalid."), actionSendLog, nil}
	},
	401: func(e *flow.Error) advice {
		if e.Step == flow.StepToken || e.Step == flow.StepVerify {
			return invalidClient(e)
		}
		return advice{withSaid(e, "{The ATO} did not accept the request's keys (not authorised)."), actionCheckAPIKey, []Next{askVendor}}
	},
	403: func(e *flow.Error) advice {
		return advice{withSaid(e, "{The ATO} refused the request."), actionProductAcces, []Next{askVendor}}
	},
	404: func(e *flow.Error) advice {
		return advice{"The address " + e.Host + " answered that there is no such service there (not found).",
			"Check the environment: for a custom environment, check the addresses are right. " + actionSendLog, nil}
	},
	408: fixed("{The ATO's} service gave up waiting for the request.", "Check your internet connection and try again."),
	422: func(e *flow.Error) advice {
		return advice{withSaid(e, "{The ATO} could not process the request."), actionSendLog, nil}
	},
	429: fixed("{The ATO} is receiving too many requests right now.", "Wait a few minutes, then try again."),
}

// forFlow picks the most specific guidance for e.
func forFlow(e *flow.Error) advice {
	g := baseGuidance(e)
	switch {
	case e.Step == flow.StepVerify && e.Kind != flow.KindInput && e.Kind != flow.KindCredential && e.Kind != flow.KindCancelled:
		// The registration exists whatever the test says: never let the
		// words suggest otherwise.
		if strings.Contains(strings.ToLower(e.Description), "not the one registered") {
			return advice{"The registration exists, but {the ATO} holds a different certificate for it than the one in the credential you opened, so it could not sign in with it. This happens after the credential was renewed: the registration still has the old certificate.",
				"Update the registration with the renewed credential, or open the credential it was registered with. The registration stays stored here.", nil}
		}
		return advice{"The registration exists, but signing in to {the ATO} with it failed. " + g.msg,
			g.action + " The registration stays stored here, to be tested again.", g.next}.then(Next{TestRegistration, e.ClientID})
	case e.Step == flow.StepHeartbeat && e.Kind != flow.KindCancelled:
		return advice{"Signing in to {the ATO} with the new registration worked, but {the ATO's} heartbeat check did not answer as expected. " + g.msg,
			"Your software can sign in with this registration. If an ATO service it calls also refuses, ask your software vendor to check that its consumer key may use that ATO service. The registration stays stored here.", g.next}
	}
	return g
}

// baseGuidance is the guidance for e by its kind, code and status.
func baseGuidance(e *flow.Error) advice {
	if e.NotSent && !e.Unknown && flow.IsLifecycle(e.Step) {
		return notSent(e)
	}
	switch e.Kind {
	case flow.KindUnknownOutcome:
		return unknownOutcome(e)
	case flow.KindInput:
		return advice{errText(e, "The details given are not complete."), "Correct this and try again.", nil}
	case flow.KindCredential:
		return advice{errText(e, "The M2M credential cannot be used."),
			"Choose another credential, or renew this one in Relationship Authorisation Manager (RAM) and open the new file.", nil}
	case flow.KindAborted:
		return advice{"Nothing was sent to {the ATO}: " + errText(e, "the registration could not be prepared."),
			"Fix the problem above and try again.", nil}
	case flow.KindCancelled:
		return advice{"You stopped it before " + stepNoun(e.Step) + " finished.",
			"Nothing more will be sent. Start again when you are ready.", nil}
	case flow.KindTimeout, flow.KindDNS, flow.KindTLS, flow.KindNetwork:
		if e.Proxy != "" {
			return viaProxy(e)
		}
	}
	switch e.Kind {
	case flow.KindTimeout:
		return advice{service(e) + " did not answer in time.",
			"Check your internet connection and try again. If it keeps happening, {the ATO's} systems may be busy: check {the ATO's} system status and try later.", nil}
	case flow.KindDNS:
		return advice{"This computer could not find " + orService(e) + " on the internet (the name lookup failed).",
			"Check you are connected to the internet. If you are, your network may block this address or need a proxy server: ask your IT support. For a custom environment, check the address is spelled correctly.", nil}
	case flow.KindTLS:
		var versionErr *flow.TLSVersionError
		if errors.As(e.Err, &versionErr) {
			return advice{"The secure connection to " + versionErr.Host + " came up with " + flow.TLSVersionName(versionErr.Version) +
				", which {the ATO} no longer accepts: since 31 January 2026 it accepts TLS 1.3 only. {The ATO's} servers always offer TLS 1.3, so something between this computer and {the ATO} — usually a proxy or security software that inspects secure (HTTPS) traffic — answered instead. Nothing was sent.",
				"Ask your IT support to allow TLS 1.3 to *.ato.gov.au, or to let this program's connections to {the ATO} through without inspection. Then try again.", nil}
		}
		return advice{"A secure connection to " + orService(e) + " could not be set up: its certificate was not trusted.",
			"If your practice uses a proxy or security software that inspects secure (HTTPS) traffic, ask your IT support for its CA certificate file and have this program trust it. Also check this computer's date and time are right.", []Next{{Step: ExtraCA}}}
	case flow.KindNetwork:
		return advice{"Could not connect to " + orService(e) + ", or the connection broke.",
			"Check your internet connection. If your practice reaches the internet through a proxy server, ask your IT support to set it for this program (the HTTPS_PROXY setting), then try again.", nil}
	}

	if flow.IsLifecycle(e.Step) {
		if g, ok := lifecycleGuides[e.Status]; ok {
			return g(e)
		}
	}
	if g, ok := atoRowGuidance(e); ok {
		return g
	}
	code := strings.ToLower(strings.TrimSpace(e.Code))
	if g, ok := codeGuides[code]; ok {
		return g(e)
	}
	if strings.HasPrefix(code, "auth.100") {
		return advice{"{The ATO} refused the request: its authorisation checks failed (" + e.Code + ").",
			"Check the M2M credential belongs to this business and is active in Relationship Authorisation Manager (RAM), and that your software vendor's consumer key may use this API. If it all looks right, contact {the ATO} with the receipt number shown.", nil}
	}
	if g, ok := statusGuides[e.Status]; ok {
		return g(e)
	}
	switch {
	case e.Status >= 500:
		return advice{withSaid(e, fmt.Sprintf("%s had a problem and could not handle the request (HTTP %d).", service(e), e.Status)), actionRetryLater, nil}
	case e.Status >= 300 && e.Status < 400:
		return advice{fmt.Sprintf("%s sent this program somewhere else (HTTP %d) instead of answering.", service(e), e.Status),
			"A network sign-in page or proxy may be in the way, or the address is out of date. Check you can browse the internet; for a custom environment, check the addresses.", nil}
	case e.Kind == flow.KindBadResponse:
		return advice{service(e) + " gave an answer this program could not read.", actionSendLog, nil}
	case e.Status >= 400:
		return advice{withSaid(e, fmt.Sprintf("{The ATO} refused the request (HTTP %d).", e.Status)), actionSendLog, nil}
	}
	return advice{"Something went wrong while " + stepNoun(e.Step) + ".", actionSendLog, nil}
}

// viaProxy: the connection went through a proxy server (HTTPS_PROXY or the
// system's setting), which is then the first suspect: name it, and never
// advise setting a proxy that is already set.
func viaProxy(e *flow.Error) advice {
	what := "could not be reached through the proxy server " + e.Proxy + ", or the connection through it broke"
	switch e.Kind {
	case flow.KindTimeout:
		what = "did not answer in time through the proxy server " + e.Proxy
	case flow.KindTLS:
		what = "could not be reached securely through the proxy server " + e.Proxy + ": the certificate was not trusted"
	case flow.KindDNS:
		what = "could not be found through the proxy server " + e.Proxy
	}
	action := "This program uses the proxy server " + e.Proxy + " (set by HTTPS_PROXY or this computer's proxy settings). Check with your IT support that it is right and working; if this computer should connect directly, remove the HTTPS_PROXY setting. Then try again."
	if e.Kind == flow.KindTLS {
		action = "If the proxy server " + e.Proxy + " inspects secure (HTTPS) traffic, ask your IT support for its CA certificate file and have this program trust it. " + action
		return advice{service(e) + " " + what + ".", action, []Next{{Step: ExtraCA}}}
	}
	return advice{service(e) + " " + what + ".", action, nil}
}

// notOfferedGuide is the guidance for a lifecycle call the server does not
// offer: what is true (the registration is not touched, and not known to
// be gone), by step.
func notOfferedGuide(e *flow.Error) advice {
	switch e.Step {
	case flow.StepRead:
		return advice{"{The ATO} does not offer reading a registration back, so it cannot say what it holds. This does not mean the registration is gone.",
			"To prove the registration works, test it: sign in to {the ATO} as it with its credential. Do not register again because of this.",
			[]Next{{TestRegistration, e.ClientID}}}
	case flow.StepUpdate:
		return advice{"{The ATO} does not offer changing a registration from here. Nothing was changed at {the ATO}.",
			"The registration is unchanged and still works as before. A new name can be kept on this computer only; a renewed credential needs a new registration.", nil}
	default:
		return advice{"{The ATO} does not offer removing a registration from here, so it still exists at {the ATO}.",
			"Leave it in place (an unused registration does no harm) or have it removed by other means; you can forget it on this computer only.", nil}
	}
}

// checkWords is what flow's check refused, as a person reads it; "" for
// any other error.
func checkWords(err error) string {
	var ve *flow.VerdictError
	switch {
	case errors.As(err, &ve):
		if ve.Verdict.Message != "" {
			return ve.Verdict.Message
		}
		return "This credential cannot be used to register (" + string(ve.Verdict.Status) + ")."
	case errors.Is(err, flow.ErrNoCredential):
		return "No M2M credential was chosen. Choose the credential to register with."
	case errors.Is(err, flow.ErrNoCertificate):
		return "The credential has no certificate. Open the credential file again."
	case errors.Is(err, flow.ErrNoPrivateKey):
		return "The credential was opened without its private key. Open it again with its password."
	case errors.Is(err, flow.ErrKeyMismatch):
		return "The credential's private key does not belong to its certificate. Open the credential file again, or choose another credential."
	case errors.Is(err, flow.ErrNoConsumerKey):
		return "Enter the consumer (API) key your software vendor gave you."
	case errors.Is(err, flow.ErrNoClientID):
		return "No client id was given: choose the registration to test."
	case errors.Is(err, flow.ErrNoInstanceName):
		return "Enter a name for this installation so you can tell your registrations apart."
	}
	return ""
}
