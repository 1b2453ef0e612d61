package flow

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestErrorString(t *testing.T) {
	e := &Error{Step: StepRegister, Status: 401, Code: "401-01", Receipt: "6300000001", Kind: KindRefused,
		Body: `{"errors":[{"code":"401-01","detail":"secret-body-text"}]}`, Err: errors.New("cause")}
	s := e.Error()
	for _, want := range []string{"register failed", "step register", "HTTP 401", "code 401-01", "receipt 6300000001", "refused"} {
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
