package cli

import (
	"context"
	"time"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

// registeredAlready looks, before anything is sent, for a stored
// registration of the same environment, name and credential (registrar.Existing).
// When there is one and --again was not given it shows it and returns
// true: a vendor's rollout script run twice must not make a second
// registration at the ATO.
func registeredAlready(ctx context.Context, rep reporter, again bool, r *registrar.Registrar, in registrar.Input, cred *m2m.Credential, sources *registrar.Sources) (done bool, code int) {
	if again {
		return false, 0
	}
	recs, err := registrar.Existing(ctx, r.Store, in.Env, in.InstanceName, cred)
	if err != nil {
		return true, rep.fail(err)
	}
	if len(recs) == 0 {
		return false, 0
	}
	return true, rep.show(existing(recs[0], len(recs), r.Store.Where(), in.Env, sources), ExitOK)
}

// existingJSON says the registration exists and nothing was sent; its
// JSON is register's plus "existing": true, so a script reads the client
// id the same way either way.
type existingJSON struct {
	registerJSON
	n     int // registrations of this name and credential; this is the newest
	label string
	when  time.Time
}

func existing(rec credstore.Record, n int, where string, env flow.Environment, sources *registrar.Sources) existingJSON {
	out := existingJSON{registerJSON: registerJSON{
		ClientID:              rec.ClientID,
		RegistrationClientURI: rec.RegistrationClientURI,
		Receipt:               rec.Receipt,
		Environment:           rec.Environment,
		Name:                  rec.Name,
		Stored:                true,
		StoredIn:              where,
		Existing:              true,
		Sources:               sources,
	}, n: n, label: env.Label, when: rec.StoredAt}
	if !rec.IssuedAt.IsZero() {
		out.ClientIDIssuedAt = rec.IssuedAt.UTC().Format(time.RFC3339)
		out.when = rec.IssuedAt
	}
	if v := rec.Vendor; !v.IsZero() {
		out.Vendor = &v
	}
	if out.label == "" {
		out.label = rec.Environment
	}
	return out
}

func (out existingJSON) text(st Streams) {
	outf(st.Stdout, "%q is already registered in %s with this credential (%s): nothing was sent to the ATO.\n\n", out.Name, out.label, out.when.Local().Format("2 January 2006 15:04"))
	outf(st.Stdout, "Client id:                %s\n", out.ClientID)
	outf(st.Stdout, "Registration client URI:  %s\n", out.RegistrationClientURI)
	outf(st.Stdout, "Stored in:                %s\n", out.StoredIn)
	if out.n > 1 {
		outf(st.Stdout, "\nThis computer holds %d registrations with this name and credential; this is the newest. See them with: dcrwizard list\n", out.n)
	}
	outf(st.Stdout, "\nYour software uses this registration. To make a second one at the ATO anyway, run the same command with --again.\n")
}
