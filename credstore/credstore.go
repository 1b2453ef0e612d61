// Package credstore keeps what the ATO issues at registration — client ID,
// registration access token, registration client URI — in the OS keychain
// (macOS Keychain, Windows Credential Manager, Secret Service on Linux) via
// go-keyring — on Linux a registration's token and URI are written and read
// back over one Secret Service session with go-keyring's own D-Bus client,
// the shared name item over another, under the index lock — with a small JSON index of non-secret facts and pending records
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

	"dcrwizard/consumerkey"
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
	// Endpoints are the addresses of a registration outside the two ATO
	// presets (Practice, custom), so it can be tested or registered again
	// later; nil for the presets, which are known by name.
	Endpoints *Endpoints `json:"endpoints,omitzero"`
	// The certificate the registration holds at the ATO (public: base64 DER
	// in JSON, and its SHA-256), so an update can send it back when a read
	// leaves it out, and a renewed credential can be told from it.
	CertificateDER    []byte `json:"certificate_der,omitzero"`
	CertificateSHA256 string `json:"certificate_sha256,omitzero"`
	// ReplacedBy is the client id of the registration made again for this
	// one (when the ATO would not update it after a renewal). This one is
	// kept, marked, until the user removes it.
	ReplacedBy string `json:"replaced_by,omitzero"`
	// Purpose is PurposeConformance for a registration a conformance run
	// made and could not remove at the ATO: kept so it can be removed by
	// other means; "" for every other registration.
	Purpose string `json:"purpose,omitzero"`
	// Recovered is when this registration was rebuilt from the keychain,
	// index.json having been lost or damaged: the keychain gave its
	// environment, client ID, registration client URI and, when a name item
	// pointed at it, its name; the rest (credential, receipt, issue date,
	// certificate, endpoints, vendor) is unknown. A later save replaces it.
	Recovered time.Time `json:"recovered,omitzero"`
}

// PurposeConformance marks a registration made by `dcrwizard conformance`.
const PurposeConformance = "conformance"

// Endpoints are the non-preset addresses kept with a registration.
type Endpoints struct {
	TokenURL             string `json:"token_url"`
	RegistrationURL      string `json:"registration_url,omitzero"`
	RegistrationClientID string `json:"registration_client_id,omitzero"`
	Scope                string `json:"scope,omitzero"`
	VerifyScope          string `json:"verify_scope,omitzero"`
	HeartbeatURL         string `json:"heartbeat_url,omitzero"`
}

// Values are the three values the ATO hands out once.
type Values struct {
	ClientID                string
	RegistrationAccessToken string
	RegistrationClientURI   string
	// ConsumerKey is the software vendor's consumer (API) key the
	// registration was made with: the ATO's gateway wants it as apikey on
	// every RFC 7592 call. A secret, kept in its own keychain item; the
	// zero Key for a registration stored before it was kept (SetConsumerKey
	// adds it). Values holds the Key, not the item's string, so the key
	// leaves credstore typed and checked: the keychain's string is made a
	// Key here (keptKey) and written from Header() here, the one boundary,
	// and no caller converts, or forgets to.
	ConsumerKey consumerkey.Key
}

// String keeps the token and key out of logs (%v, %s); read the fields to use them.
func (v Values) String() string {
	return fmt.Sprintf("{ClientID:%s RegistrationAccessToken:%s RegistrationClientURI:%s ConsumerKey:%s}", v.ClientID, redact(v.RegistrationAccessToken), v.RegistrationClientURI, redact(v.ConsumerKey.Header()))
}

// GoString keeps the token and key out of %#v.
func (v Values) GoString() string {
	return fmt.Sprintf("credstore.Values{ClientID:%q, RegistrationAccessToken:%q, RegistrationClientURI:%q, ConsumerKey:%q}", v.ClientID, redact(v.RegistrationAccessToken), v.RegistrationClientURI, redact(v.ConsumerKey.Header()))
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

	// Under mu: a rebuild this Store made that leaves no trace on disk to
	// tell the user by (recoverIndex), and whether the keychain was merged
	// into an index read beside a damaged one set aside.
	rebuilt *rebuildNote
	merged  bool

	// Seams for tests.
	goos         string
	now          func() time.Time
	retryDelay   time.Duration
	beforeRename func(tmp string)
	// beforeBatch and afterBatch, for tests, run in Save around its
	// keychain write: where another process's save can overtake it.
	beforeBatch, afterBatch func()
}

