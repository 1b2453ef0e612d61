package flow

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log"
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
