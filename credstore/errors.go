package credstore

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// Errors here are data and short lower-case fragments, for logs and for
// wrapping; the sentences a person reads about each (what happened, what to
// do) are made by package guidance (guidance.Words, guidance.For).

var (
	// ErrKeychainUnavailable matches (errors.Is) every failure to reach or
	// use the keychain: locked, absent, no Secret Service, timed out, or the
	// user said no.
	ErrKeychainUnavailable = errors.New("keychain unavailable")

	// ErrNotFound matches (errors.Is) a registration or keychain item that
	// is not there.
	ErrNotFound = errors.New("registration not stored here")

	// ErrTooBig matches (errors.Is) a *TooBigError.
	ErrTooBig = errors.New("value too long for the keychain")

	// ErrReadBack means the keychain accepted a value but gave back something
	// else, so the save cannot be trusted.
	ErrReadBack = errors.New("keychain read-back differs from the value saved")
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
	b := "keychain"
	if e.Where != "" {
		b += " (" + e.Where + ")"
	}
	op := e.Op
	if op == "" {
		op = "call"
	}
	switch {
	case errors.Is(e.Err, keyring.ErrSetDataTooBig):
		return b + ": " + op + ": value refused as too long"
	case e.TimedOut:
		return fmt.Sprintf("%s: %s timed out after %s", b, op, roundWait(e.Timeout))
	case e.Err != nil:
		return b + ": " + op + ": " + e.Err.Error()
	}
	return b + ": " + op + " failed"
}

// roundWait is d to the second, or to the millisecond when under one.
func roundWait(d time.Duration) time.Duration {
	if r := d.Round(time.Second); r != 0 {
		return r
	}
	return d.Round(time.Millisecond)
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
	return fmt.Sprintf("%s too long for %s: %d %s, at most %d", e.Item, e.Where, e.Size, e.Unit, e.Limit)
}

func (e *TooBigError) Is(target error) bool { return target == ErrTooBig }

// NotFoundError names what is missing. It matches ErrNotFound.
type NotFoundError struct {
	ClientID    string
	Environment string
	Name        string
	Item        string // set when the index has the registration but the keychain lacks this item
}

// Who names the registration: its quoted name and environment when known,
// else its client id.
func (e *NotFoundError) Who() string {
	if e.Name == "" {
		return e.ClientID
	}
	who := fmt.Sprintf("%q", e.Name)
	if e.Environment != "" {
		who += " (" + e.Environment + ")"
	}
	return who
}

func (e *NotFoundError) Error() string {
	who := e.Who()
	if e.Item != "" {
		return fmt.Sprintf("keychain has no %s for registration %s", e.Item, who)
	}
	return fmt.Sprintf("registration %s not stored here", who)
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
	msg := "registration not stored in the keychain"
	if e.InKeychain {
		msg = "registration stored in " + e.Where + " but not in index.json"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
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
		fmt.Fprintf(&b, "index.json damaged (kept as %s), rebuilt", strings.Join(e.Paths, ", "))
	case e.Restored:
		b.WriteString("index.json missing, rebuilt from its previous copy")
	default:
		b.WriteString("index.json rebuilt from the keychain")
	}
	if n := len(e.Recovered); n > 0 {
		fmt.Fprintf(&b, "; %d recovered from the keychain only", n)
	}
	if e.KeychainErr != nil {
		b.WriteString("; keychain not searched: " + e.KeychainErr.Error())
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
	return fmt.Sprintf("%s written by a newer version (format %d)", e.Path, e.Version)
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
	return fmt.Sprintf("stored, but name item %q in %s not updated: %v", e.Name, e.Environment, e.Err)
}

func (e *NameItemError) Unwrap() error { return e.Err }

// NameCaseError refuses a name that differs only in case from another
// registration's name in the same environment.
type NameCaseError struct {
	Name, Existing, Environment string
}

func (e *NameCaseError) Error() string {
	return fmt.Sprintf("name %q taken in %s by %q (differs only in case)", e.Name, e.Environment, e.Existing)
}

// NotReadyError: found before anything was sent, what the ATO returns could
// not be kept. Nothing was sent to the ATO.
type NotReadyError struct {
	Keychain bool // the keychain did not answer (else: the settings folder or index.json)
	Err      error
}

func (e *NotReadyError) Error() string {
	return "registration could not be kept: " + e.Err.Error()
}

func (e *NotReadyError) Unwrap() error { return e.Err }

// InUseError: another DCR Wizard window (or command) held the list of saved
// registrations for the whole wait. Nothing was changed.
type InUseError struct {
	Path   string
	Waited time.Duration
}

func (e *InUseError) Error() string {
	return fmt.Sprintf("%s in use by another process for %s", e.Path, roundWait(e.Waited))
}

// NotRegularError: a file DCR Wizard keeps is something other than a plain
// file (a FIFO, a device, a folder). It is never opened for reading, which
// could wait for ever.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is not a regular file (%s)", e.Path, e.Kind())
}

// Kind names what the file is instead: "a named pipe (FIFO)", "a folder", ….
func (e *NotRegularError) Kind() string { return kindOf(e.Mode) }

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
	return fmt.Sprintf("settings folder %s writable by others (mode %04o) and owned by another user", e.Path, e.Mode)
}
