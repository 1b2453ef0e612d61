package flow

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dcrwizard/consumerkey"
)

// These tests run the flow over real HTTP against httptest servers that
// answer as the ATO does, including the odd answers the simulator does not
// give. sim_test.go runs it against the project's ATO simulator.

func TestRegisterSuccess(t *testing.T) {
	f := newFakeATO(t)
	cred := goodCredential(t)
	ev := &events{}
	c := newTestClient(ev)
	var before atomic.Int32
	c.BeforeRegister = func(ctx context.Context) error {
		tok, reg := f.hits()
		if tok != 1 || reg != 0 {
			t.Errorf("BeforeRegister ran with %d token and %d register requests sent, want 1 and 0", tok, reg)
		}
		before.Add(1)
		return nil
	}
	reg, err := c.Register(context.Background(), request(f.env(), cred))
	if err != nil {
		t.Fatal(err)
	}
	if before.Load() != 1 {
		t.Errorf("BeforeRegister called %d times", before.Load())
	}
	// The signing event names the certificate's end date as every screen
	// does: the month in full.
	if want := "valid until " + cred.NotAfter.Local().Format("2 January 2006") + ")"; !strings.Contains(ev.text(), want) {
		t.Errorf("events do not say %q:\n%s", want, ev.text())
	}
	if reg.ClientID != "5d1b8f0e-1c2a-4a8b-9d3e-0f1e2d3c4b5a" || reg.RegistrationAccessToken != testRegToken ||
		!strings.HasSuffix(reg.RegistrationClientURI, "/register/5d1b8f0e-1c2a-4a8b-9d3e-0f1e2d3c4b5a") ||
		reg.Receipt != "6300000001234" || !reg.IssuedAt.Equal(time.Date(2023, 4, 3, 1, 2, 3, 0, time.UTC)) {
		t.Errorf("registration = %+v", reg)
	}
	if _, ok := reg.Metadata["registration_access_token"]; ok {
		t.Error("Metadata holds the registration access token")
	}
	if reg.Metadata["client_name"] != "Front desk PC" || reg.Metadata["client_id"] != reg.ClientID {
		t.Errorf("Metadata = %v", reg.Metadata)
	}

	// Step 2 request.
	form := f.forms[0]
	if form["grant_type"][0] != "client_credentials" || form["scope"][0] != "ato.idp.relyingParties.c" ||
		form["client_assertion_type"][0] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" ||
		len(form) != 4 {
		t.Errorf("token form = %v", form)
	}
	assertion := form["client_assertion"][0]

	// Step 3 request: headers and exactly the body of ato-facts.md §3.
	h := f.regHeader[0]
	if h.Get("Authorization") != "Bearer "+testAccessToken || h.Get("apikey") != testAPIKey ||
		h.Get("Content-Type") != "application/json" {
		t.Errorf("register headers = %v", h)
	}
	var body map[string]any
	if err := json.Unmarshal(f.regBodies[0], &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"client_name":      "Front desk PC",
		"ato_api_key":      testAPIKey,
		"x509_certificate": base64.StdEncoding.EncodeToString(cred.Certificate.Raw),
		"grant_types":      []any{"client_credentials"},
	}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("register body = %v\nwant %v", body, want)
	}

	// Events: each step starts and ends, in order.
	var seq []string
	for _, e := range ev.list() {
		seq = append(seq, string(e.Step)+"/"+string(e.State))
		if StepWords(e) == "" || e.At.IsZero() {
			t.Errorf("event without message or time: %+v", e)
		}
	}
	wantSeq := []string{"sign/started", "sign/done", "token/started", "token/done", "register/started", "register/done"}
	if !reflect.DeepEqual(seq, wantSeq) {
		t.Errorf("events = %v, want %v", seq, wantSeq)
	}
	if !strings.Contains(ev.text(), "6300000001234") {
		t.Errorf("the receipt is not in the log:\n%s", ev.text())
	}
	leakCheck(t, nil, ev, assertion)
}

