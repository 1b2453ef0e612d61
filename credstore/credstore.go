// Package credstore keeps what the ATO issues at registration — client ID,
// registration access token, registration client URI — in the OS keychain
// (macOS Keychain, Windows Credential Manager, Secret Service on Linux) via
// go-keyring — on Linux a registration's items are written and read back over
// one Secret Service session with go-keyring's own D-Bus client — with a small JSON index of non-secret facts and pending records
// under the user's config folder. LAYOUT.md documents the layout for other
// programs.
//
// Keychain calls can block on an unlock prompt: call this package off the UI
// goroutine. Every keychain call gives up after Store.Timeout.
package credstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultTimeout bounds one keychain call.
const DefaultTimeout = 20 * time.Second

// Record is what the index holds about one registration: no secrets.
type Record struct {
	Name                  string    `json:"name"`
	Environment           string    `json:"environment"`
	ClientID              string    `json:"client_id"`
	RegistrationClientURI string    `json:"registration_client_uri"`
	IssuedAt              time.Time `json:"issued_at,omitzero"`
	Receipt               string    `json:"receipt,omitzero"`
	CredentialID          string    `json:"credential_id,omitzero"`
	CredentialABN         string    `json:"credential_abn,omitzero"`
	CredentialSerial      string    `json:"credential_serial,omitzero"`
	CredentialNotAfter    time.Time `json:"credential_not_after,omitzero"`
	StoredAt              time.Time `json:"stored_at"`
	// Vendor is set when the registration was made with a vendor's setup file.
	Vendor Vendor `json:"vendor,omitzero"`
}

// Values are the three values the ATO hands out once.
type Values struct {
	ClientID                string
	RegistrationAccessToken string
	RegistrationClientURI   string
}

// String keeps the token out of logs (%v, %s); read the field to show it.
func (v Values) String() string {
	return fmt.Sprintf("{ClientID:%s RegistrationAccessToken:%s RegistrationClientURI:%s}", v.ClientID, redact(v.RegistrationAccessToken), v.RegistrationClientURI)
}

// GoString keeps the token out of %#v.
func (v Values) GoString() string {
	return fmt.Sprintf("credstore.Values{ClientID:%q, RegistrationAccessToken:%q, RegistrationClientURI:%q}", v.ClientID, redact(v.RegistrationAccessToken), v.RegistrationClientURI)
}

func redact(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf("[%d characters, hidden]", len(s))
}

// Store is the keychain plus the index folder. Safe for concurrent use.
type Store struct {
	// Timeout bounds each keychain call (DefaultTimeout when zero).
	Timeout time.Duration

	dir    string
	dirErr error
	kr     Keyring
	mu     sync.Mutex // serialises index access within this process

	// Seams for tests.
	goos         string
	now          func() time.Time
	retryDelay   time.Duration
	beforeRename func(tmp string)
}

// DefaultDir is os.UserConfigDir()/dcrwizard.
func DefaultDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("Your settings folder could not be found: %w", err)
	}
	return filepath.Join(base, "dcrwizard"), nil
}

// New returns a Store on the system keychain; dir "" means DefaultDir().
func New(dir string) *Store { return NewWithKeyring(dir, defaultKeyring()) }

// NewWithKeyring returns a Store on kr; dir "" means DefaultDir(). If the
// default folder cannot be found, every call reports it.
func NewWithKeyring(dir string, kr Keyring) *Store {
	s := &Store{dir: dir, kr: kr, goos: runtime.GOOS, now: time.Now, retryDelay: 500 * time.Millisecond}
	if dir == "" {
		s.dir, s.dirErr = DefaultDir()
	}
	return s
}

// Dir is the folder holding index.json and the pending records.
func (s *Store) Dir() string { return s.dir }

// Where names the keychain in plain words, with the service name.
func (s *Store) Where() string { return where(s.goos) }

func (s *Store) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
}

// items lists the keychain items of one registration.
func items(rec Record, v Values) []item {
	its := []item{
		{what: "registration access token", account: TokenAccount(rec.Environment, rec.ClientID), value: v.RegistrationAccessToken},
		{what: "registration client URI", account: URIAccount(rec.Environment, rec.ClientID), value: v.RegistrationClientURI},
	}
	if rec.Name != "" {
		its = append(its, item{what: "client ID", account: NameAccount(rec.Environment, rec.Name), value: rec.ClientID})
	}
	return its
}

