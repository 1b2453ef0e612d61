package guidance

import (
	"dcrwizard/flow"
	"regexp"
	"slices"
	"strings"
)

// The ATO's DCR response-message table (ato-facts.md §7) puts the cause in
// the description, not the code: one code, Invalid_request, covers a missing
// name, a read-only field and an expired certificate. So advice is chosen
// from code and description together, here, before the code alone is used.

// Texts about the credential's certificate: renewal in RAM, never the name
// or key, which have nothing to do with it.
const (
	msgCertRefused  = "{The ATO} did not accept the certificate of your M2M credential"
	actionCertRenew = "This happens when the credential has expired or been revoked in RAM (Relationship Authorisation Manager) — after a renewal, the practice revokes the old one there. " +
		"If it was renewed, open the new keystore file (it may be called keystore-new.xml, or be a newer keystore.xml) and choose that credential. " +
		"Otherwise check in RAM that the machine credential is active, or renew it there, then try again."
	actionProgramFault = "This is a fault in what this program sent, not in what you entered. Check for an update of DCR Wizard; " + actionIfAgain
)

// atoRow is one line of the ATO's table, matched on code and description.
type atoRow struct {
	codes []string       // lower case; nil means any code
	desc  *regexp.Regexp // on the description; submatch 1 is the attribute, if any
	guide func(e *flow.Error, attr string) advice
}