// An API key pasted with spaces around it is sent trimmed, in both places.
func TestRegisterTrimsAPIKey(t *testing.T) {
	f := newFakeATO(t)
	r := request(f.env(), goodCredential(t))
	r.ConsumerKey = MustKey("  " + testAPIKey + "\n")
	if _, err := newTestClient(&events{}).Register(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	_ = json.Unmarshal(f.regBodies[0], &body)
	if body["ato_api_key"] != testAPIKey || f.regHeader[0].Get("apikey") != testAPIKey {
		t.Errorf("key not trimmed: body %q header %q", body["ato_api_key"], f.regHeader[0].Get("apikey"))
	}
}

func TestRegisterErrorAnswers(t *testing.T) {
	html502 := `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>`
	tests := []struct {
		name      string
		token     http.HandlerFunc // nil: a good token
		register  http.HandlerFunc
		step      Step
		status    int
		code      string
		desc      string
		kind      ErrorKind
		unknown   bool
		tokenHits int
		message   string // substring of Message()
		action    string // substring of Action()
		receipt   bool   // the answer's receipt header is kept
	}{
		{name: "oauth invalid_request", step: StepRegister,
			register: raw(400, "application/json", `{"error_description":"invalid request","error":"invalid_request"}`),
			status:   400, code: "invalid_request", desc: "invalid request", kind: KindRefused, tokenHits: 1,
			message: "rejected the request as invalid", action: "installation name"},
		{name: "capitalised code", step: StepRegister,
			register: raw(400, "application/json", `{"error":"Invalid_request","error_description":"bad"}`),
			status:   400, code: "Invalid_request", desc: "bad", kind: KindRefused, tokenHits: 1,
			message: "rejected the request as invalid"},
		{name: "gateway 401-01", step: StepRegister,
			register: raw(401, "application/json", `{"errors":[{"code":"401-01","detail":"API key is invalid","source":{"parameter":"apikey"}}]}`),
			status:   401, code: "401-01", desc: "API key is invalid (field: apikey)", kind: KindRefused, tokenHits: 1,
			message: "consumer (API) key was not accepted", action: "sandbox key for a sandbox registration", receipt: true},
		{name: "DCR.00001", step: StepRegister,
			register: raw(400, "application/json", `{"error":"DCR.00001","error_description":"ato_api_key does not match"}`),
			status:   400, code: "DCR.00001", kind: KindRefused, tokenHits: 1,
			message: "does not match the key it was sent with", action: "exactly as your software vendor gave it"},
		{name: "invalid_client_metadata", step: StepRegister,
			register: raw(400, "application/json", `{"error":"invalid_client_metadata","error_description":"x509_certificate is not valid or expired"}`),
			status:   400, code: "invalid_client_metadata", kind: KindRefused, tokenHits: 1,
			message: "x509_certificate is not valid or expired", action: "credential is current"},
		{name: "invalid_token", step: StepRegister,
			register: raw(401, "application/json", `{"error":"invalid_token","error_description":"Unauthorised"}`),
			status:   401, code: "invalid_token", kind: KindRefused, tokenHits: 1,
			message: "did not accept the access token", action: "clock"},
		{name: "invalid_token in header only", step: StepRegister,
			register: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="expired"`)
				w.WriteHeader(401)
			},
			status: 401, code: "invalid_token", desc: "expired", kind: KindRefused, tokenHits: 1,
			message: "did not accept the access token"},
		{name: "insufficient_scope", step: StepRegister,
			register: raw(403, "application/json", `{"error":"insufficient_scope"}`),
			status:   403, code: "insufficient_scope", kind: KindRefused, tokenHits: 1,
			message: "insufficient scope", action: "consumer key"},
		{name: "gateway 403-01", step: StepRegister,
			register: raw(403, "application/json", `{"errors":[{"code":"403-01","detail":"Forbidden"}]}`),
			status:   403, code: "403-01", kind: KindRefused, tokenHits: 1, action: "DCR"},
		{name: "gateway AUTH.10005", step: StepRegister,
			register: raw(403, "application/json", `{"errors":[{"code":"AUTH.10005","detail":"Not authorised"}]}`),
			status:   403, code: "AUTH.10005", kind: KindRefused, tokenHits: 1,
			message: "authorisation checks failed (AUTH.10005)", action: "Relationship Authorisation Manager"},
		{name: "PYID.00001", step: StepRegister,
			register: raw(422, "application/json", `{"errors":[{"code":"PYID.00001","detail":"x"}]}`),
			status:   422, code: "PYID.00001", kind: KindRefused, tokenHits: 1, message: "could not process"},
		{name: "unknown code keeps the ATO's words", step: StepRegister,
			register: raw(400, "application/json", `{"errors":[{"code":"ZZZ.1","detail":"Something odd"}]}`),
			status:   400, code: "ZZZ.1", kind: KindRefused, tokenHits: 1,
			message: "“Something odd” (ZZZ.1)"},
		// A 5xx never proves that nothing was created (issue 16 finding 1).
		{name: "HTML 502 page is an unknown outcome", step: StepRegister, register: raw(502, "text/html", html502),
			status: 502, desc: "502 Bad Gateway", kind: KindUnknownOutcome, unknown: true, tokenHits: 1,
			message: "does not say whether the registration was created", action: "Before trying again, check", receipt: true},
		{name: "empty 500 is an unknown outcome", step: StepRegister, register: raw(500, "", ""),
			status: 500, kind: KindUnknownOutcome, unknown: true, tokenHits: 1, message: "HTTP 500"},
		{name: "503 with an OAuth body is an unknown outcome", step: StepRegister, register: raw(503, "application/json", `{"error":"temporarily_unavailable","error_description":"try later"}`),
			status: 503, code: "temporarily_unavailable", kind: KindUnknownOutcome, unknown: true, tokenHits: 1, message: "“try later”"},
		{name: "400 HTML page from a proxy is an unknown outcome", step: StepRegister, register: raw(400, "text/html", "<title>Bad Request</title>"),
			status: 400, kind: KindUnknownOutcome, unknown: true, tokenHits: 1, message: "does not say whether"},
		{name: "empty 401", step: StepRegister, register: raw(401, "", ""),
			status: 401, kind: KindRefused, tokenHits: 1, message: "not authorised", action: "sandbox key"},
		{name: "429", step: StepRegister, register: raw(429, "text/plain", "slow down"),
			status: 429, kind: KindRefused, tokenHits: 1, message: "too many requests"},
		{name: "504 from gateway is an unknown outcome", step: StepRegister, register: raw(504, "text/html", "<title>Gateway Timeout</title>"),
			status: 504, kind: KindUnknownOutcome, unknown: true, tokenHits: 1,
			message: "not known whether the registration was created", action: "second registration"},
		{name: "201 with cut JSON is an unknown outcome", step: StepRegister,
			register: raw(201, "application/json", `{"client_id":"abc","registration_access_token":"`+testRegToken[:30]),
			status:   201, kind: KindUnknownOutcome, unknown: true, tokenHits: 1,
			message: "answered that it registered", action: "Do not register again yet", receipt: true},
		{name: "201 without client_id", step: StepRegister,
			register: raw(201, "application/json", `{}`),
			status:   201, kind: KindUnknownOutcome, unknown: true, tokenHits: 1},
		{name: "redirect is not followed (an unknown outcome)", step: StepRegister,
			register: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://elsewhere.example/", http.StatusFound)
			},
			status: 302, kind: KindUnknownOutcome, unknown: true, tokenHits: 1, message: "somewhere else"},
		{name: "echoed secrets are hidden", step: StepRegister,
			register: raw(400, "application/json", `{"error":"invalid_request","error_description":"key `+testAPIKey+` token `+testAccessToken+`","access_token":"abc"}`),
			status:   400, code: "invalid_request", desc: "key [hidden] token [hidden]", kind: KindRefused, tokenHits: 1},

		// Step 2.
		{name: "invalid_client", step: StepToken,
			token:  raw(401, "application/json", `{"error":"invalid_client","error_description":"The JWT signature does not match"}`),
			status: 401, code: "invalid_client", kind: KindRefused, tokenHits: 1,
			message: "did not accept your M2M credential", action: "date, time and time zone"},
		{name: "invalid_grant", step: StepToken,
			token:  raw(400, "application/json", `{"error":"invalid_grant"}`),
			status: 400, code: "invalid_grant", kind: KindRefused, tokenHits: 1, message: "clock is wrong"},
		{name: "invalid_scope", step: StepToken,
			token:  raw(400, "application/json", `{"error":"invalid_scope"}`),
			status: 400, code: "invalid_scope", kind: KindRefused, tokenHits: 1, action: "ato.idp.relyingParties.c"},
		{name: "unauthorized_client", step: StepToken,
			token:  raw(400, "application/json", `{"error":"unauthorized_client"}`),
			status: 400, code: "unauthorized_client", kind: KindRefused, tokenHits: 1, message: "does not allow this M2M credential"},
		{name: "token answer without access_token", step: StepToken,
			token:  raw(200, "application/json", `{"token_type":"Bearer"}`),
			status: 200, kind: KindBadResponse, tokenHits: 1, message: "could not read"},
		{name: "token answer not JSON", step: StepToken,
			token:  raw(200, "text/html", `<html>login page</html>`),
			status: 200, kind: KindBadResponse, tokenHits: 1},
		{name: "token type not bearer", step: StepToken,
			token:  raw(200, "application/json", `{"access_token":"x","token_type":"mac"}`),
			status: 200, kind: KindBadResponse, tokenHits: 1},
		{name: "5xx retried twice then given up", step: StepToken,
			token:  raw(503, "text/html", "<title>Service Unavailable</title>"),
			status: 503, desc: "Service Unavailable", kind: KindServer, tokenHits: 3, message: "sign-in service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeATO(t)
			if tt.token != nil {
				f.token = tt.token
			}
			if tt.register != nil {
				f.register = tt.register
			}
			ev := &events{}
			reg, err := newTestClient(ev).Register(context.Background(), request(f.env(), goodCredential(t)))
			if reg != nil {
				t.Fatalf("got a registration %+v", reg)
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (%T), want *flow.Error", err, err)
			}
			if fe.Step != tt.step || fe.Status != tt.status || fe.Code != tt.code || fe.Kind != tt.kind || fe.Unknown != tt.unknown {
				t.Errorf("got step %q status %d code %q kind %q unknown %v; want %q %d %q %q %v",
					fe.Step, fe.Status, fe.Code, fe.Kind, fe.Unknown, tt.step, tt.status, tt.code, tt.kind, tt.unknown)
			}
			if tt.desc != "" && fe.Description != tt.desc {
				t.Errorf("Description = %q, want %q", fe.Description, tt.desc)
			}
			if !strings.Contains(adviceMessage(fe), tt.message) {
				t.Errorf("Message() = %q, want it to contain %q", adviceMessage(fe), tt.message)
			}
			if !strings.Contains(adviceAction(fe), tt.action) {
				t.Errorf("Action() = %q, want it to contain %q", adviceAction(fe), tt.action)
			}
			if fe.At.IsZero() || adviceMessage(fe) == "" || adviceAction(fe) == "" {
				t.Errorf("error lacks time, message or action: %#v", fe)
			}
			tok, regHits := f.hits()
			if tok != tt.tokenHits {
				t.Errorf("token requests = %d, want %d", tok, tt.tokenHits)
			}
			if wantReg := map[Step]int{StepToken: 0, StepRegister: 1}[tt.step]; regHits != wantReg {
				t.Errorf("register requests = %d, want %d (never retried)", regHits, wantReg)
			}
			if tt.receipt && fe.Receipt != "6300000009999" {
				t.Errorf("Receipt = %q", fe.Receipt)
			}
			last := ev.list()[len(ev.list())-1]
			if last.State != StateFailed || last.Step != tt.step {
				t.Errorf("last event = %+v, want %s/failed", last, tt.step)
			}
			var assertions []string
			for _, form := range f.forms {
				assertions = append(assertions, form["client_assertion"]...)
			}
			leakCheck(t, err, ev, assertions...)
		})
	}
}

