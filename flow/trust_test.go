package flow

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// Each host of issue 24's findings 1–3 is a row, with the ATO's real hosts
// and the loopback addresses tests and Practice use.
func TestCheckHost(t *testing.T) {
	tests := []struct {
		host string
		ok   bool
		why  string // part of the refusal
	}{
		{"auth.ato.gov.au", true, ""},
		{"api.ato.gov.au", true, ""},
		{"sandbox.api.ato.gov.au", true, ""},
		{"auth.evte.ato.gov.au", true, ""},
		{"ato.gov.au", true, ""},
		{"AUTH.ATO.GOV.AU", true, ""},
		{"dcr.example.com", true, ""},
		{"vendor-gateway.example.com.au", true, ""},
		{"ato.example", true, ""},    // "ato" alone is no look-alike
		{"potato.example", true, ""}, // nor is a word ending in "ato"
		{"localhost", true, ""},
		{"127.0.0.1", true, ""},
		{"::1", true, ""},
		{"10.1.2.3", true, ""},

		{"\u0430uth.ato.gov.au", false, "U+0430"},      // Cyrillic а
		{"xn--uth-8cd.ato.gov.au", false, "punycode"},  // the same, as punycode
		{"XN--uth-8cd.ato.gov.au", false, "punycode"},  // in capitals
		{"auth.ato\uff0egov\uff0eau", false, "U+FF0E"}, // full-width dots
		{"ato.gov.au\u200b", false, "U+200B"},          // zero-width space after it
		{"auth.ato.gov.au.", false, "ends with a dot"}, // trailing dot
		{"api.ato.gov.au.evil.example", false, "looks like an ATO address"},
		{"ato.gov.au-x.com", false, "looks like an ATO address"},
		{"atogov.au", false, "looks like an ATO address"},
		{"ato-gov.com.au", false, "looks like an ATO address"},
		{"at0.gov.au", false, "looks like an ATO address"},
		{"auth.ato.gov.example", false, "looks like an ATO address"},
		{"xato.gov.au", false, "looks like an ATO address"},
		{"tomato.gov.example", false, "looks like an ATO address"}, // the rule is blunt on purpose
		{"a..b.example", false, "two dots"},
		{".example.com", false, "two dots"},
		{"-a.example.com", false, "hyphen"},
		{"a_b.example.com", false, `"_"`},
		{"", false, "no host name"},
		{strings.Repeat("a", 64) + ".example", false, "longer than 63"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			err := CheckHost(tt.host)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckHost(%q) = %v, want ok=%v", tt.host, err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), tt.why) {
				t.Errorf("CheckHost(%q) = %q, want it to say %q", tt.host, err, tt.why)
			}
			if err != nil && !isPrintableASCII(err.Error()) {
				t.Errorf("the refusal shows a character outside ASCII: %q", err)
			}
		})
	}
}

func isPrintableASCII(s string) bool {
	for _, r := range s {
		if r > 0x7e || r < 0x20 {
			return false
		}
	}
	return true
}

