//go:build unix

package registrar

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

// TestKilledBeforeKeychainWrite kills a real process (SIGKILL) the moment the
// ATO's answer is in and before the keychain write: the pending record must
// still name the client id and registration client URI the ATO issued.
func TestKilledBeforeKeychainWrite(t *testing.T) {
	if os.Getenv("REGISTRAR_CRASH_CHILD") == "1" {
		crashChild()
		return
	}
	f := atosimtest.Start(t, atosim.Options{})
	sim := f.Sim
	demo, err := sim.WriteCredential(t.TempDir(), f.Credential(t), atosim.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ep := f.Endpoints
	cmd := exec.Command(os.Args[0], "-test.run", "^TestKilledBeforeKeychainWrite$")
	cmd.Env = append(os.Environ(), "REGISTRAR_CRASH_CHILD=1", "CRASH_DIR="+dir, "CRASH_KEYSTORE="+demo.KeystorePath,
		"CRASH_TOKEN_URL="+ep.TokenURL, "CRASH_REG_URL="+ep.RegistrationURL, "CRASH_CLIENT_ID="+ep.RegistrationClientID,
		"CRASH_SCOPE="+ep.Scope, "CRASH_API_KEY="+sim.APIKey())
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the child was not killed as planned: %v\n%s", err, out)
	}
	clients := sim.Clients()
	if len(clients) != 1 {
		t.Fatalf("the ATO holds %d registrations, want 1", len(clients))
	}
	pend, err := credstore.NewWithKeyring(dir, refusingKeyring{}).Pending()
	if err != nil || len(pend) != 1 {
		t.Fatalf("pending = %+v, %v; want the record of the killed run", pend, err)
	}
	p := pend[0]
	if p.ClientID != clients[0].ClientID || !strings.HasSuffix(p.RegistrationClientURI, "/"+p.ClientID) || p.Receipt == "" || p.Accepted.IsZero() || p.Name != "Killed" {
		t.Fatalf("pending record %+v does not keep what the ATO returned (client %s)", p, clients[0].ClientID)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "pending", p.ID+".json"))
	if strings.Contains(string(raw), "access_token") || strings.Count(string(raw), ".") > 8 {
		t.Fatalf("the pending file looks like it holds a token:\n%s", raw)
	}
}

func crashChild() {
	ks, err := m2m.Open(os.Getenv("CRASH_KEYSTORE"), atosim.DemoPassword)
	if err != nil {
		panic(err)
	}
	key, err := consumerkey.New(os.Getenv("CRASH_API_KEY"), consumerkey.Typed)
	if err != nil {
		panic(err)
	}
	r := Registrar{Flow: &flow.Client{}, Store: credstore.NewWithKeyring(os.Getenv("CRASH_DIR"), refusingKeyring{})}
	env := flow.Practice(os.Getenv("CRASH_TOKEN_URL"), os.Getenv("CRASH_REG_URL"), os.Getenv("CRASH_CLIENT_ID"), os.Getenv("CRASH_SCOPE"))
	_, err = r.Register(context.Background(), Input{Env: env, Credential: ks.Credentials[0], ConsumerKey: key, InstanceName: "Killed"},
		func(e flow.Event) {
			if e.Step == flow.StepSave && e.State == flow.StateStarted {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {}
			}
		})
	panic(fmt.Sprintf("Register returned (%v) instead of reaching the keychain write", err))
}