func TestErrorBodyIsCapped(t *testing.T) {
	f := newFakeATO(t)
	f.register = raw(400, "text/plain", strings.Repeat("x", 3<<20))
	_, err := newTestClient(&events{}).Register(context.Background(), request(f.env(), goodCredential(t)))
	fe := asError(t, err)
	if fe.Status != 400 || len(fe.Body) > maxErrorBody+10 || len(fe.Body) < maxErrorBody {
		t.Errorf("status %d, body length %d", fe.Status, len(fe.Body))
	}
}

func TestTokenRetriedAfter503(t *testing.T) {
	f := newFakeATO(t)
	var n atomic.Int32
	f.token = func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			raw(503, "text/html", "<title>Service Unavailable</title>")(w, r)
			return
		}
		okToken(w, r)
	}
	ev := &events{}
	reg, err := newTestClient(ev).Register(context.Background(), request(f.env(), goodCredential(t)))
	if err != nil {
		t.Fatal(err)
	}
	if reg.ClientID == "" {
		t.Fatal("no client id")
	}
	tok, regHits := f.hits()
	if tok != 2 || regHits != 1 {
		t.Errorf("hits = %d token, %d register; want 2, 1", tok, regHits)
	}
	a1, a2 := f.forms[0]["client_assertion"][0], f.forms[1]["client_assertion"][0]
	if a1 == a2 {
		t.Error("the retry reused the JWT; each request needs a fresh one")
	}
	if !strings.Contains(ev.text(), "attempt 2 of 3") {
		t.Errorf("the retry is not in the log:\n%s", ev.text())
	}
	leakCheck(t, nil, ev, a1, a2)
}

