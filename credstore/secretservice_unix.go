//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package credstore

import (
	"fmt"

	dbus "github.com/godbus/dbus/v5"
	ss "github.com/zalando/go-keyring/secret_service"
)

// The build constraint is go-keyring's keyring_unix.go: where go-keyring talks
// to the Secret Service, so do we.

// defaultKeyring is the Secret Service, with several items written and read
// back over one D-Bus session.
func defaultKeyring() Keyring { return secretService{} }

// secretService is go-keyring for single items, plus writeThenRead: go-keyring
// opens a session, looks up the collection and unlocks it for every item (5
// D-Bus calls per write, 7 per read), which was most of a registration's
// keychain time. Items are written exactly as go-keyring writes them (same
// attributes, label and content type), so go-keyring and secret-tool find them.
type secretService struct{ systemKeyring }

// writeThenRead implements batchKeyring.
func (secretService) writeThenRead(service string, accounts, values []string) (got []string, found []bool, err error) {
	svc, err := ss.NewSecretService()
	if err != nil {
		return nil, nil, err
	}
	session, err := svc.OpenSession()
	if err != nil {
		return nil, nil, err
	}
	defer svc.Close(session)
	coll := svc.GetLoginCollection()
	if err := svc.Unlock(coll.Path()); err != nil {
		return nil, nil, err
	}
	for i, acct := range accounts {
		label := fmt.Sprintf("Password for '%s' on '%s'", acct, service)
		if err := svc.CreateItem(coll, label, attrs(service, acct), ss.NewSecret(session.Path(), values[i])); err != nil {
			return nil, nil, err
		}
	}

	// Read back the way another program would: search by attributes, then
	// fetch every secret in one GetSecrets call.
	paths := make([]dbus.ObjectPath, len(accounts))
	var search []dbus.ObjectPath
	for i, acct := range accounts {
		res, err := svc.SearchItems(coll, attrs(service, acct))
		if err != nil {
			return nil, nil, err
		}
		if len(res) > 0 {
			paths[i] = res[0]
			search = append(search, res[0])
		}
	}
	secrets := map[dbus.ObjectPath]ss.Secret{}
	if len(search) > 0 {
		err := svc.Object("org.freedesktop.secrets", "/org/freedesktop/secrets").
			Call("org.freedesktop.Secret.Service.GetSecrets", 0, search, session.Path()).Store(&secrets)
		if err != nil {
			return nil, nil, err
		}
	}
	got = make([]string, len(accounts))
	found = make([]bool, len(accounts))
	for i, p := range paths {
		if p == "" {
			continue
		}
		sec, ok := secrets[p]
		if !ok {
			// GetSecrets leaves out locked items: unlock this one, as
			// go-keyring's Get does, and ask again.
			if err := svc.Unlock(p); err != nil {
				return nil, nil, err
			}
			one, err := svc.GetSecret(p, session.Path())
			if err != nil {
				return nil, nil, err
			}
			sec = *one
		}
		got[i], found[i] = string(sec.Value), true
	}
	return got, found, nil
}

func attrs(service, account string) map[string]string {
	return map[string]string{"username": account, "service": service}
}

var _ batchKeyring = secretService{}
