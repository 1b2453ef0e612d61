package flow

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A hostile or broken server, answer by answer (issue 16 findings 3, 4, 9).

// registerAnswer is okRegister with the answer changed by edit.
func registerAnswer(edit func(w http.ResponseWriter, r *http.Request, m map[string]any)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		_ = json.NewDecoder(r.Body).Decode(&in)
		in["client_id"] = "5d1b8f0e-1c2a-4a8b-9d3e-0f1e2d3c4b5a"
		in["registration_access_token"] = testRegToken
		in["registration_client_uri"] = "http://" + r.Host + "/register/5d1b8f0e-1c2a-4a8b-9d3e-0f1e2d3c4b5a"
		w.Header().Set("receipt", "6300000001234")
		edit(w, r, in)
		writeJSONTest(w, http.StatusCreated, in)
	}
}

func TestRegistrationClientURIOnlyFromTheRegistrationHost(t *testing.T) {
	for name, uri := range map[string]string{
		"another host":         "https://evil.example/register/5d1b8f0e-1c2a-4a8b-9d3e-0f1e2d3c4b5a",
		"another port":         "http://127.0.0.1:1/register/5d1b8f0e-1c2a-4a8b-9d3e-0f1e2d3c4b5a",
		"https instead":        "https://HOST/register/x",
		"javascript":           "javascript:alert(1)",
		"user info":            "http://user@HOST/register/x",
		"control characters":   "http://HOST/\x1b[2J",
		"not a URL":            "::::",
		"host in another case": "", // filled below: accepted
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeATO(t)
			f.register = registerAnswer(func(_ http.ResponseWriter, r *http.Request, m map[string]any) {
				u := strings.ReplaceAll(uri, "HOST", r.Host)
				if u == "" {
					u = "HTTP://" + strings.ToUpper(r.Host) + "/register/5d1b8f0e-1c2a-4a8b-9d3e-0f1e2d3c4b5a"
				}
				m["registration_client_uri"] = u
			})
			reg, err := newTestClient(&events{}).Register(context.Background(), request(f.env(), goodCredential(t)))
			if err != nil {
				t.Fatalf("the registration was accepted by the ATO, but: %v", err)
			}
			want := f.srv.URL + "/register/5d1b8f0e-1c2a-4a8b-9d3e-0f1e2d3c4b5a"
			if uri == "" {
				if reg.URIReplaced != "" || !strings.EqualFold(reg.RegistrationClientURI, want) {
					t.Errorf("same host in another case: %q, replaced %q", reg.RegistrationClientURI, reg.URIReplaced)
				}
				return
			}
			if reg.RegistrationClientURI != want {
				t.Errorf("registration client URI %q, want the ATO's pattern %q", reg.RegistrationClientURI, want)
			}
			// Its words: guidance.TestRegistrationWarnings.
			warnings := RegistrationWarnings(reg)
			if reg.URIReplaced == "" || len(warnings) != 1 || !strings.Contains(warnings[0], "not on the registration service's own address") {
				t.Errorf("replaced %q, warnings %q", reg.URIReplaced, warnings)
			}
			for _, w := range warnings {
				if strings.ContainsAny(w, "\x1b\r") {
					t.Errorf("raw control character in the warning %q", w)
				}
			}
		})
	}
}

func TestReceiptNeverKeepsASecret(t *testing.T) {
	f := newFakeATO(t)
	f.register = registerAnswer(func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
		w.Header().Set("receipt", "echo "+testRegToken+" "+testAPIKey+" "+testAccessToken)
	})
	reg, err := newTestClient(&events{}).Register(context.Background(), request(f.env(), goodCredential(t)))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{testRegToken, testAPIKey, testAccessToken, testRegToken[:20]} {
		if strings.Contains(reg.Receipt, s) {
			t.Errorf("receipt %q holds a secret", reg.Receipt)
		}
	}
	// The same in an error answer.
	f.register = func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("receipt", testAccessToken+"\x1b]0;pwned\x07")
		writeJSONTest(w, 400, map[string]string{"error": "invalid_request"})
	}
	_, err = newTestClient(&events{}).Register(context.Background(), request(f.env(), goodCredential(t)))
	fe := asError(t, err)
	if strings.Contains(fe.Receipt, testAccessToken) || strings.Contains(fe.Error(), testAccessToken) || strings.ContainsAny(fe.Receipt, "\x1b\x07") {
		t.Errorf("receipt %q", fe.Receipt)
	}
}

