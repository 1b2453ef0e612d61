package guidance_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/flow"
	"dcrwizard/guidance"
)

// editBody is a RoundTripper in front of the real simulator that changes the
// DCR request's JSON body on its way, so each row of the ATO's table can be
// caused over real HTTP even where this program never sends such a body.
type editBody struct {
	edit func(md map[string]any)
}

func (e editBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, atosim.RegistrationPath) && r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		var md map[string]any
		if err := json.Unmarshal(b, &md); err != nil {
			return nil, err
		}
		e.edit(md)
		if b, err = json.Marshal(md); err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	}
	return http.DefaultTransport.RoundTrip(r)
}

// Every row of the ATO's DCR response-message table (ato-facts.md §7), as
// the simulator answers it, must reach the user with advice specific to it:
// the wizard and the command line both show Message() and Action().
func TestATOResponseMessageTable(t *testing.T) {
	now := time.Now()
	type row struct {
		name      string
		status    int
		code      string // as the ATO's table spells it
		desc      string // the ATO's description, attribute filled in
		edit      func(f *simFixture, md map[string]any)
		canned    bool     // the simulator does not model it: a server answers the ATO's body
		want      []string // in Message()+Action(), each
		mustNot   []string // never in Message()+Action()
		isCertRow bool
	}
	cert := func(f *simFixture, notBefore, notAfter time.Time, revoke bool) string {
		c, err := f.sim.IssueCredential("ABRD:27809366375_Other", "27809366375", "Other", notBefore, notAfter)
		if err != nil {
			t.Fatal(err)
		}
		if revoke {
			f.sim.Revoke(c.Certificate)
		}
		return base64.StdEncoding.EncodeToString(c.Certificate.Raw)
	}
	certAdvice := []string{"RAM", "renew"}
	notNameOrKey := []string{"installation name", "consumer (API) key", "consumer key"}
	programFault := []string{"fault in what this program sent", "update of DCR Wizard"}
	rows := []row{
		{name: "field required", status: 400, code: "Invalid_request", desc: "The client_name field is required",
			edit: func(_ *simFixture, md map[string]any) { md["client_name"] = "" }, want: []string{"no installation name", "Enter a name"}},
		{name: "read-only", status: 400, code: "Invalid_request", desc: "client_id is read-only",
			edit: func(_ *simFixture, md map[string]any) { md["client_id"] = "mine" }, want: append([]string{"only the ATO may set (client_id)"}, programFault...)},
		{name: "not valid or expired (revoked)", status: 400, code: "Invalid_request", desc: "x509_certificate is not valid or expired", isCertRow: true,
			edit: func(f *simFixture, md map[string]any) {
				md["x509_certificate"] = cert(f, now.Add(-time.Hour), now.AddDate(2, 0, 0), true)
			}, want: append([]string{"certificate of your M2M credential", "keystore-new.xml"}, certAdvice...), mustNot: notNameOrKey},
		{name: "is expired", status: 400, code: "Invalid_request", desc: "x509_certificate is expired", isCertRow: true,
			edit: func(f *simFixture, md map[string]any) {
				md["x509_certificate"] = cert(f, now.AddDate(-2, 0, 0), now.Add(-time.Hour), false)
			}, want: append([]string{"has expired"}, certAdvice...), mustNot: notNameOrKey},
		{name: "jwks_uri or x509_certificate", status: 400, code: "Invalid_request", desc: "must contain a jwks_uri OR x509_certificate", isCertRow: true,
			edit: func(_ *simFixture, md map[string]any) { delete(md, "x509_certificate") }, want: []string{"no usable certificate", "RAM"}, mustNot: notNameOrKey},
		{name: "more than one grant type", status: 400, code: "Invalid_request", desc: "More than one grant_types provided",
			edit: func(_ *simFixture, md map[string]any) {
				md["grant_types"] = []any{"client_credentials", "authorization_code"}
			},
			want: []string{"grant type", "client_credentials"}},
		{name: "grant type cannot be used with", status: 400, code: "Invalid_request", desc: "Selected grant_type cannot be used with redirect_uris value",
			edit: func(_ *simFixture, md map[string]any) { md["redirect_uris"] = []any{"https://example.com/cb"} }, want: []string{"grant type"}},
		{name: "grant type requires", status: 400, code: "Invalid_request", desc: "Selected grant_type requires valid redirect_uris value",
			edit: func(_ *simFixture, md map[string]any) { md["grant_types"] = []any{"authorization_code"} }, want: []string{"grant type"}},
		{name: "cannot be TRUE when NULL", status: 400, code: "Invalid_request", desc: `tls_client_certificate_bound_access_tokens cannot be TRUE when grant_types = "NULL"`,
			canned: true, want: []string{"grant type"}},
		{name: "invalid redirect uri", status: 400, code: "Invalid_redirect_uri", desc: "redirect_uris is invalid",
			edit: func(_ *simFixture, md map[string]any) {
				md["grant_types"], md["redirect_uris"] = []any{"authorization_code"}, []any{"http://example.com/cb"}
			}, want: []string{"grant type"}},
		{name: "api key is invalid", status: 400, code: "Invalid_client_metadata", desc: "ato_api_key is invalid",
			edit: func(_ *simFixture, md map[string]any) { md["ato_api_key"] = "" }, want: []string{"consumer (API) key", "sandbox key"}, mustNot: []string{"RAM"}},
		{name: "certificate is invalid", status: 400, code: "Invalid_client_metadata", desc: "x509_certificate is invalid", isCertRow: true,
			edit: func(_ *simFixture, md map[string]any) {
				md["x509_certificate"] = base64.StdEncoding.EncodeToString([]byte("not a certificate"))
			},
			want: []string{"certificate of your M2M credential", "RAM"}, mustNot: notNameOrKey},
		{name: "exceeded characters limit", status: 400, code: "Invalid_client_metadata", desc: "client_name exceeded characters limit",
			edit: func(_ *simFixture, md map[string]any) {
				md["client_name"] = strings.Repeat("n", atosim.MaxClientNameLength+1)
			},
			want: []string{"longer than the ATO allows", "shorter name"}},
		{name: "format not supported", status: 400, code: "Invalid_client_metadata", desc: "Format for x509_certificate is not supported", isCertRow: true,
			edit: func(f *simFixture, md map[string]any) {
				md["x509_certificate"] = "-----BEGIN CERTIFICATE-----\n" + md["x509_certificate"].(string) + "\n-----END CERTIFICATE-----\n"
			}, want: []string{"not in a form the ATO reads", "RAM"}, mustNot: notNameOrKey},
		{name: "not supported", status: 400, code: "Invalid_client_metadata", desc: "grant_types is not supported",
			edit: func(_ *simFixture, md map[string]any) { md["grant_types"] = []any{"password"} }, want: programFault},
		{name: "more than 5", status: 400, code: "Invalid_client_metadata", desc: "More than 5 redirect_uris provided",
			edit: func(_ *simFixture, md map[string]any) {
				md["grant_types"] = []any{"authorization_code"}
				md["redirect_uris"] = []any{"https://a.example/1", "https://a.example/2", "https://a.example/3", "https://a.example/4", "https://a.example/5", "https://a.example/6"}
			}, want: programFault},
		{name: "exceeds the number of", status: 400, code: "Invalid_client_metadata", desc: "contacts exceeds the number of values allowed",
			canned: true, want: programFault},
		{name: "api key not the same as header", status: 400, code: "DCR.00001", desc: "ato_api_key is not the same as the apiKey in the header.",
			edit: func(_ *simFixture, md map[string]any) { md["ato_api_key"] = "fixtureKeyBBBB0123456789" }, want: []string{"does not match the key it was sent with"}},
		{name: "unauthorised", status: 401, code: "Invalid_token", desc: "Unauthorised",
			edit: func(_ *simFixture, md map[string]any) { md["client_name"] = atosim.ScenarioUnauthorised }, want: []string{"did not accept the access token", "clock"}},
		{name: "insufficient scope", status: 403, code: "Insufficient_scope", desc: "The scope provided is invalid for this operation",
			canned: true, want: []string{"insufficient scope", "DCR"}},
	}
	generic := []string{"The ATO rejected the request as invalid.", "The ATO did not accept the registration details.", "The ATO refused the request (HTTP"}
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			f := newSim(t, atosim.Options{APIKeys: []string{"fixtureKeyAAAA0123456789", "fixtureKeyBBBB0123456789"}})
			if tt.canned {
				// The ATO's own body, from a server that answers nothing else.
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == atosim.TokenPath {
						f.sim.Handler().ServeHTTP(w, r)
						return
					}
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(tt.status)
					_ = json.NewEncoder(w).Encode(map[string]string{"error": tt.code, "error_description": tt.desc})
				}))
				t.Cleanup(srv.Close)
				ep := f.sim.Endpoints(srv.URL)
				f.env = flow.Practice(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope)
			} else {
				f.c.HTTP = &http.Client{Transport: editBody{func(md map[string]any) { tt.edit(f, md) }}}
			}
			_, err := f.c.Register(context.Background(), f.request("Reception PC"))
			fe := flowError(t, err)
			if fe.Step != flow.StepRegister || fe.Status != tt.status || fe.Code != tt.code || !strings.Contains(fe.Description, tt.desc) {
				t.Fatalf("got %s %d %q %q; want register %d %q %q", fe.Step, fe.Status, fe.Code, fe.Description, tt.status, tt.code, tt.desc)
			}
			if fe.Unknown || fe.Kind != flow.KindRefused {
				t.Errorf("a refusal in the ATO's table is %s (unknown %v), want refused", fe.Kind, fe.Unknown)
			}
			text := guidance.For(fe).Message() + "\n" + guidance.For(fe).Action()
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("advice lacks %q:\n%s", w, text)
				}
			}
			for _, w := range append(tt.mustNot, generic...) {
				if strings.Contains(text, w) {
					t.Errorf("advice has %q, which does not fit this row:\n%s", w, text)
				}
			}
			if tt.isCertRow && !strings.Contains(guidance.For(fe).Message(), "certificate") {
				t.Errorf("a certificate row's message does not say it is the certificate: %s", guidance.For(fe).Message())
			}
			if len(f.sim.Clients()) != 0 {
				t.Error("a refused registration was created")
			}
		})
	}
}

