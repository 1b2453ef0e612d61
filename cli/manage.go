package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"dcrwizard/credstore"
	"dcrwizard/m2m"
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
	// CredentialStatus is fine, renew_soon, renew_now, expired,
	// renewed_available or unknown (registrar.CredentialStatus).
	CredentialStatus   string `json:"credential_status"`
	CredentialDaysLeft *int   `json:"credential_days_left,omitempty"`
	ReplacedBy         string `json:"replaced_by,omitempty"`
	// Purpose is "conformance" for a test registration a conformance run
	// could not remove at the ATO.
	Purpose string `json:"purpose,omitempty"`
	// Recovered: rebuilt from the keychain after index.json was lost or
	// damaged; what the keychain does not hold is empty.
	Recovered string `json:"recovered,omitempty"`
	// Vendor is the software vendor whose setup file was used.
	Vendor *credstore.Vendor `json:"vendor,omitempty"`
}

func toJSON(r credstore.Record) recordJSON { return toJSONWith(r, registrar.StateOf(r, time.Now())) }

func toJSONWith(r credstore.Record, cs registrar.CredentialState) recordJSON {
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
	j := recordJSON{
		Vendor: vendor,
		Name:   r.Name, Environment: r.Environment, ClientID: r.ClientID,
		RegistrationClientURI: r.RegistrationClientURI, ClientIDIssuedAt: ts(r.IssuedAt),
		Receipt: r.Receipt, CredentialID: r.CredentialID, CredentialABN: r.CredentialABN,
		CredentialNotAfter: ts(r.CredentialNotAfter), StoredAt: ts(r.StoredAt),
		CredentialStatus: string(cs.Status), ReplacedBy: r.ReplacedBy, Purpose: r.Purpose,
		Recovered: ts(r.Recovered),
	}
	if cs.Status != registrar.CredentialUnknown {
		days := cs.DaysLeft
		j.CredentialDaysLeft = &days
	}
	return j
}

// ExitExpiring: list --expiring found a registration whose credential ends
// within the window (or has ended): for a support person's scheduled check.
const ExitExpiring = 6

// parseWindow reads --expiring: "180d", "26w" or a Go duration ("4320h").
func parseWindow(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("--expiring %q: give a number of days, for example 180d", s)
			}
			return time.Duration(v) * unit, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("--expiring %q: give a number of days, for example 180d", s)
	}
	return d, nil
}

// describeStatus is a credential state in words, for the list.
func describeStatus(cs registrar.CredentialState) string {
	switch cs.Status {
	case registrar.CredentialFine:
		return "fine"
	case registrar.CredentialRenewSoon:
		return fmt.Sprintf("renew within %d days", cs.DaysLeft)
	case registrar.CredentialRenewNow:
		return fmt.Sprintf("RENEW NOW: %d days left", cs.DaysLeft)
	case registrar.CredentialExpired:
		return "EXPIRED"
	case registrar.CredentialRenewed:
		return "renewed credential available: dcrwizard renew"
	}
	return "unknown"
}

// listJSON is what list shows: the registrations, each with its
// credential's state; --json prints the list alone.
type listJSON struct {
	records []listedJSON
	// expiring is --expiring's window when a credential ends within it.
	expiring string
}

// listedJSON is one registration of the list.
type listedJSON struct {
	recordJSON
	state registrar.CredentialState
}

func (l listJSON) MarshalJSON() ([]byte, error) { return json.Marshal(l.records) }

