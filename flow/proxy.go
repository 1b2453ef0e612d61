package flow

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// Proxies. HTTPS_PROXY (and the other variables Go reads) win when set, as
// before. Otherwise, on Windows, the proxy set in Settings > Network &
// internet > Proxy ("Use a proxy server", stored under HKCU\…\Internet
// Settings) is used, with its "Don't use the proxy server for" list, as
// browsers on that PC do. An automatic-configuration (PAC) script is not
// read: a practice with one sets HTTPS_PROXY instead (README).
//
// We read the three registry values ourselves rather than add
// github.com/mattn/go-ieproxy: that is all a static proxy needs, and the
// rule (including "<local>" and the loopback addresses Practice mode uses)
// stays here, tested on every OS.

// proxyEnvVars are the variables http.ProxyFromEnvironment reads.
var proxyEnvVars = []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"}

// proxyFunc returns the Proxy function for the ATO client.
func proxyFunc(getenv func(string) string, system func() (systemProxy, bool)) func(*http.Request) (*url.URL, error) {
	for _, k := range proxyEnvVars {
		if getenv(k) != "" {
			return http.ProxyFromEnvironment
		}
	}
	if sp, ok := system(); ok {
		return sp.proxy
	}
	return http.ProxyFromEnvironment
}

// systemProxy is a static proxy from the operating system's settings.
type systemProxy struct {
	url    *url.URL // http://host:port
	bypass []string // host patterns with * wildcards, and "<local>"
}

// parseWindowsProxy turns the ProxyServer and ProxyOverride values into a
// systemProxy for HTTPS requests. ProxyServer is "host:port" for every
// protocol, or "http=h:p;https=h:p;…" per protocol (then only the https
// entry serves HTTPS, as in Windows).
func parseWindowsProxy(server, override string) (systemProxy, bool) {
	server = strings.TrimSpace(server)
	if server == "" {
		return systemProxy{}, false
	}
	addr := server
	if strings.Contains(server, "=") {
		addr = ""
		for _, part := range strings.Split(server, ";") {
			proto, hp, ok := strings.Cut(strings.TrimSpace(part), "=")
			if ok && strings.EqualFold(strings.TrimSpace(proto), "https") {
				addr = strings.TrimSpace(hp)
			}
		}
	} else if i := strings.IndexByte(server, ';'); i >= 0 {
		addr = strings.TrimSpace(server[:i])
	}
	if addr == "" {
		return systemProxy{}, false
	}
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr
	}
	u, err := url.Parse(addr)
	if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return systemProxy{}, false
	}
	sp := systemProxy{url: &url.URL{Scheme: u.Scheme, Host: u.Host}}
	if u.Port() == "" {
		sp.url.Host = net.JoinHostPort(u.Hostname(), "80")
	}
	for _, p := range strings.Split(override, ";") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			sp.bypass = append(sp.bypass, p)
		}
	}
	return sp, true
}

func (sp systemProxy) proxy(req *http.Request) (*url.URL, error) {
	if sp.bypasses(req.URL.Hostname()) {
		return nil, nil
	}
	return sp.url, nil
}

// bypasses reports whether host is reached directly: loopback always (the
// Practice simulator), "<local>" for names without a dot, and the patterns
// of the bypass list (matched without case; * matches any run).
func (sp systemProxy) bypasses(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, p := range sp.bypass {
		if p == "<local>" {
			if !strings.Contains(host, ".") && net.ParseIP(host) == nil {
				return true
			}
			continue
		}
		if wildcard(p, host) {
			return true
		}
	}
	return false
}

// wildcard matches s against pattern, where * stands for any run of characters.
func wildcard(pattern, s string) bool {
	star, next := -1, 0
	i, j := 0, 0
	for j < len(s) {
		switch {
		case i < len(pattern) && pattern[i] == '*':
			star, next = i, j
			i++
		case i < len(pattern) && pattern[i] == s[j]:
			i++
			j++
		case star >= 0:
			i, next = star+1, next+1
			j = next
		default:
			return false
		}
	}
	for i < len(pattern) && pattern[i] == '*' {
		i++
	}
	return i == len(pattern)
}

var osGetenv = os.Getenv
