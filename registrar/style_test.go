package registrar

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/guidance"
)

// TestTypedErrorsAreFragments: registrar's typed errors are lower-case
// fragments without a final full stop, as flow's and credstore's are
// (guidance.TestLowerErrorsAreFragments); the sentences a person reads are
// their Words, shown through guidance.Words.
func TestTypedErrorsAreFragments(t *testing.T) {
	refused := &flow.Error{Step: flow.StepUpdate, Status: 400, Kind: flow.KindRefused}
	for _, err := range []error{
		&NotOfferedError{Op: OpUpdate},
		&NoCredentialError{Record: credstore.Record{ClientID: "abc", CredentialID: "ABRD:1_PC"}, Held: []string{"ABRD:2_PC"}},
		&ConnectionError{Err: errors.New("no proxy")},
		&BusyError{ClientID: "abc"},
		&OtherABNError{Registered: "1", Chosen: "2"},
		&UpdateRefusedError{Err: refused},
		&TokenRefusedError{ClientID: "abc"},
		&NameError{Problem: NameTooLong, Length: 70},
		&NameError{Problem: NameEmpty},
	} {
		msg := err.Error()
		r, _ := utf8.DecodeRuneInString(msg)
		if unicode.IsUpper(r) || strings.HasSuffix(msg, ".") || strings.Contains(msg, "DCR Wizard") {
			t.Errorf("%T: %q is not a lower-case fragment", err, msg)
		}
		if w := guidance.Words(err); w == "" || !strings.HasSuffix(w, ".") {
			t.Errorf("%T: no sentence for people: %q", err, w)
		}
	}
}
