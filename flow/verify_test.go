package flow_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/flow"
	"dcrwizard/guidance"
)

// verifyReq is the test of f's new registration reg, in Practice.
func verifyReq(f *simFixture, clientID string) flow.VerifyRequest {
	ep := f.sim.Endpoints(f.srv.URL)
	env := f.env
	env.VerifyScope, env.HeartbeatURL = ep.VerifyScope, ep.HeartbeatURL
	return flow.VerifyRequest{Env: env, Credential: f.cred, ClientID: clientID, ConsumerKey: flow.MustKey(f.sim.APIKey())}
}

func TestVerifyNewRegistration(t *testing.T) {
	f := newSim(t, atosim.Options{})
	reg, err := f.c.Register(context.Background(), f.request("Reception PC"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := f.c.Verify(context.Background(), verifyReq(f, reg.ClientID))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if v.ClientID != reg.ClientID || v.TokenLifetime != atosim.AccessTokenLifetime || v.HeartbeatURL == "" || v.Scope != atosim.VerifyScope {
		t.Errorf("verification %+v", v)
	}
	// What went over the wire: a token request as the new client, with the
	// scope, then the heartbeat with that client's token and the key.
	var sawToken, sawBeat bool
	for _, r := range f.sim.Requests() {
		switch r.Path {
		case atosim.TokenPath:
			if strings.Contains(r.Body, "scope="+atosim.VerifyScope) {
				sawToken = true
			}
		case atosim.HeartbeatPath:
			sawBeat = r.Status == 200
		}
	}
	if !sawToken || !sawBeat {
		t.Errorf("token as the client %v, heartbeat 200 %v; requests: %+v", sawToken, sawBeat, f.sim.Requests())
	}
	f.noSecrets(t, nil)
}

// No scope configured: the token request leaves scope out, and no
// heartbeat means the token alone proves the registration.
func TestVerifyWithoutScopeOrHeartbeat(t *testing.T) {
	f := newSim(t, atosim.Options{})
	reg, err := f.c.Register(context.Background(), f.request("Reception PC"))
	if err != nil {
		t.Fatal(err)
	}
	req := verifyReq(f, reg.ClientID)
	req.Env.VerifyScope, req.Env.HeartbeatURL = "", ""
	v, err := f.c.Verify(context.Background(), req)
	if err != nil || v.HeartbeatURL != "" {
		t.Fatalf("verify: %+v, %v", v, err)
	}
	reqs := f.sim.Requests()
	last := reqs[len(reqs)-1]
	if last.Path != atosim.TokenPath || strings.Contains(last.Body, "scope=") {
		t.Errorf("last request %s %q, want a token request without scope", last.Path, last.Body)
	}
}

// A registration whose certificate the ATO no longer accepts: registered,
// but not usable — and the message says the registration exists.
func TestVerifyRevokedCredential(t *testing.T) {
	f := newSim(t, atosim.Options{})
	reg, err := f.c.Register(context.Background(), f.request("Reception PC"))
	if err != nil {
		t.Fatal(err)
	}
	f.sim.Revoke(f.cred.Certificate)
	_, err = f.c.Verify(context.Background(), verifyReq(f, reg.ClientID))
	fe := flowError(t, err)
	if fe.Step != flow.StepVerify || fe.Kind != flow.KindRefused || fe.Code != "invalid_client" || !strings.Contains(fe.Description, "revoked") {
		t.Fatalf("got %s %s %q %q", fe.Step, fe.Kind, fe.Code, fe.Description)
	}
	if !strings.HasPrefix(guidance.For(fe).Message(), "The registration exists, but signing in to the ATO with it failed.") ||
		!strings.Contains(guidance.For(fe).Action(), "stays stored") {
		t.Errorf("message %q / action %q", guidance.For(fe).Message(), guidance.For(fe).Action())
	}
}

// After a renewal the registration still holds the old certificate: the
// renewed credential cannot sign in as it, and the message says why.
func TestVerifyWithRenewedCredentialNotYetUpdated(t *testing.T) {
	f := newSim(t, atosim.Options{})
	reg, err := f.c.Register(context.Background(), f.request("Reception PC"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	renewed, err := f.sim.IssueCredential(f.cred.ID, f.cred.ABN, f.cred.Name, now.Add(-time.Minute), now.AddDate(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	req := verifyReq(f, reg.ClientID)
	req.Credential = renewed
	_, err = f.c.Verify(context.Background(), req)
	fe := flowError(t, err)
	if fe.Step != flow.StepVerify || !strings.Contains(guidance.For(fe).Message(), "different certificate") || !strings.Contains(guidance.For(fe).Action(), "renewed credential") {
		t.Errorf("got %s: %s / %s", fe.Step, guidance.For(fe).Message(), guidance.For(fe).Action())
	}
}

// TestVerifyHeartbeatTrust (issue 24 finding 2): a heartbeat on another
// domain — from a setup file, --heartbeat-url or an index.json written
// before — is refused before anything is sent; one on this computer under
// another name gets the new registration's token but not the consumer
// key, which goes to the registration endpoint's own host only.
func TestVerifyHeartbeatTrust(t *testing.T) {
	f := newSim(t, atosim.Options{})
	reg, err := f.c.Register(context.Background(), f.request("Reception PC"))
	if err != nil {
		t.Fatal(err)
	}
	before := len(f.sim.Requests())
	req := verifyReq(f, reg.ClientID)
	req.Env.HeartbeatURL = "https://collect.evil.example/healthcheck/v1/heartbeat"
	_, err = f.c.Verify(context.Background(), req)
	var ee *flow.EndpointError
	if !errors.As(err, &ee) || ee.Role != flow.RoleHeartbeat {
		t.Fatalf("a heartbeat on another domain: %v", err)
	}
	if n := len(f.sim.Requests()) - before; n != 0 {
		t.Fatalf("%d requests sent with a refused heartbeat", n)
	}

	req = verifyReq(f, reg.ClientID)
	if !strings.Contains(req.Env.HeartbeatURL, "127.0.0.1") {
		t.Fatalf("the simulator's heartbeat is %s", req.Env.HeartbeatURL)
	}
	req.Env.HeartbeatURL = strings.Replace(req.Env.HeartbeatURL, "127.0.0.1", "localhost", 1)
	if _, err := f.c.Verify(context.Background(), req); err != nil {
		t.Fatalf("a heartbeat on this computer: %v", err)
	}
	reqs := f.sim.Requests()
	last := reqs[len(reqs)-1]
	if last.Path != atosim.HeartbeatPath || last.Header.Get("Apikey") != "" {
		t.Fatalf("last request %s with apikey %q: the consumer key went to another host than the registration endpoint's", last.Path, last.Header.Get("Apikey"))
	}
	// On the registration endpoint's own host it is sent, as the ATO's gateway wants.
	if _, err := f.c.Verify(context.Background(), verifyReq(f, reg.ClientID)); err != nil {
		t.Fatal(err)
	}
	reqs = f.sim.Requests()
	if last := reqs[len(reqs)-1]; last.Path != atosim.HeartbeatPath || last.Header.Get("Apikey") == "" {
		t.Fatalf("the heartbeat on the registration host got no apikey: %+v", last.Header)
	}
}