func TestEnvironmentCheck(t *testing.T) {
	const (
		atoToken = "https://auth.ato.gov.au/core2/connect/token"
		atoReg   = "https://api.ato.gov.au/idp/v1/relyingparties"
		atoHB    = "https://api.ato.gov.au/healthcheck/v1/heartbeat"
		evilReg  = "https://dcr.evil.example/idp/v1/relyingparties"
	)
	env := func(token, reg, hb string) Environment {
		e := Custom(token, reg, "ato_registration_client_id", registrationScope)
		e.HeartbeatURL = hb
		return e
	}
	tests := []struct {
		name    string
		env     Environment
		extraCA bool
		role    Role // "" = accepted
		why     string
	}{
		{"sandbox", Sandbox, false, "", ""},
		{"production", Production, false, "", ""},
		{"sandbox with the user's own CA (TLS-inspecting proxy)", Sandbox, true, "", ""},
		{"custom, all the ATO's", env(atoToken, atoReg, atoHB), false, "", ""},
		{"custom vendor server", env("https://auth.vendor.example/token", "https://dcr.vendor.example/dcr", "https://hb.vendor.example/hb"), true, "", ""},
		{"loopback simulator", env("http://127.0.0.1:8443/token", "http://127.0.0.1:8443/dcr", "http://127.0.0.1:8443/hb"), false, "", ""},
		{"heartbeat on the registration host", env("https://a.example.com/t", "https://api.example.com/r", "https://api.example.com/hb"), false, "", ""},
		{"heartbeat on loopback", env("https://a.example.com/t", "https://api.example.com/r", "http://localhost:9/hb"), false, "", ""},
		{"heartbeat under a multi-part suffix", env("https://a.example.com.au/t", "https://api.example.com.au/r", "https://hb.example.com.au/hb"), false, "", ""},

		// Finding 1: the ATO's token endpoint, another registration endpoint.
		{"real ATO token endpoint, other registration endpoint", env(atoToken, evilReg, ""), false, RoleRegistration, "either uses the ATO's addresses only or none"},
		{"other token endpoint, real ATO registration endpoint", env("https://auth.evil.example/t", atoReg, ""), false, RoleToken, "the ATO's (api.ato.gov.au)"},
		// Finding 2: the heartbeat anywhere.
		{"heartbeat on another domain", env("https://a.vendor.example/t", "https://api.vendor.example/r", "https://collect.evil.example/hb"), false, RoleHeartbeat, "not on the registration (DCR) endpoint's own domain"},
		{"heartbeat on another com.au domain", env("https://a.vendor.com.au/t", "https://api.vendor.com.au/r", "https://hb.other.com.au/hb"), false, RoleHeartbeat, "own domain"},
		{"ATO addresses with a heartbeat elsewhere", env(atoToken, atoReg, "https://hb.evil.example/hb"), false, RoleHeartbeat, "own domain"},
		{"heartbeat on an IP of another machine", env("https://a.vendor.example/t", "https://api.vendor.example/r", "https://10.9.9.9/hb"), false, RoleHeartbeat, "own domain"},
		// Finding 3: look-alikes, and the ATO's hosts with an extra CA.
		{"Cyrillic token host", env("https://\u0430uth.ato.gov.au/t", atoReg, ""), false, RoleToken, "U+0430"},
		{"punycode token host", env("https://xn--uth-8cd.ato.gov.au/t", atoReg, ""), false, RoleToken, "punycode"},
		{"full-width dots", env("https://auth.ato\uff0egov\uff0eau/t", atoReg, ""), false, RoleToken, "U+FF0E"},
		{"zero-width space", env(atoToken, "https://api.ato.gov.au\u200b/r", ""), false, RoleRegistration, "U+200B"},
		{"ATO name under another domain", env(atoToken, "https://api.ato.gov.au.evil.example/r", ""), false, RoleRegistration, "looks like an ATO address"},
		{"custom naming the ATO's hosts, with a CA", env(atoToken, atoReg, ""), true, RoleCA, "no extra CA certificate"},
		{"a preset with its addresses changed, with a CA", func() Environment { e := Sandbox; e.TokenURL = atoToken; return e }(), true, RoleCA, "no extra CA"},
		{"trailing dot", env("https://auth.ato.gov.au./t", atoReg, ""), false, RoleToken, "ends with a dot"},
		// The old rules still hold.
		{"http to another machine", env("http://auth.vendor.example/t", "https://api.vendor.example/r", ""), false, RoleToken, "plain http://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.env.Check(tt.extraCA)
			if tt.role == "" {
				if err != nil {
					t.Fatalf("Check(%v) = %v, want accepted", tt.extraCA, err)
				}
				return
			}
			var ee *EndpointError
			if !errors.As(err, &ee) || ee.Role != tt.role {
				t.Fatalf("Check(%v) = %v (%T), want an EndpointError for the %s", tt.extraCA, err, err, tt.role)
			}
			if !strings.Contains(ErrorWords(err), tt.why) {
				t.Errorf("Check = %q, want it to say %q", ErrorWords(err), tt.why)
			}
			if tt.extraCA {
				return
			}
			if err := tt.env.Validate(); err == nil {
				t.Error("Validate accepts what Check refuses")
			}
		})
	}
}

