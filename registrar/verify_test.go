package registrar

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

// A new Practice registration is proven usable, from the environment used
// to register it and, later, from what was stored.
func TestVerifyAfterRegister(t *testing.T) {
	p, cred := startPractice(t)
	store := realStore(t)
	r := Registrar{Flow: &flow.Client{}, Store: store}
	res, err := r.Register(context.Background(), input(p, cred, "Verify desk"), nil)
	if err != nil || !res.Stored {
		t.Fatalf("register: %v", err)
	}
	var steps []flow.Step
	v, err := r.Verify(context.Background(), VerifyInput{Env: p.Env, Credential: cred, ClientID: res.Registration.ClientID, ConsumerKey: p.ConsumerKey},
		func(e flow.Event) {
			if e.State == flow.StateDone {
				steps = append(steps, e.Step)
			}
		})
	if err != nil || v.HeartbeatURL == "" {
		t.Fatalf("verify: %+v %v", v, err)
	}
	if len(steps) != 2 || steps[0] != flow.StepVerify || steps[1] != flow.StepHeartbeat {
		t.Errorf("done steps %v, want verify then heartbeat", steps)
	}

	recs, err := store.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var rec credstore.Record
	for _, x := range recs {
		if x.ClientID == res.Registration.ClientID {
			rec = x
		}
	}
	env, err := EnvironmentOf(rec)
	if err != nil || env.TokenURL != p.Env.TokenURL || env.HeartbeatURL != p.Env.HeartbeatURL {
		t.Fatalf("EnvironmentOf(stored record) = %+v, %v", env, err)
	}
	if _, err := r.Verify(context.Background(), VerifyInput{Env: env, Credential: cred, ClientID: rec.ClientID}, nil); err != nil {
		t.Errorf("verify from the stored record: %v", err)
	}
}

func TestEnvironmentOf(t *testing.T) {
	env, err := EnvironmentOf(credstore.Record{Environment: "production", ClientID: "c"})
	if err != nil || env.TokenURL != flow.Production.TokenURL || env.HeartbeatURL != flow.Production.HeartbeatURL {
		t.Errorf("production: %+v %v", env, err)
	}
	if _, err := EnvironmentOf(credstore.Record{Environment: "custom", ClientID: "c"}); !errors.Is(err, ErrNoTokenEndpoint) {
		t.Errorf("custom without a token URL: %v", err)
	}
}

// VerifyStored takes the environment and the consumer key from the store.
func TestVerifyStored(t *testing.T) {
	p, cred := startPractice(t)
	r := Registrar{Flow: &flow.Client{}, Store: realStore(t)}
	res, err := r.Register(context.Background(), input(p, cred, "Stored desk"), nil)
	if err != nil || !res.Stored {
		t.Fatalf("register: %v", err)
	}
	v, err := r.VerifyStored(context.Background(), res.Registration.ClientID, cred, VerifyOverrides{}, nil)
	if err != nil || v.HeartbeatURL != p.Env.HeartbeatURL {
		t.Fatalf("verify stored: %+v %v", v, err)
	}
}

// Practice rehearses a renewal: the renewed demo credential is refused until
// the registration is updated, then works.
func TestPracticeRehearsesRenewal(t *testing.T) {
	dir := t.TempDir()
	p, err := StartPractice(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ks, err := m2m.Open(p.Demo.KeystorePath, p.Demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	cred, _ := ks.Get(p.Demo.CredentialID)
	r := Registrar{Flow: &flow.Client{}, Store: realStore(t)}
	res, err := r.Register(context.Background(), input(p, cred, "Rehearsal"), nil)
	if err != nil || !res.Stored {
		t.Fatalf("register: %v", err)
	}
	id := res.Registration.ClientID
	renewedDemo, err := p.RehearseRenewal(filepath.Join(dir, "renewed"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.VerifyStored(context.Background(), id, cred, VerifyOverrides{}, nil); err == nil {
		t.Error("the old practice credential still signs in after the rehearsed renewal revoked it")
	}
	ks2, err := m2m.Open(renewedDemo.KeystorePath, p.Demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	renewed, _ := ks2.Get(p.Demo.CredentialID)
	rr, err := r.Renew(context.Background(), RenewInput{ClientID: id, Credential: renewed}, nil)
	if err != nil || rr.VerifyErr != nil {
		t.Fatalf("renew in practice: %+v %v", rr, err)
	}
}
