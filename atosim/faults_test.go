package atosim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	// A client that keeps no connections, so each request meets the fault fresh.
	fresh := func() *http.Client {
		return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	}
	tokenReq := func(t *testing.T, ep Endpoints, assertion string) *http.Request {
		return newRequest(t, http.MethodPost, ep.TokenURL, "application/x-www-form-urlencoded", []byte(tokenForm(Scope, assertion).Encode()))
	}
	dcrReq := func(t *testing.T, ep Endpoints, name string) *http.Request {
		tok := getToken(t, fx.cred, ep, ep.RegistrationClientID, Scope)
		return jsonRequest(t, http.MethodPost, ep.RegistrationURL, tok, fx.keys[0], dcrBody(name, fx.keys[0], fx.cred.Certificate))
	}

	t.Run("HTTP error on the Nth request, HTML body", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultHTTPError, Endpoint: EndpointToken, Nth: 2})
		want := []int{200, 502, 200}
		for i, w := range want {
			r := do(t, fresh(), tokenReq(t, ep, makeAssertion(t, fx.cred, ep, ep.RegistrationClientID)))
			if r.status != w {
				t.Fatalf("request %d: %d, want %d", i+1, r.status, w)
			}
			if w == 502 && (!strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !bytes.Contains(r.raw, []byte("<html>"))) {
				t.Errorf("5xx is not an HTML page: %q %s", r.header.Get("Content-Type"), r.raw)
			}
		}
	})
	t.Run("HTTP error on every matching request, other endpoints untouched", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultHTTPError, Endpoint: EndpointRegister, Status: 503})
		for range 2 {
			if r := do(t, fresh(), dcrReq(t, ep, "Unlucky")); r.status != 503 {
				t.Fatalf("register: %d, want 503", r.status)
			}
		}
		sim.ClearFaults()
		if r := do(t, fresh(), dcrReq(t, ep, "Lucky")); r.status != 201 {
			t.Fatalf("after ClearFaults: %d", r.status)
		}
		if len(sim.Clients()) != 1 {
			t.Errorf("%d clients, want 1 (the 503s created nothing)", len(sim.Clients()))
		}
	})
	t.Run("delay", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultDelay, Endpoint: EndpointToken, Nth: 1, Delay: 300 * time.Millisecond})
		start := time.Now()
		r := do(t, fresh(), tokenReq(t, ep, makeAssertion(t, fx.cred, ep, ep.RegistrationClientID)))
		if r.status != 200 || time.Since(start) < 300*time.Millisecond {
			t.Fatalf("delayed token: %d after %v", r.status, time.Since(start))
		}
		// A client that gives up first sees a timeout.
		sim.InjectFault(Fault{Kind: FaultDelay, Nth: 1, Delay: 5 * time.Second})
		impatient := fresh()
		impatient.Timeout = 100 * time.Millisecond
		_, err := impatient.Do(tokenReq(t, ep, makeAssertion(t, fx.cred, ep, ep.RegistrationClientID)))
		var timeout interface{ Timeout() bool }
		if !errors.As(err, &timeout) || !timeout.Timeout() {
			t.Errorf("impatient client: %v, want a timeout", err)
		}
	})
	t.Run("dropped connection after the registration was created", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultDropAfterRegister, Nth: 1})
		req := dcrReq(t, ep, "Did it work?")
		if res, err := fresh().Do(req); err == nil {
			res.Body.Close()
			t.Fatalf("got an answer (%d), want a dropped connection", res.StatusCode)
		}
		if cs := sim.Clients(); len(cs) != 1 || cs[0].Name != "Did it work?" {
			t.Errorf("clients %v, want the one registration made before the drop", cs)
		}
		reqs := sim.Requests()
		if last := reqs[len(reqs)-1]; last.Path != RegistrationPath || last.Status != 0 {
			t.Errorf("recorded %s %d, want the registration with status 0", last.Path, last.Status)
		}
	})
	t.Run("late answer: acted on at once, answered later", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultLateAnswer, Endpoint: EndpointRegister, Nth: 1, Delay: 5 * time.Second})
		impatient := fresh()
		impatient.Timeout = 200 * time.Millisecond
		if res, err := impatient.Do(dcrReq(t, ep, "Late")); err == nil {
			res.Body.Close()
			t.Fatalf("got an answer (%d) before the delay, want the client to give up", res.StatusCode)
		}
		if cs := sim.Clients(); len(cs) != 1 || cs[0].Name != "Late" {
			t.Errorf("clients %v, want the registration made before the answer", cs)
		}
		// A patient client gets the answer, late.
		sim.InjectFault(Fault{Kind: FaultLateAnswer, Endpoint: EndpointRegister, Nth: 1, Delay: 200 * time.Millisecond})
		start := time.Now()
		if r := do(t, fresh(), dcrReq(t, ep, "Patient")); r.status != 201 || time.Since(start) < 200*time.Millisecond {
			t.Errorf("patient client: %d after %v, want 201 after the delay", r.status, time.Since(start))
		}
	})
	t.Run("malformed JSON", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultMalformedJSON, Endpoint: EndpointRegister, Nth: 1})
		r := do(t, fresh(), dcrReq(t, ep, "Garbled"))
		if r.status != 201 || json.Valid(r.raw) || len(r.raw) == 0 {
			t.Fatalf("got %d %s, want 201 with broken JSON", r.status, r.raw)
		}
		if len(sim.Clients()) != 1 {
			t.Error("the registration behind the garbled answer was not created")
		}
		sim.InjectFault(Fault{Kind: FaultMalformedJSON, Endpoint: EndpointToken, Nth: 1})
		if r := do(t, fresh(), tokenReq(t, ep, makeAssertion(t, fx.cred, ep, ep.RegistrationClientID))); r.status != 200 || json.Valid(r.raw) {
			t.Errorf("token: got %d %s, want 200 with broken JSON", r.status, r.raw)
		}
	})
	t.Run("dropped connection, nothing done", func(t *testing.T) {
		sim, ep := sibling(t, Options{})
		sim.InjectFault(Fault{Kind: FaultDrop, Endpoint: EndpointToken, Nth: 1})
		assertion := makeAssertion(t, fx.cred, ep, ep.RegistrationClientID)
		if res, err := fresh().Do(tokenReq(t, ep, assertion)); err == nil {
			res.Body.Close()
			t.Fatalf("got an answer (%d), want a dropped connection", res.StatusCode)
		}
		// The assertion was not even looked at: its jti is still fresh.
		if r := do(t, fresh(), tokenReq(t, ep, assertion)); r.status != 200 {
			t.Errorf("resending after the drop: %d %s", r.status, r.raw)
		}
	})
}

