package credstore

import (
	"context"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/zalando/go-keyring"
)

// Service is the keychain service name of every item this package writes.
const Service = "dcrwizard"

// Keychain accounts. Each value is its own item (a token plus metadata in one
// item can overflow Windows' and macOS's limits). A program that knows the
// environment and client ID finds the token and URI; one that knows the
// environment and instance name finds the client ID first.

// TokenAccount is the account of the registration access token.
func TokenAccount(env, clientID string) string {
	return env + "/client/" + clientID + "/registration_access_token"
}

// URIAccount is the account of the registration client URI.
func URIAccount(env, clientID string) string {
	return env + "/client/" + clientID + "/registration_client_uri"
}

// ConsumerKeyAccount is the account of the consumer (API) key the
// registration was made with (the gateway's apikey for RFC 7592 calls).
func ConsumerKeyAccount(env, clientID string) string {
	return env + "/client/" + clientID + "/consumer_key"
}

// NameAccount is the account whose value is the client ID of the newest
// registration with this instance name in env.
func NameAccount(env, name string) string {
	return env + "/name/" + name + "/client_id"
}

// Keyring is the part of go-keyring this package uses. Get and Delete report
// a missing item as keyring.ErrNotFound or ErrNotFound.
type Keyring interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

// batchKeyring is a Keyring that can also write several items and read them
// back in one go (on Linux over one Secret Service session). found[i] false
// means accounts[i] was not there when read back.
type batchKeyring interface {
	writeThenRead(service string, accounts, values []string) (got []string, found []bool, err error)
}

// systemKeyring is the OS keychain through go-keyring's package functions
// (which keyring.MockInit / MockInitWithError replace).
type systemKeyring struct{}

func (systemKeyring) Set(service, user, password string) error {
	return keyring.Set(service, user, password)
}
func (systemKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (systemKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }

// where names the keychain of goos in plain words.
func where(goos string) string {
	switch goos {
	case "darwin":
		return `the macOS Keychain (service "` + Service + `")`
	case "windows":
		return `Windows Credential Manager (service "` + Service + `")`
	default:
		return `the Secret Service keyring (GNOME Keyring / KWallet), service "` + Service + `"`
	}
}

// Platform limits, as go-keyring enforces them.
const (
	// Windows: wincred stores the password bytes as the credential blob,
	// CRED_MAX_CREDENTIAL_BLOB_SIZE = 5*512.
	windowsBlobLimit = 2560
	// Windows: CRED_MAX_USERNAME_LENGTH, in UTF-16 units.
	windowsUserLimit = 513
	// macOS: go-keyring feeds one `security -i` command line, base64-encoded
	// password included, and refuses lines over 4096 bytes (about 3000 bytes
	// of secret).
	darwinCommandLimit = 4096
)

// itemSize returns what the keychain of goos counts for one item and its
// limit; limit 0 means no practical limit (Secret Service).
// what is "" for the value itself or "name" for the account; unit is
// "bytes" or "characters".
func itemSize(goos, account, value string) (size, limit int, what, unit string) {
	switch goos {
	case "windows":
		if n := len(utf16.Encode([]rune(account))); n > windowsUserLimit {
			return n, windowsUserLimit, "name", "characters"
		}
		return len(value), windowsBlobLimit, "", "bytes"
	case "darwin":
		// Mirrors go-keyring's keyring_darwin.go Set.
		pw := "go-keyring-base64:" + base64.StdEncoding.EncodeToString([]byte(value))
		cmd := "add-generic-password -U -s " + shellQuote(Service) + " -a " + shellQuote(account) + " -w " + shellQuote(pw) + "\n"
		return len(cmd), darwinCommandLimit, "", "bytes"
	default:
		return len(value), 0, "", "bytes"
	}
}

// checkItem refuses, before any keychain call, an item the keychain of goos
// cannot hold.
func checkItem(goos string, it item) error {
	size, limit, what, unit := itemSize(goos, it.account, it.value)
	if limit == 0 || size <= limit {
		return nil
	}
	name := it.what
	if what != "" {
		name = what + " of the keychain item for the " + it.what
	}
	return &TooBigError{Item: name, Size: size, Limit: limit, Unit: unit, GOOS: goos, Where: where(goos)}
}

var unsafeShell = regexp.MustCompile(`[^\w@%+=:,./-]`)

// shellQuote is go-keyring's internal shellescape.Quote.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if unsafeShell.MatchString(s) {
		return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
	}
	return s
}

