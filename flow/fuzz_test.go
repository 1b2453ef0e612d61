package flow

import (
	"math"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for everything flow reads from the network: the ATO's error
// bodies (any shape, HTML included), the token answer and the DCR answer.
// Any input must give a result or an error: no panic, no hang, and memory in
// proportion to the input. scripts/fuzz.sh runs them; inputs that ever
// failed stay in testdata/fuzz/<target>/ and run with every `go test`.

// bounded runs fn and fails when it takes longer than a second or allocates
// more than perByte*n + fixed bytes: a parser whose time or memory grows
// faster than its input is a denial of service waiting for a hostile (or
// broken) gateway. The time limit is far above any real parse (microseconds)
// so a loaded machine does not trip it.
func bounded(t *testing.T, n int, fn func()) {
	t.Helper()
	const perByte, fixed, limit = 64, 1 << 20, time.Second
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("still parsing a %d-byte input after %v", n, limit)
	}
	runtime.ReadMemStats(&after)
	if got, ceiling := after.TotalAlloc-before.TotalAlloc, uint64(perByte*n+fixed); got > ceiling {
		t.Fatalf("allocated %d bytes for a %d-byte input (limit %d)", got, n, ceiling)
	}
}

// fuzzSecret is a value the fuzzed answers may echo; it must never survive
// into an *Error.
const fuzzSecret = "fuzz-api-key-0123456789"

func FuzzParseErrorBody(f *testing.F) {
	seeds := []struct {
		status int
		auth   string
		body   string
	}{
		{400, "", `{"error_description":"invalid request","error":"invalid_request"}`},
		{401, `Bearer error="invalid_token"`, `{"error":"invalid_token","error_description":"Unauthorised"}`},
		{401, "", `{"errors":[{"code":"401-01","detail":"API key is invalid","source":{"parameter":"apikey"}}]}`},
		{403, "", `{"errors":[{"code":"AUTH.10001","title":"Forbidden"}]}`},
		{422, "", `{"code":"PYID.00001","message":"cannot process"}`},
		{502, "", "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"},
		{503, "", "<TITLE lang=en>Service &amp; Unavailable</TITLE>"},
		{401, `Bearer realm="ato", error="invalid_token", error_description="The access token expired"`, ""},
		{400, "", `{"error":"invalid_client_metadata","error_description":"echo ` + fuzzSecret + ` and eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}`},
		{500, "", `{"access_token":"should-be-hidden","error":"server_error"}`},
		{504, "", ""},
		{400, "", `{"error":"FUZZ-API-KEY-0123456789","error_description":"ZnV6ei1hcGkta2V5LTAxMjM0NTY3ODk= f u z z - a p i - k e y - 0 1 2 3 4 5 6 7 8 9"}`},
		{200, "", `{"errors":[]}`},
	}
	for _, s := range seeds {
		f.Add(s.status, s.auth, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, auth string, body []byte) {
		if len(body) > maxResponseBody {
			body = body[:maxResponseBody] // what do() hands on at most
		}
		h := http.Header{}
		h.Set("WWW-Authenticate", auth)
		h.Set("receipt", "6300000000001")
		h.Set("Date", "Mon, 02 Mar 2026 09:30:00 GMT")
		c := &Client{Now: func() time.Time { return time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC) }}
		cl := call{step: StepRegister, url: "https://api.ato.gov.au/idp/v1/relyingparties", secrets: redactor{fuzzSecret}, instance: "Front desk"}
		var e *Error
		bounded(t, len(body)+len(auth), func() {
			e = c.httpError(cl, &response{status: status, header: h, body: body})
		})
		if e == nil {
			t.Fatal("no error for a failed answer")
		}
		if n := utf8.RuneCountInString(e.Description); n > 501 {
			t.Fatalf("description of %d characters, want at most 500 and an ellipsis", n)
		}
		if len(e.Body) > maxErrorBody+len("…[cut]") || !utf8.ValidString(e.Body) {
			t.Fatalf("body kept is %d bytes (valid UTF-8: %v)", len(e.Body), utf8.ValidString(e.Body))
		}
		msg, action, line := adviceMessage(e), adviceAction(e), e.Error()
		if msg == "" || action == "" {
			t.Fatalf("status %d gives no message (%q) or action (%q)", status, msg, action)
		}
		for name, s := range map[string]string{"message": msg, "action": action, "Error()": line, "description": e.Description, "body": e.Body} {
			if strings.Contains(s, fuzzSecret) || strings.Contains(s, strings.ToUpper(fuzzSecret)) || strings.Contains(s, "ZnV6ei1hcGkta2V5LTAxMjM0NTY3ODk") {
				t.Fatalf("the %s repeats the secret: %q", name, s)
			}
		}
		// What users read is bounded whatever the server sent.
		if len(msg)+len(action) > 8<<10 {
			t.Fatalf("message and action are %d bytes", len(msg)+len(action))
		}
	})
}

func FuzzParseToken(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"eyJhbGciOiJIUzI1NiJ9.eyJ1c2UiOiJhY2Nlc3MifQ.c2ln","expires_in":3600,"token_type":"Bearer"}`,
		`{"access_token":"x","expires_in":"3600","token_type":"bearer"}`,
		`{"access_token":"x","expires_in":1e400}`,
		`{"access_token":"x","expires_in":-5,"token_type":"mac"}`,
		`{"access_token":""}`,
		`[]`,
		`{"access_token":"x","expires_in":{"a":1}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var tok *accessToken
		var err error
		bounded(t, len(body), func() { tok, err = parseToken(body) })
		if err != nil {
			if tok != nil {
				t.Fatal("token and error both returned")
			}
			return
		}
		if tok == nil || tok.value == "" {
			t.Fatal("success without a token")
		}
		if tok.expiresIn < 0 || tok.expiresIn > time.Duration(math.MaxInt32)*time.Second {
			t.Fatalf("expires in %v", tok.expiresIn)
		}
	})
}

func FuzzParseRegistration(f *testing.F) {
	for _, s := range []string{
		`{"client_id":"0f8fad5b-d9cb-469f-a165-70867728950e","registration_access_token":"eyJ.x.y","registration_client_uri":"https://api.ato.gov.au/idp/v1/relyingparties/0f8fad5b-d9cb-469f-a165-70867728950e","client_id_issued_at":"2023-04-03T01:02:03.000Z","client_name":"Front desk","grant_types":["client_credentials"]}`,
		`{"client_id":"a","client_id_issued_at":1680483723}`,
		`{"client_id":"a","client_id_issued_at":"1680483723.5"}`,
		`{"client_id":"a","client_id_issued_at":1e308}`,
		`{"client_id":"a","client_id_issued_at":"2023-04-03"}`,
		`{"client_id":7}`,
		`{"client_id":"a","registration_access_token":{"nested":true}}`,
		`null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var reg *Registration
		var err error
		bounded(t, len(body), func() { reg, err = parseRegistration(body) })
		if err != nil {
			if reg != nil {
				t.Fatal("registration and error both returned")
			}
			return
		}
		if reg == nil || reg.ClientID == "" {
			t.Fatal("success without a client id")
		}
		if _, ok := reg.Metadata["registration_access_token"]; ok {
			t.Fatal("the registration access token was kept in Metadata (which is shown and logged)")
		}
		if !reg.IssuedAt.IsZero() && (reg.IssuedAt.Year() < 1970 || reg.IssuedAt.Year() > 2300) {
			t.Fatalf("issued at %v", reg.IssuedAt)
		}
	})
}
