package registrar

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/credstore"
	"dcrwizard/flow"
)

// lifecycleFixture registers one instance against a simulator of its own
// (options vary per test) and stores it in the real keychain.
func lifecycleFixture(t *testing.T, opts atosim.Options) (*atosim.Simulator, *Registrar, *Result) {
	t.Helper()
	store := realStore(t)
	f := atosimtest.Start(t, opts)
	ep := f.Endpoints
	r := &Registrar{Flow: &flow.Client{}, Store: store}
	res, err := r.Register(context.Background(), Input{
		Env:        flow.Practice(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope),
		Credential: f.Credential(t), ConsumerKey: testKey(t, f.Sim.APIKey()), InstanceName: "Original",
	}, nil)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	return f.Sim, r, res
}

func storedToken(t *testing.T, r *Registrar, clientID string) string {
	t.Helper()
	_, v, err := r.Store.Get(context.Background(), clientID)
	if err != nil {
		t.Fatal(err)
	}
	return v.RegistrationAccessToken
}

func TestCheckRenameRemove(t *testing.T) {
	for _, rotate := range []bool{false, true} {
		t.Run(map[bool]string{false: "fixed token", true: "rotating token"}[rotate], func(t *testing.T) {
			sim, r, res := lifecycleFixture(t, atosim.Options{RotateTokens: rotate})
			ctx := context.Background()
			id := res.Registration.ClientID
			before := storedToken(t, r, id)

			chk, err := r.Check(ctx, id)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if chk.Rotated != rotate || chk.Metadata["client_name"] != "Original" {
				t.Fatalf("Check: rotated=%v metadata=%v", chk.Rotated, chk.Metadata["client_name"])
			}
			if after := storedToken(t, r, id); (after != before) != rotate {
				t.Fatalf("stored token changed=%v, want %v", after != before, rotate)
			}

			rec, err := r.Rename(ctx, id, "  Renamed   desk ")
			if err != nil {
				t.Fatalf("Rename: %v", err)
			}
			if rec.Name != "Renamed desk" || sim.Clients()[0].Name != "Renamed desk" {
				t.Fatalf("after rename: local %q, ATO %q", rec.Name, sim.Clients()[0].Name)
			}
			if got, _, _ := r.Store.Get(ctx, id); got.Name != "Renamed desk" {
				t.Fatalf("stored name %q", got.Name)
			}
			// The stored token still works (whether or not it rotated).
			if _, err := r.Check(ctx, id); err != nil {
				t.Fatalf("Check after rename: %v", err)
			}

			if err := r.Remove(ctx, id); err != nil {
				t.Fatalf("Remove: %v", err)
			}
			if len(sim.Clients()) != 0 {
				t.Fatal("still registered at the ATO")
			}
			if _, _, err := r.Store.Get(ctx, id); !errors.Is(err, credstore.ErrNotFound) {
				t.Fatalf("still stored locally: %v", err)
			}
		})
	}
}

func TestCheckAfterTheATOForgot(t *testing.T) {
	sim, r, res := lifecycleFixture(t, atosim.Options{})
	ctx := context.Background()
	id := res.Registration.ClientID
	// Removed at the ATO behind our back (another computer, the portal).
	_, v, _ := r.Store.Get(ctx, id)
	if err := r.Flow.Delete(ctx, v.RegistrationClientURI, v.RegistrationAccessToken, v.ConsumerKey); err != nil {
		t.Fatal(err)
	}
	_, err := r.Check(ctx, id)
	var fe *flow.Error
	if !errors.As(err, &fe) || fe.Status != 401 {
		t.Fatalf("Check = %v, want the ATO's 401", err)
	}
	// Nothing is deleted locally without the user choosing it.
	if _, _, err := r.Store.Get(ctx, id); err != nil {
		t.Fatalf("the local copy went: %v", err)
	}
	_ = sim
}

func TestRefusedAndNotAllowed(t *testing.T) {
	sim, r, res := lifecycleFixture(t, atosim.Options{DisableDelete: true})
	ctx := context.Background()
	id := res.Registration.ClientID

	err := r.Remove(ctx, id)
	if !errors.Is(err, ErrRemovalNotAllowed) {
		t.Fatalf("Remove = %v, want ErrRemovalNotAllowed", err)
	}
	if _, _, err := r.Store.Get(ctx, id); err != nil {
		t.Fatalf("a registration the ATO still holds was dropped locally: %v", err)
	}

	sim.InjectFault(atosim.Fault{Kind: atosim.FaultHTTPError, Status: 403, Endpoint: "client", Nth: 1})
	_, err = r.Check(ctx, id)
	var fe *flow.Error
	if !errors.As(err, &fe) || fe.Status != 403 {
		t.Fatalf("Check = %v, want 403", err)
	}

	if err := r.Forget(ctx, id); err != nil {
		t.Fatalf("Forget: %v", err)
	}
	if _, _, err := r.Store.Get(ctx, id); !errors.Is(err, credstore.ErrNotFound) {
		t.Fatalf("Forget left it: %v", err)
	}
	if len(sim.Clients()) != 1 {
		t.Fatal("Forget must not touch the ATO")
	}
}

func TestExport(t *testing.T) {
	_, r, res := lifecycleFixture(t, atosim.Options{})
	path := filepath.Join(t.TempDir(), "values.json")
	if err := r.Export(context.Background(), res.Registration.ClientID, path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export file mode %v, %v; want 0600", fi.Mode(), err)
	}
	data, _ := os.ReadFile(path)
	var f ValuesFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if f.ClientID != res.Registration.ClientID || f.RegistrationAccessToken != res.Registration.RegistrationAccessToken ||
		f.RegistrationClientURI != res.Registration.RegistrationClientURI || f.Warning == "" || f.Environment != "practice" {
		t.Fatalf("export %+v", f)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Fatalf("temp files left beside the export: %v", ents)
	}
}