// item is one keychain value.
type item struct {
	what    string // plain words, for messages
	account string
	value   string
	// shared: another process may write this item too (the by-name item),
	// so a read-back holding something else is not a failed write; the
	// caller is told (errSharedChanged) and settles it under the index lock.
	shared bool
}

// errSharedChanged: every item was written and read back, except that a
// shared item already held another process's value.
var errSharedChanged = errors.New("a shared keychain item was changed by another process")

type kcResult struct {
	v   string
	err error
}

// call runs f with the Store's timeout. go-keyring is not context-aware and
// may block on an unlock prompt, so f runs in its own goroutine and is left
// behind when the caller stops waiting.
func (s *Store) call(ctx context.Context, op string, f func() (string, error)) (string, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	done := make(chan kcResult, 1)
	go func() {
		v, err := f()
		done <- kcResult{v, err}
	}()
	select {
	case r := <-done:
		if r.err == nil {
			return r.v, nil
		}
		if errors.Is(r.err, keyring.ErrNotFound) || errors.Is(r.err, ErrNotFound) {
			return "", ErrNotFound
		}
		return "", s.keychainError(op, r.err)
	case <-ctx.Done():
		ke := s.keychainError(op, ctx.Err())
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			// The caller's deadline may be shorter than Timeout: say how
			// long we actually waited.
			ke.TimedOut = true
			ke.Timeout = time.Since(start)
		}
		return "", ke
	}
}

func (s *Store) keychainError(op string, err error) *KeychainError {
	return &KeychainError{Op: op, Where: s.Where(), Linux: s.goos != "darwin" && s.goos != "windows", Err: err}
}

func (s *Store) kcSet(ctx context.Context, it item) error {
	_, err := s.call(ctx, "save", func() (string, error) {
		return "", s.kr.Set(Service, it.account, it.value)
	})
	return err
}

func (s *Store) kcGet(ctx context.Context, account string) (string, error) {
	return s.call(ctx, "read", func() (string, error) {
		return s.kr.Get(Service, account)
	})
}

// kcDelete treats a missing item as deleted.
func (s *Store) kcDelete(ctx context.Context, account string) error {
	_, err := s.call(ctx, "delete", func() (string, error) {
		return "", s.kr.Delete(Service, account)
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// writeVerified writes every item, then reads each back and compares: only a
// matching read-back counts as stored. A shared item holding another value
// makes the result errSharedChanged, once every other item matched.
func (s *Store) writeVerified(ctx context.Context, items []item) error {
	if bk, ok := s.kr.(batchKeyring); ok {
		return s.writeVerifiedBatch(ctx, bk, items)
	}
	for _, it := range items {
		if err := s.kcSet(ctx, it); err != nil {
			return err
		}
	}
	changed := false
	for _, it := range items {
		got, err := s.kcGet(ctx, it.account)
		if errors.Is(err, ErrNotFound) && !it.shared {
			return ErrReadBack
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if got != it.value {
			if !it.shared {
				return ErrReadBack
			}
			changed = true
		}
	}
	if changed {
		return errSharedChanged
	}
	return nil
}

func (s *Store) writeVerifiedBatch(ctx context.Context, bk batchKeyring, items []item) error {
	accounts := make([]string, len(items))
	values := make([]string, len(items))
	for i, it := range items {
		accounts[i], values[i] = it.account, it.value
	}
	var got []string
	var found []bool
	// got and found are read only after call returned f's result, never
	// after a timeout left f running.
	_, err := s.call(ctx, "save", func() (string, error) {
		var err error
		got, found, err = bk.writeThenRead(Service, accounts, values)
		return "", err
	})
	if errors.Is(err, ErrNotFound) {
		return ErrReadBack
	}
	if err != nil {
		return err
	}
	changed := false
	for i, it := range items {
		if !found[i] || got[i] != values[i] {
			if !it.shared {
				return ErrReadBack
			}
			changed = true
		}
	}
	if changed {
		return errSharedChanged
	}
	return nil
}

// retry runs f, and once more after retryDelay if it failed and ctx allows.
func (s *Store) retry(ctx context.Context, f func() error) error {
	err := f()
	if err == nil || ctx.Err() != nil {
		return err
	}
	t := time.NewTimer(s.retryDelay)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return err
	case <-t.C:
	}
	return f()
}
