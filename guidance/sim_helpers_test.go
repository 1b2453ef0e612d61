package guidance_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/consumerkey"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

// The advice is checked on failures caused for real: the flow over HTTP
// against the project's ATO simulator (the fixture flow's own tests use).

type simFixture struct {
	sim  *atosim.Simulator
	srv  *httptest.Server
	env  flow.Environment
	cred *m2m.Credential
	log  *eventLog
	c    *flow.Client
}

type eventLog struct {
	mu  sync.Mutex
	all []flow.Event
}

func (l *eventLog) add(e flow.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, e)
}

func newSim(t testing.TB, opts atosim.Options) *simFixture {
	t.Helper()
	sim, err := atosim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	ep := sim.Endpoints(srv.URL)
	now := time.Now()
	cred, err := sim.IssueCredential("ABRD:27809366375_PracticeMachine", "27809366375", "PracticeMachine",
		now.Add(-24*time.Hour), now.AddDate(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	log := &eventLog{}
	return &simFixture{
		sim:  sim,
		srv:  srv,
		env:  flow.Practice(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope),
		cred: cred,
		log:  log,
		c: &flow.Client{
			HTTP:         &http.Client{},
			OnEvent:      log.add,
			StepTimeout:  5 * time.Second,
			RetryBackoff: 10 * time.Millisecond,
		},
	}
}

func (f *simFixture) request(name string) flow.Request {
	return flow.Request{Env: f.env, Credential: f.cred, ConsumerKey: mustKey(f.sim.APIKey()), InstanceName: name}
}

// count is how many recorded requests went to an endpoint ("token",

func flowError(t *testing.T, err error) *flow.Error {
	t.Helper()
	var fe *flow.Error
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v (%T), want *flow.Error", err, err)
	}
	return fe
}

// mustKey is a consumer key made the one way a Key is made.
func mustKey(raw string) consumerkey.Key {
	k, err := consumerkey.New(raw, consumerkey.Typed)
	if err != nil {
		panic(err)
	}
	return k
}
