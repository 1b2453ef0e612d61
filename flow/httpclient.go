package flow

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// maxCAFileSize caps an extra CA file: a bundle of certificates is
// kilobytes; anything much bigger was picked by mistake.
const maxCAFileSize = 4 << 20

// NewHTTPClient returns a client for the ATO: a clone of
// http.DefaultTransport (so HTTPS_PROXY and NO_PROXY are honoured; without
// them, on Windows, the proxy in Windows' settings: proxy.go), TLS 1.3 for
// the ATO's hosts and 1.2 or later elsewhere (tls.go), trusting the system
// roots plus, when caFile is not empty, the
// certificates in caFile. Practices behind a proxy that inspects HTTPS need
// that file. timeout bounds each request (0: no limit besides the context).
func NewHTTPClient(caFile string, timeout time.Duration) (*http.Client, error) {
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil, errors.New("http.DefaultTransport was replaced; cannot build a client from it")
	}
	tr := base.Clone()
	tr.Proxy = proxyFunc(osGetenv, windowsProxy)
	// TLS 1.2 is the floor for custom endpoints; the ATO's hosts are held
	// to TLS 1.3 once the handshake is done (tls.go).
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, VerifyConnection: verifyATOVersion}
	if caFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			// Some systems have no readable store; the extra file still works.
			pool = x509.NewCertPool()
		}
		certs, err := readCAFile(caFile)
		if err != nil {
			return nil, err
		}
		for _, c := range certs {
			pool.AddCert(c)
		}
		cfg.RootCAs = pool
	}
	tr.TLSClientConfig = cfg
	// Every call to a host is one after another, never side by side. One
	// connection per host makes reusing it certain: a request made while
	// the last answer's connection is still being put back waits for it,
	// instead of paying a new TLS handshake (a round trip to the ATO).
	tr.MaxConnsPerHost = 1
	installWarmPool(tr) // Preconnect's connections (preconnect.go)
	return &http.Client{Transport: tr, Timeout: timeout}, nil
}

// readCAFile reads PEM certificates, or one or more DER certificates (a .cer
// file exported from Windows), from path.
func readCAFile(path string) ([]*x509.Certificate, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, refuse(ProblemCAOpen, "the extra CA certificate file %q could not be opened: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCAFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("the extra CA certificate file %q could not be read: %w", path, err)
	}
	if len(data) > maxCAFileSize {
		return nil, refuse(ProblemCATooBig, "the file %q is too big to be a CA certificate file", path)
	}
	var certs []*x509.Certificate
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("the extra CA certificate file %q holds a damaged certificate: %w", path, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		if der, err := x509.ParseCertificates(data); err == nil && len(der) > 0 {
			certs = der
		}
	}
	if len(certs) == 0 {
		return nil, refuse(ProblemCANoCerts, "the file %q holds no certificates", path)
	}
	return certs, nil
}
