package registrar

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/credstore/credstoretest"
	"dcrwizard/flow"
	"dcrwizard/setupfile"
)

const exampleKey = "ExampleConsumerKey0000a1b2"

func writeSetup(t *testing.T, v map[string]any) string {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "acme.dcrwizard.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func sandboxSetup() map[string]any {
	return map[string]any{
		"format": 1, "vendor": "Example Software Pty Ltd", "product": "Example Practice Manager",
		"support":     map[string]any{"phone": "1300 000 000", "email": "help@example.com", "url": "https://example.com/help"},
		"environment": "sandbox", "consumer_key": exampleKey, "name_template": "{product} – {computer}",
	}
}

func TestLoadDocumentedExample(t *testing.T) {
	s, err := LoadSetup(filepath.Join("..", "docs", "example.dcrwizard.json"))
	if err != nil {
		t.Fatalf("the example in docs/ is refused: %v", err)
	}
	if s.Env != flow.Sandbox || s.ConsumerKey().Header() != exampleKey || s.Vendor.Product != "Example Practice Manager" ||
		s.Vendor.SupportPhone != "1300 000 000" {
		t.Fatalf("%+v", *s)
	}
	if got, want := s.Headline(), "Set by Example Software Pty Ltd: Sandbox; consumer key ending …a1b2"; got != want {
		t.Errorf("headline %q, want %q", got, want)
	}
	if got := s.SuggestedName("FRONTDESK"); got != "Example Practice Manager – FRONTDESK" {
		t.Errorf("suggested name %q", got)
	}
	// A computer name that makes it too long is cut, never refused.
	if got := s.SuggestedName(strings.Repeat("X", 60)); ValidateInstanceName(got) != nil {
		t.Errorf("long computer name: %q", got)
	}
	// Nothing shows more of the key than its last four characters.
	all := fmt.Sprintf("%v %s %#v %+v", s, s, s, s.Summary("PC"))
	if strings.Contains(all, exampleKey[:len(exampleKey)-4]) {
		t.Errorf("the key leaks: %s", all)
	}
	if !strings.Contains(all, "…a1b2") {
		t.Errorf("the last four are not shown: %s", all)
	}
}

func TestTemplateIsRefusedUntilFilledIn(t *testing.T) {
	_, err := ParseSetup([]byte(setupfile.Template), "template")
	var e *setupfile.Error
	if !errors.As(err, &e) || len(e.Problems) < 5 {
		t.Fatalf("%v", err)
	}
}

