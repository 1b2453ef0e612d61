package guidance

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"dcrwizard/credstore"
)

// storeSamples are credstore's errors, alone, nested and wrapped, with the
// words a person reads about each (Text): the sentences credstore's own
// Error() said before its errors became fragments, unchanged, as both
// front ends show them.
func storeSamples() (errs []error, words []string) {
	const where = `Windows Credential Manager (service "dcrwizard")`
	cause := errors.New("no session bus")
	errs = []error{
		credstore.ErrKeychainUnavailable, credstore.ErrNotFound, credstore.ErrTooBig, credstore.ErrReadBack,
		&credstore.KeychainError{Op: "save", Where: where, TimedOut: true, Timeout: 20 * time.Second, Linux: true},
		&credstore.KeychainError{Op: "read", Where: where, Err: cause},
		&credstore.KeychainError{Op: "save", Err: keyring.ErrSetDataTooBig},
		&credstore.KeychainError{Op: "delete", Where: where, TimedOut: true, Timeout: 50 * time.Millisecond},
		&credstore.TooBigError{Item: "registration access token", Size: 3000, Limit: 2560, Unit: "bytes", GOOS: "windows", Where: where},
		&credstore.NotFoundError{ClientID: "abc"},
		&credstore.NotFoundError{ClientID: "abc", Environment: "sandbox", Name: "Front desk", Item: "registration access token"},
		&credstore.NotStoredError{Where: where, Err: &credstore.KeychainError{Op: "save", Where: where, Err: cause, Linux: true}},
		&credstore.NotStoredError{Where: where, InKeychain: true, Err: &credstore.NewerIndexError{Path: "/x/index.json", Version: 9}},
		&credstore.IndexRecoveredError{Paths: []string{"/x/index.json.corrupt-1"}, Recovered: make([]credstore.Record, 2), KeychainErr: &credstore.KeychainError{Op: "list", Where: where, Err: cause}},
		&credstore.IndexRecoveredError{Restored: true, Recovered: make([]credstore.Record, 1)},
		&credstore.IndexRecoveredError{Rebuilt: true},
		&credstore.NewerIndexError{Path: "/x/index.json", Version: 9},
		&credstore.NameItemError{Name: "Front desk", Environment: "sandbox", Err: &credstore.KeychainError{Op: "save", Where: where, TimedOut: true, Timeout: time.Minute}},
		&credstore.NameCaseError{Name: "front desk", Existing: "Front Desk", Environment: "sandbox"},
		&credstore.NotReadyError{Keychain: true, Err: &credstore.KeychainError{Op: "read", Where: where, Err: cause, Linux: true}},
		&credstore.NotReadyError{Err: &credstore.NewerIndexError{Path: "/x/index.json", Version: 99}},
		&credstore.InUseError{Path: "/x/index.lock", Waited: 100 * time.Millisecond},
		&credstore.NotRegularError{Path: "/x/index.json", Mode: fs.ModeNamedPipe},
		&credstore.UnsafeFolderError{Path: "/x", Mode: 0o777},
		fmt.Errorf("rename: %w", &credstore.NotFoundError{ClientID: "abc"}),
		fmt.Errorf("the keychain could not be searched: %w", errors.Join(&credstore.InUseError{Path: "/x/index.lock", Waited: 2 * time.Second}, credstore.ErrReadBack)),
	}
	words = []string{
		"your computer's keychain could not be reached. Unlock it (or sign in to your computer again) and try again",
		"that registration is not saved on this computer",
		"a value is too long for this computer's keychain",
		"the keychain did not give back what was saved in it, so the save cannot be trusted",
		"Your computer's keychain could not be reached (Windows Credential Manager (service \"dcrwizard\")): it did not answer within 20s; it may be waiting for you to unlock it. Unlock the keychain (or sign in to your computer again). On Linux a keyring service such as GNOME Keyring or KWallet must be running.",
		"Your computer's keychain could not be reached (Windows Credential Manager (service \"dcrwizard\")): no session bus. Unlock the keychain (or sign in to your computer again).",
		"Your computer's keychain refused a value as too long.",
		"Your computer's keychain could not be reached (Windows Credential Manager (service \"dcrwizard\")): it did not answer within 50ms; it may be waiting for you to unlock it. Unlock the keychain (or sign in to your computer again).",
		"The registration access token is too long for Windows Credential Manager (service \"dcrwizard\"): it needs 3000 bytes and at most 2560 fit.",
		"Registration abc is not saved on this computer.",
		"The keychain no longer holds the registration access token for registration \"Front desk\" (sandbox). It may have been removed outside DCR Wizard.",
		"The registration details could not be saved in the keychain. Your computer's keychain could not be reached (Windows Credential Manager (service \"dcrwizard\")): no session bus. Unlock the keychain (or sign in to your computer again). On Linux a keyring service such as GNOME Keyring or KWallet must be running. Copy the client ID, registration access token and registration client URI shown now and keep them somewhere safe: DCR Wizard cannot show them again.",
		"The registration access token and registration client URI were saved in Windows Credential Manager (service \"dcrwizard\") and read back, but the list of saved registrations (index.json) could not be updated, so DCR Wizard will not list this registration. The list of saved registrations (/x/index.json) was written by a newer version of DCR Wizard (format 9). Update DCR Wizard to change it. Copy the client ID, registration access token and registration client URI shown now and keep them somewhere safe: DCR Wizard cannot show them again.",
		"The list of saved registrations was damaged. It was kept as /x/index.json.corrupt-1, and the list was rebuilt from what could still be read, its previous copy and the keychain. 2 registrations were found only in the keychain: DCR Wizard knows its environment, client ID and address, and its name when the keychain had it, but not the credential, receipt or date it was registered with. Checking, renaming and removing still work. The keychain could not be searched (Your computer's keychain could not be reached (Windows Credential Manager (service \"dcrwizard\")): no session bus. Unlock the keychain (or sign in to your computer again)), so registrations saved before may be missing from this list; they are still in the keychain. Unlock it and look again.",
		"The list of saved registrations (index.json) was missing, and was rebuilt from its previous copy and from the keychain. 1 registration was found only in the keychain: DCR Wizard knows its environment, client ID and address, and its name when the keychain had it, but not the credential, receipt or date it was registered with. Checking, renaming and removing still work.",
		"The list of saved registrations was rebuilt from the keychain after it was lost or damaged.",
		"The list of saved registrations (/x/index.json) was written by a newer version of DCR Wizard (format 9). Update DCR Wizard to change it.",
		"The registration is saved. Only the keychain entry that finds the newest registration by its name (\"Front desk\" in sandbox) could not be updated: Your computer's keychain could not be reached (Windows Credential Manager (service \"dcrwizard\")): it did not answer within 1m0s; it may be waiting for you to unlock it. Unlock the keychain (or sign in to your computer again). Programs that look a registration up by name may find an older one; look it up by client ID instead.",
		"A registration named \"Front Desk\" already exists in sandbox. Names that differ only in capital letters count as the same name (Windows cannot tell them apart), so use \"Front Desk\" exactly to add another registration under that name, or choose a different name.",
		"Nothing was sent to the ATO: the registration could not be kept, because your computer's keychain could not be reached (Windows Credential Manager (service \"dcrwizard\")): no session bus. Unlock the keychain (or sign in to your computer again). On Linux a keyring service such as GNOME Keyring or KWallet must be running.",
		"Nothing was sent to the ATO: the registration could not be kept, because the list of saved registrations (/x/index.json) was written by a newer version of DCR Wizard (format 99). Update DCR Wizard to change it. Fix this, then register.",
		"The list of saved registrations (/x/index.lock) is in use by another DCR Wizard window: it was still busy after 100ms. Close the other window (or wait for its command to finish) and try again.",
		"/x/index.json is not a plain file (a named pipe (FIFO)), so DCR Wizard does not read it: reading it could wait for ever. Move it out of the way (it is not one DCR Wizard wrote) and try again.",
		"DCR Wizard's settings folder (/x) can be changed by other users of this computer (mode 0777) and belongs to another user, so DCR Wizard will not use it: someone else could replace the list of registrations. Ask whoever manages this computer to give it to you with mode 0700 (chmod 700), or remove it.",
		"rename: Registration abc is not saved on this computer.",
		"the keychain could not be searched: The list of saved registrations (/x/index.lock) is in use by another DCR Wizard window: it was still busy after 2s. Close the other window (or wait for its command to finish) and try again.\nthe keychain did not give back what was saved in it, so the save cannot be trusted",
	}
	return errs, words
}

// TestStoreWords: credstore's errors are told in the words people read
// (the command line's "Error:" line, the wizard's pages), wrapping kept.
func TestStoreWords(t *testing.T) {
	errs, words := storeSamples()
	if len(errs) != len(words) {
		t.Fatalf("%d samples, %d words", len(errs), len(words))
	}
	for i, err := range errs {
		if got := Text(err); got != words[i] {
			t.Errorf("Text(%T %q)\n got %q\nwant %q", err, err, got, words[i])
		}
		if got, want := Words(err), Sentence(words[i]); got != want {
			t.Errorf("Words(%q) = %q, want %q", err, got, want)
		}
		if got := For(err).Message(); got != Sentence(words[i]) && !isRefusal(err) {
			t.Errorf("For(%q).Message() = %q", err, got)
		}
	}
}

func isRefusal(err error) bool {
	var nc *credstore.NameCaseError
	var nr *credstore.NotReadyError
	return errors.As(err, &nc) || errors.As(err, &nr)
}
