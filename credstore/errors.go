package credstore

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

var (
	// ErrKeychainUnavailable matches (errors.Is) every failure to reach or
	// use the keychain: locked, absent, no Secret Service, timed out, or the
	// user said no.
	ErrKeychainUnavailable = errors.New("your computer's keychain could not be reached. Unlock it (or sign in to your computer again) and try again")

	// ErrNotFound matches (errors.Is) a registration or keychain item that
	// is not there.
	ErrNotFound = errors.New("that registration is not saved on this computer")

	// ErrTooBig matches (errors.Is) a *TooBigError.
	ErrTooBig = errors.New("a value is too long for this computer's keychain")

	// ErrReadBack means the keychain accepted a value but gave back something
	// else, so the save cannot be trusted.
	ErrReadBack = errors.New("the keychain did not give back what was saved in it, so the save cannot be trusted")
)

// KeychainError is a keychain call that failed or did not answer in time.
// It matches ErrKeychainUnavailable.
type KeychainError struct {
	Op       string        // "save", "read", "delete"
	Where    string        // Store.Where()
	TimedOut bool          // no answer within Timeout (perhaps an unlock prompt)
	Timeout  time.Duration // the limit that ran out, when TimedOut
	Linux    bool          // add the hint about GNOME Keyring / KWallet
	Err      error         // from go-keyring or the context; never holds a secret
}

func (e *KeychainError) Error() string {
	var b strings.Builder
	b.WriteString("Your computer's keychain could not be reached")
	if e.Where != "" {
		b.WriteString(" (" + e.Where + ")")
	}
	switch {
	case errors.Is(e.Err, keyring.ErrSetDataTooBig):
		b.Reset()
		b.WriteString("Your computer's keychain")
		if e.Where != "" {
			b.WriteString(" (" + e.Where + ")")
		}
		b.WriteString(" refused a value as too long.")
		return b.String()
	case e.TimedOut:
		d := e.Timeout.Round(time.Second)
		if d == 0 {
			d = e.Timeout.Round(time.Millisecond)
		}
		fmt.Fprintf(&b, ": it did not answer within %s; it may be waiting for you to unlock it.", d)
	case e.Err != nil:
		b.WriteString(": " + sentence(e.Err.Error()))
	default:
		b.WriteString(".")
	}
	b.WriteString(" Unlock the keychain (or sign in to your computer again).")
	if e.Linux {
		b.WriteString(" On Linux a keyring service such as GNOME Keyring or KWallet must be running.")
	}
	return b.String()
}

// sentence ends s with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

func (e *KeychainError) Unwrap() error { return e.Err }

func (e *KeychainError) Is(target error) bool { return target == ErrKeychainUnavailable }

// TooBigError is a value the keychain of GOOS cannot hold. It is returned
// before anything is written.
type TooBigError struct {
	Item  string // "registration access token", …
	Size  int    // what the platform counts (see itemSize)
	Limit int
	Unit  string // "bytes" or "characters"
	GOOS  string
	Where string
}

func (e *TooBigError) Error() string {
	return fmt.Sprintf("The %s is too long for %s: it needs %d %s and at most %d fit.", e.Item, e.Where, e.Size, e.Unit, e.Limit)
}

func (e *TooBigError) Is(target error) bool { return target == ErrTooBig }

// NotFoundError names what is missing. It matches ErrNotFound.
type NotFoundError struct {
	ClientID    string
	Environment string
	Name        string
	Item        string // set when the index has the registration but the keychain lacks this item
}

func (e *NotFoundError) Error() string {
	who := e.ClientID
	if e.Name != "" {
		who = fmt.Sprintf("%q", e.Name)
		if e.Environment != "" {
			who += " (" + e.Environment + ")"
		}
	}
	if e.Item != "" {
		return fmt.Sprintf("The keychain no longer holds the %s for registration %s. It may have been removed outside DCR Wizard.", e.Item, who)
	}
	return fmt.Sprintf("Registration %s is not saved on this computer.", who)
}

func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// NotStoredError is returned when values the ATO issued could not be kept in
// the keychain. Values and Record carry everything back so the caller can show
// it to the user, who must then keep it some other way. Error() never contains
// the token.
type NotStoredError struct {
	Values Values
	Record Record
	Where  string
	// InKeychain: the token and URI were written to the keychain and read
	// back, but the list of saved registrations (index.json) could not be
	// updated, so DCR Wizard would not list it.
	InKeychain bool
	Err        error
}

func (e *NotStoredError) Error() string {
	msg := "The registration details could not be saved in the keychain."
	if e.InKeychain {
		msg = "The registration access token and registration client URI were saved in " + e.Where +
			" and read back, but the list of saved registrations (index.json) could not be updated, so DCR Wizard will not list this registration."
	}
	if e.Err != nil {
		msg += " " + sentence(e.Err.Error())
	}
	return msg + " Copy the client ID, registration access token and registration client URI shown now and keep them somewhere safe: DCR Wizard cannot show them again."
}

func (e *NotStoredError) Unwrap() error { return e.Err }

// GoString keeps %#v from printing the token.
func (e *NotStoredError) GoString() string {
	return fmt.Sprintf("&credstore.NotStoredError{Values:%#v, Record:%#v, Where:%q, Err:%v}", e.Values, e.Record, e.Where, e.Err)
}

