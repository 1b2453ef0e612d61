package conformance

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"dcrwizard/credstore"
	"dcrwizard/flow"
)

// lifecycle tries the RFC 7592 read, update and delete on the run's
// registration, as check, rename and remove do.
func (u *run) lifecycle(ctx context.Context) {
	if !u.alive {
		for _, id := range []string{IDRead, IDUpdate, IDDelete} {
			u.check(id, Skipped, "no stored registration to try it on")
		}
		return
	}
	id := u.main.ClientID
	u.progress("Reading the registration back (RFC 7592)…")
	read, err := u.r.Check(ctx, id)
	switch {
	case err == nil:
		_, x5 := read.Metadata["x509_certificate"]
		u.check(IDRead, Confirmed, fmt.Sprintf("HTTP 200; registration_access_token rotated: %s; x509_certificate returned: %s", yesNo(read.Rotated), yesNo(x5)))
	default:
		u.lifecycleFailed(IDRead, err)
	}

	u.progress("Renaming the registration (RFC 7592 update)…")
	newName := u.main.Name + " renamed"
	if err == nil {
		_, err = u.r.Rename(ctx, id, newName)
	} else {
		err = u.putDirect(ctx, id, newName) // the read is not there: try the PUT on its own
	}
	if err == nil {
		u.main.Name = newName
		u.check(IDUpdate, Confirmed, "HTTP 200; client_name now “"+newName+"”")
	} else {
		u.lifecycleFailed(IDUpdate, err)
	}

	u.progress("Removing the registration (RFC 7592 delete)…")
	if err := u.r.Remove(ctx, id); err != nil {
		u.lifecycleFailed(IDDelete, err)
		u.main.Why = describe(err)
		return
	}
	u.main.Removed = true
	u.check(IDDelete, Confirmed, "HTTP 204; removed at the ATO and on this computer")
}

// putDirect sends the RFC 7592 update with the metadata the run
// registered, for an ATO whose read is not there.
func (u *run) putDirect(ctx context.Context, id, name string) error {
	_, vals, err := u.Store.Get(ctx, id)
	if err != nil {
		return err
	}
	md := map[string]any{"client_id": id, "client_name": name, "ato_api_key": u.in.ConsumerKey.Header(), "grant_types": []string{"client_credentials"},
		"x509_certificate": base64.StdEncoding.EncodeToString(u.in.Credential.Certificate.Raw)}
	_, err = u.r.Flow.Update(ctx, vals.RegistrationClientURI, vals.RegistrationAccessToken, vals.ConsumerKey, md)
	return err
}

func (u *run) lifecycleFailed(id string, err error) {
	if flow.NotOffered(err) {
		u.check(id, NotOffered, describe(err))
		return
	}
	u.check(id, Failed, describe(err))
}

// cleanup removes what the run registered and still holds; what the ATO
// will not remove from here is kept in the keychain, marked, and listed.
func (u *run) cleanup(ctx context.Context) {
	ctx = context.WithoutCancel(ctx) // the cleanup runs even after a Ctrl-C: it keeps what exists
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for _, reg := range u.made {
		if reg.Removed {
			continue
		}
		if reg != u.main || reg.Why == "" { // the main one's delete was tried already
			if err := u.r.Remove(cctx, reg.ClientID); err == nil {
				reg.Removed, reg.Why = true, ""
				continue
			} else if reg.Why == "" {
				reg.Why = describe(err)
			}
		}
		rec, _, err := u.Store.Get(cctx, reg.ClientID)
		if err != nil {
			continue // not stored: the pending note keeps what is known
		}
		rec.Purpose = credstore.PurposeConformance
		if err := u.Store.UpdateRecord(cctx, rec); err == nil {
			reg.Kept = true
		}
	}
	for _, reg := range u.unstored {
		// Not in the keychain: remove it with the values in hand, once.
		if err := u.r.Flow.Delete(cctx, reg.RegistrationClientURI, reg.RegistrationAccessToken, u.in.ConsumerKey); err == nil {
			for _, m := range u.made {
				if m.ClientID == reg.ClientID {
					m.Removed, m.Why = true, ""
				}
			}
		}
	}
}