func TestRequestsAreMasked(t *testing.T) {
	var logMu sync.Mutex
	var log strings.Builder
	sim, ep := sibling(t, Options{RotateTokens: true, Logf: func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		fmt.Fprintf(&log, format+"\n", args...)
	}})
	assertion := makeAssertion(t, fx.cred, ep, ep.RegistrationClientID)
	r := postToken(t, ep.TokenURL, tokenForm(Scope, assertion))
	access := r.str("access_token")
	r = do(t, nil, jsonRequest(t, http.MethodPost, ep.RegistrationURL, access, fx.keys[0], dcrBody("Masking", fx.keys[0], fx.cred.Certificate)))
	reg := r.str("registration_access_token")
	uri := r.str("registration_client_uri")
	r = do(t, nil, jsonRequest(t, http.MethodGet, uri, reg, fx.keys[0], nil))
	rotated := r.str("registration_access_token")
	// A client that wrongly sends a token in an update body.
	md := fullMetadata(registration{resp: r}, "Masking")
	md["registration_access_token"] = rotated
	do(t, nil, jsonRequest(t, http.MethodPut, uri, rotated, fx.keys[0], md))
	if access == "" || reg == "" || rotated == "" {
		t.Fatal("the steps did not give tokens")
	}

	recs := sim.Requests()
	if len(recs) != 4 {
		t.Fatalf("%d requests recorded, want 4", len(recs))
	}
	all, _ := json.Marshal(recs)
	dump := string(all) + fmt.Sprintf("%#v", recs)
	logMu.Lock()
	dump += log.String()
	logMu.Unlock()
	sig := assertion[strings.LastIndex(assertion, ".")+1:]
	for name, secret := range map[string]string{
		"client assertion": assertion, "assertion signature": sig, "access token": access,
		"registration access token": reg, "rotated token": rotated, "API key": fx.keys[0],
	} {
		if strings.Contains(dump, secret) {
			t.Errorf("the %s appears in what was recorded or logged", name)
		}
	}
	tok, dcr := recs[0], recs[1]
	if tok.Form.Get("client_assertion") != Masked || tok.Form.Get("grant_type") != "client_credentials" || tok.Status != 200 {
		t.Errorf("token request recorded as %v %d", tok.Form, tok.Status)
	}
	if dcr.Header.Get("Authorization") != "Bearer "+Masked || dcr.Header.Get("apikey") != Masked || dcr.Status != 201 {
		t.Errorf("DCR headers recorded as %v, status %d", dcr.Header, dcr.Status)
	}
	mustContain(t, dcr.Body, `"ato_api_key":"[masked]"`)
	mustContain(t, dcr.Body, `"client_name":"Masking"`)
	mustContain(t, dcr.Body, `"x509_certificate":"`) // not a secret: kept for assertions
	mustContain(t, log.String(), "POST "+TokenPath+" -> 200")
}
