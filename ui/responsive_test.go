package ui

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
	"dcrwizard/credstore/credstoretest"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

// The wizard must stay usable while a registration is slow: events handled
// at once, frames drawn, and Cancel ending the run — not only the page —
// promptly. The simulator holds the DCR POST open (FaultDelay), so the
// measurements below are taken with a real request in flight.
//
// uiDriver is newHarness for testing.TB (the harness needs a *testing.T, a
// benchmark has a *testing.B), reduced to what these measurements need.
type uiDriver struct {
	tb       testing.TB
	w        *Wizard
	loop     *uiLoop
	sim      *atosim.Simulator
	env      flow.Environment
	dir      string
	inFlight atomic.Int32 // DCR POSTs the server is holding open
}

func newUIDriver(tb testing.TB) *uiDriver {
	tb.Helper()
	d := &uiDriver{tb: tb, loop: newUILoop(), dir: tb.TempDir()}
	app := test.NewTempApp(tb)
	clock := func() time.Time { return testNow }
	sim, err := atosim.New(atosim.Options{Now: clock})
	if err != nil {
		tb.Fatal(err)
	}
	d.sim = sim
	h := sim.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == atosim.RegistrationPath {
			d.inFlight.Add(1)
			defer d.inFlight.Add(-1)
		}
		h.ServeHTTP(rw, r)
	}))
	tb.Cleanup(srv.Close)
	ep := sim.Endpoints(srv.URL)
	d.env = flow.Custom(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope)
	d.env.Label = "Test ATO (simulator)"
	d.w = New(app, Config{
		Version:      "test",
		Store:        credstore.NewWithKeyring(filepath.Join(d.dir, "store"), &credstoretest.Keyring{}),
		Now:          clock,
		Environments: []flow.Environment{d.env},
		Timeout:      time.Minute,
		DefaultName:  "Front desk PC",
		PracticeDir:  filepath.Join(d.dir, "practice"),
		post:         d.loop.post,
		tick:         20 * time.Millisecond,
	})
	d.w.win.Resize(startWindowSize)
	tb.Cleanup(func() {
		d.w.shutdown()
		d.loop.drain()
	})
	d.loop.drain()
	return d
}

func (d *uiDriver) next() {
	d.tb.Helper()
	if d.w.nextBtn.Disabled() {
		d.tb.Fatalf("Next is disabled on %s: %q", d.w.step, d.w.hint.Text)
	}
	test.Tap(d.w.nextBtn)
	d.loop.drain()
}

// toReview drives Welcome → Review with a keystore the simulator issued.
func (d *uiDriver) toReview() {
	d.tb.Helper()
	cred, err := d.sim.IssueCredential("ABRD:80000000001_TestMachine", "80000000001", "Test Machine", testNow.AddDate(-1, 0, 0), testNow.AddDate(2, 0, 0))
	if err != nil {
		d.tb.Fatal(err)
	}
	data, err := m2m.MarshalKeystore([]*m2m.Credential{cred}, testPassword)
	if err != nil {
		d.tb.Fatal(err)
	}
	path := filepath.Join(d.dir, "keystore.xml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		d.tb.Fatal(err)
	}
	d.next() // Welcome → Credential
	d.w.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(path)})
	pw := d.w.credential.password
	pw.SetText("")
	test.Type(pw, testPassword)
	d.w.win.Canvas().Focus(pw)
	pw.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	d.loop.until(d.tb, "the credential file to open", func() bool { return !d.w.credential.opening && d.w.credential.store != nil })
	d.next() // → Environment
	for _, o := range d.w.environment.options {
		if o.label != "" && strings.Contains(o.label, d.env.Label) {
			d.w.environment.radio.SetSelected(o.label)
		}
	}
	d.loop.drain()
	d.next() // → Details
	d.w.details.apiKey.SetText("")
	test.Type(d.w.details.apiKey, d.sim.APIKey())
	d.w.details.name.SetText("")
	test.Type(d.w.details.name, "Front desk PC")
	d.next() // → Review
	if d.w.step != stepReview {
		d.tb.Fatalf("on step %s, want Review (hint %q)", d.w.step, d.w.hint.Text)
	}
}

// startSlowRegister presses Register with the DCR POST held open by the
// simulator and waits until that request is at the server.
func (d *uiDriver) startSlowRegister() {
	d.tb.Helper()
	d.sim.InjectFault(atosim.Fault{Kind: atosim.FaultDelay, Endpoint: atosim.EndpointRegister, Delay: time.Hour})
	d.next() // Register
	d.loop.until(d.tb, "the DCR request to reach the server", func() bool { return d.inFlight.Load() == 1 })
	if !d.w.review.running() {
		d.tb.Fatal("the run is not going")
	}
}

// runGoroutines counts the goroutines of a registration run (its worker and
// its elapsed-time ticker), from their stacks.
func runGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "ui.(*Wizard).startRegister.func")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// responsiveness is one sample of each measurement.
type responsiveness struct {
	post  time.Duration // from w.post on another goroutine until the UI goroutine ran it
	key   time.Duration // a key press (Escape, which must do nothing while running) handled
	frame time.Duration // the whole window drawn (test driver's software painter)
}

