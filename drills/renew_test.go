//go:build linux

package drills_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/credstore"
	"dcrwizard/flow"
)

// A renewal killed at any moment loses nothing: afterwards either this
// computer's record matches the certificate the ATO holds, or a pending note
// says an update was sent and tells the user how to check — and the stored
// registration access token still works. Kill points: as soon as the note
// is written (the PUT about to go or gone), as soon as the ATO has answered
// the PUT (this computer racing to record it), and at random moments.
func TestRenewKilledAtAnyMoment(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service: run `make test`")
	}
	f := atosimtest.Start(t, atosim.Options{})
	sim := f.Sim
	now := time.Now()
	write := func(notBefore, notAfter time.Time) string {
		cred, err := sim.IssueCredential("ABRD:80000000001_Kill", "80000000001", "Kill", notBefore, notAfter)
		if err != nil {
			t.Fatal(err)
		}
		d, err := sim.WriteCredential(t.TempDir(), cred, atosim.DemoPassword)
		if err != nil {
			t.Fatal(err)
		}
		return d.KeystorePath
	}
	oldKS := write(now.AddDate(-1, -4, 0), now.AddDate(0, 8, 0))
	config := t.TempDir()
	pw := []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}
	store := credstore.NewWithKeyring(filepath.Join(config, "dcrwizard"), refusing{})

	kills := []string{"note", "answered"}
	for i := 0; i < 5; i++ {
		kills = append(kills, "random")
	}
	for i, how := range kills {
		name := fmt.Sprintf("Kill %d", i)
		res := runBinary(t, config, pw, "", append([]string{"register", "--keystore", oldKS, "--name", name, "--json"}, f.CLIArgs()...)...)
		if res.code != 0 {
			t.Fatalf("%s: register: %d %s", name, res.code, res.stderr)
		}
		id := decode[registerOut](t, res.stdout).ClientID
		newKS := write(now.Add(-time.Minute), now.AddDate(2, 0, 0))

		cmd := exec.Command(binary, "renew", id, "--keystore", newKS, "--json")
		cmd.Env = append(baseEnv(config), pw...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		puts := countPUTs(sim, id)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		switch how {
		case "note":
			for !hasRenewNote(t, config, id) && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
		case "answered":
			for countPUTs(sim, id) == puts && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
		default:
			time.Sleep(time.Duration(rand.IntN(120)) * time.Millisecond) // a renew takes about that long here
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()

		// What the ATO holds, what this computer says, and the note.
		atoCert := ""
		for _, c := range sim.Clients() {
			if c.ClientID == id {
				der, _ := base64.StdEncoding.DecodeString(fmt.Sprint(c.Metadata["x509_certificate"]))
				sum := sha256.Sum256(der)
				atoCert = hex.EncodeToString(sum[:])
			}
		}
		recs, err := store.List(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var rec credstore.Record
		for _, r := range recs {
			if r.ClientID == id {
				rec = r
			}
		}
		noted := hasRenewNote(t, config, id)
		t.Logf("%s (%s): ATO holds %.8s, record %.8s, note %v", name, how, atoCert, rec.CertificateSHA256, noted)
		if rec.ClientID == "" {
			t.Fatalf("%s: killed during renew (%s), the registration is gone from this computer", name, how)
		}
		if rec.CertificateSHA256 != atoCert && !noted {
			t.Errorf("%s: killed during renew (%s), the ATO holds another certificate than this computer records, and no note says so", name, how)
		}
		// The token kept in the keychain still manages the registration.
		show := runBinary(t, config, nil, "", "show", id, "--reveal", "--json")
		tok := decode[registerOut](t, show.stdout).RegistrationAccessToken
		if _, err := (&flow.Client{}).Read(context.Background(), rec.RegistrationClientURI, tok, mustKey(t, sim.APIKey())); err != nil {
			t.Errorf("%s: after the kill the stored token no longer reads the registration: %v", name, err)
		}
		if noted && !strings.Contains(runBinary(t, config, nil, "", "pending").stdout, "dcrwizard verify "+id) {
			t.Errorf("%s: the pending note does not tell the user how to check", name)
		}
	}
}

func hasRenewNote(t *testing.T, config, id string) bool {
	for _, p := range pending(t, config) {
		if p.Action == credstore.PendingRenew && p.ClientID == id {
			return true
		}
	}
	return false
}

func countPUTs(sim *atosim.Simulator, id string) int {
	n := 0
	for _, r := range sim.Requests() {
		if r.Method == "PUT" && strings.HasSuffix(r.Path, "/"+id) && r.Status != 0 {
			n++
		}
	}
	return n
}