// DefaultDir is os.UserConfigDir()/dcrwizard.
func DefaultDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("your settings folder could not be found: %w", err)
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

// ensureDir creates dir (0700), or makes sure an existing one is private.
func (s *Store) ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("the folder for DCR Wizard's settings (%s) could not be created: %w", dir, err)
	}
	return secureDir(dir)
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

// items lists a registration's own keychain items: token and URI. The name
// item is shared by every registration with that name and is kept apart
// (syncNames), so another process's write to it can never make this one's
// save look failed.
func items(rec Record, v Values) []item {
	its := []item{
		{what: "registration access token", account: TokenAccount(rec.Environment, rec.ClientID), value: v.RegistrationAccessToken},
		{what: "registration client URI", account: URIAccount(rec.Environment, rec.ClientID), value: v.RegistrationClientURI},
	}
	if !v.ConsumerKey.IsZero() {
		its = append(its, consumerKeyItem(rec, v.ConsumerKey))
	}
	return its
}

func consumerKeyItem(rec Record, key consumerkey.Key) item {
	return item{what: "consumer (API) key", account: ConsumerKeyAccount(rec.Environment, rec.ClientID), value: key.Header()}
}

// keptKey makes the keychain item's string a Key. An item that is not a
// usable key (edited outside DCR Wizard) counts as none: the caller then
// asks for the key once and SetConsumerKey replaces the item.
func keptKey(raw string) consumerkey.Key {
	k, err := consumerkey.New(raw, consumerkey.Keychain)
	if err != nil {
		return consumerkey.Key{}
	}
	return k
}

// nameItem is the shared <env>/name/<name>/client_id item.
func nameItem(env, name, clientID string) item {
	return item{what: "client ID", account: NameAccount(env, name), value: clientID}
}

// validate checks what becomes part of an account name.
func validate(env, clientID string) error {
	switch {
	case env == "" || strings.ContainsAny(env, "/\x00"):
		return fmt.Errorf("the environment name %q cannot be used to save a registration", env)
	case clientID == "" || strings.ContainsAny(clientID, "/\x00"):
		return fmt.Errorf("the client ID %q cannot be used to save a registration", clientID)
	}
	return nil
}

// Save keeps a registration: the keychain items first, each read back and
// compared, then the index entry (replacing one with the same client ID).
// rec.StoredAt is set to now. Success is reported only once everything was
// read back unchanged; otherwise, after one retry, the error is a
// *NotStoredError carrying the values back for the user to keep.
func (s *Store) Save(ctx context.Context, rec Record, v Values) error {
	rec, v = completeEachOther(rec, v)
	rec.StoredAt = s.now().UTC()
	notStored := func(err error) error {
		return &NotStoredError{Values: v, Record: rec, Where: s.Where(), Err: err}
	}
	if err := s.checkSave(rec, v); err != nil {
		return notStored(err)
	}
	batch, batched := s.saveBatch(ctx, rec, v)
	if s.beforeBatch != nil {
		s.beforeBatch()
	}
	changed := false // the name item read back another process's value
	err := s.retry(ctx, func() error {
		err := s.writeVerified(ctx, batch)
		if errors.Is(err, errSharedChanged) {
			changed, err = true, nil // settled under the index lock below
		}
		return err
	})
	if err != nil {
		return notStored(err)
	}
	if s.afterBatch != nil {
		s.afterBatch()
	}
	nameErr, err := s.indexSaved(ctx, rec, batched, changed)
	if err != nil {
		return &NotStoredError{Values: v, Record: rec, Where: s.Where(), InKeychain: true, Err: err}
	}
	if batched || rec.Name == "" {
		if nameErr != nil {
			return &NameItemError{Name: rec.Name, Environment: rec.Environment, Err: nameErr}
		}
		return nil
	}
	// Stored. The name item follows, under the index lock (newest wins);
	// failing it is a warning, never "not stored".
	if err := s.syncNames(ctx, rec.Environment, "", rec.Name); err != nil {
		return &NameItemError{Name: rec.Name, Environment: rec.Environment, Err: err}
	}
	return nil
}