// validate checks what becomes part of an account name.
func validate(env, clientID string) error {
	switch {
	case env == "" || strings.ContainsAny(env, "/\x00"):
		return fmt.Errorf("The environment name %q cannot be used to save a registration.", env)
	case clientID == "" || strings.ContainsAny(clientID, "/\x00"):
		return fmt.Errorf("The client ID %q cannot be used to save a registration.", clientID)
	}
	return nil
}

// Save keeps a registration: the keychain items first, each read back and
// compared, then the index entry (replacing one with the same client ID).
// rec.StoredAt is set to now. Success is reported only once everything was
// read back unchanged; otherwise, after one retry, the error is a
// *NotStoredError carrying the values back for the user to keep.
func (s *Store) Save(ctx context.Context, rec Record, v Values) error {
	if rec.ClientID == "" {
		rec.ClientID = v.ClientID
	}
	if v.ClientID == "" {
		v.ClientID = rec.ClientID
	}
	if rec.RegistrationClientURI == "" {
		rec.RegistrationClientURI = v.RegistrationClientURI
	}
	if v.RegistrationClientURI == "" {
		v.RegistrationClientURI = rec.RegistrationClientURI
	}
	rec.StoredAt = s.now().UTC()
	notStored := func(err error) error {
		return &NotStoredError{Values: v, Record: rec, Where: s.Where(), Err: err}
	}

	if s.dirErr != nil {
		return notStored(s.dirErr)
	}
	if err := validate(rec.Environment, rec.ClientID); err != nil {
		return notStored(err)
	}
	switch {
	case v.ClientID != rec.ClientID:
		return notStored(errors.New("The client ID of the record and of the values differ."))
	case v.RegistrationClientURI != rec.RegistrationClientURI:
		return notStored(errors.New("The registration client URI of the record and of the values differ."))
	case v.RegistrationAccessToken == "":
		return notStored(errors.New("The registration access token is empty."))
	}
	its := items(rec, v)
	for _, it := range its {
		if err := checkItem(s.goos, it); err != nil {
			return notStored(err)
		}
	}
	if err := s.retry(ctx, func() error { return s.writeVerified(ctx, its) }); err != nil {
		return notStored(err)
	}
	err := s.retry(ctx, func() error {
		return s.withIndex(ctx, true, func(ix *indexFile) error {
			ix.put(rec)
			return nil
		})
	})
	if err != nil {
		return notStored(err)
	}
	return nil
}

// List returns the saved registrations, oldest first, from the index only (no
// keychain call). If damaged index files were set aside, it returns the
// records it has together with an *IndexSetAsideError: show both.
func (s *Store) List(ctx context.Context) ([]Record, error) {
	ix, err := s.readIndex(ctx)
	if err != nil {
		return nil, err
	}
	recs := slices.Clone(ix.Registrations)
	slices.SortStableFunc(recs, func(a, b Record) int { return a.StoredAt.Compare(b.StoredAt) })
	if aside := s.setAside(); len(aside) > 0 {
		return recs, &IndexSetAsideError{Paths: aside}
	}
	return recs, nil
}

// record finds clientID in the index.
func (s *Store) record(ctx context.Context, clientID string) (Record, error) {
	ix, err := s.readIndex(ctx)
	if err != nil {
		return Record{}, err
	}
	rec, ok := ix.find(clientID)
	if !ok {
		return Record{}, &NotFoundError{ClientID: clientID}
	}
	return rec, nil
}

// Get returns the record and the values from the keychain. A registration not
// in the index, or whose token is gone from the keychain, matches ErrNotFound.
func (s *Store) Get(ctx context.Context, clientID string) (Record, Values, error) {
	rec, err := s.record(ctx, clientID)
	if err != nil {
		return Record{}, Values{}, err
	}
	missing := func(what string) error {
		return &NotFoundError{ClientID: rec.ClientID, Environment: rec.Environment, Name: rec.Name, Item: what}
	}
	token, err := s.kcGet(ctx, TokenAccount(rec.Environment, rec.ClientID))
	if errors.Is(err, ErrNotFound) {
		return rec, Values{}, missing("registration access token")
	}
	if err != nil {
		return rec, Values{}, err
	}
	uri, err := s.kcGet(ctx, URIAccount(rec.Environment, rec.ClientID))
	if errors.Is(err, ErrNotFound) {
		uri = rec.RegistrationClientURI // not secret: the index has it too
	} else if err != nil {
		return rec, Values{}, err
	}
	return rec, Values{ClientID: rec.ClientID, RegistrationAccessToken: token, RegistrationClientURI: uri}, nil
}