// A connection that breaks before any answer is retried for the token.
func TestTokenRetriedAfterDroppedConnection(t *testing.T) {
	f := newFakeATO(t)
	var n atomic.Int32
	f.token = func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			hijackClose(w)
			return
		}
		okToken(w, r)
	}
	if _, err := newTestClient(&events{}).Register(context.Background(), request(f.env(), goodCredential(t))); err != nil {
		t.Fatal(err)
	}
	if tok, _ := f.hits(); tok != 3 {
		t.Errorf("token requests = %d, want 3", tok)
	}
}

func hijackClose(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

// A DCR request whose connection breaks after it was sent is not retried,
// and the error says when and for which name, so the user can check.
func TestRegisterDroppedAfterSent(t *testing.T) {
	f := newFakeATO(t)
	f.register = func(w http.ResponseWriter, r *http.Request) { hijackClose(w) }
	ev := &events{}
	c := newTestClient(ev)
	y, m, d := time.Now().Date()
	at := time.Date(y, m, d, 15, 4, 0, 0, time.Local)
	c.Now = func() time.Time { return at }
	cred := testCredential(t, at.Add(-time.Hour), at.AddDate(2, 0, 0))
	_, err := c.Register(context.Background(), request(f.env(), cred))
	fe := asError(t, err)
	if !fe.Unknown || fe.Kind != KindUnknownOutcome || fe.Step != StepRegister || fe.Status != 0 {
		t.Fatalf("got %+v", fe)
	}
	if _, reg := f.hits(); reg != 1 {
		t.Errorf("register requests = %d, want exactly 1", reg)
	}
	for _, want := range []string{"3:04 pm", "“Front desk PC”", "not known whether the registration was created"} {
		if !strings.Contains(adviceMessage(fe), want) {
			t.Errorf("Message() = %q, want %q in it", adviceMessage(fe), want)
		}
	}
	if !strings.Contains(adviceAction(fe), "Before trying again") || !strings.Contains(adviceAction(fe), "second registration") {
		t.Errorf("Action() = %q", adviceAction(fe))
	}
	leakCheck(t, err, ev)
}

// A DCR endpoint that cannot be reached was never sent to: a plain network
// error, not an unknown outcome.
func TestRegisterNotSentIsNotUnknown(t *testing.T) {
	f := newFakeATO(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := f.env()
	env.RegistrationURL = "http://" + addr + "/register"
	_, err = newTestClient(&events{}).Register(context.Background(), request(env, goodCredential(t)))
	fe := asError(t, err)
	if fe.Unknown || fe.Kind != KindNetwork || fe.Step != StepRegister {
		t.Errorf("got kind %q unknown %v step %q", fe.Kind, fe.Unknown, fe.Step)
	}
	if !strings.Contains(adviceMessage(fe), "127.0.0.1") || !strings.Contains(adviceAction(fe), "HTTPS_PROXY") {
		t.Errorf("Message %q / Action %q", adviceMessage(fe), adviceAction(fe))
	}
}

// blockUntilGone holds a request until the client gives up on it.
func blockUntilGone(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	t.Run("token", func(t *testing.T) {
		f := newFakeATO(t)
		f.token = blockUntilGone
		c := newTestClient(&events{})
		c.StepTimeout = 200 * time.Millisecond
		_, err := c.Register(context.Background(), request(f.env(), goodCredential(t)))
		fe := asError(t, err)
		if fe.Kind != KindTimeout || fe.Step != StepToken || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %+v", fe)
		}
		if tok, _ := f.hits(); tok != 1 {
			t.Errorf("a timeout was retried: %d token requests", tok)
		}
		if !strings.Contains(adviceMessage(fe), "did not answer in time") {
			t.Errorf("Message() = %q", adviceMessage(fe))
		}
	})
	t.Run("register", func(t *testing.T) {
		f := newFakeATO(t)
		f.register = blockUntilGone
		c := newTestClient(&events{})
		c.StepTimeout = 200 * time.Millisecond
		_, err := c.Register(context.Background(), request(f.env(), goodCredential(t)))
		fe := asError(t, err)
		if fe.Kind != KindUnknownOutcome || !fe.Unknown || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %+v", fe)
		}
		if !strings.Contains(adviceMessage(fe), "did not answer in time") || !strings.Contains(adviceMessage(fe), "Front desk PC") {
			t.Errorf("Message() = %q", adviceMessage(fe))
		}
	})
	t.Run("client timeout", func(t *testing.T) {
		// The http.Client's own timeout counts as a timeout too.
		f := newFakeATO(t)
		f.token = blockUntilGone
		c := newTestClient(&events{})
		c.HTTP = &http.Client{Timeout: 200 * time.Millisecond}
		_, err := c.Register(context.Background(), request(f.env(), goodCredential(t)))
		if fe := asError(t, err); fe.Kind != KindTimeout {
			t.Errorf("kind = %q (%v)", fe.Kind, fe.Err)
		}
	})
}