// completeEachOther fills the client ID and registration client URI either
// of rec and v lacks from the other.
func completeEachOther(rec Record, v Values) (Record, Values) {
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
	return rec, v
}

// checkSave refuses, before anything is written, a registration that could
// not be saved whole: a settings folder that cannot be used, account names
// that cannot be made, record and values that disagree, or an item the
// keychain would not hold.
func (s *Store) checkSave(rec Record, v Values) error {
	if s.dirErr != nil {
		return s.dirErr
	}
	if err := validate(rec.Environment, rec.ClientID); err != nil {
		return err
	}
	switch {
	case v.ClientID != rec.ClientID:
		return errors.New("the client ID of the record and of the values differ")
	case v.RegistrationClientURI != rec.RegistrationClientURI:
		return errors.New("the registration client URI of the record and of the values differ")
	case v.RegistrationAccessToken == "":
		return errors.New("the registration access token is empty")
	}
	its := items(rec, v)
	if rec.Name != "" {
		its = append(its, nameItem(rec.Environment, rec.Name, rec.ClientID))
	}
	for _, it := range its {
		if err := checkItem(s.goos, it); err != nil {
			return err
		}
	}
	return nil
}

// saveBatch is what Save writes in one keychain session: the registration's
// own items and, batched, its name item. The by-name item goes in the same
// session as the others: a second session (open, unlock, write, read back)
// was a third of the save's time. Not when another registration's name
// differs from this one only in case (or the index cannot be read):
// syncNames takes care there, after the index entry.
func (s *Store) saveBatch(ctx context.Context, rec Record, v Values) (batch []item, batched bool) {
	batch = items(rec, v)
	if rec.Name == "" {
		return batch, false
	}
	ix, err := s.readIndex(ctx)
	if err != nil {
		return batch, false
	}
	if _, variant := ix.caseVariant(rec.Environment, rec.Name, ""); variant {
		return batch, false
	}
	it := nameItem(rec.Environment, rec.Name, rec.ClientID)
	it.shared = true
	return append(batch, it), true
}

// indexSaved writes rec's index entry, under the index lock, after its
// keychain items. When the name item was batched, it is pointed again at the
// newest registration of that name, still under the lock, if it may be
// wrong: nameErr is that failing, a warning; err is the entry not written.
func (s *Store) indexSaved(ctx context.Context, rec Record, batched, changed bool) (nameErr, err error) {
	err = s.retry(ctx, func() error {
		return s.withIndex(ctx, true, func(ix *indexFile) error {
			ix.put(rec)
			nameErr = nil
			if !batched {
				return nil
			}
			// While no other registration in the index has this name (or
			// one differing only in case), the item just written is right:
			// a save of the name still under way sees this one when it
			// takes the lock. Otherwise, or when the item read back held
			// another value (a writer that may never index, if it was
			// killed), another process may have written it since: it is
			// pointed at the newest now, under the lock, after every save
			// indexed before.
			_, variant := ix.caseVariant(rec.Environment, rec.Name, "")
			if variant || changed || len(ix.sameName(rec.Environment, rec.Name, rec.ClientID)) > 0 {
				short, cancel := context.WithTimeout(ctx, min(s.timeout(), 10*time.Second))
				defer cancel()
				nameErr = s.syncName(short, ix, rec.Environment, "", rec.Name)
			}
			return nil
		})
	})
	return nameErr, err
}

