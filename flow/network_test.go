package flow

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestTokenRetriedAfter503(t *testing.T) {
	f := newFakeATO(t)
	var n atomic.Int32
	f.token = func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			raw(503, "text/html", "<title>Service Unavailable</title>")(w, r)
			return
		}
		okToken(w, r)
	}
	ev := &events{}
	reg, err := newTestClient(ev).Register(context.Background(), request(f.env(), goodCredential(t)))
	if err != nil {
		t.Fatal(err)
	}
	if reg.ClientID == "" {
		t.Fatal("no client id")
	}
	tok, regHits := f.hits()
	if tok != 2 || regHits != 1 {
		t.Errorf("hits = %d token, %d register; want 2, 1", tok, regHits)
	}
	a1, a2 := f.forms[0]["client_assertion"][0], f.forms[1]["client_assertion"][0]
	if a1 == a2 {
		t.Error("the retry reused the JWT; each request needs a fresh one")
	}
	if !strings.Contains(ev.text(), "attempt 2 of 3") {
		t.Errorf("the retry is not in the log:\n%s", ev.text())
	}
	leakCheck(t, nil, ev, a1, a2)
}

// A connection that breaks before any answer is retried for the token.
func TestTokenRetriedAfterDroppedConnection(t *testing.T) {
	f := newFakeATO(t)
	var n atomic.Int32
	f.token = func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			hijackClose(w)
			return
		}
		okToken(w, r)
	}
	if _, err := newTestClient(&events{}).Register(context.Background(), request(f.env(), goodCredential(t))); err != nil {
		t.Fatal(err)
	}
	if tok, _ := f.hits(); tok != 3 {
		t.Errorf("token requests = %d, want 3", tok)
	}
}

func hijackClose(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

// A DCR request whose connection breaks after it was sent is not retried,
// and the error says when and for which name, so the user can check.
func TestRegisterDroppedAfterSent(t *testing.T) {
	f := newFakeATO(t)
	f.register = func(w http.ResponseWriter, r *http.Request) { hijackClose(w) }
	ev := &events{}
	c := newTestClient(ev)
	y, m, d := time.Now().Date()
	at := time.Date(y, m, d, 15, 4, 0, 0, time.Local)
	c.Now = func() time.Time { return at }
	cred := testCredential(t, at.Add(-time.Hour), at.AddDate(2, 0, 0))
	_, err := c.Register(context.Background(), request(f.env(), cred))
	fe := asError(t, err)
	if !fe.Unknown || fe.Kind != KindUnknownOutcome || fe.Step != StepRegister || fe.Status != 0 {
		t.Fatalf("got %+v", fe)
	}
	if _, reg := f.hits(); reg != 1 {
		t.Errorf("register requests = %d, want exactly 1", reg)
	}
	for _, want := range []string{"3:04 pm", "“Front desk PC”", "not known whether the registration was created"} {
		if !strings.Contains(adviceMessage(fe), want) {
			t.Errorf("Message() = %q, want %q in it", adviceMessage(fe), want)
		}
	}
	if !strings.Contains(adviceAction(fe), "Before trying again") || !strings.Contains(adviceAction(fe), "second registration") {
		t.Errorf("Action() = %q", adviceAction(fe))
	}
	leakCheck(t, err, ev)
}

// A DCR endpoint that cannot be reached was never sent to: a plain network
// error, not an unknown outcome.
func TestRegisterNotSentIsNotUnknown(t *testing.T) {
	f := newFakeATO(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := f.env()
	env.RegistrationURL = "http://" + addr + "/register"
	_, err = newTestClient(&events{}).Register(context.Background(), request(env, goodCredential(t)))
	fe := asError(t, err)
	if fe.Unknown || fe.Kind != KindNetwork || fe.Step != StepRegister {
		t.Errorf("got kind %q unknown %v step %q", fe.Kind, fe.Unknown, fe.Step)
	}
	if !strings.Contains(adviceMessage(fe), "127.0.0.1") || !strings.Contains(adviceAction(fe), "HTTPS_PROXY") {
		t.Errorf("Message %q / Action %q", adviceMessage(fe), adviceAction(fe))
	}
}

// blockUntilGone holds a request until the client gives up on it.
func blockUntilGone(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	t.Run("token", func(t *testing.T) {
		f := newFakeATO(t)
		f.token = blockUntilGone
		c := newTestClient(&events{})
		c.StepTimeout = 200 * time.Millisecond
		_, err := c.Register(context.Background(), request(f.env(), goodCredential(t)))
		fe := asError(t, err)
		if fe.Kind != KindTimeout || fe.Step != StepToken || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %+v", fe)
		}
		if tok, _ := f.hits(); tok != 1 {
			t.Errorf("a timeout was retried: %d token requests", tok)
		}
		if !strings.Contains(adviceMessage(fe), "did not answer in time") {
			t.Errorf("Message() = %q", adviceMessage(fe))
		}
	})
	t.Run("register", func(t *testing.T) {
		f := newFakeATO(t)
		f.register = blockUntilGone
		c := newTestClient(&events{})
		c.StepTimeout = 200 * time.Millisecond
		_, err := c.Register(context.Background(), request(f.env(), goodCredential(t)))
		fe := asError(t, err)
		if fe.Kind != KindUnknownOutcome || !fe.Unknown || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %+v", fe)
		}
		if !strings.Contains(adviceMessage(fe), "did not answer in time") || !strings.Contains(adviceMessage(fe), "Front desk PC") {
			t.Errorf("Message() = %q", adviceMessage(fe))
		}
	})
	t.Run("client timeout", func(t *testing.T) {
		// The http.Client's own timeout counts as a timeout too.
		f := newFakeATO(t)
		f.token = blockUntilGone
		c := newTestClient(&events{})
		c.HTTP = &http.Client{Timeout: 200 * time.Millisecond}
		_, err := c.Register(context.Background(), request(f.env(), goodCredential(t)))
		if fe := asError(t, err); fe.Kind != KindTimeout {
			t.Errorf("kind = %q (%v)", fe.Kind, fe.Err)
		}
	})
}

