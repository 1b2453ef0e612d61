package ui

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
)

// lineBreakServer is the harness's simulator behind a server that puts line
// breaks into the client id of the registration's answer and into the name
// of the RFC 7592 read's answer.
type lineBreakServer struct {
	mu     sync.Mutex
	target http.Handler
}

const evilClientID = "abc\nFORGED Registered in production"

func (s *lineBreakServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	target := s.target
	s.mu.Unlock()
	rec := httptest.NewRecorder()
	target.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	var v map[string]any
	if strings.HasPrefix(r.URL.Path, atosim.RegistrationPath) && json.Unmarshal(body, &v) == nil && v["client_id"] != nil {
		v["client_id"] = evilClientID
		if r.Method == http.MethodGet {
			v["client_name"] = "Front desk\nFORGED name"
		}
		body, _ = json.Marshal(v)
	}
	for k, vs := range rec.Header() {
		if k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	w.Header().Set("Date", testNow.UTC().Format(http.TimeFormat)) // the simulator's clock
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

// labelsWithLineBreaks lists the labels under o whose text holds a line
// break from a value (a value shown as it is draws a line of its own).
func labelsWithLineBreaks(o fyne.CanvasObject) []string {
	var bad []string
	eachObject(o, func(o fyne.CanvasObject) bool {
		switch v := o.(type) {
		case *widget.Label:
			if strings.Contains(v.Text, "\nFORGED") {
				bad = append(bad, v.Text)
			}
			return false
		case *widget.RichText:
			if strings.Contains(v.String(), "\nFORGED") {
				bad = append(bad, v.String())
			}
			return false
		}
		return true
	})
	return bad
}

// The Credential, Review and Done pages and the Registrations card show a
// keystore file name, credential id and name, client id and name at the ATO
// holding line breaks each on one line.
func TestValuesWithLineBreaksStayOnOneLine(t *testing.T) {
	evil := &lineBreakServer{}
	srv := httptest.NewServer(evil)
	t.Cleanup(srv.Close)
	h := newHarness(t, harnessOpts{config: func(c *Config) {
		to, _ := url.Parse(srv.URL)
		for i, env := range c.Environments {
			if env.Label != "Test ATO (simulator)" {
				continue
			}
			for _, u := range []*string{&env.TokenURL, &env.RegistrationURL} {
				p, _ := url.Parse(*u)
				p.Host = to.Host
				*u = p.String()
			}
			c.Environments[i] = env
		}
	}})
	evil.mu.Lock()
	evil.target = h.sim.Handler()
	evil.mu.Unlock()

	keystore := h.writeKeystore("keystore\nFORGED.xml", h.issue("ABRD:80000000001_Desk\nFORGED credential", "Test\nFORGED Machine", testNow.AddDate(2, 0, 0)))
	h.toReview(keystore, h.sim.APIKey(), "Front desk")
	for _, s := range []step{stepCredential, stepReview} {
		if bad := labelsWithLineBreaks(h.w.views[s]); len(bad) > 0 {
			t.Errorf("%s: labels show a value's line break: %q", s, bad)
		}
	}
	h.register()
	h.openTechnicalDetails() // the values are technical details
	if !strings.Contains(h.texts(), `abc\u000aFORGED`) {
		t.Fatalf("the Done page does not show the client id escaped:\n%s", h.texts())
	}
	if bad := labelsWithLineBreaks(h.w.views[stepDone]); len(bad) > 0 {
		t.Errorf("Done: labels show a value's line break: %q", bad)
	}

	h.w.registrations.open()
	h.loop.until(t, "the list of registrations", func() bool { return !h.w.registrations.loading })
	c := h.card(evilClientID)
	h.checkWorks(c, "the check")
	test.Tap(findButton(t, c.result, "Technical details")) // the name at the ATO is a technical detail
	if !strings.Contains(textsIn(c.box)+textsIn(c.result), `Front desk\u000aFORGED name`) {
		t.Errorf("the card does not show the name at the ATO escaped:\n%s%s", textsIn(c.box), textsIn(c.result))
	}
	for what, o := range map[string]fyne.CanvasObject{"card": c.box, "check result": c.result} {
		if bad := labelsWithLineBreaks(o); len(bad) > 0 {
			t.Errorf("Registrations %s: labels show a value's line break: %q", what, bad)
		}
	}
}

// The note of unfinished registrations shown at start: a name, client id,
// receipt and renewed credential id holding line breaks are each one line.
func TestPendingNoteValuesStayOnOneLine(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	started := time.Date(2024, 9, 12, 10, 15, 0, 0, time.UTC)
	p := credstore.Pending{Name: "Back office\nFORGED name", Environment: "production", Started: started}
	id, err := h.store.BeginPending(p)
	if err != nil {
		t.Fatal(err)
	}
	p.ID, p.ClientID, p.Receipt, p.Accepted = id, "7c9e\nFORGED id", "63\nFORGED receipt", started.Add(time.Second)
	if err := h.store.MarkAccepted(p); err != nil {
		t.Fatal(err)
	}
	renew := credstore.Pending{Name: "Desk\nFORGED renew", Environment: "production", Started: started, Action: credstore.PendingRenew,
		ClientID: "8d1f\nFORGED", CredentialID: "ABRD:1_X\nFORGED credential"}
	if _, err := h.store.BeginPending(renew); err != nil {
		t.Fatal(err)
	}
	w := New(h.app, Config{Store: h.store, Now: h.w.cfg.Now, post: h.loop.post, DefaultName: "x"})
	defer w.shutdown()
	h.loop.until(t, "the note", func() bool { return w.win.Canvas().Overlays().Top() != nil })
	h.loop.drain()
	top := w.win.Canvas().Overlays().Top()
	if say := textsIn(top); !strings.Contains(say, `7c9e\u000aFORGED id`) || !strings.Contains(say, `ABRD:1_X\u000aFORGED credential`) ||
		!strings.Contains(say, `registration Desk\u000aFORGED renew (client ID 8d1f\u000aFORGED`) {
		t.Errorf("the note does not show the values escaped:\n%s", say)
	}
	if bad := labelsWithLineBreaks(top); len(bad) > 0 {
		t.Errorf("the note's labels show a value's line break: %q", bad)
	}
}
