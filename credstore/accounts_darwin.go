//go:build darwin

package credstore

import (
	"context"
	"os/exec"
	"time"
)

// Accounts implements AccountLister: `security dump-keychain` (without -d)
// prints every item's attributes and no secret, so it asks for nothing; the
// generic passwords of service are picked from it.
func (systemKeyring) Accounts(service string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/bin/security", "dump-keychain").Output()
	if err != nil {
		return nil, err
	}
	return parseDumpKeychain(out, service), nil
}

var _ AccountLister = systemKeyring{}