// Ready checks, before a registration is sent, that what the ATO returns
// could be kept: the settings folder can be written, index.json is readable
// and not from a newer version, and the keychain answers. A registration
// refused here was never sent.
func (s *Store) Ready(ctx context.Context) error {
	if s.dirErr != nil {
		return &NotReadyError{Err: s.dirErr}
	}
	err := s.withIndex(ctx, false, func(*indexFile) error {
		f, err := os.CreateTemp(s.dir, ".ready-*")
		if err != nil {
			return fmt.Errorf("the list of saved registrations could not be written in %s: %w", s.dir, err)
		}
		name := f.Name()
		f.Close()
		return os.Remove(name)
	})
	if err == nil {
		err = s.newerIndex(ctx)
	}
	if err != nil {
		return &NotReadyError{Err: err}
	}
	if _, err := s.kcGet(ctx, readyAccount); err != nil && !errors.Is(err, ErrNotFound) {
		return &NotReadyError{Keychain: true, Err: err}
	}
	return nil
}

// readyAccount is never written: Ready reads it to see the keychain answer.
const readyAccount = "dcrwizard-ready-check"

// CheckName refuses a name that differs only in case from the name of
// another registration in env (names are compared without case on every OS:
// Windows Credential Manager would make their name items one). The same name
// exactly is allowed: its name item points at the newest. clientID is the
// registration being renamed ("" for a new one): its own name does not count.
func (s *Store) CheckName(ctx context.Context, env, name, clientID string) error {
	ix, err := s.readIndex(ctx)
	if err != nil {
		return err
	}
	if other, ok := ix.caseVariant(env, name, clientID); ok {
		return &NameCaseError{Name: name, Existing: other, Environment: env}
	}
	return nil
}