var atoRows = []atoRow{
	// Certificate rows: "{attribute} is not valid or expired", "{attribute} is expired".
	{[]string{"invalid_request"}, regexp.MustCompile(`(?i)^\s*(\S+) is (?:not valid or expired|expired)\b`), func(e *flow.Error, _ string) advice {
		return advice{withSaid(e, msgCertRefused+": it has expired or is no longer valid."), actionCertRenew, nil}
	}},
	// "{attribute} must contain a jwks_uri OR x509_certificate": this program
	// always sends the certificate, so the ATO did not find one it could use.
	{[]string{"invalid_request"}, regexp.MustCompile(`(?i)must contain a jwks_uri or x509_certificate`), func(e *flow.Error, _ string) advice {
		return advice{withSaid(e, msgCertRefused+": it found no usable certificate in the request."),
			"Open the credential file again and choose the credential, then try again. If it happens again, renew the credential in RAM (Relationship Authorisation Manager). " + actionIfAgain, nil}
	}},
	// "The {attribute} field is required".
	{[]string{"invalid_request", "invalid_client_metadata"}, regexp.MustCompile(`(?i)^\s*the (\S+) field is required`), func(e *flow.Error, attr string) advice {
		switch strings.ToLower(attr) {
		case "client_name":
			return advice{withSaid(e, "{The ATO} found no installation name in the registration."), "Enter a name for this installation, then try again.", nil}
		case "ato_api_key":
			return advice{withSaid(e, "{The ATO} found no consumer (API) key in the registration."), actionCheckAPIKey, []Next{askVendor}}
		case "x509_certificate":
			return advice{withSaid(e, msgCertRefused+": it found none in the request."), actionCertRenew, nil}
		}
		return advice{withSaid(e, "{The ATO} said a value it needs was missing ("+attr+")."), actionProgramFault, nil}
	}},
	// "{attribute} is read-only".
	{[]string{"invalid_request"}, regexp.MustCompile(`(?i)^\s*(\S+) is read-only`), func(e *flow.Error, attr string) advice {
		return advice{withSaid(e, "This program sent a value that only {the ATO} may set ("+attr+")."), actionProgramFault, nil}
	}},
	// Grant-type rows: "More than one {attribute} provided", "Selected
	// grant_type cannot be used with / requires valid {attribute} value",
	// "{attribute} cannot be TRUE when {attribute} = "NULL"", and the three
	// Invalid_redirect_uri cases. This program asks for client_credentials only.
	{[]string{"invalid_request", "invalid_redirect_uri"}, regexp.MustCompile(`(?i)more than one (\S+) provided|selected grant_type|cannot be true when|redirect`), func(e *flow.Error, _ string) advice {
		return advice{withSaid(e, "{The ATO} did not accept the kind of access the registration asked for (its grant type)."),
			"DCR Wizard registers installations for machine-to-machine access (the client_credentials grant) only. " + actionProgramFault, nil}
	}},
	// "invalid client id for {attribute}": an update naming another client.
	{[]string{"invalid_request"}, regexp.MustCompile(`(?i)invalid client id for`), func(e *flow.Error, _ string) advice {
		return advice{withSaid(e, "{The ATO} did not recognise the client id sent with the request."),
			"Check the registration with {the ATO}; if {the ATO} no longer holds it, register again. " + actionIfAgain,
			[]Next{{CheckRegistration, e.ClientID}}}
	}},
	// "{attribute} is invalid": the key or the certificate (the ATO's own
	// troubleshooting names only these two).
	{[]string{"invalid_client_metadata"}, regexp.MustCompile(`(?i)^\s*(\S+) is invalid`), func(e *flow.Error, attr string) advice {
		switch a := strings.ToLower(attr); {
		case strings.Contains(a, "api_key"):
			return advice{withSaid(e, "{The ATO} did not accept the consumer (API) key in the registration."), actionCheckAPIKey, []Next{askVendor}}
		case strings.Contains(a, "x509") || strings.Contains(a, "certificate") || strings.Contains(a, "jwks"):
			return advice{withSaid(e, msgCertRefused+": it could not read it."),
				"Open the credential file again and choose the credential. If the file came from somewhere other than RAM, export it again from RAM (Relationship Authorisation Manager), then try again.", nil}
		}
		return advice{withSaid(e, "{The ATO} did not accept a value in the registration ("+attr+")."), actionProgramFault, nil}
	}},
	// "{attribute} exceeded characters limit".
	{[]string{"invalid_client_metadata"}, regexp.MustCompile(`(?i)^\s*(\S+) exceeded characters limit`), func(e *flow.Error, attr string) advice {
		if strings.EqualFold(attr, "client_name") {
			return advice{withSaid(e, "The installation name is longer than {the ATO} allows."), "Choose a shorter name for this installation, then try again.", nil}
		}
		return advice{withSaid(e, "A value in the registration is longer than {the ATO} allows ("+attr+")."), actionProgramFault, nil}
	}},
	// "Format for {attribute} is not supported", "{attribute} is not
	// supported", "More than 5 {attribute} provided", "… exceeds the number of …".
	{[]string{"invalid_client_metadata"}, regexp.MustCompile(`(?i)^\s*format for (\S+) is not supported`), func(e *flow.Error, attr string) advice {
		if strings.Contains(strings.ToLower(attr), "x509") || strings.Contains(strings.ToLower(attr), "certificate") {
			return advice{withSaid(e, msgCertRefused+": it is not in a form {the ATO} reads."),
				"Open the credential file again and choose the credential. If the file came from somewhere other than RAM, export it again from RAM (Relationship Authorisation Manager), then try again.", nil}
		}
		return advice{withSaid(e, "{The ATO} does not support the form of a value in the registration ("+attr+")."), actionProgramFault, nil}
	}},
	{[]string{"invalid_client_metadata"}, regexp.MustCompile(`(?i)^\s*(\S+) is not supported|more than \d+ (\S+) provided|exceeds the number of`), func(e *flow.Error, _ string) advice {
		return advice{withSaid(e, "{The ATO} does not support something the registration asked for."), actionProgramFault, nil}
	}},
}

// atoRowGuidance is the advice for an answer matching a row of the ATO's
// table, and false when none matches.
func atoRowGuidance(e *flow.Error) (advice, bool) {
	code := strings.ToLower(strings.TrimSpace(e.Code))
	desc := strings.TrimSpace(e.Description)
	if desc == "" {
		return advice{}, false
	}
	for _, r := range atoRows {
		if r.codes != nil && !slices.Contains(r.codes, code) {
			continue
		}
		m := r.desc.FindStringSubmatch(desc)
		if m == nil {
			continue
		}
		attr := ""
		for _, s := range m[1:] {
			if s != "" {
				attr = s
				break
			}
		}
		return r.guide(e, attr), true
	}
	return advice{}, false
}
