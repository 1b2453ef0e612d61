package registrar

import (
	"context"
	"net/http"
	"testing"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/credstore"
	"dcrwizard/flow"
)

// RegisterAndVerify: stored, then tested (onStored told before the test's
// first request); a Cancel while saving skips the test with nothing sent;
// not stored, nothing is tested.
func TestRegisterAndVerify(t *testing.T) {
	store := realStore(t)
	f := atosimtest.Start(t, atosim.Options{})
	sim, cred, ep := f.Sim, f.Credential(t), f.Endpoints
	in := Input{Env: flow.Practice(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope),
		Credential: cred, ConsumerKey: testKey(t, sim.APIKey()), InstanceName: "Tested"}
	r, err := New(Options{HTTP: http.DefaultClient, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	cleanup := func(res *Result) {
		if res != nil && res.Stored {
			t.Cleanup(func() { _ = store.Delete(context.Background(), res.Registration.ClientID) })
		}
	}

	t.Run("stored and tested", func(t *testing.T) {
		atStored := -1
		res, tested, err := r.RegisterAndVerify(context.Background(), in, nil, func(*Result) { atStored = len(sim.Requests()) })
		cleanup(res)
		if err != nil || res == nil || !res.Stored || tested == nil || tested.Err != nil || tested.Skipped || tested.Verification == nil {
			t.Fatalf("res=%+v tested=%+v err=%v", res, tested, err)
		}
		if atStored < 0 || len(sim.Requests()) <= atStored {
			t.Fatalf("onStored at %d requests, %d in all: not told before the test", atStored, len(sim.Requests()))
		}
	})

	t.Run("cancel while saving skips the test", func(t *testing.T) {
		in := in
		in.InstanceName = "Tested cancel"
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		atSave := -1
		onEvent := func(e flow.Event) {
			if e.Step == flow.StepSave && e.State == flow.StateStarted {
				atSave = len(sim.Requests())
				cancel()
			}
		}
		res, tested, _ := r.RegisterAndVerify(ctx, in, onEvent, nil)
		cleanup(res)
		if res == nil || !res.Stored || tested == nil || !tested.Skipped || tested.Err == nil {
			t.Fatalf("res=%+v tested=%+v: want stored and the test skipped", res, tested)
		}
		if n := len(sim.Requests()); n != atSave {
			t.Fatalf("%d requests after the Cancel", n-atSave)
		}
	})

	t.Run("not stored, not tested", func(t *testing.T) {
		in := in
		in.InstanceName = "Tested refused"
		refusing, err := New(Options{HTTP: http.DefaultClient, Store: credstore.NewWithKeyring(t.TempDir(), refusingKeyring{})})
		if err != nil {
			t.Fatal(err)
		}
		res, tested, _ := refusing.RegisterAndVerify(context.Background(), in, nil, func(*Result) { t.Error("onStored called") })
		if res == nil || res.Stored || tested != nil {
			t.Fatalf("res=%+v tested=%+v: want accepted, not stored, not tested", res, tested)
		}
	})
}
