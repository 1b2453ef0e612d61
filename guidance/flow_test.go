package guidance

import (
	"context"
	"dcrwizard/flow"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestGuidance is the error-to-message table: for each kind of failure, the
// words a user reads.
func TestGuidance(t *testing.T) {
	at := time.Date(2025, 3, 4, 15, 4, 0, 0, time.Local)
	tests := []struct {
		name    string
		err     flow.Error
		message string // substring of Message()
		action  string // substring of Action()
	}{
		// Gateway and DCR codes.
		{"401-01", flow.Error{Step: flow.StepRegister, Status: 401, Code: "401-01"},
			"The consumer (API) key was not accepted.", "the sandbox key for a sandbox registration"},
		{"400-01", flow.Error{Step: flow.StepRegister, Status: 400, Code: "400-01"}, "badly formed", "send the log"},
		{"403-01", flow.Error{Step: flow.StepRegister, Status: 403, Code: "403-01"}, "refused access", "DCR"},
		{"OAS.VAL.00000", flow.Error{Step: flow.StepRegister, Status: 400, Code: "OAS.VAL.00000"}, "did not match what", "installation name"},
		{"PYID.00001", flow.Error{Step: flow.StepRegister, Status: 422, Code: "PYID.00001"}, "could not process", "right one for this business"},
		{"AUTH.10001", flow.Error{Step: flow.StepRegister, Status: 403, Code: "AUTH.10001"}, "authorisation checks failed (AUTH.10001)", "RAM"},
		{"AUTH.10010 lower case", flow.Error{Step: flow.StepRegister, Status: 403, Code: "auth.10010"}, "authorisation checks failed", "RAM"},
		{"DCR.00001", flow.Error{Step: flow.StepRegister, Status: 400, Code: "DCR.00001"}, "does not match the key it was sent with", "exactly as your software vendor gave it"},
		{"dcr.00001 lower case", flow.Error{Step: flow.StepRegister, Status: 400, Code: "dcr.00001"}, "does not match the key", ""},
		{"invalid_client_metadata with words", flow.Error{Step: flow.StepRegister, Status: 400, Code: "invalid_client_metadata", Description: "x509_certificate is not valid or expired"},
			"The ATO did not accept the registration details. The ATO said: “x509_certificate is not valid or expired” (invalid_client_metadata).", "test credential"},
		{"invalid_redirect_uri", flow.Error{Step: flow.StepRegister, Status: 400, Code: "invalid_redirect_uri"}, "redirect address", "send the log"},
		{"invalid_software_statement", flow.Error{Step: flow.StepRegister, Status: 400, Code: "invalid_software_statement"}, "software statement", "send the log"},
		{"Invalid_request capitalised", flow.Error{Step: flow.StepRegister, Status: 400, Code: "Invalid_request", Description: "invalid request"},
			"rejected the request as invalid. The ATO said: “invalid request” (Invalid_request).", "consumer (API) key"},
		{"invalid_token", flow.Error{Step: flow.StepRegister, Status: 401, Code: "invalid_token", At: at},
			"did not accept the access token", "3:04 pm on Tuesday 4 March 2025"},
		{"insufficient_scope", flow.Error{Step: flow.StepRegister, Status: 403, Code: "insufficient_scope"},
			"insufficient scope", "ato.idp.relyingParties.c"},

		// Token endpoint codes.
		{"invalid_client shows the clock", flow.Error{Step: flow.StepToken, Status: 401, Code: "invalid_client", At: at},
			"clock is wrong: it shows 3:04 pm on Tuesday 4 March 2025", "date, time and time zone"},
		{"invalid_client with a slow clock", flow.Error{Step: flow.StepToken, Status: 401, Code: "INVALID_CLIENT", At: at, ServerTime: at.Add(90 * time.Minute)},
			"about 90 minutes behind the ATO's", "Relationship Authorisation Manager"},
		{"invalid_client with a fast clock", flow.Error{Step: flow.StepToken, Status: 401, Code: "invalid_client", At: at, ServerTime: at.Add(-3 * 24 * time.Hour)},
			"about 3 days ahead of the ATO's", ""},
		{"invalid_client with a right clock", flow.Error{Step: flow.StepToken, Status: 401, Code: "invalid_client", At: at, ServerTime: at.Add(30 * time.Second)},
			"has expired or been revoked", ""},
		{"invalid_grant", flow.Error{Step: flow.StepToken, Status: 400, Code: "invalid_grant", At: at}, "did not accept your M2M credential", ""},
		{"unauthorized_client", flow.Error{Step: flow.StepToken, Status: 400, Code: "unauthorized_client"}, "does not allow this M2M credential", "RAM"},
		{"invalid_scope", flow.Error{Step: flow.StepToken, Status: 400, Code: "invalid_scope"}, "registration scope", "ato.idp.relyingParties.c"},
		{"unsupported_grant_type", flow.Error{Step: flow.StepToken, Status: 400, Code: "unsupported_grant_type"}, "kind of request", "token endpoint address"},

		// Lifecycle (RFC 7592).
		{"read 401", flow.Error{Step: flow.StepRead, Status: 401, Code: "invalid_token"},
			"The ATO no longer recognises this registration or its access token.", "register it again"},
		{"update 401", flow.Error{Step: flow.StepUpdate, Status: 401}, "no longer recognises", ""},
		{"delete 403", flow.Error{Step: flow.StepDelete, Status: 403}, "The ATO refused this request for this registration.", "contact the ATO"},
		{"delete 405", flow.Error{Step: flow.StepDelete, Status: 405, Code: "invalid_request"},
			"The ATO does not offer removing a registration from here, so it still exists at the ATO.", "forget it on this computer only"},
		{"update 405", flow.Error{Step: flow.StepUpdate, Status: 405}, "does not offer changing a registration", "a renewed credential needs a new registration"},
		// Not "no registration at this address … register it again": an ATO
		// without RFC 7592 answers 404 for a registration that exists.
		{"read 404", flow.Error{Step: flow.StepRead, Status: 404, Code: "404-01"}, "does not mean the registration is gone", "Do not register again"},
		{"read 501", flow.Error{Step: flow.StepRead, Status: 501}, "does not offer reading a registration back", "test it: sign in to the ATO as it"},

		// By status, when no code is known.
		{"400 no code", flow.Error{Step: flow.StepRegister, Status: 400}, "rejected the request as invalid", "send the log"},
		{"401 at token step", flow.Error{Step: flow.StepToken, Status: 401, At: at}, "did not accept your M2M credential", ""},
		{"401 at register step", flow.Error{Step: flow.StepRegister, Status: 401}, "not authorised", "sandbox key"},
		{"403 no code", flow.Error{Step: flow.StepRegister, Status: 403, Description: "Forbidden"}, "refused the request. The ATO said: “Forbidden”.", "DCR"},
		{"404", flow.Error{Step: flow.StepToken, Status: 404, Host: "auth.example.com"}, "auth.example.com answered that there is no such service", "addresses"},
		{"408", flow.Error{Step: flow.StepToken, Status: 408}, "gave up waiting", "internet connection"},
		{"429", flow.Error{Step: flow.StepToken, Status: 429}, "too many requests", "Wait a few minutes"},
		{"418 unknown", flow.Error{Step: flow.StepRegister, Status: 418, Code: "teapot"}, "refused the request (HTTP 418). The ATO gave the code teapot.", "send the log"},
		{"500", flow.Error{Step: flow.StepToken, Status: 500, Kind: flow.KindServer, Host: "auth.ato.gov.au"},
			"The ATO's sign-in service (auth.ato.gov.au) had a problem and could not handle the request (HTTP 500).", "ATO's side"},
		{"502 HTML", flow.Error{Step: flow.StepRegister, Status: 502, Kind: flow.KindServer, Description: "502 Bad Gateway"},
			"registration service had a problem", "Wait a few minutes"},
		{"server_error code", flow.Error{Step: flow.StepRegister, Status: 500, Kind: flow.KindServer, Code: "server_error"}, "had a problem", ""},
		{"302", flow.Error{Step: flow.StepRegister, Status: 302, Kind: flow.KindBadResponse}, "somewhere else (HTTP 302)", "sign-in page"},
		{"bad 200", flow.Error{Step: flow.StepToken, Status: 200, Kind: flow.KindBadResponse}, "could not read", "send the log"},

		// Transport failures.
		{"timeout", flow.Error{Step: flow.StepToken, Kind: flow.KindTimeout, Host: "auth.ato.gov.au"},
			"The ATO's sign-in service (auth.ato.gov.au) did not answer in time.", "internet connection"},
		{"dns", flow.Error{Step: flow.StepToken, Kind: flow.KindDNS, Host: "auth.ato.gov.au"},
			"could not find auth.ato.gov.au", "proxy server"},
		{"tls", flow.Error{Step: flow.StepRegister, Kind: flow.KindTLS, Host: "api.ato.gov.au"},
			"secure connection to api.ato.gov.au", "ask your IT support for its CA certificate file"},
		{"network", flow.Error{Step: flow.StepToken, Kind: flow.KindNetwork}, "Could not connect to the ATO's sign-in service", "HTTPS_PROXY"},
		{"cancelled", flow.Error{Step: flow.StepToken, Kind: flow.KindCancelled}, "You stopped it before getting the access token finished.", "Nothing more will be sent"},
		{"input", flow.Error{Step: flow.StepCheck, Kind: flow.KindInput, Err: errors.New("Enter a name.")}, "Enter a name.", "Correct this"},
		{"credential", flow.Error{Step: flow.StepCheck, Kind: flow.KindCredential, Err: errors.New("This credential expired on 1 January 2024.")},
			"This credential expired on 1 January 2024.", "renew"},
		{"aborted", flow.Error{Step: flow.StepRegister, Kind: flow.KindAborted, Err: errors.New("The disk is full.")}, "Nothing was sent to the ATO: The disk is full.", "try again"},

		// Unknown outcome: always the time and the name.
		{"unknown: dropped", flow.Error{Step: flow.StepRegister, Kind: flow.KindUnknownOutcome, Unknown: true, At: at, InstanceName: "Front desk", Err: errors.New("EOF")},
			"At 3:04 pm on 4 March 2025 the registration request for “Front desk” was sent, but the connection broke", "Before trying again, check whether “Front desk” was registered at about 3:04 pm"},
		{"unknown: timeout", flow.Error{Step: flow.StepRegister, Kind: flow.KindUnknownOutcome, Unknown: true, At: at, InstanceName: "Front desk", Err: context.DeadlineExceeded},
			"did not answer in time. It is not known whether the registration was created.", "second registration"},
		{"unknown: cancelled", flow.Error{Step: flow.StepRegister, Kind: flow.KindUnknownOutcome, Unknown: true, At: at, InstanceName: "Front desk", Err: context.Canceled},
			"You stopped at 3:04 pm", "“Front desk”"},
		{"unknown: 504", flow.Error{Step: flow.StepRegister, Kind: flow.KindUnknownOutcome, Unknown: true, At: at, InstanceName: "Front desk", Status: 504, Receipt: "630000000123"},
			"gateway stopped waiting", "receipt number 630000000123"},
		{"unknown: unreadable 201", flow.Error{Step: flow.StepRegister, Kind: flow.KindUnknownOutcome, Unknown: true, At: at, InstanceName: "Front desk", Status: 201, Receipt: "630000000123"},
			"answered that it registered “Front desk”, but its answer could not be read", "Do not register again yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.err
			a := For(&e)
			msg, act := a.Message(), a.Action()
			if !strings.Contains(msg, tt.message) {
				t.Errorf("Message() = %q\nwant it to contain %q", msg, tt.message)
			}
			if !strings.Contains(act, tt.action) {
				t.Errorf("Action() = %q\nwant it to contain %q", act, tt.action)
			}
			if msg == "" || act == "" || !strings.HasSuffix(strings.TrimSpace(msg), ".") || !strings.HasSuffix(act, ".") {
				t.Errorf("want whole sentences: %q / %q", msg, act)
			}
			for _, w := range []string{"Registrations", "dcrwizard ", "--", "command line", "Extra CA certificate"} {
				if strings.Contains(msg+act, w) {
					t.Errorf("the advice names a front end's %q: %s / %s", w, msg, act)
				}
			}
		})
	}
}