// FindByName returns the newest registration named name in env.
func (s *Store) FindByName(ctx context.Context, env, name string) (Record, error) {
	ix, err := s.readIndex(ctx)
	if err != nil {
		return Record{}, err
	}
	rec, ok := ix.newest(env, name)
	if !ok {
		return Record{}, &NotFoundError{Environment: env, Name: name}
	}
	return rec, nil
}

// UpdateToken replaces the registration access token (the ATO may rotate it on
// any RFC 7592 call). It is verified by read-back; on failure, after one retry,
// the error is a *NotStoredError carrying the new token, because the old one
// may no longer work.
func (s *Store) UpdateToken(ctx context.Context, clientID, token string) error {
	v := Values{ClientID: clientID, RegistrationAccessToken: token}
	rec, err := s.record(ctx, clientID)
	notStored := func(err error) error {
		return &NotStoredError{Values: v, Record: rec, Where: s.Where(), Err: err}
	}
	if err != nil {
		rec = Record{ClientID: clientID}
		return notStored(err)
	}
	v.RegistrationClientURI = rec.RegistrationClientURI
	if token == "" {
		return notStored(errors.New("The new registration access token is empty."))
	}
	it := items(rec, v)[:1]
	if err := checkItem(s.goos, it[0]); err != nil {
		return notStored(err)
	}
	if err := s.retry(ctx, func() error { return s.writeVerified(ctx, it) }); err != nil {
		return notStored(err)
	}
	return nil
}

// UpdateRecord changes the non-secret facts of a saved registration, e.g. its
// name. ClientID selects it; Environment cannot change; StoredAt is kept; an
// empty RegistrationClientURI keeps the old one, a new one is written to the
// keychain too.
func (s *Store) UpdateRecord(ctx context.Context, rec Record) error {
	old, err := s.record(ctx, rec.ClientID)
	if err != nil {
		return err
	}
	if rec.Environment != old.Environment {
		return fmt.Errorf("A registration cannot move from %q to %q: register again in the other environment.", old.Environment, rec.Environment)
	}
	rec.StoredAt = old.StoredAt
	if rec.RegistrationClientURI == "" {
		rec.RegistrationClientURI = old.RegistrationClientURI
	}
	if rec.RegistrationClientURI != old.RegistrationClientURI {
		it := items(rec, Values{RegistrationClientURI: rec.RegistrationClientURI})[1:2]
		if err := checkItem(s.goos, it[0]); err != nil {
			return err
		}
		if err := s.retry(ctx, func() error { return s.writeVerified(ctx, it) }); err != nil {
			return err
		}
	}
	err = s.withIndex(ctx, true, func(ix *indexFile) error {
		if _, ok := ix.find(rec.ClientID); !ok {
			return &NotFoundError{ClientID: rec.ClientID}
		}
		ix.put(rec)
		return nil
	})
	if err != nil {
		return err
	}
	if rec.Name != old.Name {
		if err := s.syncNames(ctx, rec.Environment, old.Name, rec.Name); err != nil {
			return fmt.Errorf("The new name was saved, but the keychain's name entry could not be updated: %w", err)
		}
	}
	return nil
}

// Delete removes a registration's keychain items and its index entry. It does
// not touch the registration at the ATO. If the keychain refuses, the index
// entry stays so that nothing is forgotten.
func (s *Store) Delete(ctx context.Context, clientID string) error {
	rec, err := s.record(ctx, clientID)
	if err != nil {
		return err
	}
	for _, acct := range []string{TokenAccount(rec.Environment, rec.ClientID), URIAccount(rec.Environment, rec.ClientID)} {
		if err := s.kcDelete(ctx, acct); err != nil {
			return err
		}
	}
	err = s.withIndex(ctx, true, func(ix *indexFile) error {
		ix.remove(rec.ClientID)
		return nil
	})
	if err != nil {
		return err
	}
	return s.syncNames(ctx, rec.Environment, rec.Name)
}

// syncNames points each name item of env at the newest registration with that
// name, or removes it when none is left.
func (s *Store) syncNames(ctx context.Context, env string, names ...string) error {
	ix, err := s.readIndex(ctx)
	if err != nil {
		return err
	}
	for _, name := range names {
		if name == "" {
			continue
		}
		acct := NameAccount(env, name)
		rec, ok := ix.newest(env, name)
		if !ok {
			if err := s.kcDelete(ctx, acct); err != nil {
				return err
			}
			continue
		}
		it := item{what: "client ID", account: acct, value: rec.ClientID}
		if err := checkItem(s.goos, it); err != nil {
			return err
		}
		if err := s.writeVerified(ctx, []item{it}); err != nil {
			return err
		}
	}
	return nil
}
