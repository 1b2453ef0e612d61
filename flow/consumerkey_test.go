package flow_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"dcrwizard/atosim"
	"dcrwizard/consumerkey"
	"dcrwizard/flow"
)

// TestConsumerKeyHeaderReachesSimulator: a Key made from a messy paste is
// sent as its Header() on every call that carries it — register, read,
// update, delete, heartbeat — and the simulator, which compares exactly,
// accepts it.
func TestConsumerKeyHeaderReachesSimulator(t *testing.T) {
	f := newSim(t, atosim.Options{})
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if k := r.Header.Get("apikey"); k != "" {
			mu.Lock()
			got = append(got, k)
			mu.Unlock()
		}
		f.sim.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	ep := f.sim.Endpoints(srv.URL)
	env := flow.Practice(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope)
	env.HeartbeatURL = ep.HeartbeatURL
	env.VerifyScope = ep.VerifyScope

	key, err := consumerkey.New(" \u200b"+f.sim.APIKey()[:8]+"\n\t"+f.sim.APIKey()[8:]+"\u00a0", consumerkey.SetupFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	reg, err := f.c.Register(ctx, flow.Request{Env: env, Credential: f.cred, ConsumerKey: key, InstanceName: "Key test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Verify(ctx, flow.VerifyRequest{Env: env, Credential: f.cred, ClientID: reg.ClientID, ConsumerKey: key}); err != nil {
		t.Fatal(err)
	}
	cur, err := f.c.Read(ctx, reg.RegistrationClientURI, reg.RegistrationAccessToken, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Update(ctx, reg.RegistrationClientURI, cur.RegistrationAccessToken, key, cur.Metadata); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) < 4 {
		t.Fatalf("apikey sent on %d calls, want register, heartbeat, read and update", len(got))
	}
	for i, k := range got {
		if k != key.Header() || k != f.sim.APIKey() {
			t.Errorf("call %d sent apikey %q, want the key's Header()", i, k)
		}
	}
}
