package registrar

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/credstore"
	"dcrwizard/flow"
)

// rttOneWay is each direction's delay: a 100 ms round trip, an ordinary
// Australian broadband path to a Sydney data centre and back, roughly.
const rttOneWay = 50 * time.Millisecond

// BenchmarkRegisterRTT is Register pressed → values stored, over TLS 1.3,
// with the token endpoint and the DCR API on two host names (two
// listeners), each direction delayed by rttOneWay. The RTT metric is the
// time in round trips: the physical limit is 2 (the token request, then the
// registration that needs its answer); a cold client pays for TCP and TLS
// to each host as well. "warm" pre-connects both hosts first, as the wizard
// does while the Review page is shown. "+verify" adds the test of the new
// registration (limit +2: its token, then the heartbeat).
func BenchmarkRegisterRTT(b *testing.B) {
	if os.Getenv("DCRWIZARD_SECRET_SERVICE") != "1" {
		b.Skip("needs the throw-away Secret Service: run `make bench`")
	}
	sim, err := atosim.New(atosim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	cred, err := sim.IssueCredential("ABRD:80000000001_Bench", "80000000001", "Bench", now.Add(-time.Hour), now.AddDate(1, 0, 0))
	if err != nil {
		b.Fatal(err)
	}
	store := credstore.New(b.TempDir())
	// "loopback" is the same with no delay: the local work (signing, the
	// pending note, the keychain write and read-back) measured in the same
	// run, which the delayed figures include.
	for _, path := range []struct {
		name   string
		oneWay time.Duration
	}{{"loopback", 0}, {"100msRTT", rttOneWay}} {
		th := atosimtest.StartTwoHosts(b, sim, path.oneWay)
		for _, tc := range []struct {
			name         string
			warm, verify bool
		}{{"cold", false, false}, {"warm", true, false}, {"warm+verify", true, true}} {
			b.Run(path.name+"/"+tc.name, func(b *testing.B) {
				var total time.Duration
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					hc, err := flow.NewHTTPClient(th.CAFile, 0)
					if err != nil {
						b.Fatal(err)
					}
					tr := hc.Transport.(*http.Transport)
					tr.Proxy, tr.DialContext = nil, th.DialContext
					if tc.warm {
						flow.Preconnect(context.Background(), hc, flow.Sandbox)
					}
					r := Registrar{Flow: &flow.Client{HTTP: hc}, Store: store}
					in := Input{Env: flow.Sandbox, Credential: cred, ConsumerKey: testKey(b, sim.APIKey()), InstanceName: fmt.Sprintf("RTT %s %d %d", tc.name, i, now.UnixNano())}
					b.StartTimer()
					start := time.Now()
					res, err := r.Register(context.Background(), in, nil)
					if err == nil && tc.verify {
						_, err = r.Verify(context.Background(), VerifyInput{Env: flow.Sandbox, Credential: cred, ClientID: res.Registration.ClientID, ConsumerKey: in.ConsumerKey}, nil)
					}
					total += time.Since(start)
					b.StopTimer()
					if err != nil || !res.Stored {
						b.Fatalf("register: %v", err)
					}
					flow.ClosePreconnected(hc)
					// Untimed: forget it again, so the keychain stays the size of
					// a user's (a Secret Service slows as items pile up).
					if err := r.Forget(context.Background(), res.Registration.ClientID); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				if path.oneWay > 0 {
					b.ReportMetric(float64(total)/float64(b.N)/float64(2*path.oneWay), "RTT")
				}
			})
		}
	}
}