// Client.Register applies the rules with the CA its HTTP client trusts,
// before anything is sent: a custom environment naming the ATO's hosts is
// refused when the client has an extra CA, whoever built the environment.
func TestRegisterRefusesATOHostsWithExtraCA(t *testing.T) {
	cred := goodCredential(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	writePEM(t, caFile, cred.Certificate)
	hc, err := NewHTTPClient(caFile, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var dials atomic.Int32
	tr := hc.Transport.(*http.Transport)
	tr.Proxy = nil
	tr.DialContext = func(context.Context, string, string) (net.Conn, error) {
		dials.Add(1)
		return nil, errors.New("not reached")
	}
	c := newTestClient(&events{})
	c.HTTP = hc
	env := Custom(Production.TokenURL, Production.RegistrationURL, Production.RegistrationClientID, Production.Scope)
	_, err = c.Register(context.Background(), request(env, cred))
	var ee *EndpointError
	if !errors.As(err, &ee) || ee.Role != RoleCA {
		t.Fatalf("err = %v, want the extra CA refused", err)
	}
	if dials.Load() != 0 {
		t.Fatal("a connection was made")
	}
}

func TestHosts(t *testing.T) {
	e := Custom("https://Auth.Vendor.example:8443/t", "https://dcr.vendor.example/r", "c", "s")
	e.HeartbeatURL = "https://dcr.vendor.example/hb"
	if got := strings.Join(e.Hosts(), ","); got != "auth.vendor.example,dcr.vendor.example" {
		t.Errorf("Hosts() = %q", got)
	}
	if e.IsATO() || !Production.IsATO() || !Sandbox.IsATO() {
		t.Error("IsATO")
	}
	odd := Custom("https://\u0430uth.example/t", "https://x.example/r", "c", "s")
	if got := odd.Hosts()[0]; got != `\u0430uth.example` {
		t.Errorf("Hosts() shows %q, want the look-alike escaped", got)
	}
}

// FuzzCheckHost: whatever is accepted as an address's host is plain ASCII
// letters, digits, hyphens and dots (or an IP), has no punycode label or
// trailing dot, and is either the ATO's or reads nothing like it; a
// refusal's text is printable ASCII.
func FuzzCheckHost(f *testing.F) {
	for _, s := range []string{"auth.ato.gov.au", "\u0430uth.ato.gov.au", "xn--uth-8cd.ato.gov.au", "auth.ato\uff0egov\uff0eau",
		"ato.gov.au\u200b", "api.ato.gov.au.evil.example", "ato.gov.au-x.com", "atogov.au", "127.0.0.1", "[::1]:8080", "a.b.", "localhost:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		raw := "https://" + host + "/x"
		_, err := checkAddress(RoleToken, raw)
		if err != nil {
			if !isPrintableASCII(err.Error()) && utf8.ValidString(host) {
				t.Fatalf("refusal of %q is not printable ASCII: %q", host, err)
			}
			return
		}
		u, perr := url.Parse(raw)
		if perr != nil {
			t.Fatalf("accepted an address url.Parse refuses: %q", raw)
		}
		h := u.Hostname()
		if !isPrintableASCII(h) || strings.HasSuffix(h, ".") || strings.HasPrefix(strings.ToLower(h), "xn--") ||
			strings.Contains(strings.ToLower(h), ".xn--") {
			t.Fatalf("accepted host %q", h)
		}
		if !atoHost(h) && lookalikeATO(h) {
			t.Fatalf("accepted look-alike %q", h)
		}
		if atoHost(h) && CheckHost(strings.ToUpper(h)) != nil {
			t.Fatalf("the ATO's host in capitals refused: %q", h)
		}
	})
}