// TestSetupValuesUseTypedInputRules: each value is checked by the rule the
// same value gets when typed, and the message names the field and its line.
func TestSetupValuesUseTypedInputRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(m map[string]any)
		field  string
		phrase string
	}{
		{"short key", func(m map[string]any) { m["consumer_key"] = "abc123" }, "consumer_key", consumerkey.Valid("abc123").Error()},
		{"key with odd characters", func(m map[string]any) { m["consumer_key"] = "abcdefgh12345678!!" }, "consumer_key", "characters an ATO key never has"},
		{"name template too long", func(m map[string]any) { m["name_template"] = strings.Repeat("n", 60) + " {computer}" }, "name_template", "keep it to 64"},
		{"unknown placeholder", func(m map[string]any) { m["name_template"] = "{user}" }, "name_template", "{product} and {computer}"},
		{"bad email", func(m map[string]any) { m["support"] = map[string]any{"email": "help at example.com"} }, "support.email", "just the address"},
		{"bad phone", func(m map[string]any) { m["support"] = map[string]any{"phone": "call 1300"} }, "support.phone", "digits"},
		{"http support page", func(m map[string]any) { m["support"] = map[string]any{"url": "http://example.com/help"} }, "support.url", "support page"},
		{"empty support", func(m map[string]any) { m["support"] = map[string]any{} }, "support", "at least one"},
		{"empty vendor", func(m map[string]any) { m["vendor"] = "  " }, "vendor", "empty"},
		{"custom plain http", func(m map[string]any) {
			m["environment"] = "custom"
			m["endpoints"] = map[string]any{"token_url": "http://ato.example/token", "registration_url": "https://ato.example/dcr",
				"registration_client_id": "id", "scope": "s"}
		}, "endpoints.token_url", "plain http://"},
		{"custom empty scope", func(m map[string]any) {
			m["environment"] = "custom"
			m["endpoints"] = map[string]any{"token_url": "https://ato.example/token", "registration_url": "https://ato.example/dcr",
				"registration_client_id": "id", "scope": " "}
		}, "endpoints.scope", "no scope"},
		{"private key in ca_pem", func(m map[string]any) {
			m["environment"] = "custom"
			m["endpoints"] = map[string]any{"token_url": "https://ato.example/token", "registration_url": "https://ato.example/dcr",
				"registration_client_id": "id", "scope": "s", "ca_pem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}
		}, "endpoints.ca_pem", "private key"},
		{"no certificate in ca_pem", func(m map[string]any) {
			m["environment"] = "custom"
			m["endpoints"] = map[string]any{"token_url": "https://ato.example/token", "registration_url": "https://ato.example/dcr",
				"registration_client_id": "id", "scope": "s", "ca_pem": "hello"}
		}, "endpoints.ca_pem", "no certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := sandboxSetup()
			tc.change(m)
			path := writeSetup(t, m)
			_, err := LoadSetup(path)
			var e *setupfile.Error
			if !errors.As(err, &e) {
				t.Fatalf("want *setupfile.Error, got %v", err)
			}
			data, _ := os.ReadFile(path)
			for _, p := range e.Problems {
				if p.Field == tc.field && strings.Contains(p.Message, tc.phrase) {
					// The line is where the field is in the file.
					lines := strings.Split(string(data), "\n")
					last := tc.field[strings.LastIndex(tc.field, ".")+1:]
					if p.Line < 1 || p.Line > len(lines) || !strings.Contains(lines[p.Line-1], `"`+last+`"`) {
						t.Errorf("line %d is not the field's: %q", p.Line, lines[max(0, min(p.Line-1, len(lines)-1))])
					}
					if !strings.Contains(err.Error(), path) {
						t.Errorf("the message does not name the file: %v", err)
					}
					return
				}
			}
			t.Fatalf("want %s saying %q, got %v", tc.field, tc.phrase, err)
		})
	}
}

