package atosimtest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/internal/netdelay"
)

// TwoHosts serves one simulator the way the ATO's sandbox is laid out: the
// token endpoint on auth.evte.ato.gov.au and the DCR API on
// sandbox.api.ato.gov.au, two TLS 1.3 listeners, each behind a forwarder
// that counts connections and holds each direction for oneWay (a network
// path's latency: 50 ms each way is a 100 ms round trip).
type TwoHosts struct {
	Sim       *atosim.Simulator
	Auth, API *netdelay.Forwarder
	// CAFile trusts the simulator's certificates (flow.NewHTTPClient's caFile).
	CAFile string
}

// The sandbox host names TwoHosts answers for.
const (
	AuthHost = "auth.evte.ato.gov.au"
	APIHost  = "sandbox.api.ato.gov.au"
)

// StartTwoHosts starts the listeners and forwarders until the test ends.
func StartTwoHosts(tb testing.TB, sim *atosim.Simulator, oneWay time.Duration) *TwoHosts {
	tb.Helper()
	opts := atosim.TLSOptions{Hosts: []string{AuthHost, APIHost}}
	fwd := func() *netdelay.Forwarder {
		srv, err := atosim.StartTLS(sim, "127.0.0.1:0", opts)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { _ = srv.Close() })
		fw, err := netdelay.Start(strings.TrimPrefix(srv.URL, "https://"), oneWay)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { _ = fw.Close() })
		return fw
	}
	th := &TwoHosts{Sim: sim, Auth: fwd(), API: fwd(), CAFile: filepath.Join(tb.TempDir(), "practice-ca.pem")}
	if err := os.WriteFile(th.CAFile, sim.CACertificatePEM(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return th
}

// DialContext sends the sandbox's names to the listeners: set it as an
// http.Transport's DialContext. Names are "resolved" here, once.
func (th *TwoHosts) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	to := th.API.Addr()
	if strings.HasPrefix(addr, AuthHost+":") {
		to = th.Auth.Addr()
	}
	return (&net.Dialer{}).DialContext(ctx, network, to)
}

// Accepted is the connections made to both hosts so far.
func (th *TwoHosts) Accepted() (auth, api int) { return th.Auth.Accepted(), th.API.Accepted() }

// Open is the connections open to both hosts now.
func (th *TwoHosts) Open() int { return th.Auth.Open() + th.API.Open() }