// cancelOn cancels ctx shortly after an event matching step/state.
func cancelOn(cancel context.CancelFunc, ev *events, step Step, state State) func(Event) {
	return func(e Event) {
		ev.add(e)
		if e.Step == step && e.State == state {
			time.AfterFunc(100*time.Millisecond, cancel)
		}
	}
}

func TestCancelMidStep(t *testing.T) {
	t.Run("during token request", func(t *testing.T) {
		f := newFakeATO(t)
		f.token = blockUntilGone
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ev := &events{}
		c := newTestClient(ev)
		c.OnEvent = cancelOn(cancel, ev, StepToken, StateStarted)
		_, err := c.Register(ctx, request(f.env(), goodCredential(t)))
		fe := asError(t, err)
		if fe.Kind != KindCancelled || fe.Step != StepToken || !errors.Is(err, context.Canceled) {
			t.Errorf("got %+v", fe)
		}
		if _, reg := f.hits(); reg != 0 {
			t.Error("registered after cancel")
		}
	})
	t.Run("during retry backoff", func(t *testing.T) {
		f := newFakeATO(t)
		f.token = raw(503, "", "")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ev := &events{}
		c := newTestClient(ev)
		c.RetryBackoff = time.Hour // only the cancel can end the wait
		c.OnEvent = cancelOn(cancel, ev, StepToken, StateStarted)
		_, err := c.Register(ctx, request(f.env(), goodCredential(t)))
		fe := asError(t, err)
		if fe.Kind != KindCancelled || !errors.Is(err, context.Canceled) {
			t.Errorf("got %+v", fe)
		}
	})
	t.Run("during DCR request", func(t *testing.T) {
		f := newFakeATO(t)
		f.register = blockUntilGone
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ev := &events{}
		c := newTestClient(ev)
		c.OnEvent = cancelOn(cancel, ev, StepRegister, StateStarted)
		_, err := c.Register(ctx, request(f.env(), goodCredential(t)))
		fe := asError(t, err)
		if fe.Kind != KindUnknownOutcome || !fe.Unknown || !errors.Is(err, context.Canceled) {
			t.Errorf("got %+v", fe)
		}
		if !strings.Contains(adviceMessage(fe), "You stopped at") {
			t.Errorf("Message() = %q", adviceMessage(fe))
		}
	})
	t.Run("before start", func(t *testing.T) {
		f := newFakeATO(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := newTestClient(&events{}).Register(ctx, request(f.env(), goodCredential(t)))
		if fe := asError(t, err); fe.Kind != KindCancelled {
			t.Errorf("kind = %q", fe.Kind)
		}
		if tok, _ := f.hits(); tok != 0 {
			t.Error("sent after cancel")
		}
	})
}

func TestBeforeRegisterAborts(t *testing.T) {
	f := newFakeATO(t)
	c := newTestClient(&events{})
	c.BeforeRegister = func(context.Context) error { return errors.New("The registration list could not be written.") }
	_, err := c.Register(context.Background(), request(f.env(), goodCredential(t)))
	fe := asError(t, err)
	if fe.Kind != KindAborted || fe.Step != StepRegister || fe.Unknown {
		t.Errorf("got %+v", fe)
	}
	if !strings.HasPrefix(adviceMessage(fe), "Nothing was sent to the ATO: The registration list could not be written.") {
		t.Errorf("Message() = %q", adviceMessage(fe))
	}
	if _, reg := f.hits(); reg != 0 {
		t.Error("the DCR request was sent")
	}
}

func TestRegisterChecksInput(t *testing.T) {
	f := newFakeATO(t)
	now := time.Now()
	good := goodCredential(t)
	mismatched := *good
	keys(t)
	mismatched.PrivateKey = otherKey
	noKey := *good
	noKey.PrivateKey = nil

	insecure := f.env()
	insecure.TokenURL = "http://auth.example.com/token"
	tests := []struct {
		name    string
		mutate  func(r *Request)
		kind    ErrorKind
		message string
		is      error
	}{
		{"no credential", func(r *Request) { r.Credential = nil }, KindCredential, "No M2M credential", nil},
		{"no private key", func(r *Request) { r.Credential = &noKey }, KindCredential, "without its private key", nil},
		{"key mismatch", func(r *Request) { r.Credential = &mismatched }, KindCredential, "does not belong", nil},
		{"expired", func(r *Request) { r.Credential = testCredential(t, now.AddDate(-2, 0, 0), now.AddDate(0, 0, -1)) }, KindCredential, "expired on", nil},
		{"expires within 6 months", func(r *Request) { r.Credential = testCredential(t, now.AddDate(-1, 0, 0), now.AddDate(0, 3, 0)) }, KindCredential, "within 6 months", nil},
		{"not yet valid", func(r *Request) { r.Credential = testCredential(t, now.AddDate(0, 0, 2), now.AddDate(2, 0, 0)) }, KindCredential, "not valid until", nil},
		{"no API key", func(r *Request) { r.ConsumerKey = consumerkey.Key{} }, KindInput, "consumer (API) key", nil},
		{"no name", func(r *Request) { r.InstanceName = "" }, KindInput, "name", nil},
		{"http to a remote host", func(r *Request) { r.Env = insecure }, KindInput, "plain http://", ErrInsecureURL},
		{"empty environment", func(r *Request) { r.Env = Environment{} }, KindInput, "registration client id", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := request(f.env(), good)
			tt.mutate(&r)
			ev := &events{}
			_, err := newTestClient(ev).Register(context.Background(), r)
			fe := asError(t, err)
			if fe.Kind != tt.kind || fe.Step != StepCheck {
				t.Errorf("kind %q step %q, want %q check", fe.Kind, fe.Step, tt.kind)
			}
			if !strings.Contains(adviceMessage(fe), tt.message) {
				t.Errorf("Message() = %q, want %q in it", adviceMessage(fe), tt.message)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v) is false", tt.is)
			}
			if tok, reg := f.hits(); tok+reg != 0 {
				t.Error("something was sent")
			}
			if l := ev.list(); len(l) != 1 || l[0].State != StateFailed {
				t.Errorf("events = %v", l)
			}
		})
	}
}