func TestApplySetupSources(t *testing.T) {
	s, err := LoadSetup(writeSetup(t, sandboxSetup()))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ApplySetup(s, Given{}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if a.Input.Env != flow.Sandbox || a.Input.ConsumerKey.Header() != exampleKey || !strings.HasPrefix(a.Input.InstanceName, "Example Practice Manager – ") ||
		a.Input.Vendor.Name != "Example Software Pty Ltd" {
		t.Fatalf("%+v", a.Input)
	}
	if a.Sources != (Sources{Environment: FromSetup, ConsumerKey: FromSetup, Name: FromSetup, Vendor: FromSetup}) {
		t.Errorf("%+v", a.Sources)
	}
	// What was given wins.
	prod := flow.Production
	flagKey, err := consumerkey.New("OtherKey0123456789", consumerkey.Flag)
	if err != nil {
		t.Fatal(err)
	}
	a, err = ApplySetup(s, Given{Env: &prod, EnvFrom: FromFlag, ConsumerKey: flagKey, Name: "Desk", NameFrom: FromFlag}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if a.Input.Env != prod || a.Input.ConsumerKey.Header() != "OtherKey0123456789" || a.Input.InstanceName != "Desk" ||
		a.Sources.Environment != FromFlag || a.Sources.ConsumerKey != FromFlag || a.Sources.Name != FromFlag {
		t.Errorf("%+v %+v", a.Input, a.Sources)
	}
	// Without a file, a key must be given.
	if _, err := ApplySetup(nil, Given{Env: &prod, EnvFrom: FromFlag}, t.TempDir()); err == nil {
		t.Error("no key and no setup file accepted")
	}
}

func TestBesideCandidates(t *testing.T) {
	for _, tc := range []struct {
		exe, goos string
		want      []string
	}{
		{"/opt/dcrwizard/dcrwizard", "linux", []string{"/opt/dcrwizard/dcrwizard-setup.json"}},
		{`/Users/a/Desktop/dcrwizard.exe`, "windows", []string{"/Users/a/Desktop/dcrwizard-setup.json"}},
		{"/Applications/DCR Wizard.app/Contents/MacOS/dcrwizard", "darwin", []string{
			"/Applications/DCR Wizard.app/Contents/Resources/dcrwizard-setup.json",
			"/Applications/DCR Wizard.app/Contents/MacOS/dcrwizard-setup.json"}},
	} {
		got := besideCandidates(filepath.FromSlash(tc.exe), tc.goos)
		for i := range tc.want {
			tc.want[i] = filepath.FromSlash(tc.want[i])
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s on %s: %q, want %q", tc.exe, tc.goos, got, tc.want)
		}
	}
	// A link to the program also finds the file beside the real one.
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "dcrwizard")
	link := filepath.Join(dir, "bin", "dcrwizard")
	for _, d := range []string{filepath.Dir(real), filepath.Dir(link)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(real, nil, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symlinks here")
	}
	got := besideCandidates(link, "linux")
	if len(got) != 2 || got[1] != filepath.Join(filepath.Dir(real), setupfile.BesideName) {
		t.Errorf("%q", got)
	}
}

// TestRegisterWithSetupFile registers against the simulator over real HTTP
// with only a setup file and a credential, and the vendor is remembered.
func TestRegisterWithSetupFile(t *testing.T) {
	f := atosimtest.Start(t, atosim.Options{})
	ep := f.Endpoints
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.Sim.CACertificate().Raw}))
	m := sandboxSetup()
	m["environment"] = "custom"
	m["consumer_key"] = f.Sim.APIKey()
	m["endpoints"] = map[string]any{"token_url": ep.TokenURL, "registration_url": ep.RegistrationURL,
		"registration_client_id": ep.RegistrationClientID, "scope": ep.Scope, "ca_pem": caPEM}
	s, err := LoadSetup(writeSetup(t, m))
	if err != nil {
		t.Fatal(err)
	}
	if s.CACount != 1 {
		t.Errorf("CA count %d", s.CACount)
	}
	store := credstore.NewWithKeyring(t.TempDir(), &credstoretest.Keyring{})
	a, err := ApplySetup(s, Given{}, store.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(a.CAFile); err != nil || string(b) != s.CAPEM || a.Sources.CAFile != FromSetup {
		t.Fatalf("CA file %q: %v", a.CAFile, err)
	}
	hc, err := flow.NewHTTPClient(a.CAFile, 0)
	if err != nil {
		t.Fatal(err)
	}
	a.Input.Credential = f.Credential(t)
	r := Registrar{Flow: &flow.Client{HTTP: hc}, Store: store}
	res, err := r.Register(context.Background(), a.Input, nil)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := store.List(context.Background())
	if err != nil || len(recs) != 1 {
		t.Fatalf("%v %v", recs, err)
	}
	if recs[0].Vendor != s.Vendor || recs[0].ClientID != res.Registration.ClientID {
		t.Errorf("vendor not remembered: %+v", recs[0])
	}
	raw, _ := os.ReadFile(filepath.Join(store.Dir(), "index.json"))
	if !strings.Contains(string(raw), `"support_phone": "1300 000 000"`) || strings.Contains(string(raw), s.ConsumerKey().Header()) {
		t.Errorf("index.json: %s", raw)
	}
}

