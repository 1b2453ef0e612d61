package guidance

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"dcrwizard/credstore"
)

// credstore's refusals before anything is sent get their advice here, also
// wrapped: both front ends show it (the wizard's page, the command line's
// "What to do").
func TestCredstoreRefusals(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		msg, action string
	}{
		{"name differs in case", fmt.Errorf("register: %w", &credstore.NameCaseError{Name: "front desk", Existing: "Front Desk", Environment: "sandbox"}),
			`A registration named "Front Desk" already exists in sandbox.`, `Register with the name "Front Desk" exactly, or choose a name that differs in more than capital letters. Nothing was sent to the ATO.`},
		{"keychain not ready", &credstore.NotReadyError{Keychain: true, Err: credstore.ErrKeychainUnavailable},
			"Nothing was sent to the ATO: the registration could not be kept, because your computer's keychain could not be reached.",
			"Unlock or start the keychain (on Linux: GNOME Keyring or KWallet), then register: nothing was registered, so it is safe to try again."},
		{"folder not ready", &credstore.NotReadyError{Err: errors.New("the folder for DCR Wizard's settings (/x) could not be read")},
			"because the folder for DCR Wizard's settings (/x) could not be read. Fix this, then register.",
			"Fix the problem with DCR Wizard's settings folder named above"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := For(tt.err)
			if !strings.Contains(a.Message(), tt.msg) || !strings.Contains(a.Action(), tt.action) {
				t.Errorf("got %q / %q\nwant %q / %q", a.Message(), a.Action(), tt.msg, tt.action)
			}
		})
	}
	// Any other credstore error is its own text, as a sentence.
	if a := For(credstore.ErrReadBack); a.Message() != "The keychain did not give back what was saved in it, so the save cannot be trusted." || a.Action() != "" {
		t.Errorf("read back: %q / %q", a.Message(), a.Action())
	}
}

// actionErr says what to do but not what happened, as registrar's
// BusyError and TokenRefusedError do.
type actionErr struct{}

func (actionErr) Error() string  { return "the registration is busy" }
func (actionErr) Action() string { return "Wait for the other window, then try again." }

// An error with only an Action keeps its whole chain's text as the message
// and gets its Action, as the command line's "What to do" always showed.
func TestActionOnlyError(t *testing.T) {
	a := For(fmt.Errorf("rename: %w", actionErr{}))
	if a.Message() != "Rename: the registration is busy." || a.Action() != "Wait for the other window, then try again." {
		t.Errorf("got %q / %q", a.Message(), a.Action())
	}
}