// sample takes one measurement of each kind with the run in flight.
func (d *uiDriver) sample() responsiveness {
	var r responsiveness
	var ran atomic.Bool
	sent := make(chan time.Time, 1)
	go func() {
		t0 := time.Now()
		sent <- t0
		d.w.post(func() {
			r.post = time.Since(t0)
			ran.Store(true)
		})
	}()
	<-sent
	d.loop.until(d.tb, "a posted event to run", ran.Load)

	t0 := time.Now()
	d.w.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	r.key = time.Since(t0)
	if d.w.step != stepReview || !d.w.review.running() {
		d.tb.Fatal("Escape left the running Review page")
	}

	t0 = time.Now()
	if img := d.w.win.Canvas().Capture(); img.Bounds().Dx() == 0 {
		d.tb.Fatal("empty frame")
	}
	r.frame = time.Since(t0)
	return r
}

// cancel taps Cancel and returns how long until the page changed and how
// long until the run's goroutines had ended and the server had seen the
// request abandoned. limit is a generous wait for that end, not a speed
// requirement.
func (d *uiDriver) cancel(limit time.Duration) (shown, ended time.Duration) {
	d.tb.Helper()
	t0 := time.Now()
	test.Tap(d.w.review.cancelBtn)
	shown = time.Since(t0)
	if d.w.step != stepDone || d.w.review.running() {
		d.tb.Fatalf("after Cancel: step %s, running %v", d.w.step, d.w.review.running())
	}
	deadline := t0.Add(limit)
	for runGoroutines() > 0 || d.inFlight.Load() != 0 {
		if time.Now().After(deadline) {
			d.tb.Fatalf("%d run goroutines and %d DCR requests still going %v after Cancel", runGoroutines(), d.inFlight.Load(), limit)
		}
		d.loop.drain()
		time.Sleep(time.Millisecond)
	}
	ended = time.Since(t0)
	d.loop.drain()
	return shown, ended
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p*float64(len(s)-1) + 0.5)
	return s[i]
}

// TestResponsiveWhileRegistering checks behaviour only, never the machine's
// speed: with a DCR POST in flight, posted events run, Escape leaves the
// running page alone, frames are drawn, and Cancel ends the run (its
// goroutines and the request) with nothing registered. The figures are
// logged; BenchmarkResponsiveWhileRegistering reports them.
func TestResponsiveWhileRegistering(t *testing.T) {
	d := newUIDriver(t)
	d.toReview()
	if n := runGoroutines(); n != 0 {
		t.Fatalf("%d run goroutines before Register", n)
	}
	d.startSlowRegister()
	var post, key, frame []time.Duration
	for range 20 {
		s := d.sample()
		post, key, frame = append(post, s.post), append(key, s.key), append(frame, s.frame)
	}
	if d.inFlight.Load() != 1 {
		t.Fatal("the DCR request ended during the measurement: it did not measure an in-flight run")
	}
	for name, ds := range map[string][]time.Duration{"posted event": post, "key press": key, "frame": frame} {
		t.Logf("%s: p50 %v, p99 %v", name, percentile(ds, 0.5), percentile(ds, 0.99))
	}
	// The server holds the request for an hour: only Cancel can end it
	// within the generous wait.
	shown, ended := d.cancel(time.Minute)
	t.Logf("Cancel: page changed after %v, run ended after %v", shown, ended)
	t.Logf("page after the run ended: %v", d.w.done.failErr)
	if n := len(d.sim.Clients()); n != 0 {
		t.Errorf("%d registrations after Cancel", n)
	}
}

// BenchmarkResponsiveWhileRegistering reports, with a DCR POST in flight,
// the p50/p99 of a posted event's latency, a key press and a whole-window
// frame, per iteration of 10 samples each; and Cancel-to-ended for a fresh
// run per iteration.
func BenchmarkResponsiveWhileRegistering(b *testing.B) {
	d := newUIDriver(b)
	d.toReview()
	var post, key, frame, shown, ended []time.Duration
	for b.Loop() {
		d.startSlowRegister()
		for range 10 {
			s := d.sample()
			post, key, frame = append(post, s.post), append(key, s.key), append(frame, s.frame)
		}
		sh, en := d.cancel(2 * time.Second)
		shown, ended = append(shown, sh), append(ended, en)
		b.StopTimer()
		d.sim.ClearFaults()
		// Cancelled after the POST was sent: the outcome is unknown, so the
		// way back is "Register again anyway", offered last.
		again := findButtons(d.w.views[stepDone], "Register again anyway")
		if len(again) == 0 {
			b.Fatal("no Register again anyway button after Cancel")
		}
		test.Tap(again[0])
		d.loop.drain()
		if d.w.step != stepReview {
			b.Fatalf("Register again anyway went to %s", d.w.step)
		}
		b.StartTimer()
	}
	ms := func(x time.Duration) float64 { return float64(x) / float64(time.Millisecond) }
	for _, m := range []struct {
		name string
		ds   []time.Duration
	}{{"post", post}, {"key", key}, {"frame", frame}, {"cancel-shown", shown}, {"cancel-ended", ended}} {
		b.ReportMetric(ms(percentile(m.ds, 0.5)), m.name+"-p50-ms")
		b.ReportMetric(ms(percentile(m.ds, 0.99)), m.name+"-p99-ms")
	}
	b.ReportMetric(0, "ns/op") // an iteration is a scripted scenario, not a unit of work
}