// TestSetupTrustRules: issue 24's setup files from an attacker (findings
// 1–3) are refused, each naming the field and the reason; a vendor's own
// server and the ATO's own addresses are not.
func TestSetupTrustRules(t *testing.T) {
	const (
		atoToken = "https://auth.ato.gov.au/core2/connect/token"
		atoReg   = "https://api.ato.gov.au/idp/v1/relyingparties"
	)
	caPEM := func() string {
		sim, err := atosim.New(atosim.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: sim.CACertificate().Raw}))
	}()
	custom := func(token, reg string, extra map[string]any) map[string]any {
		m := sandboxSetup()
		m["environment"] = "custom"
		ep := map[string]any{"token_url": token, "registration_url": reg, "registration_client_id": "ato_registration_client_id",
			"scope": "ato.idp.relyingParties.c"}
		for k, v := range extra {
			ep[k] = v
		}
		m["endpoints"] = ep
		return m
	}
	for _, tc := range []struct {
		name   string
		m      map[string]any
		field  string // "" = accepted
		phrase string
	}{
		{"vendor's own server", custom("https://auth.vendor.example/token", "https://dcr.vendor.example/dcr",
			map[string]any{"heartbeat_url": "https://api.vendor.example/hb", "ca_pem": caPEM}), "", ""},
		{"the ATO's own addresses", custom(atoToken, atoReg, map[string]any{"heartbeat_url": "https://api.ato.gov.au/healthcheck/v1/heartbeat"}), "", ""},

		{"finding 1: the ATO's token endpoint, registration elsewhere", custom(atoToken, "https://dcr.evil.example/idp/v1/relyingparties", nil),
			"endpoints.registration_url", "either uses the ATO's addresses only or none of them"},
		{"finding 2: heartbeat on any host", custom("https://auth.vendor.example/t", "https://dcr.vendor.example/r",
			map[string]any{"heartbeat_url": "https://collect.evil.example/hb"}), "endpoints.heartbeat_url", "not on the registration (DCR) endpoint's own domain"},
		{"finding 3: Cyrillic", custom("https://\u0430uth.ato.gov.au/t", atoReg, nil), "endpoints.token_url", "U+0430"},
		{"finding 3: punycode", custom("https://xn--uth-8cd.ato.gov.au/t", atoReg, nil), "endpoints.token_url", "punycode"},
		{"finding 3: full-width dots", custom("https://auth.ato\uff0egov\uff0eau/t", atoReg, nil), "endpoints.token_url", "U+FF0E"},
		{"finding 3: zero-width space", custom(atoToken, "https://api.ato.gov.au\u200b/r", nil), "endpoints.registration_url", "U+200B"},
		{"finding 3: the ATO's name under another", custom(atoToken, "https://api.ato.gov.au.evil.example/r", nil), "endpoints.registration_url", "looks like an ATO address"},
		{"finding 3: look-alike heartbeat", custom("https://auth.vendor.example/t", "https://dcr.vendor.example/r",
			map[string]any{"heartbeat_url": "https://ato.gov.au-x.com/hb"}), "endpoints.heartbeat_url", "looks like an ATO address"},
		{"finding 3: the ATO's real hosts with a CA", custom(atoToken, atoReg, map[string]any{"ca_pem": caPEM}), "endpoints.ca_pem", "no extra CA certificate"},
		{"trailing dot", custom("https://auth.ato.gov.au./t", atoReg, nil), "endpoints.token_url", "ends with a dot"},
		{"support page look-alike", func() map[string]any {
			m := sandboxSetup()
			m["support"] = map[string]any{"url": "https://atogov.au/help"}
			return m
		}(), "support.url", "looks like an ATO address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeSetup(t, tc.m)
			s, err := LoadSetup(path)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *setupfile.Error
			if !errors.As(err, &e) {
				t.Fatalf("accepted (%v), want %s refused", s, tc.field)
			}
			for _, p := range e.Problems {
				if p.Field == tc.field && strings.Contains(p.Message, tc.phrase) {
					if strings.ContainsAny(err.Error(), "\u0430\uff0e\u200b") {
						t.Errorf("the message shows the look-alike itself: %v", err)
					}
					return
				}
			}
			t.Fatalf("want %s saying %q, got %v", tc.field, tc.phrase, err)
		})
	}
}
