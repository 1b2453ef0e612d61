package registrar

import (
	"errors"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
	"dcrwizard/m2m"
)

// One keystore holding the registered credential, its renewal (same id, as
// RAM leaves it) and an unrelated one: each purpose picks the same one
// whatever the order, and --credential narrows without undoing the rule.
func TestPickCredential(t *testing.T) {
	sim, err := atosim.New(atosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	issue := func(id, abn string, from, to time.Time) *m2m.Credential {
		c, err := sim.IssueCredential(id, abn, "Desk", from, to)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	const id = "ABRD:80000000001_Desk"
	registered := issue(id, "80000000001", now.AddDate(-2, 0, 0), now.AddDate(0, 1, 0))
	renewed := issue(id, "80000000001", now.AddDate(0, 0, -1), now.AddDate(2, 0, 0))
	unrelated := issue("ABRD:90000000002_Other", "90000000002", now.AddDate(0, 0, -1), now.AddDate(2, 0, 0))
	var rec credstore.Record
	rec.ClientID = "c1"
	setCertificate(&rec, registered)

	name := map[*m2m.Credential]string{registered: "registered", renewed: "renewed", unrelated: "unrelated"}
	for _, order := range [][]*m2m.Credential{{unrelated, renewed, registered}, {registered, renewed, unrelated}} {
		store := &m2m.Store{Credentials: order}
		for _, tc := range []struct {
			purpose Purpose
			chosen  string
			want    *m2m.Credential
		}{
			{ForVerify, "", registered}, {ForToken, "", registered},
			{ForRenew, "", renewed}, {ForRegisterAgain, "", renewed},
			{ForVerify, id, registered}, {ForRenew, id, renewed},
			{ForVerify, unrelated.ID, unrelated}, {ForRenew, unrelated.ID, unrelated},
		} {
			got, err := PickCredential(rec, store, tc.purpose, tc.chosen)
			if err != nil || got != tc.want {
				t.Errorf("order %v, purpose %d, chosen %q: got %s, %v; want %s",
					store.IDs(), tc.purpose, tc.chosen, name[got], err, name[tc.want])
			}
		}
	}
	// Only the registered one: renewal picks it (the registrar then says it
	// is not a renewed one); nothing for this registration: refused.
	// A renewed credential under a new id of the same ABN (a keystore file
	// holds each id once): renewal picks it, verify still the registered one.
	newID := issue("ABRD:80000000001_DeskNew", "80000000001", now.AddDate(0, 0, -1), now.AddDate(2, 0, 0))
	name[newID] = "renewed, new id"
	mixed := &m2m.Store{Credentials: order3(unrelated, registered, newID)}
	for _, p := range []Purpose{ForRenew, ForRegisterAgain} {
		if got, err := PickCredential(rec, mixed, p, ""); got != newID {
			t.Errorf("purpose %d with a renewal under a new id: %s, %v", p, name[got], err)
		}
	}
	if got, err := PickCredential(rec, mixed, ForVerify, ""); got != registered {
		t.Errorf("verify with a renewal under a new id: %s, %v", name[got], err)
	}
	if got, _ := PickCredential(rec, &m2m.Store{Credentials: []*m2m.Credential{registered}}, ForRenew, ""); got != registered {
		t.Errorf("renew with only the registered credential: %s", name[got])
	}
	other := issue("ABRD:90000000002_Third", "90000000002", now.AddDate(0, 0, -1), now.AddDate(2, 0, 0))
	_, err = PickCredential(rec, &m2m.Store{Credentials: []*m2m.Credential{unrelated, other}}, ForVerify, "")
	if !errors.As(err, new(*NoCredentialError)) {
		t.Errorf("two unrelated credentials: %v, want a *NoCredentialError", err)
	}
	if _, err := PickCredential(rec, &m2m.Store{Credentials: order3(registered, renewed, unrelated)}, ForVerify, "nope"); !errors.As(err, new(*m2m.NotFoundError)) {
		t.Errorf("--credential not in the file: %v, want a *m2m.NotFoundError", err)
	}
}

func order3(a, b, c *m2m.Credential) []*m2m.Credential { return []*m2m.Credential{a, b, c} }