// "invalid client id for {attribute}" comes from an RFC 7592 update naming
// another client.
func TestATOInvalidClientIDOnUpdate(t *testing.T) {
	f := newSim(t, atosim.Options{})
	reg, err := f.c.Register(context.Background(), f.request("Reception PC"))
	if err != nil {
		t.Fatal(err)
	}
	md := map[string]any{}
	for k, v := range reg.Metadata {
		md[k] = v
	}
	md["client_id"] = "00000000-0000-4000-8000-000000000000"
	_, err = f.c.Update(context.Background(), reg.RegistrationClientURI, reg.RegistrationAccessToken, mustKey(f.sim.APIKey()), md)
	fe := flowError(t, err)
	if fe.Status != 400 || fe.Code != "Invalid_request" || !strings.Contains(fe.Description, "invalid client id for client_id") {
		t.Fatalf("got %d %q %q", fe.Status, fe.Code, fe.Description)
	}
	adv := guidance.For(fe)
	if next := guidance.NextOf(adv); !strings.Contains(adv.Message(), "did not recognise the client id") ||
		!strings.Contains(adv.Action(), "Check the registration with the ATO") || len(next) != 1 || next[0].Step != guidance.CheckRegistration {
		t.Errorf("advice: %s / %s / %v", adv.Message(), adv.Action(), next)
	}
}