// List returns the saved registrations, oldest first, from the index (the
// keychain is searched only to rebuild a damaged or lost index). When the
// index was rebuilt, damaged files are set aside or some registrations were
// recovered from the keychain, it returns the records together with an
// *IndexRecoveredError: show both.
func (s *Store) List(ctx context.Context) ([]Record, error) {
	var recs []Record
	var note *rebuildNote
	err := s.withIndex(ctx, false, func(ix *indexFile) error {
		recs, note = slices.Clone(ix.Registrations), s.rebuilt
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(recs, func(a, b Record) int { return a.StoredAt.Compare(b.StoredAt) })
	if e := s.recoveredNotice(recs, note); e != nil {
		return recs, e
	}
	return recs, nil
}

// recoveredNotice says what the user must know about a rebuilt index, or nil.
func (s *Store) recoveredNotice(recs []Record, note *rebuildNote) *IndexRecoveredError {
	e := &IndexRecoveredError{Paths: s.setAside()}
	for _, r := range recs {
		if !r.Recovered.IsZero() {
			e.Recovered = append(e.Recovered, r)
		}
	}
	if note != nil {
		e.Rebuilt, e.Restored, e.KeychainErr = true, note.restored, note.keychainErr
	}
	if len(e.Paths) == 0 && len(e.Recovered) == 0 && !e.Rebuilt {
		return nil
	}
	return e
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
	key, err := s.kcGet(ctx, ConsumerKeyAccount(rec.Environment, rec.ClientID))
	if errors.Is(err, ErrNotFound) {
		key = "" // stored before the key was kept: the caller asks for it once
	} else if err != nil {
		return rec, Values{}, err
	}
	return rec, Values{ClientID: rec.ClientID, RegistrationAccessToken: token, RegistrationClientURI: uri, ConsumerKey: keptKey(key)}, nil
}

// SetConsumerKey keeps the consumer key of a registration stored without it
// (or replaces it), written and read back.
func (s *Store) SetConsumerKey(ctx context.Context, clientID string, key consumerkey.Key) error {
	rec, err := s.record(ctx, clientID)
	if err != nil {
		return err
	}
	if key.IsZero() {
		return errors.New("the consumer (API) key is empty")
	}
	it := []item{consumerKeyItem(rec, key)}
	if err := checkItem(s.goos, it[0]); err != nil {
		return err
	}
	return s.retry(ctx, func() error { return s.writeVerified(ctx, it) })
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
		return notStored(errors.New("the new registration access token is empty"))
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
		return fmt.Errorf("a registration cannot move from %q to %q: register again in the other environment", old.Environment, rec.Environment)
	}
	rec.StoredAt = old.StoredAt
	if rec.Name != old.Name {
		ix, err := s.readIndex(ctx)
		if err != nil {
			return err
		}
		if other, ok := ix.caseVariant(rec.Environment, rec.Name, rec.ClientID); ok {
			return &NameCaseError{Name: rec.Name, Existing: other, Environment: rec.Environment}
		}
	}
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
		if err := s.syncNames(ctx, rec.Environment, rec.ClientID, old.Name, rec.Name); err != nil {
			return fmt.Errorf("the new name was saved, but the keychain's name entry could not be updated: %w", err)
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
	for _, acct := range []string{TokenAccount(rec.Environment, rec.ClientID), URIAccount(rec.Environment, rec.ClientID), ConsumerKeyAccount(rec.Environment, rec.ClientID)} {
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
	return s.syncNames(ctx, rec.Environment, rec.ClientID, rec.Name)
}

// syncNames points each name item of env at the newest registration with
// that name, under the index lock so that parallel saves end with the newest
// (by stored_at) whatever order they finish in. removedID is a registration
// that no longer has the name (forgotten or renamed), or "".
//
// Names differing only in case (left by an older version, or by two saves
// racing) are handled so that one never touches the other's item on a
// keychain that compares names without case (Windows): the item of a name
// with a case variant is not rewritten, and a name item is removed only
// while it still holds removedID; the variants' items are then written again.
func (s *Store) syncNames(ctx context.Context, env, removedID string, names ...string) error {
	// Short keychain calls: other processes wait for this lock.
	ctx, cancel := context.WithTimeout(ctx, min(s.timeout(), 10*time.Second))
	defer cancel()
	return s.withIndex(ctx, false, func(ix *indexFile) error {
		var errs []error
		for _, name := range names {
			if name != "" {
				errs = append(errs, s.syncName(ctx, ix, env, removedID, name))
			}
		}
		return errors.Join(errs...)
	})
}

func (s *Store) syncName(ctx context.Context, ix *indexFile, env, removedID, name string) error {
	acct := NameAccount(env, name)
	_, hasVariant := ix.caseVariant(env, name, "")
	if rec, ok := ix.newest(env, name); ok {
		if hasVariant {
			return fmt.Errorf("another registration in %s has a name that differs from %q only in case, so its entry was left as it is", env, name)
		}
		it := nameItem(env, name, rec.ClientID)
		if err := checkItem(s.goos, it); err != nil {
			return err
		}
		return s.writeNameItems(ctx, it)
	}
	cur, err := s.kcGet(ctx, acct)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return err
	case cur == removedID || !hasVariant:
		if err := s.kcDelete(ctx, acct); err != nil {
			return err
		}
	}
	// On Windows the variant's item may have been the one just removed.
	var errs []error
	for _, other := range ix.caseVariants(env, name) {
		if _, again := ix.caseVariant(env, other, ""); again {
			continue // still ambiguous: leave it
		}
		rec, _ := ix.newest(env, other)
		errs = append(errs, s.writeNameItems(ctx, nameItem(env, other, rec.ClientID)))
	}
	return errors.Join(errs...)
}

// writeNameItems writes by-name items under the index lock. A save of the
// same name may write one at the same moment from its own keychain session
// (Save puts it beside the registration's items, outside the lock): a
// read-back holding that save's value is not a failure, as that save finds
// this registration in the index when it takes the lock, and settles it.
func (s *Store) writeNameItems(ctx context.Context, its ...item) error {
	for i := range its {
		its[i].shared = true
	}
	if err := s.writeVerified(ctx, its); err != nil && !errors.Is(err, errSharedChanged) {
		return err
	}
	return nil
}
