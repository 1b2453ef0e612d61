package flow

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestParseWindowsProxy(t *testing.T) {
	tests := []struct {
		server, override string
		want             string // proxy URL; "" for none
		bypass           []string
	}{
		{"proxy.corp:8080", "", "http://proxy.corp:8080", nil},
		{"10.0.0.5:3128", "<local>;*.corp.example", "http://10.0.0.5:3128", []string{"<local>", "*.corp.example"}},
		{"http=web:80;https=secure:8443;ftp=f:21", "", "http://secure:8443", nil},
		{"http=web:80", "", "", nil}, // per protocol with no https entry: HTTPS goes direct, as in Windows
		{"HTTPS=Secure:8443", "", "http://Secure:8443", nil},
		{"proxy.corp", "", "http://proxy.corp:80", nil},
		{"http://proxy.corp:8080", "", "http://proxy.corp:8080", nil},
		{"http://user:secret@proxy.corp:8080", "", "http://proxy.corp:8080", nil}, // never keep a password
		{"", "", "", nil},
		{"   ", "", "", nil},
		{"ftp://proxy:21", "", "", nil},
	}
	for _, tt := range tests {
		sp, ok := parseWindowsProxy(tt.server, tt.override)
		got := ""
		if ok {
			got = sp.url.String()
		}
		if got != tt.want {
			t.Errorf("parseWindowsProxy(%q) = %q, want %q", tt.server, got, tt.want)
		}
		if ok && strings.Join(sp.bypass, "|") != strings.Join(tt.bypass, "|") {
			t.Errorf("parseWindowsProxy(%q, %q) bypass %q, want %q", tt.server, tt.override, sp.bypass, tt.bypass)
		}
	}
}

func TestSystemProxyBypass(t *testing.T) {
	sp, _ := parseWindowsProxy("proxy:8080", "<local>; *.Corp.Example ;10.*;ato-test.example")
	for host, want := range map[string]bool{
		"127.0.0.1":                true, // loopback: Practice mode's simulator
		"::1":                      true,
		"localhost":                true,
		"intranet":                 true, // <local>
		"files.corp.example":       true,
		"FILES.CORP.EXAMPLE":       true,
		"10.1.2.3":                 true,
		"ato-test.example":         true,
		"api.ato.gov.au":           false,
		"sandbox.api.ato.gov.au":   false,
		"corp.example.attacker.au": false,
		"11.1.2.3":                 false,
	} {
		if got := sp.bypasses(host); got != want {
			t.Errorf("bypasses(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestWildcard(t *testing.T) {
	for _, tt := range []struct {
		p, s string
		want bool
	}{
		{"*", "anything", true}, {"*.a.b", "x.a.b", true}, {"*.a.b", "a.b", false}, {"a*c", "abbbc", true},
		{"a*c", "abbbd", false}, {"a**", "a", true}, {"", "", true}, {"", "a", false}, {"*x*y", "axbxcy", true},
	} {
		if got := wildcard(tt.p, tt.s); got != tt.want {
			t.Errorf("wildcard(%q, %q) = %v, want %v", tt.p, tt.s, got, tt.want)
		}
	}
}

func TestProxyFuncPrefersEnvironment(t *testing.T) {
	sys := func() (systemProxy, bool) { return parseWindowsProxy("winproxy:8080", "") }
	req, _ := http.NewRequest(http.MethodGet, "https://api.ato.gov.au/token", nil)
	noEnv := func(string) string { return "" }
	u, err := proxyFunc(noEnv, sys)(req)
	if err != nil || u == nil || u.Host != "winproxy:8080" {
		t.Fatalf("no HTTPS_PROXY: proxy %v, %v; want the Windows setting winproxy:8080", u, err)
	}
	withEnv := func(k string) string {
		if k == "HTTPS_PROXY" {
			return "http://envproxy:3128"
		}
		return ""
	}
	if u, _ := proxyFunc(withEnv, sys)(req); u != nil && u.Host == "winproxy:8080" {
		t.Error("HTTPS_PROXY set, yet the Windows setting was used")
	}
	none := func() (systemProxy, bool) { return systemProxy{}, false }
	if u, _ := proxyFunc(noEnv, none)(req); u != nil && u.Host == "winproxy:8080" {
		t.Error("no Windows setting, yet a proxy was made up")
	}
}

// A request through a proxy that is not there fails with a message naming
// the proxy, and never the proxy's password.
func TestConnectionErrorNamesProxy(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now: connections are refused
	proxyURL := &url.URL{Scheme: "http", User: url.UserPassword("office", "s3cret"), Host: addr}
	hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL)}}
	c := &Client{HTTP: hc}
	_, e := c.do(context.Background(), call{step: StepToken, method: http.MethodPost, url: "https://ato.example/token"})
	if e == nil {
		t.Fatal("no error through a refused proxy")
	}
	if e.Proxy != addr || e.Kind != KindNetwork {
		t.Fatalf("Proxy %q, Kind %q; want %q, network", e.Proxy, e.Kind, addr)
	}
	msg := adviceMessage(e) + " " + adviceAction(e) + " " + e.Error()
	if !strings.Contains(adviceMessage(e), "through the proxy server "+addr) || !strings.Contains(adviceMessage(e), "ato.example") {
		t.Errorf("message %q does not name the proxy and the server", adviceMessage(e))
	}
	if strings.Contains(msg, "s3cret") || strings.Contains(msg, "office") {
		t.Errorf("the proxy's credentials leaked: %q", msg)
	}

	// Without a proxy, the old message.
	direct := &Client{HTTP: &http.Client{Transport: &http.Transport{}}}
	_, e = direct.do(context.Background(), call{step: StepToken, method: http.MethodPost, url: "http://" + addr + "/token"})
	if e == nil || e.Proxy != "" || strings.Contains(adviceMessage(e), "proxy server") {
		t.Errorf("direct: %v (Proxy %q)", e, e.Proxy)
	}
}