// cancelOn cancels ctx shortly after an event matching step/state.
func cancelOn(cancel context.CancelFunc, ev *events, step Step, state State) func(Event) {
	return func(e Event) {
		ev.add(e)
		if e.Step == step && e.State == state {
			time.AfterFunc(100*time.Millisecond, cancel)
		}
	}
}

func TestCancelMidStep(t *testing.T) {
	t.Run("during token request", func(t *testing.T) {
		f := newFakeATO(t)
		f.token = blockUntilGone
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ev := &events{}
		c := newTestClient(ev)
		c.OnEvent = cancelOn(cancel, ev, StepToken, StateStarted)
		_, err := c.Register(ctx, request(f.env(), goodCredential(t)))
		fe := asError(t, err)
		if fe.Kind != KindCancelled || fe.Step != StepToken || !errors.Is(err, context.Canceled) {
			t.Errorf("got %+v", fe)
		}
		if _, reg := f.hits(); reg != 0 {
			t.Error("registered after cancel")
		}
	})
	t.Run("during retry backoff", func(t *testing.T) {
		f := newFakeATO(t)
		f.token = raw(503, "", "")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ev := &events{}
		c := newTestClient(ev)
		c.RetryBackoff = time.Hour // only the cancel can end the wait
		c.OnEvent = cancelOn(cancel, ev, StepToken, StateStarted)
		_, err := c.Register(ctx, request(f.env(), goodCredential(t)))
		fe := asError(t, err)
		if fe.Kind != KindCancelled || !errors.Is(err, context.Canceled) {
			t.Errorf("got %+v", fe)
		}
	})
	t.Run("during DCR request", func(t *testing.T) {
		f := newFakeATO(t)
		f.register = blockUntilGone
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ev := &events{}
		c := newTestClient(ev)
		c.OnEvent = cancelOn(cancel, ev, StepRegister, StateStarted)
		_, err := c.Register(ctx, request(f.env(), goodCredential(t)))
		fe := asError(t, err)
		if fe.Kind != KindUnknownOutcome || !fe.Unknown || !errors.Is(err, context.Canceled) {
			t.Errorf("got %+v", fe)
		}
		if !strings.Contains(adviceMessage(fe), "You stopped at") {
			t.Errorf("Message() = %q", adviceMessage(fe))
		}
	})
	t.Run("before start", func(t *testing.T) {
		f := newFakeATO(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := newTestClient(&events{}).Register(ctx, request(f.env(), goodCredential(t)))
		if fe := asError(t, err); fe.Kind != KindCancelled {
			t.Errorf("kind = %q", fe.Kind)
		}
		if tok, _ := f.hits(); tok != 0 {
			t.Error("sent after cancel")
		}
	})
}

func TestDNSFailure(t *testing.T) {
	env := Custom("https://dcrwizard-test.invalid/token", "https://dcrwizard-test.invalid/dcr", "id", "scope")
	c := newTestClient(&events{})
	c.HTTP = &http.Client{Transport: &http.Transport{}} // no proxy from the environment
	_, err := c.Register(context.Background(), request(env, goodCredential(t)))
	fe := asError(t, err)
	if fe.Kind != KindDNS {
		t.Fatalf("kind %q: %v", fe.Kind, fe.Err)
	}
	if !strings.Contains(adviceMessage(fe), "could not find dcrwizard-test.invalid") {
		t.Errorf("Message() = %q", adviceMessage(fe))
	}
}