func runList(ctx context.Context, args []string, st Streams) int {
	fs := newFlagSet("list", st)
	var o outputFlag
	o.register(fs)
	expiring := fs.String("expiring", "", "exit 6 when a credential ends within this `WINDOW` (e.g. 180d)")
	keystore := fs.String("keystore", "", "a keystore `FILE` to look in for renewed credentials (no password needed)")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	rep := o.reporter(st)
	if len(pos) > 0 {
		return rep.fail(inputError{fmt.Errorf("list takes no arguments, got %q", pos)})
	}
	var window time.Duration
	if *expiring != "" {
		if window, err = parseWindow(*expiring); err != nil {
			return rep.fail(inputError{err})
		}
	}
	var renewedIn *m2m.Store
	if *keystore != "" {
		if renewedIn, err = m2m.OpenPublic(*keystore); err != nil {
			return rep.fail(inputError{err})
		}
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	store := st.store()
	recs, err := store.List(ctx)
	var aside *credstore.IndexRecoveredError
	if errors.As(err, &aside) {
		outf(st.Stderr, "Warning: %s\n", aside) // the records it could read follow
	} else if err != nil {
		return rep.fail(err)
	}
	warnPending(st, store)
	now := time.Now()
	code := ExitOK
	out := listJSON{records: make([]listedJSON, 0, len(recs))}
	for _, r := range recs {
		cs := registrar.StateWith(r, now, renewedIn)
		out.records = append(out.records, listedJSON{toJSONWith(r, cs), cs})
		if *expiring != "" && r.ReplacedBy == "" && !r.CredentialNotAfter.IsZero() && r.CredentialNotAfter.Sub(now) <= window {
			code, out.expiring = ExitExpiring, *expiring
		}
	}
	return rep.show(out, code)
}

func (l listJSON) text(st Streams) {
	if len(l.records) == 0 {
		fmt.Fprintln(st.Stdout, "No registrations are stored on this computer yet.")
		return
	}
	tw := tabwriter.NewWriter(st.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tENVIRONMENT\tCLIENT ID\tISSUED\tCREDENTIAL EXPIRES\tCREDENTIAL")
	for _, j := range l.records {
		if j.Name == "" {
			j.Name = "(name unknown)" // rebuilt from the keychain without its name
		}
		status := describeStatus(j.state)
		if j.ReplacedBy != "" {
			status = "replaced by " + j.ReplacedBy + ": remove it when ready"
		}
		if j.Purpose == credstore.PurposeConformance {
			status = "conformance test registration: remove it at the ATO by other means, then forget it"
		}
		outf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", j.Name, j.Environment, j.ClientID, j.ClientIDIssuedAt, j.CredentialNotAfter, status)
	}
	tw.Flush()
	if l.expiring != "" {
		outf(st.Stderr, "A credential ends within %s: renew it in RAM, then run dcrwizard renew CLIENT_ID --keystore FILE.\n", l.expiring)
	}
}

// showJSON is what show shows: one registration, its token only with
// --reveal.
type showJSON struct {
	recordJSON
	reveal bool
}

func runShow(ctx context.Context, args []string, st Streams) int {
	fs := newFlagSet("show", st)
	var o outputFlag
	o.register(fs)
	reveal := fs.Bool("reveal", false, "also print the registration access token (a secret)")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	rep := o.reporter(st)
	if len(pos) != 1 {
		return rep.fail(inputError{errors.New("give one client id: dcrwizard show CLIENT_ID (see dcrwizard list)")})
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	rec, vals, err := st.store().Get(ctx, pos[0])
	if err != nil {
		return rep.fail(inputError{err})
	}
	out := showJSON{toJSON(rec), *reveal}
	if *reveal {
		out.RegistrationAccessToken = vals.RegistrationAccessToken
	}
	return rep.show(out, ExitOK)
}

func (j showJSON) text(st Streams) {
	var vendor credstore.Vendor
	if j.Vendor != nil {
		vendor = *j.Vendor
	}
	tw := tabwriter.NewWriter(st.Stdout, 0, 0, 2, ' ', 0)
	for _, row := range [][2]string{
		{"Name", j.Name}, {"Environment", j.Environment}, {"Client id", j.ClientID},
		{"Registration client URI", j.RegistrationClientURI}, {"Issued at", j.ClientIDIssuedAt},
		{"ATO receipt", j.Receipt}, {"Credential", j.CredentialID}, {"Credential ABN", j.CredentialABN},
		{"Credential expires", j.CredentialNotAfter}, {"Stored at", j.StoredAt},
		{"Software", vendor.Product}, {"Software vendor", vendor.Name}, {"Vendor support", registrar.SupportContact(vendor)},
	} {
		if row[1] != "" {
			outf(tw, "%s\t%s\n", row[0], row[1])
		}
	}
	if j.reveal {
		outf(tw, "Registration access token\t%s\n", j.RegistrationAccessToken)
	} else {
		outf(tw, "Registration access token\t(in the keychain; add --reveal to print it)\n")
	}
	tw.Flush()
}
