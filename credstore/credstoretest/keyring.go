// Package credstoretest holds an in-memory keychain for tests that use a
// credstore.Store where the keychain itself is not what is tested (the index,
// pending records, the wizard's screens). Tests of the keychain use the real
// Secret Service. It does not import credstore, so credstore's own tests can
// use it too.
package credstoretest

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/zalando/go-keyring"
)

// Keyring is an in-memory credstore.Keyring. A missing item is
// keyring.ErrNotFound, as go-keyring reports it. The zero value is ready.
type Keyring struct {
	mu   sync.Mutex
	m    map[string]string
	sets atomic.Int32
}

func key(service, user string) string { return service + "\x00" + user }

// Set stores password.
func (k *Keyring) Set(service, user, password string) error {
	k.sets.Add(1)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[key(service, user)] = password
	return nil
}

// Get returns what Set stored.
func (k *Keyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[key(service, user)]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

// Delete removes an item.
func (k *Keyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[key(service, user)]; !ok {
		return keyring.ErrNotFound
	}
	delete(k.m, key(service, user))
	return nil
}

// Accounts lists the accounts held under service, as the system keychains
// list them for credstore.AccountLister.
func (k *Keyring) Accounts(service string) ([]string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []string
	for kk := range k.m {
		if svc, user, ok := strings.Cut(kk, "\x00"); ok && svc == service {
			out = append(out, user)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Sets counts Set calls.
func (k *Keyring) Sets() int { return int(k.sets.Load()) }

// Len is the number of items held.
func (k *Keyring) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.m)
}