func TestTLS(t *testing.T) {
	f := &fakeATO{token: okToken, register: okRegister}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			f.token(w, r)
			return
		}
		f.register(w, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	env := Custom(srv.URL+"/token", srv.URL+"/register", "id", "scope")

	plain, err := NewHTTPClient("", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(&events{})
	c.HTTP = plain
	_, err = c.Register(context.Background(), request(env, goodCredential(t)))
	fe := asError(t, err)
	if fe.Kind != KindTLS || fe.Step != StepToken {
		t.Fatalf("kind %q step %q: %v", fe.Kind, fe.Step, fe.Err)
	}
	// The CA file is offered as a next step each front end names (the
	// wizard's Environment page, the command line's --ca-file).
	if !strings.Contains(adviceAction(fe), "CA certificate file") || adviceNext(fe) != "extra-ca" || !strings.Contains(adviceMessage(fe), "127.0.0.1") {
		t.Errorf("Message %q / Action %q / next %q", adviceMessage(fe), adviceAction(fe), adviceNext(fe))
	}

	caFile := filepath.Join(t.TempDir(), "proxy-ca.pem")
	writePEM(t, caFile, srv.Certificate())
	withCA, err := NewHTTPClient(caFile, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.HTTP = withCA
	if _, err := c.Register(context.Background(), request(env, goodCredential(t))); err != nil {
		t.Fatalf("with the extra CA: %v", err)
	}
}

func TestDNSFailure(t *testing.T) {
	env := Custom("https://dcrwizard-test.invalid/token", "https://dcrwizard-test.invalid/dcr", "id", "scope")
	c := newTestClient(&events{})
	c.HTTP = &http.Client{Transport: &http.Transport{}} // no proxy from the environment
	_, err := c.Register(context.Background(), request(env, goodCredential(t)))
	fe := asError(t, err)
	if fe.Kind != KindDNS {
		t.Fatalf("kind %q: %v", fe.Kind, fe.Err)
	}
	if !strings.Contains(adviceMessage(fe), "could not find dcrwizard-test.invalid") {
		t.Errorf("Message() = %q", adviceMessage(fe))
	}
}

// Lifecycle calls over httptest, for what the simulator does not do.
func TestLifecycleHTTPTest(t *testing.T) {
	var gotBody map[string]any
	var gotHeader http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotHeader = r.Header.Clone()
		switch r.URL.Path {
		case "/c/forbidden":
			raw(403, "application/json", `{"error":"insufficient_scope"}`)(w, r)
		case "/c/ok":
			if r.Method == http.MethodPut {
				_ = json.NewDecoder(r.Body).Decode(&gotBody)
			}
			if r.Method == http.MethodDelete {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			writeJSONTest(w, 200, map[string]any{"client_id": "ok", "client_name": "n", "client_id_issued_at": 1680483723})
		default:
			_, _ = io.WriteString(w, "?")
		}
	}))
	defer srv.Close()
	c := newTestClient(&events{})
	ctx := context.Background()

	reg, err := c.Read(ctx, srv.URL+"/c/ok", testRegToken, MustKey(testAPIKey))
	if err != nil {
		t.Fatal(err)
	}
	if reg.RegistrationAccessToken != testRegToken || reg.RegistrationClientURI != srv.URL+"/c/ok" ||
		!reg.IssuedAt.Equal(time.Unix(1680483723, 0)) {
		t.Errorf("read = %+v", reg)
	}
	if gotHeader.Get("Authorization") != "Bearer "+testRegToken || gotHeader.Get("apikey") != testAPIKey {
		t.Errorf("Authorization = %q, apikey = %q", gotHeader.Get("Authorization"), gotHeader.Get("apikey"))
	}

	md := map[string]any{"client_id": "ok", "client_name": "new", "registration_access_token": "x",
		"registration_client_uri": "y", "client_id_issued_at": "z", "client_secret_expires_at": 0}
	if _, err := c.Update(ctx, srv.URL+"/c/ok", testRegToken, MustKey(testAPIKey), md); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotBody, map[string]any{"client_id": "ok", "client_name": "new"}) {
		t.Errorf("PUT body = %v", gotBody)
	}
	if len(md) != 6 {
		t.Error("Update changed the caller's map")
	}
	if _, err := c.Update(ctx, srv.URL+"/c/ok", testRegToken, MustKey(testAPIKey), map[string]any{"client_name": "x"}); asError(t, err).Kind != KindInput {
		t.Errorf("update without client_id: %v", err)
	}

	_, err = c.Read(ctx, srv.URL+"/c/forbidden", testRegToken, MustKey(testAPIKey))
	fe := asError(t, err)
	if fe.Status != 403 || fe.Step != StepRead || adviceMessage(fe) != "The ATO refused this request for this registration." {
		t.Errorf("403: %+v %q", fe, adviceMessage(fe))
	}
	if err := c.Delete(ctx, srv.URL+"/c/ok", testRegToken, MustKey(testAPIKey)); err != nil {
		t.Errorf("delete: %v", err)
	}

	for _, uri := range []string{"http://ato.example.com/c/1", "c/1", ""} {
		err := c.Delete(ctx, uri, testRegToken, MustKey(testAPIKey))
		if fe := asError(t, err); fe.Kind != KindInput || fe.Step != StepDelete {
			t.Errorf("%q: %+v", uri, fe)
		}
	}
	if _, err := c.Read(ctx, srv.URL+"/c/ok", "", MustKey(testAPIKey)); asError(t, err).Kind != KindInput {
		t.Errorf("read without a token: %v", err)
	}
}