// Gateway errors name the field by source.parameter or by source.pointer
// (ato-facts.md §7); either way the user is told which.
func TestGatewayErrorNamesTheField(t *testing.T) {
	for _, tt := range []struct{ source, field string }{
		{`{"parameter":"client_name"}`, "client_name"},
		{`{"pointer":"/client_name"}`, "client_name"},
		{`{"pointer":"/data/0/x509_certificate"}`, "data.0.x509_certificate"},
		{`{"pointer":"/a~1b"}`, "a/b"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"errors":[{"code":"OAS.VAL.00000","detail":"Request validation failed","source":`+tt.source+`}]}`)
		}))
		c := &flow.Client{HTTP: srv.Client()}
		_, err := c.Read(context.Background(), srv.URL+atosim.RegistrationPath+"/x", "token", mustKey("key-0123456789abcdef"))
		srv.Close()
		fe := flowError(t, err)
		if fe.Field != tt.field || !strings.Contains(fe.Description, "(field: "+tt.field+")") {
			t.Errorf("source %s: Field %q, Description %q; want field %q", tt.source, fe.Field, fe.Description, tt.field)
		}
		if !strings.Contains(guidance.For(fe).Message(), tt.field) {
			t.Errorf("source %s: the message does not name the field: %s", tt.source, guidance.For(fe).Message())
		}
	}
}
