package flow

import (
	"crypto/tls"
	"fmt"
	"strings"
)

// From 31 January 2026 the ATO accepts only TLS 1.3 on its inbound channels
// (ato-facts.md §8). Connections to its hosts are held to that; custom
// endpoints (a test server, a vendor's gateway) keep TLS 1.2 as the floor,
// and a run that used 1.2 says so in its progress.

// atoHost reports whether host is the ATO's, whose servers speak TLS 1.3 only.
func atoHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")
	return h == "ato.gov.au" || strings.HasSuffix(h, ".ato.gov.au")
}

// TLSVersionError is a secure connection to an ATO host that came up with a
// version older than TLS 1.3: the ATO itself never offers one, so something
// in between (a TLS-inspecting proxy or security software) answered instead.
type TLSVersionError struct {
	Host    string
	Version uint16
}

func (e *TLSVersionError) Error() string {
	return fmt.Sprintf("tls: the connection to %s used %s; the ATO requires TLS 1.3", e.Host, TLSVersionName(e.Version))
}

// verifyATOVersion is the tls.Config VerifyConnection check. It runs once
// the handshake is done and before any request is written, so nothing is
// sent over a connection the ATO would not have made. The handshake itself
// still allows 1.2, so that a proxy offering only 1.2 is recognised and
// named, rather than failing with "protocol version not supported".
func verifyATOVersion(cs tls.ConnectionState) error {
	if atoHost(cs.ServerName) && cs.Version < tls.VersionTLS13 {
		return &TLSVersionError{Host: cs.ServerName, Version: cs.Version}
	}
	return nil
}

// TLSVersionName names a TLS version as messages do ("TLS 1.2").
func TLSVersionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLS 1.0"
	case tls.VersionTLS11:
		return "TLS 1.1"
	case tls.VersionTLS12:
		return "TLS 1.2"
	case tls.VersionTLS13:
		return "TLS 1.3"
	}
	return fmt.Sprintf("TLS version 0x%04x", v)
}
