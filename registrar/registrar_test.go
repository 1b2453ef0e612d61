package registrar

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

// practice is one simulator and demo credential shared by the tests: RSA key
// generation and the keystore KDF are slow under -race.
var (
	practiceOnce sync.Once
	practiceVal  *Practice
	practiceCred *m2m.Credential
	practiceErr  error
)

func startPractice(t *testing.T) (*Practice, *m2m.Credential) {
	t.Helper()
	practiceOnce.Do(func() {
		dir, err := os.MkdirTemp("", "registrar-test-")
		if err != nil {
			practiceErr = err
			return
		}
		practiceVal, practiceErr = StartPractice(dir)
		if practiceErr != nil {
			return
		}
		var ks *m2m.Store
		ks, practiceErr = m2m.Open(practiceVal.Demo.KeystorePath, practiceVal.Demo.Password)
		if practiceErr == nil {
			practiceCred, practiceErr = ks.Get(practiceVal.Demo.CredentialID)
		}
	})
	if practiceErr != nil {
		t.Fatalf("practice: %v", practiceErr)
	}
	return practiceVal, practiceCred
}

// realStore is the system keychain: under `make test` a throw-away Secret Service.
func realStore(t *testing.T) *credstore.Store {
	t.Helper()
	if os.Getenv("DCRWIZARD_SECRET_SERVICE") != "1" {
		t.Skip("needs the throw-away Secret Service: run `make test`")
	}
	return credstore.New(t.TempDir())
}

// refusingKeyring stands in for a keychain that answers but says no to
// saving: locked, and the user pressed Deny at the unlock prompt. (A real
// refusal is exercised in credstore's tests.)
type refusingKeyring struct{}

var errRefused = errors.New("the user denied access")

func (refusingKeyring) Set(string, string, string) error   { return errRefused }
func (refusingKeyring) Get(string, string) (string, error) { return "", credstore.ErrNotFound }
func (refusingKeyring) Delete(string, string) error        { return errRefused }

// absentKeyring is a keychain that cannot be reached at all.
type absentKeyring struct{}

func (absentKeyring) Set(string, string, string) error   { return errRefused }
func (absentKeyring) Get(string, string) (string, error) { return "", errRefused }
func (absentKeyring) Delete(string, string) error        { return errRefused }

