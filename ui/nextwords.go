package ui

import (
	"slices"
	"strings"

	"dcrwizard/credstore"
	"dcrwizard/guidance"
	"dcrwizard/registrar"
)

// nextWords is how the wizard names a next step that advice offers: its
// own screens and buttons. The command line names the same steps as
// commands (cli/errors.go).
func nextWords(n guidance.Next, v credstore.Vendor) string {
	switch n.Step {
	case guidance.CheckKeyWithVendor:
		return vendorKeyWords(v)
	case guidance.CheckRegistration, guidance.TestRegistration:
		// One button does both: it asks the ATO and signs in as it.
		return "To check it, press “Check it works…” on it in the Registrations list."
	case guidance.ForgetRegistration:
		return "To forget it, press “Forget…” on it in the Registrations list."
	case guidance.ExtraCA:
		return "Choose that file on the Environment page, under “Extra trusted certificate (CA file)”."
	}
	// LongerTimeout: the wizard already gives the ATO all the time it allows.
	return ""
}

// vendorKeyWords sends the practice to whoever gave it the consumer key: the
// vendor by name and support contact when known.
func vendorKeyWords(v credstore.Vendor) string {
	if v.Name == "" {
		return "If it is still refused, check the key with your software vendor: the consumer key is theirs, not the practice's."
	}
	who := v.Name
	if c := registrar.SupportContact(v); c != "" {
		who += " (" + c + ")"
	}
	return "If it is still refused, check the key with " + who + ": the consumer key is theirs."
}

// withNext is an advice's action followed by the wizard's words for its
// next steps; v is the software vendor when known (zero otherwise).
func withNext(adv guidance.Advice, v credstore.Vendor) string {
	parts := []string{adv.Action()}
	for _, n := range guidance.NextOf(adv) {
		if w := nextWords(n, v); !slices.Contains(parts, w) { // check and test are one button here
			parts = append(parts, w)
		}
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// errorWords gives the plain message and next action of any failure.
func errorWords(err error) (msg, action string) {
	return errorWordsFor(err, credstore.Vendor{})
}

// errorWordsFor is errorWords naming the software vendor v (from the setup
// file or the registration's record) where the advice is about its key.
func errorWordsFor(err error, v credstore.Vendor) (msg, action string) {
	return errorWordsAt(counterpart{}, err, v)
}

// errorWordsAt is errorWordsFor with who answered named: Practice's
// simulator is never called the ATO.
func errorWordsAt(cp counterpart, err error, v credstore.Vendor) (msg, action string) {
	adv := guidance.ForAt(err, cp.who())
	return adv.Message(), withNext(adv, v)
}
