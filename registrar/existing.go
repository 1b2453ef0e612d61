package registrar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

// Existing returns the stored registrations, newest first, that registering
// env, name and cred again would duplicate: the same environment (for one
// outside the presets, the same registration endpoint too), the same name
// (spaces around it aside), and the same credential (certificate SHA-256, else serial and ABN, as the
// index records them; a renewed credential is another one). Both front ends
// ask this before anything is sent, so a vendor's rollout script run twice,
// or a setup file opened again, does not make a second registration.
//
// A name differing only in case is not this registration: the software
// finds its registration by its exact name (on Linux and macOS the keychain
// compares exactly), and Register refuses such a name before sending
// anything (credstore.CheckName), so it cannot become a duplicate either.
//
// Practice registrations never count: each Practice run has its own
// throw-away ATO look-alike, and going through it again is the point.
// Registrations whose credential is unknown (recovered from the keychain
// after index.json was lost) or that were replaced or left by a conformance
// run are not ones "your software uses", so they do not count either.
func Existing(ctx context.Context, store *credstore.Store, env flow.Environment, name string, cred *m2m.Credential) ([]credstore.Record, error) {
	if env.Name == "practice" || cred == nil {
		return nil, nil
	}
	recs, err := store.List(ctx)
	var recovered *credstore.IndexRecoveredError
	if err != nil && !errors.As(err, &recovered) {
		return nil, err
	}
	var out []credstore.Record
	for _, r := range recs {
		if SameRegistration(r, env, name, cred) {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b credstore.Record) int { return b.StoredAt.Compare(a.StoredAt) })
	return out, nil
}

// SameRegistration reports whether rec is a registration of env, name and
// cred (see Existing).
func SameRegistration(rec credstore.Record, env flow.Environment, name string, cred *m2m.Credential) bool {
	if cred == nil || rec.ReplacedBy != "" || rec.Purpose != "" || !rec.Recovered.IsZero() {
		return false
	}
	if rec.Environment != env.Name || strings.TrimSpace(rec.Name) != strings.TrimSpace(name) {
		return false
	}
	if _, preset := flow.Lookup(env.Name); !preset {
		if rec.Endpoints == nil || rec.Endpoints.RegistrationURL != env.RegistrationURL {
			return false
		}
	}
	return sameCredential(rec, cred)
}

// sameCredential compares by certificate when the index has its hash, else
// by serial and ABN; a record with neither is not known to match.
func sameCredential(rec credstore.Record, cred *m2m.Credential) bool {
	if rec.CertificateSHA256 != "" && cred.Certificate != nil {
		sum := sha256.Sum256(cred.Certificate.Raw)
		return strings.EqualFold(rec.CertificateSHA256, hex.EncodeToString(sum[:]))
	}
	return rec.CredentialSerial != "" && rec.CredentialABN != "" &&
		rec.CredentialSerial == cred.Serial && rec.CredentialABN == cred.ABN
}
