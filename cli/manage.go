package cli

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"dcrwizard/credstore"
	"dcrwizard/registrar"
)

// storeTimeout bounds a keychain look-up from the command line; an unlock
// prompt may be waiting for the user.
const storeTimeout = 2 * time.Minute

// recordJSON is one registration as list and show print it.
type recordJSON struct {
	Name                    string `json:"name"`
	Environment             string `json:"environment"`
	ClientID                string `json:"client_id"`
	RegistrationClientURI   string `json:"registration_client_uri"`
	ClientIDIssuedAt        string `json:"client_id_issued_at,omitempty"`
	Receipt                 string `json:"receipt,omitempty"`
	CredentialID            string `json:"credential_id,omitempty"`
	CredentialABN           string `json:"credential_abn,omitempty"`
	CredentialNotAfter      string `json:"credential_not_after,omitempty"`
	StoredAt                string `json:"stored_at,omitempty"`
	RegistrationAccessToken string `json:"registration_access_token,omitempty"`
	// Vendor is the software vendor whose setup file was used.
	Vendor *credstore.Vendor `json:"vendor,omitempty"`
}

func toJSON(r credstore.Record) recordJSON {
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	var vendor *credstore.Vendor
	if !r.Vendor.IsZero() {
		v := r.Vendor
		vendor = &v
	}
	return recordJSON{
		Vendor: vendor,
		Name:   r.Name, Environment: r.Environment, ClientID: r.ClientID,
		RegistrationClientURI: r.RegistrationClientURI, ClientIDIssuedAt: ts(r.IssuedAt),
		Receipt: r.Receipt, CredentialID: r.CredentialID, CredentialABN: r.CredentialABN,
		CredentialNotAfter: ts(r.CredentialNotAfter), StoredAt: ts(r.StoredAt),
	}
}

func runList(ctx context.Context, args []string, st Streams) int {
	fs := newFlagSet("list", st)
	asJSON := fs.Bool("json", false, "print JSON")
	if pos, err := parse(fs, args); err != nil {
		return flagExit(err)
	} else if len(pos) > 0 {
		return fail(st, *asJSON, inputError{fmt.Errorf("list takes no arguments, got %q", pos)})
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	store := st.store()
	recs, err := store.List(ctx)
	var aside *credstore.IndexSetAsideError
	if errors.As(err, &aside) {
		fmt.Fprintln(st.Stderr, "Warning: "+aside.Error()) // the records it could read follow
	} else if err != nil {
		return fail(st, *asJSON, err)
	}
	warnPending(st, store)
	if *asJSON {
		out := make([]recordJSON, 0, len(recs))
		for _, r := range recs {
			out = append(out, toJSON(r))
		}
		return printJSON(st, out)
	}
	if len(recs) == 0 {
		fmt.Fprintln(st.Stdout, "No registrations are stored on this computer yet.")
		return ExitOK
	}
	tw := tabwriter.NewWriter(st.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tENVIRONMENT\tCLIENT ID\tISSUED\tCREDENTIAL EXPIRES")
	for _, r := range recs {
		j := toJSON(r)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", j.Name, j.Environment, j.ClientID, j.ClientIDIssuedAt, j.CredentialNotAfter)
	}
	tw.Flush()
	return ExitOK
}

func runShow(ctx context.Context, args []string, st Streams) int {
	fs := newFlagSet("show", st)
	asJSON := fs.Bool("json", false, "print JSON")
	reveal := fs.Bool("reveal", false, "also print the registration access token (a secret)")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		return fail(st, *asJSON, inputError{errors.New("give one client id: dcrwizard show CLIENT_ID (see dcrwizard list)")})
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	rec, vals, err := st.store().Get(ctx, pos[0])
	if err != nil {
		return fail(st, *asJSON, inputError{err})
	}
	j := toJSON(rec)
	if *reveal {
		j.RegistrationAccessToken = vals.RegistrationAccessToken
	}
	if *asJSON {
		return printJSON(st, j)
	}
	tw := tabwriter.NewWriter(st.Stdout, 0, 0, 2, ' ', 0)
	for _, row := range [][2]string{
		{"Name", j.Name}, {"Environment", j.Environment}, {"Client id", j.ClientID},
		{"Registration client URI", j.RegistrationClientURI}, {"Issued at", j.ClientIDIssuedAt},
		{"ATO receipt", j.Receipt}, {"Credential", j.CredentialID}, {"Credential ABN", j.CredentialABN},
		{"Credential expires", j.CredentialNotAfter}, {"Stored at", j.StoredAt},
		{"Software", rec.Vendor.Product}, {"Software vendor", rec.Vendor.Name}, {"Vendor support", registrar.SupportContact(rec.Vendor)},
	} {
		if row[1] != "" {
			fmt.Fprintf(tw, "%s\t%s\n", row[0], row[1])
		}
	}
	if *reveal {
		fmt.Fprintf(tw, "Registration access token\t%s\n", j.RegistrationAccessToken)
	} else {
		fmt.Fprintf(tw, "Registration access token\t(in the keychain; add --reveal to print it)\n")
	}
	tw.Flush()
	return ExitOK
}
