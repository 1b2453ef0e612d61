package flow_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/flow"
)

// twoHosts is the sandbox preset served by the simulator over TLS 1.3 on
// two listeners behind counting (and delaying) forwarders, with the client
// made by flow.NewHTTPClient.
type twoHosts struct {
	*atosimtest.TwoHosts
	f  *simFixture
	hc *http.Client
}

func startTwoHosts(t testing.TB, oneWay time.Duration) *twoHosts {
	t.Helper()
	f := newSim(t, atosim.Options{})
	th := &twoHosts{TwoHosts: atosimtest.StartTwoHosts(t, f.sim, oneWay), f: f}
	hc, err := flow.NewHTTPClient(th.CAFile, 0)
	if err != nil {
		t.Fatal(err)
	}
	tr := hc.Transport.(*http.Transport)
	tr.Proxy = nil
	tr.DialContext = th.DialContext
	th.hc = hc
	f.c.HTTP = hc
	return th
}

func (th *twoHosts) request() flow.Request {
	r := th.f.request("Reception PC")
	r.Env = flow.Sandbox
	return r
}

// Preconnect makes one TLS connection to each host and sends nothing; the
// registration then runs on them without dialling again.
func TestPreconnectThenRegister(t *testing.T) {
	th := startTwoHosts(t, 0)
	flow.Preconnect(context.Background(), th.hc, flow.Sandbox)
	if th.Auth.Accepted() != 1 || th.API.Accepted() != 1 {
		t.Fatalf("connections after Preconnect: auth %d, api %d; want 1 each", th.Auth.Accepted(), th.API.Accepted())
	}
	if n := len(th.f.sim.Requests()); n != 0 {
		t.Fatalf("Preconnect sent %d requests", n)
	}
	if _, err := th.f.c.Register(context.Background(), th.request()); err != nil {
		t.Fatal(err)
	}
	if th.Auth.Accepted() != 1 || th.API.Accepted() != 1 {
		t.Errorf("the registration dialled again: auth %d, api %d connections", th.Auth.Accepted(), th.API.Accepted())
	}
}

// A pre-made connection the server has closed is never used: the request
// dials afresh (a dead one could turn the DCR POST into "outcome unknown").
func TestPreconnectStaleConnectionIsNotUsed(t *testing.T) {
	th := startTwoHosts(t, 0)
	flow.Preconnect(context.Background(), th.hc, flow.Sandbox)
	th.Auth.DropAll()
	th.API.DropAll()
	deadline := time.Now().Add(10 * time.Second)
	for th.Open() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := th.f.c.Register(context.Background(), th.request()); err != nil {
		t.Fatalf("register after the server closed the pre-made connections: %v", err)
	}
	if th.Auth.Accepted() != 2 || th.API.Accepted() != 2 {
		t.Errorf("connections: auth %d, api %d; want a fresh one each", th.Auth.Accepted(), th.API.Accepted())
	}
}

// Leaving the page closes what was pre-made; nothing was ever sent.
func TestClosePreconnected(t *testing.T) {
	th := startTwoHosts(t, 0)
	flow.Preconnect(context.Background(), th.hc, flow.Sandbox)
	flow.ClosePreconnected(th.hc)
	deadline := time.Now().Add(10 * time.Second)
	for th.Open() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if open := th.Open(); open != 0 {
		t.Errorf("%d pre-made connections still open", open)
	}
	if n := len(th.f.sim.Requests()); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

// Behind a proxy the transport makes its own tunnel: nothing is pre-made.
func TestPreconnectSkipsProxy(t *testing.T) {
	th := startTwoHosts(t, 0)
	th.hc.Transport.(*http.Transport).Proxy = http.ProxyURL(&url.URL{Scheme: "http", Host: "127.0.0.1:9"})
	flow.Preconnect(context.Background(), th.hc, flow.Sandbox)
	if th.Auth.Accepted()+th.API.Accepted() != 0 {
		t.Errorf("Preconnect dialled past a proxy")
	}
	flow.Preconnect(context.Background(), &http.Client{}, flow.Sandbox) // not ours: nothing happens
}
