package credstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

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
