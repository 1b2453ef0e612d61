package credstore

import (
	"context"
	"errors"

	"dcrwizard/consumerkey"
)

// KeptConsumerKey reads the consumer key item of a registration straight
// from the keychain, by environment and client id: also for one missing from
// index.json (a save whose keychain items were written but whose index
// write failed, e.g. on a full disk). The zero Key when there is none.
func (s *Store) KeptConsumerKey(ctx context.Context, env, clientID string) (consumerkey.Key, error) {
	if err := validate(env, clientID); err != nil {
		return consumerkey.Key{}, err
	}
	key, err := s.kcGet(ctx, ConsumerKeyAccount(env, clientID))
	if errors.Is(err, ErrNotFound) {
		return consumerkey.Key{}, nil
	}
	if err != nil {
		return consumerkey.Key{}, err
	}
	return keptKey(key), nil
}
