package registrar

import (
	"bytes"
	"math"
	"time"

	"dcrwizard/credstore"
	"dcrwizard/m2m"
)

// CredentialStatus says whether a registration's credential needs renewing.
type CredentialStatus string

const (
	CredentialFine      CredentialStatus = "fine"
	CredentialRenewSoon CredentialStatus = "renew_soon" // within 6 months of expiry: the ATO wants it renewed
	CredentialRenewNow  CredentialStatus = "renew_now"  // within 60 days: shown prominently
	CredentialExpired   CredentialStatus = "expired"
	CredentialRenewed   CredentialStatus = "renewed_available" // a newer certificate for it is in the keystore
	CredentialUnknown   CredentialStatus = "unknown"           // stored without its expiry
)

// Renewal windows: the ATO refuses a credential within 6 months of expiry
// (the same rule as m2m's verdict), and 60 days is when it becomes urgent.
const (
	RenewWindow  = 183 * 24 * time.Hour
	UrgentWindow = 60 * 24 * time.Hour
)

// CredentialState is a registration's credential as of a moment.
type CredentialState struct {
	Status   CredentialStatus
	NotAfter time.Time
	DaysLeft int // whole days until NotAfter; negative once expired
	// Renewed is the newer credential found (public part only), with
	// RenewedIn; nil otherwise.
	Renewed *m2m.Credential
}

// StateOf is the credential state of rec at now.
func StateOf(rec credstore.Record, now time.Time) CredentialState {
	st := CredentialState{NotAfter: rec.CredentialNotAfter}
	if rec.CredentialNotAfter.IsZero() {
		st.Status = CredentialUnknown
		return st
	}
	left := rec.CredentialNotAfter.Sub(now)
	st.DaysLeft = int(math.Floor(left.Hours() / 24))
	switch {
	case left <= 0:
		st.Status = CredentialExpired
	case left <= UrgentWindow:
		st.Status = CredentialRenewNow
	case left <= RenewWindow:
		st.Status = CredentialRenewSoon
	default:
		st.Status = CredentialFine
	}
	return st
}

// RenewedIn finds in store (opened with m2m.OpenPublic is enough) a renewed
// credential for rec: the same credential id, else the same ABN, with
// another certificate that ends later. It returns nil when there is none.
func RenewedIn(rec credstore.Record, store *m2m.Store) *m2m.Credential {
	if store == nil {
		return nil
	}
	var best *m2m.Credential
	for _, c := range store.Credentials {
		if c.Certificate == nil || bytes.Equal(c.Certificate.Raw, rec.CertificateDER) || !c.NotAfter.After(rec.CredentialNotAfter) {
			continue
		}
		sameID := rec.CredentialID != "" && c.ID == rec.CredentialID
		sameABN := rec.CredentialABN != "" && c.ABN == rec.CredentialABN
		switch {
		case sameID && (best == nil || best.ID != rec.CredentialID || c.NotAfter.After(best.NotAfter)):
			best = c
		case sameABN && best == nil:
			best = c
		}
	}
	return best
}

// StateWith is StateOf, marked "renewed available" when store holds a
// renewed credential for rec.
func StateWith(rec credstore.Record, now time.Time, store *m2m.Store) CredentialState {
	st := StateOf(rec, now)
	if c := RenewedIn(rec, store); c != nil {
		st.Status, st.Renewed = CredentialRenewed, c
	}
	return st
}