// Every code in the table has words for both what happened and what to do.
func TestGuidanceTableComplete(t *testing.T) {
	for code, g := range codeGuides {
		if code != strings.ToLower(code) {
			t.Errorf("table key %q is not lower case: lookups would miss it", code)
		}
		got := g(&flow.Error{Code: code, Step: flow.StepRegister})
		if got.msg == "" || got.action == "" {
			t.Errorf("%s: %+v", code, got)
		}
		// Texts are built from shared pieces: none may say a thing twice.
		if a := strings.ToLower(got.action); strings.Count(a, "try again") > 1 {
			t.Errorf("%s: the action says try again twice: %q", code, got.action)
		}
	}
	for status, g := range lifecycleGuides {
		for _, s := range []flow.Step{flow.StepRead, flow.StepUpdate, flow.StepDelete} {
			if got := g(&flow.Error{Status: status, Step: s}); got.msg == "" || got.action == "" {
				t.Errorf("%d %s: %+v", status, s, got)
			}
		}
	}
}

// TestNextSteps: advice names no screen, button or command; the steps a
// front end names in its own words come as data, with the registration.
func TestNextSteps(t *testing.T) {
	eof := errors.New("unexpected EOF")
	tests := []struct {
		name string
		err  flow.Error
		want []Next
	}{
		{"read unknown", flow.Error{Step: flow.StepRead, Kind: flow.KindUnknownOutcome, Unknown: true, ClientID: "c1", Err: eof},
			[]Next{{CheckRegistration, "c1"}}},
		{"update unknown", flow.Error{Step: flow.StepUpdate, Kind: flow.KindUnknownOutcome, Unknown: true, ClientID: "c1", Err: eof},
			[]Next{{CheckRegistration, "c1"}, {TestRegistration, "c1"}}},
		{"delete unknown", flow.Error{Step: flow.StepDelete, Kind: flow.KindUnknownOutcome, Unknown: true, ClientID: "c1", Err: eof},
			[]Next{{CheckRegistration, "c1"}, {ForgetRegistration, "c1"}}},
		{"read 501", flow.Error{Step: flow.StepRead, Status: 501}, []Next{{Step: TestRegistration}}},
		{"tls", flow.Error{Step: flow.StepRegister, Kind: flow.KindTLS, Host: "api.ato.gov.au"}, []Next{{Step: ExtraCA}}},
		{"tls via proxy", flow.Error{Step: flow.StepRegister, Kind: flow.KindTLS, Proxy: "proxy:3128"}, []Next{{Step: ExtraCA}}},
		{"network via proxy", flow.Error{Step: flow.StepRegister, Kind: flow.KindNetwork, Proxy: "proxy:3128"}, nil},
		{"not sent, time ran out", flow.Error{Step: flow.StepRead, Kind: flow.KindTimeout, NotSent: true}, []Next{{Step: LongerTimeout}}},
		{"not sent, stopped", flow.Error{Step: flow.StepRead, Kind: flow.KindCancelled, NotSent: true}, nil},
		{"verify refused", flow.Error{Step: flow.StepVerify, Status: 400, Code: "invalid_client"}, []Next{{Step: TestRegistration}}},
		{"verify over a distrusted connection", flow.Error{Step: flow.StepVerify, Kind: flow.KindTLS}, []Next{{Step: ExtraCA}, {Step: TestRegistration}}},
		{"register refused", flow.Error{Step: flow.StepRegister, Status: 400, Code: "invalid_request"}, nil},
	}
	words := []string{"Registrations", "dcrwizard", "--", "command line", "Extra CA certificate", "press "}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.err
			a := For(&e)
			if got := NextOf(a); !slices.Equal(got, tt.want) {
				t.Errorf("next %v, want %v", got, tt.want)
			}
			for _, w := range words {
				if strings.Contains(a.Message()+a.Action(), w) {
					t.Errorf("the advice names a front end's %q: %s / %s", w, a.Message(), a.Action())
				}
			}
		})
	}
}

