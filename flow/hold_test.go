package flow_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/flow"
	"dcrwizard/guidance"
)

// liveToken reads registration id with token and returns the token to use
// next (the server rotates on every read), or "" when token is not the live one.
func liveToken(f *simFixture, id, token string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	reg, err := (&flow.Client{HTTP: &http.Client{}}).Read(ctx, f.srv.URL+atosim.RegistrationPath+"/"+id, token, flow.MustKey(f.sim.APIKey()))
	if err != nil {
		return ""
	}
	return reg.RegistrationAccessToken
}

// A Cancel (or a deadline) that comes after an RFC 7592 request went out does
// not abandon its answer: the answer may hold the only copy of a rotated
// registration access token.
func TestCancelAfterSendingKeepsTheAnswer(t *testing.T) {
	f := newSim(t, atosim.Options{RotateTokens: true})
	reg, err := f.c.Register(context.Background(), f.request("PC"))
	if err != nil {
		t.Fatal(err)
	}
	for _, how := range []string{"cancel", "deadline"} {
		f.sim.InjectFault(atosim.Fault{Kind: atosim.FaultLateAnswer, Endpoint: atosim.EndpointClient, Nth: 1, Delay: 700 * time.Millisecond})
		var held atomic.Int32
		c := *f.c
		c.OnHold = func(_ flow.Step, h bool) {
			if h {
				held.Add(1)
			}
		}
		var ctx context.Context
		var cancel context.CancelFunc
		if how == "cancel" {
			ctx, cancel = context.WithCancel(context.Background())
			go func() {
				// Once the request holds a connection, cancel.
				for held.Load() == 0 {
					time.Sleep(time.Millisecond)
				}
				time.Sleep(50 * time.Millisecond)
				cancel()
			}()
		} else {
			ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
		}
		got, err := c.Read(ctx, reg.RegistrationClientURI, reg.RegistrationAccessToken, flow.MustKey(f.sim.APIKey()))
		cancel()
		if err != nil {
			t.Fatalf("%s after sending: %v, want the late answer", how, err)
		}
		if got.RegistrationAccessToken == reg.RegistrationAccessToken {
			t.Fatalf("%s after sending: the answer has no new token", how)
		}
		next := liveToken(f, reg.ClientID, got.RegistrationAccessToken)
		if next == "" {
			t.Fatalf("%s after sending: the token of the late answer is not the live one", how)
		}
		reg.RegistrationAccessToken = next
	}
}

// A Cancel before the request has a connection abandons it at once: nothing
// was sent. The dial here never completes until the context ends.
func TestCancelBeforeSendingAbandons(t *testing.T) {
	dialled := make(chan struct{})
	c := &flow.Client{HTTP: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			close(dialled)
			<-ctx.Done()
			return nil, ctx.Err()
		},
	}}, StepTimeout: time.Minute}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-dialled; cancel() }()
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(ctx, "https://sandbox.api.ato.gov.au/idp/v1/relyingparties/abc", "token", flow.MustKey("key-0123456789abcdef"))
		done <- err
	}()
	select {
	case err := <-done:
		var fe *flow.Error
		if !errors.As(err, &fe) || fe.Kind != flow.KindCancelled || fe.Unknown || !fe.NotSent ||
			!strings.Contains(guidance.For(fe).Message(), "nothing was sent") {
			t.Fatalf("got %v, want cancelled with nothing sent", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a cancel before the connection did not end the wait")
	}
}

// An answer that never comes within the step's own limit, after the caller
// gave up, is an unknown outcome naming what to run.
func TestNoAnswerAfterSendingIsUnknown(t *testing.T) {
	f := newSim(t, atosim.Options{RotateTokens: true})
	reg, err := f.c.Register(context.Background(), f.request("PC"))
	if err != nil {
		t.Fatal(err)
	}
	f.sim.InjectFault(atosim.Fault{Kind: atosim.FaultLateAnswer, Endpoint: atosim.EndpointClient, Nth: 1, Delay: 10 * time.Second})
	c := *f.c
	c.StepTimeout = 300 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.Read(ctx, reg.RegistrationClientURI, reg.RegistrationAccessToken, flow.MustKey(f.sim.APIKey()))
	fe := flowError(t, err)
	if !fe.Unknown || fe.Kind != flow.KindUnknownOutcome {
		t.Fatalf("got %+v, want an unknown outcome", fe)
	}
	for _, want := range []string{"Check the registration with the ATO now", "no longer recognises"} {
		if !strings.Contains(guidance.For(fe).Action(), want) {
			t.Errorf("action %q lacks %q", guidance.For(fe).Action(), want)
		}
	}
	// The check is offered as a next step for this registration, which the
	// front ends name (cli: dcrwizard check ID; the wizard: its Check button).
	if next := nextOf(fe); !slices.Equal(next, []string{"check-registration " + reg.ClientID}) {
		t.Errorf("next steps %q, want the check of %s", next, reg.ClientID)
	}
	if strings.Contains(guidance.For(fe).Action(), "Nothing more will be sent") {
		t.Errorf("action says nothing more will be sent: %q", guidance.For(fe).Action())
	}
}
