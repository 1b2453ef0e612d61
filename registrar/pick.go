package registrar

import (
	"bytes"
	"fmt"
	"strings"

	"dcrwizard/credstore"
	"dcrwizard/m2m"
)

// Purpose is what a credential is picked for.
type Purpose int

const (
	// ForVerify: test a stored registration (wizard "Check it works",
	// dcrwizard verify).
	ForVerify Purpose = iota
	// ForToken: an access token as the registration (dcrwizard token).
	ForToken
	// ForRenew: update the registration with a renewed credential.
	ForRenew
	// ForRegisterAgain: register the installation anew with a renewed
	// credential, where the ATO will not update it.
	ForRegisterAgain
)

func (p Purpose) renewal() bool { return p == ForRenew || p == ForRegisterAgain }

// NoCredentialError: the keystore holds nothing that can be picked for the
// registration without the user choosing. Each front end says how to
// choose (a --credential flag, another file).
type NoCredentialError struct {
	Record credstore.Record
	Held   []string // the ids the keystore holds
	Chosen string   // the id the user gave, if any
}

func (e *NoCredentialError) Error() string {
	return fmt.Sprintf("this keystore holds no credential for registration %s (made with %s); it holds: %s",
		e.Record.ClientID, e.Record.CredentialID, strings.Join(e.Held, ", "))
}

// PickCredential is the one rule for which credential in a keystore
// belongs to a stored registration, used by the wizard and the command line
// alike:
//
//  1. chosen (a --credential id), when given, narrows the keystore to the
//     credentials with that id: the user's word beats any guess, but RAM
//     keeps a renewed credential under the same id as the old one, so the
//     rule below still chooses among them;
//  2. to verify or for a token: the registered certificate (byte for byte);
//     to renew or register again: the renewed credential (RenewedIn);
//  3. else the first with the registered credential id;
//  4. else the only one.
//
// The same keystore therefore gives the same credential for each purpose
// whichever front end asks. Nothing else is guessed: a keystore of several
// others is a *NoCredentialError.
func PickCredential(rec credstore.Record, store *m2m.Store, purpose Purpose, chosen string) (*m2m.Credential, error) {
	if store == nil {
		return nil, &NoCredentialError{Record: rec, Chosen: chosen}
	}
	// chosen given: one id, so several are left only when RAM renewed it.
	cands := store
	if chosen != "" {
		one, err := store.Get(chosen) // exact, else the only one differing in case
		if err != nil {
			return nil, err
		}
		cands = &m2m.Store{}
		for _, c := range store.Credentials {
			if c.ID == one.ID {
				cands.Credentials = append(cands.Credentials, c)
			}
		}
	}
	if purpose.renewal() {
		if c := RenewedIn(rec, cands); c != nil {
			return c, nil
		}
	} else if rec.CertificateDER != nil {
		for _, c := range cands.Credentials {
			if c.Certificate != nil && bytes.Equal(c.Certificate.Raw, rec.CertificateDER) {
				return c, nil
			}
		}
	}
	for _, c := range cands.Credentials {
		if rec.CredentialID != "" && c.ID == rec.CredentialID {
			return c, nil
		}
	}
	if len(cands.Credentials) == 1 {
		return cands.Credentials[0], nil
	}
	return nil, &NoCredentialError{Record: rec, Held: store.IDs(), Chosen: chosen}
}
