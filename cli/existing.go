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
// When there is one and --again was not given it reports it and returns
// true: a vendor's rollout script run twice must not make a second
// registration at the ATO.
func registeredAlready(ctx context.Context, st Streams, asJSON, again bool, r *registrar.Registrar, in registrar.Input, cred *m2m.Credential, sources *registrar.Sources) (done bool, code int) {
	if again {
		return false, 0
	}
	recs, err := registrar.Existing(ctx, r.Store, in.Env, in.InstanceName, cred)
	if err != nil {
		return true, fail(st, asJSON, err)
	}
	if len(recs) == 0 {
		return false, 0
	}
	return true, reportExisting(st, asJSON, recs[0], len(recs), r.Store.Where(), in.Env, sources)
}

// reportExisting says the registration exists and nothing was sent; --json
// has register's fields for it plus "existing": true, so a script reads the
// client id the same way either way.
func reportExisting(st Streams, asJSON bool, rec credstore.Record, n int, where string, env flow.Environment, sources *registrar.Sources) int {
	out := registerJSON{
		ClientID:              rec.ClientID,
		RegistrationClientURI: rec.RegistrationClientURI,
		Receipt:               rec.Receipt,
		Environment:           rec.Environment,
		Name:                  rec.Name,
		Stored:                true,
		StoredIn:              where,
		Existing:              true,
		Sources:               sources,
	}
	if !rec.IssuedAt.IsZero() {
		out.ClientIDIssuedAt = rec.IssuedAt.UTC().Format(time.RFC3339)
	}
	if v := rec.Vendor; !v.IsZero() {
		out.Vendor = &v
	}
	if asJSON {
		return printJSON(st, out)
	}
	when := rec.StoredAt
	if !rec.IssuedAt.IsZero() {
		when = rec.IssuedAt
	}
	label := env.Label
	if label == "" {
		label = rec.Environment
	}
	outf(st.Stdout, "%q is already registered in %s with this credential (%s): nothing was sent to the ATO.\n\n", rec.Name, label, when.Local().Format("2 January 2006 15:04"))
	outf(st.Stdout, "Client id:                %s\n", rec.ClientID)
	outf(st.Stdout, "Registration client URI:  %s\n", rec.RegistrationClientURI)
	outf(st.Stdout, "Stored in:                %s\n", where)
	if n > 1 {
		outf(st.Stdout, "\nThis computer holds %d registrations with this name and credential; this is the newest. See them with: dcrwizard list\n", n)
	}
	outf(st.Stdout, "\nYour software uses this registration. To make a second one at the ATO anyway, run the same command with --again.\n")
	return ExitOK
}
