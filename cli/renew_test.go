package cli_test

import (
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
)

type listRow struct {
	ClientID         string `json:"client_id"`
	CredentialStatus string `json:"credential_status"`
	DaysLeft         *int   `json:"credential_days_left"`
	ReplacedBy       string `json:"replaced_by"`
}

// registerForRenewal registers "Desk" at f with a credential that has eight
// months to run; it returns its keystore, the config folder, the password
// environment and the client id.
func registerForRenewal(t *testing.T, f *atosimtest.Fixture) (keystore, config string, pw []string, id string) {
	t.Helper()
	now := time.Now()
	keystore = writeCredential(t, f.Sim, now.AddDate(-1, -4, 0), now.AddDate(0, 8, 0))
	config = t.TempDir()
	pw = []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}
	res := run{args: append([]string{"register", "--keystore", keystore, "--name", "Desk", "--json"}, f.CLIArgs()...), env: pw, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("register: %d %s", res.code, res.stderr)
	}
	return keystore, config, pw, decode[registerOut](t, res.stdout).ClientID
}

// The whole renewal on the command line: see it coming, update in place,
// prove it; the old credential no longer signs in as the registration.
func TestRenewCommand(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{RotateTokens: true})
	now := time.Now()
	oldKS, config, pw, id := registerForRenewal(t, f)

	res := run{args: []string{"list", "--json", "--expiring", "180d"}, config: config}.exec(t)
	rows := decode[[]listRow](t, res.stdout)
	if res.code != 0 || len(rows) != 1 || rows[0].CredentialStatus != "fine" || rows[0].DaysLeft == nil {
		t.Fatalf("list --expiring 180d with 8 months left: exit %d %+v", res.code, rows)
	}
	res = run{args: []string{"list", "--expiring", "270d"}, config: config}.exec(t)
	if res.code != 6 || !strings.Contains(res.stderr, "dcrwizard renew") {
		t.Fatalf("list --expiring 270d: exit %d %s", res.code, res.stderr)
	}

	// RAM renews the credential: same id and ABN, new key.
	newKS := writeCredential(t, f.Sim, now.Add(-time.Minute), now.AddDate(2, 0, 0))
	res = run{args: []string{"list", "--json", "--keystore", newKS}, config: config}.exec(t)
	if rows = decode[[]listRow](t, res.stdout); res.code != 0 || rows[0].CredentialStatus != "renewed_available" {
		t.Fatalf("list --keystore with the renewed keystore: exit %d %+v", res.code, rows)
	}
	res = run{args: []string{"renew", id, "--keystore", newKS, "--json"}, env: pw, config: config}.exec(t)
	out := decode[struct {
		ClientID      string     `json:"client_id"`
		Updated       bool       `json:"updated"`
		Verification  *verifyOut `json:"verification"`
		OldCredential string     `json:"old_credential"`
	}](t, res.stdout)
	if res.code != 0 || !out.Updated || out.ClientID != id || out.Verification == nil || !out.Verification.Usable {
		t.Fatalf("renew: exit %d %+v %s", res.code, out, res.stderr)
	}
	// RAM does not revoke the old credential (ato-facts.md §11): the
	// practice is told it is still valid, and when to revoke it.
	wantOldCredentialNote(t, out.OldCredential)
	res = run{args: []string{"verify", id, "--keystore", newKS}, env: pw, config: config}.exec(t)
	if res.code != 0 {
		t.Errorf("verify with the renewed credential: exit %d %s", res.code, res.stderr)
	}
	res = run{args: []string{"verify", id, "--keystore", oldKS}, env: pw, config: config}.exec(t)
	if res.code != 3 || !strings.Contains(res.stderr, "different certificate") {
		t.Errorf("verify with the old credential after renewal: exit %d %s", res.code, res.stderr)
	}
	res = run{args: []string{"renew", id, "--keystore", newKS}, env: pw, config: config}.exec(t)
	if res.code != 1 || !strings.Contains(res.stderr, "already holds this credential's certificate") {
		t.Errorf("renew twice: exit %d %s", res.code, res.stderr)
	}
}

// The ATO will not update (405): renew says so and how to go on; register
// again keeps the old registration, marked, until it is removed.
func TestRenewRefusedRegisterAgain(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{RefuseUpdates: true})
	now := time.Now()
	_, config, pw, id := registerForRenewal(t, f)
	newKS := writeCredential(t, f.Sim, now.Add(-time.Minute), now.AddDate(2, 0, 0))
	res := run{args: []string{"renew", id, "--keystore", newKS}, env: pw, config: config}.exec(t)
	if res.code != 3 || !strings.Contains(res.stderr, "did not update the registration") || !strings.Contains(res.stderr, "--register-again") {
		t.Fatalf("renew refused: exit %d %s", res.code, res.stderr)
	}
	res = run{args: []string{"renew", id, "--keystore", newKS, "--register-again", "--json"},
		env: append(pw, "DCRWIZARD_API_KEY="+f.Sim.APIKey()), config: config}.exec(t)
	again := decode[struct {
		NewClientID   string     `json:"new_client_id"`
		OldKept       bool       `json:"old_kept"`
		Verification  *verifyOut `json:"verification"`
		OldCredential string     `json:"old_credential"`
	}](t, res.stdout)
	if res.code != 0 || again.NewClientID == "" || again.NewClientID == id || !again.OldKept || !again.Verification.Usable {
		t.Fatalf("register again: exit %d %+v %s", res.code, again, res.stderr)
	}
	wantOldCredentialNote(t, again.OldCredential)
	res = run{args: []string{"list", "--json"}, config: config}.exec(t)
	rows := decode[[]listRow](t, res.stdout)
	var old *listRow
	for i := range rows {
		if rows[i].ClientID == id {
			old = &rows[i]
		}
	}
	if len(rows) != 2 || old == nil || old.ReplacedBy != again.NewClientID {
		t.Fatalf("list after register again: %+v", rows)
	}
	res = run{args: []string{"list"}, config: config}.exec(t)
	if !strings.Contains(res.stdout, "replaced by "+again.NewClientID) {
		t.Errorf("list does not mark the old registration:\n%s", res.stdout)
	}
}

// wantOldCredentialNote: after a proven renewal the old credential is said
// to be still valid until revoked in RAM — never that it was revoked.
func wantOldCredentialNote(t *testing.T, note string) {
	t.Helper()
	if !strings.Contains(note, "still valid: RAM does not revoke it") || !strings.Contains(note, "Once your software works with the new one, revoke the old credential in RAM") {
		t.Errorf("after a renewal: %q", note)
	}
	if strings.Contains(note, "was revoked") || strings.Contains(note, "has been revoked") {
		t.Errorf("says the old credential was revoked: %q", note)
	}
}
