package flow_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/flow"
	"dcrwizard/guidance"
)

// atoOverTLS serves the simulator over real TLS under the sandbox's own host
// names: the client below is flow.NewHTTPClient, trusting the simulator's CA,
// with a dialer that sends those names to the listener. So the run is the
// sandbox preset, byte for byte, except for where the packets go.
func atoOverTLS(t *testing.T, opts atosim.TLSOptions) (*simFixture, *http.Client) {
	t.Helper()
	f := newSim(t, atosim.Options{})
	opts.Hosts = []string{"auth.evte.ato.gov.au", "sandbox.api.ato.gov.au", "dcr.example.test"}
	srv, err := atosim.StartTLS(f.sim, "127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	caFile := filepath.Join(t.TempDir(), "practice-ca.pem")
	if err := os.WriteFile(caFile, f.sim.CACertificatePEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	hc, err := flow.NewHTTPClient(caFile, 0)
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := hc.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("NewHTTPClient's transport is %T", hc.Transport)
	}
	addr := strings.TrimPrefix(srv.URL, "https://")
	tr.Proxy = nil
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	f.c.HTTP = hc
	return f, hc
}

func TestSandboxOverTLS13(t *testing.T) {
	f, _ := atoOverTLS(t, atosim.TLSOptions{})
	r := f.request("Reception PC")
	r.Env = flow.Sandbox
	reg, err := f.c.Register(context.Background(), r)
	if err != nil {
		t.Fatalf("register with the sandbox preset over TLS 1.3: %v", err)
	}
	if !strings.HasPrefix(reg.RegistrationClientURI, "https://sandbox.api.ato.gov.au/idp/v1/relyingparties/") {
		t.Errorf("registration_client_uri %q", reg.RegistrationClientURI)
	}
	if strings.Contains(f.log.text(), "TLS 1.2") {
		t.Errorf("a TLS 1.3 run warns about TLS 1.2:\n%s", f.log.text())
	}
}

// A proxy that offers only TLS 1.2 in front of the ATO: the connection is
// refused before anything is sent, with a message that says why.
func TestSandboxBehindTLS12Proxy(t *testing.T) {
	f, _ := atoOverTLS(t, atosim.TLSOptions{OnlyTLS12: true})
	r := f.request("Reception PC")
	r.Env = flow.Sandbox
	_, err := f.c.Register(context.Background(), r)
	fe := flowError(t, err)
	var ve *flow.TLSVersionError
	if fe.Kind != flow.KindTLS || fe.Step != flow.StepToken || !errors.As(err, &ve) || ve.Version != tls.VersionTLS12 {
		t.Fatalf("got %s at %s (%v), want a TLS version error at the token step", fe.Kind, fe.Step, fe.Err)
	}
	for _, w := range []string{"TLS 1.2", "TLS 1.3", "proxy", "Nothing was sent"} {
		if !strings.Contains(guidance.For(fe).Message(), w) {
			t.Errorf("message lacks %q: %s", w, guidance.For(fe).Message())
		}
	}
	if !strings.Contains(guidance.For(fe).Action(), "IT support") {
		t.Errorf("action: %s", guidance.For(fe).Action())
	}
	if n := len(f.sim.Requests()); n != 0 {
		t.Errorf("%d requests reached the server over TLS 1.2", n)
	}
}

// A custom endpoint keeps TLS 1.2 as the floor, and the run says it used it.
func TestCustomEndpointOverTLS12Warns(t *testing.T) {
	f, _ := atoOverTLS(t, atosim.TLSOptions{OnlyTLS12: true})
	r := f.request("Reception PC")
	r.Env = flow.Custom("https://dcr.example.test"+atosim.TokenPath, "https://dcr.example.test"+atosim.RegistrationPath, atosim.DefaultRegistrationClientID, atosim.Scope)
	if _, err := f.c.Register(context.Background(), r); err != nil {
		t.Fatalf("custom endpoint over TLS 1.2: %v", err)
	}
	if log := f.log.text(); strings.Count(log, "used TLS 1.2") < 2 || !strings.Contains(log, "accept TLS 1.3 only") {
		t.Errorf("the token and register steps do not both note TLS 1.2:\n%s", log)
	}
}

// The simulator as the ATO: a client that cannot speak TLS 1.3 is refused.
func TestSimulatorRefusesTLS12Client(t *testing.T) {
	f := newSim(t, atosim.Options{})
	srv, err := atosim.StartTLS(f.sim, "127.0.0.1:0", atosim.TLSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hc, err := flow.NewHTTPClient("", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	tr := hc.Transport.(*http.Transport)
	tr.TLSClientConfig.InsecureSkipVerify = true // only the version is under test here
	tr.TLSClientConfig.MaxVersion = tls.VersionTLS12
	resp, err := hc.Get(srv.URL + atosim.TokenPath)
	if err == nil {
		resp.Body.Close()
		t.Fatal("a TLS 1.2-only client was served")
	}
	if !strings.Contains(err.Error(), "protocol version") {
		t.Errorf("err = %v, want a protocol version alert", err)
	}
}
