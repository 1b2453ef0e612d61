package credstore

import (
	"context"
	"errors"
	"fmt"

	"dcrwizard/consumerkey"
)

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
