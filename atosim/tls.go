package atosim

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"net"
	"time"
)

// TLSOptions configures StartTLS.
type TLSOptions struct {
	// Hosts are the DNS names the server certificate is for, besides
	// localhost and 127.0.0.1 (for example "auth.evte.ato.gov.au", with a
	// test dialer that sends that name to the listener).
	Hosts []string
	// OnlyTLS12 makes the server offer TLS 1.2 and nothing newer, as a
	// TLS-inspecting proxy that has not caught up would. By default it
	// speaks TLS 1.3 only, as the ATO does since 31 January 2026.
	OnlyTLS12 bool
}

// StartTLS is Start over HTTPS, with a server certificate issued by the
// simulator's own authority (see CACertificatePEM for clients to trust).
func StartTLS(sim *Simulator, listen string, opts TLSOptions) (*Server, error) {
	cert, err := sim.serverCertificate(opts.Hosts)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13}
	if opts.OnlyTLS12 {
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
	}
	return start(sim, listen, cfg)
}

// CACertificatePEM is the simulator's root certificate as PEM, for a
// client's extra CA file.
func (s *Simulator) CACertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ca.root.Raw})
}

// serverCertificate issues a TLS server certificate for hosts, localhost and
// 127.0.0.1, chained through the sub CA.
func (s *Simulator) serverCertificate(hosts []string) (tls.Certificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("could not generate the simulator's server key: %w", err)
	}
	now := s.now()
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{Organization: []string{caOrg}, CommonName: "DCR Wizard practice server"},
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    now.AddDate(1, 0, 0),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    append([]string{"localhost"}, hosts...),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	cert, err := createCert(tmpl, s.ca.sub, &key.PublicKey, s.ca.subKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{cert.Raw, s.ca.sub.Raw}, PrivateKey: key, Leaf: cert}, nil
}