func TestTokenCutMidBodyIsHidden(t *testing.T) {
	for name, body := range map[string]string{
		"inside the field":       `{"client_id":"abc","registration_access_token":"` + testRegToken[:40],
		"inside a JWT, no field": `{"client_id":"abc","note":"` + testRegToken[:30],
		"after an escaped quote": `{"client_id":"abc","registration_access_token":"x\"` + "zzzzsecretpart",
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeATO(t)
			f.register = raw(201, "application/json", body)
			_, err := newTestClient(&events{}).Register(context.Background(), request(f.env(), goodCredential(t)))
			fe := asError(t, err)
			if !fe.Unknown {
				t.Fatalf("got %+v", fe)
			}
			for _, s := range []string{testRegToken[:25], "zzzzsecretpart"} {
				if strings.Contains(fe.Body, s) {
					t.Errorf("Body %q keeps part of the token", fe.Body)
				}
			}
		})
	}
}

func TestServerTextIsEscaped(t *testing.T) {
	f := newFakeATO(t)
	evil := "bad\x1b[2J\x1b]0;pwned\x07\rRegistered “OK” \u202eKO"
	f.register = func(w http.ResponseWriter, _ *http.Request) {
		writeJSONTest(w, 400, map[string]string{"error": "invalid_request\x1b[31m", "error_description": evil})
	}
	ev := &events{}
	_, err := newTestClient(ev).Register(context.Background(), request(f.env(), goodCredential(t)))
	fe := asError(t, err)
	for what, s := range map[string]string{"Message": adviceMessage(fe), "Action": adviceAction(fe), "Error": fe.Error(),
		"Code": fe.Code, "Description": fe.Description, "Body": fe.Body} {
		if strings.ContainsAny(s, "\x1b\r\x07\u202e") {
			t.Errorf("%s holds a raw control or bidi character: %q", what, s)
		}
	}
	if !strings.Contains(adviceMessage(fe), `\u202eKO`) {
		t.Errorf("the escaped text is not shown: %q", adviceMessage(fe))
	}
	for _, e := range ev.all {
		if strings.ContainsAny(StepWords(e), "\x1b\r\u202e") {
			t.Errorf("event %q", StepWords(e))
		}
	}
}

// Issue 16 finding 10: a dead or black-hole proxy is named, and the advice
// is not to set a proxy that is set already.
func TestDeadProxyIsNamed(t *testing.T) {
	f := newFakeATO(t)
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()
	hole, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hole.Close()
	go func() {
		for {
			c, err := hole.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accepts, never answers
		}
	}()
	for name, proxy := range map[string]string{"dead": deadAddr, "black hole": hole.Addr().String()} {
		t.Run(name, func(t *testing.T) {
			u, _ := url.Parse("http://user:secret@" + proxy)
			c := newTestClient(&events{})
			c.HTTP = &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(u)}}
			c.StepTimeout = 300 * time.Millisecond
			c.RetryBackoff = time.Millisecond
			_, err := c.Register(context.Background(), request(f.env(), goodCredential(t)))
			fe := asError(t, err)
			if fe.Proxy != proxy || !strings.Contains(adviceMessage(fe), "proxy server "+proxy) {
				t.Fatalf("proxy %q, message %q", fe.Proxy, adviceMessage(fe))
			}
			if strings.Contains(adviceAction(fe), "ask your IT support to set it") || strings.Contains(adviceMessage(fe)+adviceAction(fe)+fe.Error(), "secret") {
				t.Errorf("action %q", adviceAction(fe))
			}
		})
	}
}