// IndexRecoveredError is a notice, not a failure: List returns it with the
// records it has when index.json was damaged (set aside as
// index.json.corrupt-<time>, never discarded) or lost, and the list was
// rebuilt from what it still held, its previous copy and the keychain. It
// stays while damaged files are set aside or a registration recovered from
// the keychain lacks its details.
type IndexRecoveredError struct {
	Paths     []string // damaged files set aside
	Recovered []Record // rebuilt from the keychain (Record.Recovered set)
	// Rebuilt: this Store rebuilt a missing index (or could not search the
	// keychain for a damaged one); Restored: from its previous copy.
	Rebuilt, Restored bool
	// KeychainErr: the keychain could not be searched, so registrations
	// only it holds may be missing from the list.
	KeychainErr error
}

func (e *IndexRecoveredError) Error() string {
	var b strings.Builder
	switch {
	case len(e.Paths) > 0:
		fmt.Fprintf(&b, "The list of saved registrations was damaged. It was kept as %s, and the list was rebuilt from what could still be read, its previous copy and the keychain.", strings.Join(e.Paths, ", "))
	case e.Restored:
		b.WriteString("The list of saved registrations (index.json) was missing, and was rebuilt from its previous copy and from the keychain.")
	default:
		b.WriteString("The list of saved registrations was rebuilt from the keychain after it was lost or damaged.")
	}
	if n := len(e.Recovered); n > 0 {
		what := "registration was"
		if n > 1 {
			what = "registrations were"
		}
		fmt.Fprintf(&b, " %d %s found only in the keychain: DCR Wizard knows its environment, client ID and address, and its name when the keychain had it, but not the credential, receipt or date it was registered with. Checking, renaming and removing still work.", n, what)
	}
	if e.KeychainErr != nil {
		b.WriteString(" The keychain could not be searched (" + strings.TrimSuffix(sentence(e.KeychainErr.Error()), ".") + "), so registrations saved before may be missing from this list; they are still in the keychain. Unlock it and look again.")
	}
	return b.String()
}

// NewerIndexError is an index written by a newer DCR Wizard: it is read but
// never overwritten.
type NewerIndexError struct {
	Path    string
	Version int
}

func (e *NewerIndexError) Error() string {
	return fmt.Sprintf("The list of saved registrations (%s) was written by a newer version of DCR Wizard (format %d). Update DCR Wizard to change it.", e.Path, e.Version)
}

// NameItemError: the registration is stored (its own keychain items and the
// index), but the shared <env>/name/<name>/client_id item could not be
// pointed at the newest registration with that name. A warning, not a
// failure to store.
type NameItemError struct {
	Name, Environment string
	Err               error
}

func (e *NameItemError) Error() string {
	return fmt.Sprintf("The registration is saved. Only the keychain entry that finds the newest registration by its name (%q in %s) could not be updated: %s. Programs that look a registration up by name may find an older one; look it up by client ID instead.", e.Name, e.Environment, strings.TrimSuffix(sentence(e.Err.Error()), "."))
}

func (e *NameItemError) Unwrap() error { return e.Err }

// NameCaseError refuses a name that differs only in case from another
// registration's name in the same environment.
type NameCaseError struct {
	Name, Existing, Environment string
}

func (e *NameCaseError) Error() string {
	return fmt.Sprintf("A registration named %q already exists in %s. Names that differ only in capital letters count as the same name (Windows cannot tell them apart), so use %q exactly to add another registration under that name, or choose a different name.", e.Existing, e.Environment, e.Existing)
}

// NotReadyError: found before anything was sent, what the ATO returns could
// not be kept. Nothing was sent to the ATO.
type NotReadyError struct {
	Keychain bool // the keychain did not answer (else: the settings folder or index.json)
	Err      error
}

func (e *NotReadyError) Error() string {
	if e.Keychain {
		return "Nothing was sent to the ATO: the registration could not be kept, because " + lowerFirst(sentence(e.Err.Error()))
	}
	return "Nothing was sent to the ATO: the registration could not be kept, because " + lowerFirst(sentence(e.Err.Error())) + " Fix this, then register."
}

func (e *NotReadyError) Unwrap() error { return e.Err }

func lowerFirst(s string) string {
	if s == "" || strings.HasPrefix(s, "DCR") {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' {
		return s // an acronym
	}
	return strings.ToLower(string(r[:1])) + string(r[1:])
}

// InUseError: another DCR Wizard window (or command) held the list of saved
// registrations for the whole wait. Nothing was changed.
type InUseError struct {
	Path   string
	Waited time.Duration
}

func (e *InUseError) Error() string {
	d := e.Waited.Round(time.Second)
	if d == 0 {
		d = e.Waited.Round(time.Millisecond)
	}
	return fmt.Sprintf("The list of saved registrations (%s) is in use by another DCR Wizard window: it was still busy after %s. Close the other window (or wait for its command to finish) and try again.", e.Path, d)
}

// NotRegularError: a file DCR Wizard keeps is something other than a plain
// file (a FIFO, a device, a folder). It is never opened for reading, which
// could wait for ever.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is not a plain file (%s), so DCR Wizard does not read it: reading it could wait for ever. Move it out of the way (it is not one DCR Wizard wrote) and try again.", e.Path, kindOf(e.Mode))
}

func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		return "a device"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}

// UnsafeFolderError: the settings folder can be changed by other users and
// belongs to someone else, so DCR Wizard cannot make it private.
type UnsafeFolderError struct {
	Path string
	Mode fs.FileMode
}

func (e *UnsafeFolderError) Error() string {
	return fmt.Sprintf("DCR Wizard's settings folder (%s) can be changed by other users of this computer (mode %04o) and belongs to another user, so DCR Wizard will not use it: someone else could replace the list of registrations. Ask whoever manages this computer to give it to you with mode 0700 (chmod 700), or remove it.", e.Path, e.Mode)
}
