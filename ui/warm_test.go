package ui

import (
	"net/http"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/flow"
)

// The Review page pre-connects to the sandbox's two hosts over TLS 1.3 and
// sends nothing; Back closes the connections; Register uses the ones made
// on Review, for the registration and its test, and makes no others.
func TestReviewPreconnectsWithoutSending(t *testing.T) {
	sim, err := atosim.New(atosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	th := atosimtest.StartTwoHosts(t, sim, 0)
	h := newHarness(t, harnessOpts{config: func(c *Config) {
		c.Now = time.Now // the simulator's clock: it checks the signed request's times
		c.NewHTTPClient = func(_ string, timeout time.Duration) (*http.Client, error) {
			hc, err := flow.NewHTTPClient(th.CAFile, timeout)
			if err != nil {
				return nil, err
			}
			tr := hc.Transport.(*http.Transport)
			tr.Proxy, tr.DialContext = nil, th.DialContext
			return hc, nil
		}
	}})
	now := time.Now()
	cred, err := sim.IssueCredential("ABRD:80000000001_Sandbox", "80000000001", "Sandbox Machine", now.Add(-time.Hour), now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	h.openKeystore(h.writeKeystore("sandbox.xml", cred), testPassword)
	h.next()
	h.chooseEnv("Sandbox")
	h.next()
	h.wantStep(stepDetails)
	h.typeDetails(sim.APIKey(), "Front desk PC")
	if th.Open() != 0 {
		t.Fatalf("%d connections before Review", th.Open())
	}
	h.next()
	h.wantStep(stepReview)

	accepted := func(auth, api int) func() bool {
		return func() bool { a, p := th.Accepted(); return a == auth && p == api && th.Open() == 2 }
	}
	h.loop.until(t, "one connection to each host", accepted(1, 1))
	if reqs := sim.Requests(); len(reqs) != 0 {
		t.Fatalf("Review sent %d requests, want none: %+v", len(reqs), reqs)
	}

	// Back closes them (nothing was sent on them).
	h.key("Escape")
	h.wantStep(stepDetails)
	h.loop.until(t, "Back to close the pre-made connections", func() bool { return th.Open() == 0 })
	if a, p := th.Accepted(); a != 1 || p != 1 || len(sim.Requests()) != 0 {
		t.Fatalf("after Back: %d+%d connections, %d requests", a, p, len(sim.Requests()))
	}

	// Review again: connected again; Register uses those two.
	h.next()
	h.wantStep(stepReview)
	h.loop.until(t, "one new connection to each host", accepted(2, 2))
	test.Tap(h.w.nextBtn)
	h.loop.until(t, "the registration to finish", func() bool { return h.w.step == stepDone })
	d := &h.w.done
	if d.res == nil || !d.res.Stored || d.verify == nil || d.verify.err != nil {
		t.Fatalf("want stored and tested, got res=%+v verify=%+v fail=%v", d.res, d.verify, d.failErr)
	}
	h.wantText("Your software can now sign in to the ATO with this registration.")
	if a, p := th.Accepted(); a != 2 || p != 2 {
		t.Errorf("the run made new connections: %d to the token host, %d to the API, want the 2 and 2 made on Review", a, p)
	}
	if n := len(sim.Requests()); n < 4 {
		t.Errorf("%d requests, want token, register, test token, heartbeat", n)
	}
	// The finished run closes what it holds.
	h.loop.until(t, "the run's connections to close", func() bool { return th.Open() == 0 })
}
