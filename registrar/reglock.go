package registrar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"dcrwizard/internal/oslock"
)

// LockWait bounds how long a lifecycle call waits for another one on the
// same registration (another window or command) before it gives up.
const LockWait = 30 * time.Second

// BusyError: another DCR Wizard window or command is working on the same
// registration, and did not finish within LockWait. Nothing was sent.
type BusyError struct {
	ClientID string
	Err      error
}

func (e *BusyError) Error() string {
	return "registration " + e.ClientID + " busy in another process"
}

// Words is what a person reads about it (guidance.Words shows it).
func (e *BusyError) Words() string {
	return "Another DCR Wizard window or command is checking or changing registration " + e.ClientID +
		" right now, and it did not finish in time. Nothing was sent to the ATO."
}

// Action says what to do, for the command line's "What to do".
func (e *BusyError) Action() string {
	return "Wait for the other one to finish (close the other DCR Wizard window, or let the other command end), then try again."
}

func (e *BusyError) Unwrap() error { return e.Err }

// lockRegistration lets one lifecycle call at a time work on clientID, across
// processes: with a server that rotates the registration access token, two
// calls reading the same token would leave the keychain with whichever
// rotated token was written last — not necessarily the live one. The lock is
// an OS file lock (released however its holder ends) under the store's
// folder, named by a hash of the client id (safe on every file system, and
// the same whatever case Windows gives it). The second caller waits, up to
// LockWait or ctx.
func (r *Registrar) lockRegistration(ctx context.Context, clientID string) (release func(), err error) {
	dir := r.Store.Dir()
	if dir == "" {
		return func() {}, nil // no settings folder: Store calls report it
	}
	locks := filepath.Join(dir, "locks")
	if err := os.MkdirAll(locks, 0o700); err != nil {
		return nil, fmt.Errorf("the folder for DCR Wizard's settings (%s) could not be written: %w", locks, err)
	}
	sum := sha256.Sum256([]byte(clientID))
	path := filepath.Join(locks, hex.EncodeToString(sum[:16])+".lock")
	waitCtx, cancel := context.WithTimeout(ctx, LockWait)
	defer cancel()
	l, err := oslock.Acquire(waitCtx, path)
	if errors.Is(err, oslock.ErrBusy) {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("stopped while waiting for another window or command working on registration %s; nothing was sent to the ATO: %w", clientID, ctx.Err())
		}
		return nil, &BusyError{ClientID: clientID, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("registration %s could not be locked for this change (%s): %w", clientID, path, err)
	}
	return func() { _ = l.Release() }, nil
}
