package flow

import (
	"context"
	"errors"
	"net/http"
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
		err     Error
		message string // substring of Message()
		action  string // substring of Action()
	}{
		// Gateway and DCR codes.
		{"401-01", Error{Step: StepRegister, Status: 401, Code: "401-01"},
			"The consumer (API) key was not accepted.", "Check you copied the sandbox key for a sandbox registration"},
		{"400-01", Error{Step: StepRegister, Status: 400, Code: "400-01"}, "badly formed", "send the log"},
		{"403-01", Error{Step: StepRegister, Status: 403, Code: "403-01"}, "refused access", "API portal"},
		{"OAS.VAL.00000", Error{Step: StepRegister, Status: 400, Code: "OAS.VAL.00000"}, "did not match what", "installation name"},
		{"PYID.00001", Error{Step: StepRegister, Status: 422, Code: "PYID.00001"}, "could not process", "right one for this business"},
		{"AUTH.10001", Error{Step: StepRegister, Status: 403, Code: "AUTH.10001"}, "authorisation checks failed (AUTH.10001)", "RAM"},
		{"AUTH.10010 lower case", Error{Step: StepRegister, Status: 403, Code: "auth.10010"}, "authorisation checks failed", "RAM"},
		{"DCR.00001", Error{Step: StepRegister, Status: 400, Code: "DCR.00001"}, "does not match the key of your team app", "Copy the consumer key again"},
		{"dcr.00001 lower case", Error{Step: StepRegister, Status: 400, Code: "dcr.00001"}, "does not match the key", ""},
		{"invalid_client_metadata with words", Error{Step: StepRegister, Status: 400, Code: "invalid_client_metadata", Description: "x509_certificate is not valid or expired"},
			"The ATO did not accept the registration details. The ATO said: “x509_certificate is not valid or expired” (invalid_client_metadata).", "test credential"},
		{"invalid_redirect_uri", Error{Step: StepRegister, Status: 400, Code: "invalid_redirect_uri"}, "redirect address", "send the log"},
		{"invalid_software_statement", Error{Step: StepRegister, Status: 400, Code: "invalid_software_statement"}, "software statement", "send the log"},
		{"Invalid_request capitalised", Error{Step: StepRegister, Status: 400, Code: "Invalid_request", Description: "invalid request"},
			"rejected the request as invalid. The ATO said: “invalid request” (Invalid_request).", "consumer (API) key"},
		{"invalid_token", Error{Step: StepRegister, Status: 401, Code: "invalid_token", At: at},
			"did not accept the access token", "3:04 pm on Tuesday 4 March 2025"},
		{"insufficient_scope", Error{Step: StepRegister, Status: 403, Code: "insufficient_scope"},
			"insufficient scope", "ato.idp.relyingParties.c"},

		// Token endpoint codes.
		{"invalid_client shows the clock", Error{Step: StepToken, Status: 401, Code: "invalid_client", At: at},
			"clock is wrong: it shows 3:04 pm on Tuesday 4 March 2025", "date, time and time zone"},
		{"invalid_client with a slow clock", Error{Step: StepToken, Status: 401, Code: "INVALID_CLIENT", At: at, ServerTime: at.Add(90 * time.Minute)},
			"about 90 minutes behind the ATO's", "Relationship Authorisation Manager"},
		{"invalid_client with a fast clock", Error{Step: StepToken, Status: 401, Code: "invalid_client", At: at, ServerTime: at.Add(-3 * 24 * time.Hour)},
			"about 3 days ahead of the ATO's", ""},
		{"invalid_client with a right clock", Error{Step: StepToken, Status: 401, Code: "invalid_client", At: at, ServerTime: at.Add(30 * time.Second)},
			"has expired or been revoked", ""},
		{"invalid_grant", Error{Step: StepToken, Status: 400, Code: "invalid_grant", At: at}, "did not accept your M2M credential", ""},
		{"unauthorized_client", Error{Step: StepToken, Status: 400, Code: "unauthorized_client"}, "does not allow this M2M credential", "RAM"},
		{"invalid_scope", Error{Step: StepToken, Status: 400, Code: "invalid_scope"}, "registration scope", "ato.idp.relyingParties.c"},
		{"unsupported_grant_type", Error{Step: StepToken, Status: 400, Code: "unsupported_grant_type"}, "kind of request", "token endpoint address"},

		// Lifecycle (RFC 7592).
		{"read 401", Error{Step: StepRead, Status: 401, Code: "invalid_token"},
			"The ATO no longer recognises this registration or its access token.", "register it again"},
		{"update 401", Error{Step: StepUpdate, Status: 401}, "no longer recognises", ""},
		{"delete 403", Error{Step: StepDelete, Status: 403}, "The ATO refused this request for this registration.", "contact the ATO"},
		{"delete 405", Error{Step: StepDelete, Status: 405, Code: "invalid_request"},
			"The ATO does not offer removing a registration from here, so it still exists at the ATO.", "forget it on this computer only"},
		{"update 405", Error{Step: StepUpdate, Status: 405}, "does not offer changing a registration", "a renewed credential needs a new registration"},
		// Not "no registration at this address … register it again": an ATO
		// without RFC 7592 answers 404 for a registration that exists.
		{"read 404", Error{Step: StepRead, Status: 404, Code: "404-01"}, "does not mean the registration is gone", "Do not register again"},
		{"read 501", Error{Step: StepRead, Status: 501}, "does not offer reading a registration back", "dcrwizard verify"},

		// By status, when no code is known.
		{"400 no code", Error{Step: StepRegister, Status: 400}, "rejected the request as invalid", "send the log"},
		{"401 at token step", Error{Step: StepToken, Status: 401, At: at}, "did not accept your M2M credential", ""},
		{"401 at register step", Error{Step: StepRegister, Status: 401}, "not authorised", "sandbox key"},
		{"403 no code", Error{Step: StepRegister, Status: 403, Description: "Forbidden"}, "refused the request. The ATO said: “Forbidden”.", "API portal"},
		{"404", Error{Step: StepToken, Status: 404, Host: "auth.example.com"}, "auth.example.com answered that there is no such service", "addresses"},
		{"408", Error{Step: StepToken, Status: 408}, "gave up waiting", "internet connection"},
		{"429", Error{Step: StepToken, Status: 429}, "too many requests", "Wait a few minutes"},
		{"418 unknown", Error{Step: StepRegister, Status: 418, Code: "teapot"}, "refused the request (HTTP 418). The ATO gave the code teapot.", "send the log"},
		{"500", Error{Step: StepToken, Status: 500, Kind: KindServer, Host: "auth.ato.gov.au"},
			"The ATO's sign-in service (auth.ato.gov.au) had a problem and could not handle the request (HTTP 500).", "ATO's side"},
		{"502 HTML", Error{Step: StepRegister, Status: 502, Kind: KindServer, Description: "502 Bad Gateway"},
			"registration service had a problem", "Wait a few minutes"},
		{"server_error code", Error{Step: StepRegister, Status: 500, Kind: KindServer, Code: "server_error"}, "had a problem", ""},
		{"302", Error{Step: StepRegister, Status: 302, Kind: KindBadResponse}, "somewhere else (HTTP 302)", "sign-in page"},
		{"bad 200", Error{Step: StepToken, Status: 200, Kind: KindBadResponse}, "could not read", "send the log"},

		// Transport failures.
		{"timeout", Error{Step: StepToken, Kind: KindTimeout, Host: "auth.ato.gov.au"},
			"The ATO's sign-in service (auth.ato.gov.au) did not answer in time.", "internet connection"},
		{"dns", Error{Step: StepToken, Kind: KindDNS, Host: "auth.ato.gov.au"},
			"could not find auth.ato.gov.au", "proxy server"},
		{"tls", Error{Step: StepRegister, Kind: KindTLS, Host: "api.ato.gov.au"},
			"secure connection to api.ato.gov.au", "“Extra CA certificate” option"},
		{"network", Error{Step: StepToken, Kind: KindNetwork}, "Could not connect to the ATO's sign-in service", "HTTPS_PROXY"},
		{"cancelled", Error{Step: StepToken, Kind: KindCancelled}, "You stopped it before getting the access token finished.", "Nothing more will be sent"},
		{"input", Error{Step: StepCheck, Kind: KindInput, Err: errors.New("Enter a name.")}, "Enter a name.", "Correct this"},
		{"credential", Error{Step: StepCheck, Kind: KindCredential, Err: errors.New("This credential expired on 1 January 2024.")},
			"This credential expired on 1 January 2024.", "renew"},
		{"aborted", Error{Step: StepRegister, Kind: KindAborted, Err: errors.New("The disk is full.")}, "Nothing was sent to the ATO: The disk is full.", "try again"},

		// Unknown outcome: always the time and the name.
		{"unknown: dropped", Error{Step: StepRegister, Kind: KindUnknownOutcome, Unknown: true, At: at, InstanceName: "Front desk", Err: errors.New("EOF")},
			"At 3:04 pm on 4 March 2025 the registration request for “Front desk” was sent, but the connection broke", "Before trying again, check whether “Front desk” was registered at about 3:04 pm"},
		{"unknown: timeout", Error{Step: StepRegister, Kind: KindUnknownOutcome, Unknown: true, At: at, InstanceName: "Front desk", Err: context.DeadlineExceeded},
			"did not answer in time. It is not known whether the registration was created.", "second registration"},
		{"unknown: cancelled", Error{Step: StepRegister, Kind: KindUnknownOutcome, Unknown: true, At: at, InstanceName: "Front desk", Err: context.Canceled},
			"You stopped at 3:04 pm", "“Front desk”"},
		{"unknown: 504", Error{Step: StepRegister, Kind: KindUnknownOutcome, Unknown: true, At: at, InstanceName: "Front desk", Status: 504, Receipt: "630000000123"},
			"gateway stopped waiting", "receipt number 630000000123"},
		{"unknown: unreadable 201", Error{Step: StepRegister, Kind: KindUnknownOutcome, Unknown: true, At: at, InstanceName: "Front desk", Status: 201, Receipt: "630000000123"},
			"answered that it registered “Front desk”, but its answer could not be read", "Do not register again yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.err
			msg, act := e.Message(), e.Action()
			if !strings.Contains(msg, tt.message) {
				t.Errorf("Message() = %q\nwant it to contain %q", msg, tt.message)
			}
			if !strings.Contains(act, tt.action) {
				t.Errorf("Action() = %q\nwant it to contain %q", act, tt.action)
			}
			if msg == "" || act == "" || !strings.HasSuffix(strings.TrimSpace(msg), ".") || !strings.HasSuffix(act, ".") {
				t.Errorf("want whole sentences: %q / %q", msg, act)
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
		got := g(&Error{Code: code, Step: StepRegister})
		if got.Message == "" || got.Action == "" {
			t.Errorf("%s: %+v", code, got)
		}
		// Texts are built from shared pieces: none may say a thing twice.
		if a := strings.ToLower(got.Action); strings.Count(a, "try again") > 1 {
			t.Errorf("%s: the action says try again twice: %q", code, got.Action)
		}
	}
	for status, g := range lifecycleGuides {
		for _, s := range []Step{StepRead, StepUpdate, StepDelete} {
			if got := g(&Error{Status: status, Step: s}); got.Message == "" || got.Action == "" {
				t.Errorf("%d %s: %+v", status, s, got)
			}
		}
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Step: StepRegister, Status: 401, Code: "401-01", Receipt: "6300000001", Kind: KindRefused,
		Body: `{"errors":[{"code":"401-01","detail":"secret-body-text"}]}`, Err: errors.New("cause")}
	s := e.Error()
	for _, want := range []string{"The consumer (API) key was not accepted.", "step register", "HTTP 401", "code 401-01", "receipt 6300000001", "refused"} {
		if !strings.Contains(s, want) {
			t.Errorf("Error() = %q, want %q", s, want)
		}
	}
	if strings.Contains(s, "secret-body-text") {
		t.Errorf("Error() shows the body: %q", s)
	}
	var fe *Error
	if !errors.As(error(e), &fe) || errors.Unwrap(e).Error() != "cause" {
		t.Error("errors.As / Unwrap do not work")
	}
}

func TestParseErrorBody(t *testing.T) {
	tests := []struct {
		name, body, header string
		code, desc         string
	}{
		{"oauth", `{"error":"invalid_request","error_description":"invalid request"}`, "", "invalid_request", "invalid request"},
		{"gateway", `{"errors":[{"code":"401-01","detail":"API key is invalid","source":{"parameter":"apikey"}},{"code":"x"}]}`, "", "401-01", "API key is invalid (field: apikey)"},
		{"gateway title only", `{"errors":[{"code":"403-01","title":"Forbidden"}]}`, "", "403-01", "Forbidden"},
		{"code and message", `{"code":"E1","message":"Oops"}`, "", "E1", "Oops"},
		{"html", "<html><head><title>\n 502  Bad &amp; Gateway </title></head></html>", "", "", "502 Bad & Gateway"},
		{"empty", "", "", "", ""},
		{"text", "upstream connect error", "", "", ""},
		{"broken json", `{"error":`, "", "", ""},
		{"header", "", `Bearer realm="ato", error="invalid_token", error_description="The token expired"`, "invalid_token", "The token expired"},
		{"body wins over header", `{"error":"insufficient_scope"}`, `Bearer error="invalid_token"`, "insufficient_scope", ""},
		{"long description cut", `{"error":"x","error_description":"` + strings.Repeat("a", 900) + `"}`, "", "x", strings.Repeat("a", 500) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Error{}
			h := http.Header{}
			if tt.header != "" {
				h.Set("WWW-Authenticate", tt.header)
			}
			parseErrorBody(e, h, []byte(tt.body))
			if e.Code != tt.code || e.Description != tt.desc {
				t.Errorf("got %q / %q, want %q / %q", e.Code, e.Description, tt.code, tt.desc)
			}
		})
	}
}

