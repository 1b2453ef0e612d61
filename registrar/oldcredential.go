package registrar

import (
	"dcrwizard/credstore"
)

// OldCredentialNote is what the practice is told once a renewal (in place
// or registered again) has succeeded and the new registration is proven:
// RAM does not revoke the old machine credential when it is renewed
// (ato-facts.md §11, RAM "How to create a machine credential"), so it stays
// valid until the practice revokes it there — which they should do only
// once their software works with the new one. Never say it was revoked.
func OldCredentialNote(old credstore.Record) string {
	until := ""
	if !old.CredentialNotAfter.IsZero() {
		until = " (it would otherwise run until " + old.CredentialNotAfter.Local().Format("2 January 2006") + ")"
	}
	return "The old machine credential is still valid: RAM does not revoke it when it is renewed" + until + ". " +
		"Once your software works with the new one, revoke the old credential in RAM (Relationship Authorisation Manager), " +
		"so that only the new one can sign in."
}