// TestKeyAdviceSendsToTheVendor: the consumer key is the software vendor's
// (ato-facts.md §10), so advice about it never sends a practice to a portal
// or a "team app" of its own, and ends in the vendor next step.
func TestKeyAdviceSendsToTheVendor(t *testing.T) {
	for _, e := range []flow.Error{
		{Step: flow.StepRegister, Status: 401, Code: "401-01"},
		{Step: flow.StepRegister, Status: 403, Code: "403-01"},
		{Step: flow.StepRegister, Status: 400, Code: "DCR.00001"},
		{Step: flow.StepRegister, Status: 400, Code: "invalid_client_metadata", Description: "ato_api_key is invalid"},
		{Step: flow.StepRegister, Status: 400, Code: "invalid_request", Description: "The ato_api_key field is required"},
		{Step: flow.StepRegister, Status: 401, Description: "Unauthorized"},
		{Step: flow.StepRegister, Status: 403, Description: "Forbidden"},
	} {
		a := For(&e)
		text := strings.ToLower(a.Message() + " " + a.Action())
		for _, w := range []string{"team app", "api portal"} {
			if strings.Contains(text, w) {
				t.Errorf("%s %d: advice names %q: %s", e.Code, e.Status, w, text)
			}
		}
		found := false
		for _, n := range NextOf(a) {
			found = found || n.Step == CheckKeyWithVendor
		}
		if !found {
			t.Errorf("%s %d: no vendor next step in %v", e.Code, e.Status, NextOf(a))
		}
	}
}
