package ui

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/atosim"
	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/credstore/credstoretest"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

// testNow is the fixed clock of every test: content stays the same from
// one run to the next.
var testNow = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

const testPassword = "Correct-Horse9!"

func TestMain(m *testing.M) {
	// Dates are shown in local time; pin it so output is the same anywhere.
	time.Local = time.UTC
	os.Exit(m.Run())
}

// uiLoop stands in for the UI goroutine: the test goroutine drains what
// background work posts, so widgets are only ever touched by the test
// goroutine (Fyne's test driver would run fyne.Do inline, racing).
type uiLoop struct {
	mu     sync.Mutex
	queue  []func()
	signal chan struct{}
}

func newUILoop() *uiLoop { return &uiLoop{signal: make(chan struct{}, 1)} }

func (l *uiLoop) post(fn func()) {
	l.mu.Lock()
	l.queue = append(l.queue, fn)
	l.mu.Unlock()
	select {
	case l.signal <- struct{}{}:
	default:
	}
}

// drain runs everything posted so far.
func (l *uiLoop) drain() {
	for {
		l.mu.Lock()
		q := l.queue
		l.queue = nil
		l.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for _, fn := range q {
			fn()
		}
	}
}

// until drains posted work until cond holds, failing after a while.
func (l *uiLoop) until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		l.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		select {
		case <-l.signal:
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// brokenKeyring answers reads (it finds nothing) but fails every write and
// delete, as a keychain that goes wrong once the ATO has accepted would: a
// fault that cannot be caused on purpose with a real one. (An absent
// keychain is found before anything is sent: registrar's tests.)
type brokenKeyring struct{}

func (brokenKeyring) Set(string, string, string) error { return errKeyringDown }
func (brokenKeyring) Get(string, string) (string, error) {
	return "", credstore.ErrNotFound
}
func (brokenKeyring) Delete(string, string) error { return errKeyringDown }

var errKeyringDown = &keyringDown{}

type keyringDown struct{}

func (*keyringDown) Error() string { return "the keyring service is not running" }

// realSecretService reports whether the harness script set up a throw-away
// Secret Service for this run.
func realSecretService() bool { return os.Getenv("DCRWIZARD_SECRET_SERVICE") == "1" }

type harness struct {
	t     *testing.T
	app   fyne.App
	w     *Wizard
	loop  *uiLoop
	sim   *atosim.Simulator
	srv   *httptest.Server
	env   flow.Environment
	store *credstore.Store
	dir   string

	practiceSim *atosim.Simulator // set once Practice mode starts
}

type harnessOpts struct {
	keyring credstore.Keyring // nil: real Secret Service when set up, else in memory
	before  func(a fyne.App)  // runs before New (preferences)
	config  func(c *Config)   // changes the Config before New (setup files)
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	h := &harness{t: t, loop: newUILoop(), dir: t.TempDir()}
	h.app = test.NewTempApp(t)
	clock := func() time.Time { return testNow }
	sim, err := atosim.New(atosim.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	h.sim = sim
	h.srv = httptest.NewServer(sim.Handler())
	t.Cleanup(h.srv.Close)
	ep := sim.Endpoints(h.srv.URL)
	h.env = flow.Custom(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope)
	h.env.Label = "Test ATO (simulator)"

	storeDir := filepath.Join(h.dir, "store")
	switch {
	case o.keyring != nil:
		h.store = credstore.NewWithKeyring(storeDir, o.keyring)
	case realSecretService():
		h.store = credstore.New(storeDir)
	default:
		h.store = credstore.NewWithKeyring(storeDir, &credstoretest.Keyring{})
	}
	if o.before != nil {
		o.before(h.app)
	}
	practiceDir := filepath.Join(h.dir, "practice")
	cfg := Config{
		Version:      "test",
		Store:        h.store,
		Now:          clock,
		Environments: []flow.Environment{flow.Sandbox, flow.Production, h.env},
		Timeout:      10 * time.Second,
		DefaultName:  "Front desk PC",
		PracticeDir:  practiceDir,
		post:         h.loop.post,
		tick:         20 * time.Millisecond,
		startPractice: func(dir string) (*practiceRun, error) {
			p, sim, err := startTestPractice(dir, clock)
			h.practiceSim = sim // read by the test only after the UI saw the result
			return p, err
		},
	}
	if o.config != nil {
		o.config(&cfg)
	}
	h.w = New(h.app, cfg)
	h.w.win.Resize(startWindowSize)
	t.Cleanup(func() {
		h.w.shutdown()
		// A job still running (a list being read, a note written) must not
		// write in the test's folder while it is removed ("directory not
		// empty"). Bounded: a job held by a network wait ends with the run.
		ended := make(chan struct{})
		go func() { h.w.bg.Wait(); close(ended) }()
		select {
		case <-ended:
		case <-time.After(time.Minute):
		}
		h.loop.drain()
	})
	h.loop.drain()
	return h
}

// startTestPractice is Practice mode on a fixed clock, over real HTTP.
func startTestPractice(dir string, clock func() time.Time) (*practiceRun, *atosim.Simulator, error) {
	sim, err := atosim.New(atosim.Options{Now: clock, APIKeys: []string{"PRACTICEkey0123456789abcdef"}})
	if err != nil {
		return nil, nil, err
	}
	srv, err := atosim.Start(sim, "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	demo, err := sim.WriteDemo(dir, atosim.DemoPassword)
	if err != nil {
		_ = srv.Close()
		return nil, nil, err
	}
	key, err := consumerkey.New(sim.APIKey(), consumerkey.Practice)
	if err != nil {
		_ = srv.Close()
		return nil, nil, err
	}
	ep := srv.Endpoints()
	return &practiceRun{
		Env:         flow.Practice(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope),
		Demo:        demo,
		ConsumerKey: key,
		Close:       srv.Close,
		Rehearse: func(dir string) (atosim.Demo, error) {
			return sim.WriteRenewedDemo(dir, atosim.DemoPassword, true)
		},
		SetLifecycle: sim.SetLifecycle,
	}, sim, nil
}

// writeKeystore issues credentials from the simulator's CA and writes them
// as an ATO keystore.xml protected by testPassword.
func (h *harness) writeKeystore(name string, creds ...*m2m.Credential) string {
	h.t.Helper()
	data, err := m2m.MarshalKeystore(creds, testPassword)
	if err != nil {
		h.t.Fatal(err)
	}
	path := filepath.Join(h.dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		h.t.Fatal(err)
	}
	return path
}

// issue makes a credential valid from a year before the clock until
// notAfter.
func (h *harness) issue(id, name string, notAfter time.Time) *m2m.Credential {
	h.t.Helper()
	c, err := h.sim.IssueCredential(id, "80000000001", name, testNow.AddDate(-1, 0, 0), notAfter)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// goodKeystore is a keystore with one credential valid for two years.
func (h *harness) goodKeystore() string {
	return h.writeKeystore("keystore.xml", h.issue("ABRD:80000000001_TestMachine", "Test Machine", testNow.AddDate(2, 0, 0)))
}

// key sends a key press the way the driver does: to the focused widget,
// else to the canvas.
func (h *harness) key(name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	c := h.w.win.Canvas()
	if f := c.Focused(); f != nil {
		if k, ok := f.(desktop.Keyable); ok {
			k.KeyDown(ev) // a press: the key goes down, then is typed
		}
		f.TypedKey(ev)
		return
	}
	if fn := c.OnTypedKey(); fn != nil {
		fn(ev)
	}
}

// next taps Next, which must be enabled.
func (h *harness) next() {
	h.t.Helper()
	if h.w.nextBtn.Disabled() {
		h.t.Fatalf("Next is disabled on %s: %q", h.w.step, h.w.hint.Text)
	}
	test.Tap(h.w.nextBtn)
	h.loop.drain()
}

func (h *harness) wantStep(s step) {
	h.t.Helper()
	if h.w.step != s {
		h.t.Fatalf("on step %s, want %s (hint %q)", h.w.step, s, h.w.hint.Text)
	}
}

// drop drops a file on the window.
func (h *harness) drop(path string) {
	h.w.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(path)})
	h.loop.drain()
}

// openKeystore goes to the Credential step, drops the file, types the
// password and presses Enter, then waits for the file to be read.
func (h *harness) openKeystore(path, password string) {
	h.t.Helper()
	if h.w.step == stepWelcome {
		h.next()
	}
	h.wantStep(stepCredential)
	h.drop(path)
	pw := h.w.credential.password
	pw.SetText("")
	test.Type(pw, password)
	h.w.win.Canvas().Focus(pw)
	h.key(fyne.KeyReturn)
	h.loop.until(h.t, "the credential file to open", func() bool { return !h.w.credential.opening })
}

// chooseEnv selects the environment option whose label contains part.
func (h *harness) chooseEnv(part string) {
	h.t.Helper()
	for _, o := range h.w.environment.options {
		if strings.Contains(o.label, part) {
			h.w.environment.radio.SetSelected(o.label)
			h.loop.drain()
			return
		}
	}
	h.t.Fatalf("no environment option %q", part)
}

// typeDetails replaces the consumer key and name by typing.
func (h *harness) typeDetails(apiKey, name string) {
	d := &h.w.details
	d.apiKey.SetText("")
	test.Type(d.apiKey, apiKey)
	d.name.SetText("")
	test.Type(d.name, name)
}

// toReview drives a fresh wizard from Welcome to Review against the
// simulator.
func (h *harness) toReview(keystore, apiKey, name string) {
	h.t.Helper()
	h.openKeystore(keystore, testPassword)
	h.next()
	h.wantStep(stepEnvironment)
	h.chooseEnv(h.env.Label)
	h.next()
	h.wantStep(stepDetails)
	h.typeDetails(apiKey, name)
	h.next()
	h.wantStep(stepReview)
}

// register presses Register and waits for the outcome page.
func (h *harness) register() {
	h.t.Helper()
	h.next()
	h.loop.until(h.t, "the registration to finish", func() bool { return h.w.step == stepDone })
}

// texts is every label's text on the current page, for assertions.
func (h *harness) texts() string { return textsIn(h.w.views[h.w.step]) }

func (h *harness) wantText(parts ...string) {
	h.t.Helper()
	all := h.texts()
	for _, p := range parts {
		if !strings.Contains(all, p) {
			h.t.Errorf("page %s does not say %q; it says:\n%s", h.w.step, p, all)
		}
	}
}

type widgetButton = widget.Button

// testKey is a consumer key made the one way a Key is made.
func testKey(t testing.TB, raw string) consumerkey.Key {
	t.Helper()
	k, err := consumerkey.New(raw, consumerkey.Typed)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