func TestRedactor(t *testing.T) {
	r := redactor{"my-api-key-123", ""}
	in := `{"access_token":"opaque123","registration_access_token":"abc","ato_api_key":"k","client_assertion":"x","note":"key my-api-key-123 jwt eyJhbGciOi.eyJzdWIiOiJ4In0.c2ln ok"}`
	out := r.scrub(in)
	for _, leaked := range []string{"opaque123", `"abc"`, `"k"`, `"x"`, "my-api-key-123", "eyJhbGciOi"} {
		if strings.Contains(out, leaked) {
			t.Errorf("%q still in %s", leaked, out)
		}
	}
	if !strings.Contains(out, `"note":"key [hidden] jwt [hidden] ok"`) {
		t.Errorf("scrubbed = %s", out)
	}
}

func TestParseIssuedAt(t *testing.T) {
	want := time.Date(2023, 4, 3, 1, 2, 3, 0, time.UTC)
	for _, v := range []any{"2023-04-03T01:02:03.000Z", "2023-04-03T11:02:03+10:00", "2023-04-03T01:02:03", float64(want.Unix()), "1680483723"} {
		if got := parseIssuedAt(v); !got.Equal(want) {
			t.Errorf("parseIssuedAt(%#v) = %v", v, got)
		}
	}
	for _, v := range []any{nil, "soon", float64(-1), true, "", "0000-01-01", "1969-12-31T23:59:59Z", "9999-12-31"} {
		if got := parseIssuedAt(v); !got.IsZero() {
			t.Errorf("parseIssuedAt(%#v) = %v, want zero", v, got)
		}
	}
}
