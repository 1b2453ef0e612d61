package guidance

import (
	"fmt"

	"dcrwizard/credstore"
)

// forCredstore is the advice on credstore's refusals found before anything
// is sent, and false for its other errors (their words, storeWords, are
// the message).
func forCredstore(err error) (advice, bool) {
	words, _ := storeWords(err)
	switch e := err.(type) {
	case *credstore.NameCaseError:
		return advice{msg: Sentence(words),
			action: fmt.Sprintf("Register with the name %q exactly, or choose a name that differs in more than capital letters. Nothing was sent to {the ATO}.", e.Existing)}, true
	case *credstore.NotReadyError:
		action := "Fix the problem with DCR Wizard's settings folder named above (if its list was written by a newer version, update DCR Wizard), then register: nothing was registered."
		if e.Keychain {
			action = "Unlock or start the keychain (on Linux: GNOME Keyring or KWallet), then register: nothing was registered, so it is safe to try again."
		}
		return advice{msg: Sentence(words), action: action}, true
	}
	return advice{}, false
}
