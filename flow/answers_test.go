package flow

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

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
