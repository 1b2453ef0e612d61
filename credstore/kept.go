package credstore

import (
	"context"
	"errors"
)

// KeptConsumerKey reads the consumer key item of a registration straight
// from the keychain, by environment and client id: also for one missing from
// index.json (a save whose keychain items were written but whose index
// write failed, e.g. on a full disk). "" when there is none.
func (s *Store) KeptConsumerKey(ctx context.Context, env, clientID string) (string, error) {
	if err := validate(env, clientID); err != nil {
		return "", err
	}
	key, err := s.kcGet(ctx, ConsumerKeyAccount(env, clientID))
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	return key, err
}
