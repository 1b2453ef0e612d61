//go:build windows

package credstore

import (
	"strings"

	"github.com/danieljoos/wincred"
)

// Accounts implements AccountLister: go-keyring names a generic credential
// "<service>:<account>" (CredEnumerateW with that prefix as the filter); only
// target names are used, never a credential's blob.
func (systemKeyring) Accounts(service string) ([]string, error) {
	creds, err := wincred.FilteredList(service + ":*")
	if err != nil {
		return nil, err
	}
	prefix := service + ":"
	var out []string
	for _, c := range creds {
		// Target names compare without case on Windows.
		if len(c.TargetName) > len(prefix) && strings.EqualFold(c.TargetName[:len(prefix)], prefix) {
			out = append(out, c.TargetName[len(prefix):])
		}
	}
	return out, nil
}

var _ AccountLister = systemKeyring{}
