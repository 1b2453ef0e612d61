package cli_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/m2m"
)

// verify, token and renew pick from a keystore holding the registered
// credential, a renewed one (same ABN, a new id) and an unrelated one by
// registrar.PickCredential, as the wizard does (ui TestPickSameCredential,
// same keystore): the registered certificate to sign in, the renewed one to
// renew. renew once took the registered id and refused it as not renewed.
func TestPickSameCredential(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{})
	now := time.Now()
	oldKS, config, pw, id := registerForRenewal(t, f)
	old, err := m2m.Open(oldKS, atosim.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	registered := old.Credentials[0]
	renewed, err := f.Sim.IssueCredential(registered.ID+"New", registered.ABN, "Test", now.Add(-time.Minute), now.AddDate(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	unrelated, err := f.Sim.IssueCredential("ABRD:90000000002_Other", "90000000002", "Other", now.Add(-time.Minute), now.AddDate(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	data, err := m2m.MarshalKeystore([]*m2m.Credential{unrelated, registered, renewed}, atosim.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	mixed := filepath.Join(t.TempDir(), "mixed.xml")
	if err := os.WriteFile(mixed, data, 0o600); err != nil {
		t.Fatal(err)
	}

	for _, cmd := range []string{"verify", "token"} {
		if res := (run{args: []string{cmd, id, "--keystore", mixed}, env: pw, config: config}.exec(t)); res.code != 0 {
			t.Errorf("%s with the mixed keystore: exit %d %s", cmd, res.code, res.stderr)
		}
	}
	res := run{args: []string{"renew", id, "--keystore", mixed, "--json"}, env: pw, config: config}.exec(t)
	out := decode[struct {
		Updated      bool   `json:"updated"`
		CredentialID string `json:"credential_id"`
	}](t, res.stdout)
	if res.code != 0 || !out.Updated || out.CredentialID != renewed.ID {
		t.Fatalf("renew with the mixed keystore: exit %d %+v %s", res.code, out, res.stderr)
	}
	// Renewed: the same keystore now signs in with the renewed credential.
	if res := (run{args: []string{"verify", id, "--keystore", mixed}, env: pw, config: config}.exec(t)); res.code != 0 {
		t.Errorf("verify after renewal: exit %d %s", res.code, res.stderr)
	}
}
