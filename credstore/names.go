package credstore

import (
	"context"
	"errors"
	"fmt"
	"time"
)

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
