package credstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
)

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