// cutShort sends status and the start of a body it promised to be longer,
// then drops the connection.
func cutShort(status int, part string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		w.Header().Set("receipt", "6300000007777")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, part)
		_ = http.NewResponseController(w).Flush()
		hijackClose(w)
	}
}

func TestAnswerCutShort(t *testing.T) {
	t.Run("201 cut short is an unknown outcome", func(t *testing.T) {
		f := newFakeATO(t)
		f.register = cutShort(201, `{"client_id":"abc","registration_access_token":"`)
		_, err := newTestClient(&events{}).Register(context.Background(), request(f.env(), goodCredential(t)))
		fe := asError(t, err)
		if !fe.Unknown || fe.Status != 201 || fe.Receipt != "6300000007777" {
			t.Errorf("got %+v", fe)
		}
	})
	t.Run("400 cut short is still a refusal", func(t *testing.T) {
		f := newFakeATO(t)
		f.register = cutShort(400, `{"error":"invalid_client_metadata"}`)
		_, err := newTestClient(&events{}).Register(context.Background(), request(f.env(), goodCredential(t)))
		fe := asError(t, err)
		if fe.Unknown || fe.Status != 400 || fe.Kind != KindRefused || fe.Code != "invalid_client_metadata" {
			t.Errorf("got %+v", fe)
		}
	})
}
