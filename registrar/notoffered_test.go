package registrar

import (
	"context"
	"dcrwizard/consumerkey"
	"dcrwizard/guidance"
	"errors"
	"strings"
	"testing"

	"dcrwizard/atosim"
	"dcrwizard/flow"
)

// An ATO without RFC 7592 (the simulator with its lifecycle switched off:
// GET is the gateway's 404, PUT and DELETE 405): every call is "not
// offered", nothing is lost, and nothing says the registration is gone.
func TestLifecycleNotOffered(t *testing.T) {
	sim, r, res := lifecycleFixture(t, atosim.Options{NoLifecycle: true})
	ctx := context.Background()
	id := res.Registration.ClientID

	_, err := r.Check(ctx, id)
	if op, ok := NotOffered(err); !ok || op != OpRead {
		t.Fatalf("Check = %v, want not offered (read)", err)
	}
	var fe *flow.Error
	if !errors.As(err, &fe) || fe.Status != 404 {
		t.Fatalf("Check = %v, want the ATO's 404 kept", err)
	}
	for _, s := range []string{err.Error(), guidance.For(fe).Message(), guidance.For(fe).Action()} {
		low := strings.ToLower(s)
		if strings.Contains(low, "register it again") || strings.Contains(low, "may have been removed") || strings.Contains(low, "no registration at this address") {
			t.Errorf("a registration that exists is reported gone: %q", s)
		}
	}

	_, err = r.Rename(ctx, id, "New name")
	var no *NotOfferedError
	if !errors.As(err, &no) || no.Op != OpUpdate || no.Name != "New name" {
		t.Fatalf("Rename = %v, want not offered with the new name", err)
	}
	rec, err := r.RenameHere(ctx, id, "New name")
	if err != nil || rec.Name != "New name" {
		t.Fatalf("RenameHere = %+v, %v", rec, err)
	}
	if got := sim.Clients()[0].Name; got != "Original" {
		t.Errorf("the ATO's name changed to %q", got)
	}

	err = r.Remove(ctx, id)
	if op, ok := NotOffered(err); !ok || op != OpDelete || !errors.Is(err, ErrRemovalNotAllowed) {
		t.Fatalf("Remove = %v, want not offered (delete)", err)
	}
	if got, _, err := r.Store.Get(ctx, id); err != nil || got.Name != "New name" {
		t.Fatalf("the local registration changed: %+v %v", got, err)
	}
	if len(sim.Clients()) != 1 {
		t.Fatal("the ATO lost the registration")
	}
}

// The gateway may answer 501 too, or name the status only in its code.
func TestNotOfferedShapes(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&flow.Error{Step: flow.StepRead, Status: 404, Code: "404-01"}, true},
		{&flow.Error{Step: flow.StepUpdate, Status: 405}, true},
		{&flow.Error{Step: flow.StepDelete, Status: 501}, true},
		{&flow.Error{Step: flow.StepRead, Status: 400, Code: "405-01"}, true},
		{&flow.Error{Step: flow.StepRead, Status: 401}, false},
		{&flow.Error{Step: flow.StepRegister, Status: 404}, false},
		{&flow.Error{Step: flow.StepRead, Status: 500}, false},
	} {
		if got := flow.NotOffered(c.err); got != c.want {
			t.Errorf("NotOffered(%v) = %v", c.err, got)
		}
	}
}

// What a vendor's setup file says the ATO does not offer is not tried.
func TestOfferedSkipsCalls(t *testing.T) {
	sim, r, res := lifecycleFixture(t, atosim.Options{})
	ctx := context.Background()
	id := res.Registration.ClientID
	r.Offered = Offered{NoRead: true, NoUpdate: true, NoDelete: true}
	before := len(sim.Requests())
	if _, err := r.Check(ctx, id); !isNotOffered(err, OpRead) {
		t.Fatalf("Check = %v", err)
	}
	if _, err := r.Rename(ctx, id, "Other"); !isNotOffered(err, OpUpdate) {
		t.Fatalf("Rename = %v", err)
	}
	if err := r.Remove(ctx, id); !isNotOffered(err, OpDelete) || !strings.Contains(err.Error(), "setup file") {
		t.Fatalf("Remove = %v", err)
	}
	if n := len(sim.Requests()) - before; n != 0 {
		t.Fatalf("%d requests were sent for calls the setup file says are not offered", n)
	}
	if _, _, err := r.Store.Get(ctx, id); err != nil {
		t.Fatal(err)
	}
}

func isNotOffered(err error, want Op) bool {
	op, ok := NotOffered(err)
	return ok && op == want
}

// Renewing in place needs read and update: without them the registrar
// says so in plain words and the way on is registering again.
func TestRenewNotOfferedRegistersAgain(t *testing.T) {
	rf := newRenewFixture(t, atosim.Options{})
	rf.sim.SetLifecycle(false)
	ctx := context.Background()
	_, err := rf.r.Renew(ctx, RenewInput{ClientID: rf.clientID, Credential: rf.renewed}, nil)
	var refused *UpdateRefusedError
	if !errors.As(err, &refused) || !isNotOffered(err, OpUpdate) {
		t.Fatalf("Renew = %v, want an update refusal: not offered", err)
	}
	if msg := guidance.Words(err); !strings.Contains(msg, "does not offer changing a registration") || !strings.Contains(msg, "register this installation again") {
		t.Errorf("renewal refusal: %q", msg)
	}
	if notes, _ := rf.r.Store.Pending(); len(notes) != 0 {
		t.Errorf("pending notes left: %+v", notes)
	}
	again, err := rf.r.RegisterAgain(ctx, rf.clientID, rf.renewed, consumerkey.Key{}, nil)
	if err != nil || again.Result == nil || !again.Result.Stored || again.VerifyErr != nil || !again.OldMarked {
		t.Fatalf("register again: %+v %v", again, err)
	}
	if _, _, err := rf.r.Store.Get(ctx, rf.clientID); err != nil {
		t.Fatalf("the old registration was dropped: %v", err)
	}
}

// A setup file's "lifecycle" becomes what the Registrar does not try; only
// an explicit false turns a call off, and setup-check's rows say so.
func TestSetupLifecycleOffered(t *testing.T) {
	v := sandboxSetup()
	v["lifecycle"] = map[string]any{"read": false, "update": true}
	s, err := LoadSetup(writeSetup(t, v))
	if err != nil {
		t.Fatal(err)
	}
	if s.Offered != (Offered{NoRead: true}) {
		t.Fatalf("Offered = %+v", s.Offered)
	}
	var row string
	for _, r := range s.Summary("PC") {
		if r.Label == "Not offered by the ATO" {
			row = r.Value
		}
	}
	if !strings.HasPrefix(row, "check (read) —") {
		t.Errorf("summary row %q", row)
	}
	s, err = LoadSetup(writeSetup(t, sandboxSetup()))
	if err != nil || s.Offered != (Offered{}) {
		t.Fatalf("without lifecycle: %+v %v", s.Offered, err)
	}
	for _, r := range s.Summary("PC") {
		if r.Label == "Not offered by the ATO" {
			t.Error("a file without lifecycle shows a lifecycle row")
		}
	}
}