// Issue 16 finding 7: an absent keychain or an index.json from a newer
// version is found before anything is sent, not after the ATO accepted.
func TestNotReadyRefusedBeforeSending(t *testing.T) {
	f := atosimtest.Start(t, atosim.Options{})
	sim, cred, ep := f.Sim, f.Credential(t), f.Endpoints
	in := Input{Env: flow.Practice(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope),
		Credential: cred, ConsumerKey: testKey(t, sim.APIKey()), InstanceName: "Early"}
	newer := t.TempDir()
	if err := os.WriteFile(newer+"/index.json", []byte(`{"version":7,"registrations":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, store := range map[string]*credstore.Store{
		"keychain absent": credstore.NewWithKeyring(t.TempDir(), absentKeyring{}),
		"newer index":     credstore.NewWithKeyring(newer, refusingKeyring{}),
	} {
		t.Run(name, func(t *testing.T) {
			r := Registrar{Flow: &flow.Client{}, Store: store}
			res, err := r.Register(context.Background(), in, nil)
			var nr *credstore.NotReadyError
			if res != nil || !errors.As(err, &nr) {
				t.Fatalf("res=%v err=%v, want a *credstore.NotReadyError", res, err)
			}
			if n := len(sim.Requests()); n != 0 {
				t.Fatalf("%d requests reached the ATO", n)
			}
			if pend, _ := store.Pending(); len(pend) != 0 {
				t.Fatalf("pending = %+v", pend)
			}
		})
	}
}

// Issue 14 item 2: a name differing only in case from a saved one is refused
// before anything is sent, with a plain message.
func TestNameDifferingOnlyInCaseRefusedBeforeSending(t *testing.T) {
	store := realStore(t)
	f := atosimtest.Start(t, atosim.Options{})
	sim, cred, ep := f.Sim, f.Credential(t), f.Endpoints
	r := Registrar{Flow: &flow.Client{}, Store: store}
	in := Input{Env: flow.Practice(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope),
		Credential: cred, ConsumerKey: testKey(t, sim.APIKey()), InstanceName: "Front Desk"}
	first, err := r.Register(context.Background(), in, nil)
	if err != nil || !first.Stored {
		t.Fatalf("first: %v", err)
	}
	t.Cleanup(func() { _ = store.Delete(context.Background(), first.Registration.ClientID) })
	before := len(sim.Requests())
	in.InstanceName = "front desk"
	res, err := r.Register(context.Background(), in, nil)
	var nce *credstore.NameCaseError
	// Its words: guidance.TestCredstoreRefusals.
	if res != nil || !errors.As(err, &nce) || nce.Existing != "Front Desk" || nce.Name != "front desk" {
		t.Fatalf("res=%v err=%v, want a *credstore.NameCaseError", res, err)
	}
	if len(sim.Requests()) != before || len(sim.Clients()) != 1 {
		t.Fatal("the refused name reached the ATO")
	}
}

func input(p *Practice, cred *m2m.Credential, name string) Input {
	return Input{Env: p.Env, Credential: cred, ConsumerKey: p.ConsumerKey, InstanceName: name}
}

func TestRegisterStoresAndReadsBack(t *testing.T) {
	p, cred := startPractice(t)
	store := realStore(t)
	r := Registrar{Flow: &flow.Client{}, Store: store}

	var steps []string
	res, err := r.Register(context.Background(), input(p, cred, "Front desk"), func(e flow.Event) {
		steps = append(steps, string(e.Step)+":"+string(e.State))
	})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if !res.Stored || res.PendingID != "" {
		t.Fatalf("Stored=%v PendingID=%q, want stored and no pending", res.Stored, res.PendingID)
	}
	rec, vals, err := store.Get(context.Background(), res.Registration.ClientID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if vals.RegistrationAccessToken != res.Registration.RegistrationAccessToken ||
		vals.RegistrationClientURI != res.Registration.RegistrationClientURI ||
		rec.Name != "Front desk" || rec.Environment != "practice" || rec.CredentialABN != cred.ABN {
		t.Fatalf("stored %+v / %v does not match the registration", rec, vals)
	}
	if pend, _ := store.Pending(); len(pend) != 0 {
		t.Fatalf("pending records left: %+v", pend)
	}
	want := "sign:started sign:done token:started token:done register:started register:done save:started save:done"
	if got := strings.Join(steps, " "); got != want {
		t.Fatalf("events\n got %s\nwant %s", got, want)
	}
}

func TestCancelAfterTheATOAcceptedStillStores(t *testing.T) {
	p, cred := startPractice(t)
	store := realStore(t)
	r := Registrar{Flow: &flow.Client{}, Store: store}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := r.Register(ctx, input(p, cred, "Cancelled late"), func(e flow.Event) {
		if e.Step == flow.StepRegister && e.State == flow.StateDone {
			cancel() // the user presses Cancel just as the ATO answers
		}
	})
	if err != nil || !res.Stored {
		t.Fatalf("Register: res=%+v err=%v; a registration the ATO accepted must be kept", res, err)
	}
	if _, _, err := store.Get(context.Background(), res.Registration.ClientID); err != nil {
		t.Fatalf("not in the keychain: %v", err)
	}
}

func TestKeychainRefusalHandsValuesBack(t *testing.T) {
	p, cred := startPractice(t)
	store := credstore.NewWithKeyring(t.TempDir(), refusingKeyring{})
	r := Registrar{Flow: &flow.Client{}, Store: store}
	res, err := r.Register(context.Background(), input(p, cred, "No keychain"), nil)
	var ns *credstore.NotStoredError
	if !errors.As(err, &ns) {
		t.Fatalf("err = %v, want *credstore.NotStoredError", err)
	}
	if res == nil || res.Stored || res.Registration.RegistrationAccessToken == "" || res.Registration.ClientID == "" {
		t.Fatalf("result %+v: the values must come back when they could not be stored", res)
	}
	if strings.Contains(err.Error(), res.Registration.RegistrationAccessToken) {
		t.Fatal("the error text contains the registration access token")
	}
	// The pending record stays until the user has kept the values.
	pend, _ := store.Pending()
	if len(pend) != 1 || pend[0].ID != res.PendingID || pend[0].Name != "No keychain" {
		t.Fatalf("pending = %+v, want the one for this registration (%q)", pend, res.PendingID)
	}
}

func TestRefusalLeavesNothingPending(t *testing.T) {
	p, cred := startPractice(t)
	store := credstore.NewWithKeyring(t.TempDir(), refusingKeyring{})
	r := Registrar{Flow: &flow.Client{}, Store: store}
	res, err := r.Register(context.Background(), input(p, cred, atosim.ScenarioInvalidRequest), nil)
	var fe *flow.Error
	if res != nil || !errors.As(err, &fe) || fe.Status != 400 || fe.Unknown {
		t.Fatalf("res=%v err=%v, want the ATO's 400 refusal", res, err)
	}
	if pend, _ := store.Pending(); len(pend) != 0 {
		t.Fatalf("a refused registration left pending records: %+v", pend)
	}
}

func TestUnknownOutcomeKeepsPending(t *testing.T) {
	// A simulator of its own: the fault must not hit other tests.
	f := atosimtest.Start(t, atosim.Options{})
	sim, cred, ep := f.Sim, f.Credential(t), f.Endpoints
	sim.InjectFault(atosim.Fault{Kind: atosim.FaultDropAfterRegister, Endpoint: "register", Nth: 1})
	store := credstore.NewWithKeyring(t.TempDir(), refusingKeyring{})
	r := Registrar{Flow: &flow.Client{}, Store: store}
	res, err := r.Register(context.Background(), Input{
		Env:        flow.Practice(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope),
		Credential: cred, ConsumerKey: testKey(t, sim.APIKey()), InstanceName: "Lost answer",
	}, nil)
	var fe *flow.Error
	if res != nil || !errors.As(err, &fe) || !fe.Unknown {
		t.Fatalf("res=%v err=%v, want an unknown outcome", res, err)
	}
	if len(sim.Clients()) != 1 {
		t.Fatalf("the simulator holds %d clients, want 1 (created, answer lost)", len(sim.Clients()))
	}
	pend, _ := store.Pending()
	if len(pend) != 1 || pend[0].Name != "Lost answer" || pend[0].Environment != "practice" {
		t.Fatalf("pending = %+v, want one record telling the user to check", pend)
	}
}

// testKey is a consumer key made the one way a Key is made.
func testKey(t testing.TB, raw string) consumerkey.Key {
	t.Helper()
	k, err := consumerkey.New(raw, consumerkey.Typed)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
