//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package credstore

import (
	"fmt"

	ss "github.com/zalando/go-keyring/secret_service"
)

// Accounts implements AccountLister: the items of service in the login
// collection, found by their attributes (service=<service>); it reads each
// item's attributes only, never a secret.
func (secretService) Accounts(service string) ([]string, error) {
	svc, err := ss.NewSecretService()
	if err != nil {
		return nil, err
	}
	coll := svc.GetLoginCollection()
	// Attributes of a locked collection's items may be hidden: unlock it
	// as go-keyring's Get does (no prompt when it is already unlocked).
	if err := svc.Unlock(coll.Path()); err != nil {
		return nil, err
	}
	paths, err := svc.SearchItems(coll, map[string]string{"service": service})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range paths {
		v, err := svc.Object("org.freedesktop.secrets", p).GetProperty("org.freedesktop.Secret.Item.Attributes")
		if err != nil {
			return nil, fmt.Errorf("the attributes of a keychain item could not be read: %w", err)
		}
		attrs, ok := v.Value().(map[string]string)
		if !ok || attrs["service"] != service || attrs["username"] == "" {
			continue
		}
		out = append(out, attrs["username"])
	}
	return out, nil
}

var _ AccountLister = secretService{}
