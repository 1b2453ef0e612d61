package registrar

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dcrwizard/flow"
)

// New makes the client from the CA file and passes every option on; a CA
// file that is not PEM is a ConnectionError (nothing sent), and a local
// action (Local) is not stopped by it.
func TestNewOptions(t *testing.T) {
	store := realStore(t)
	bad := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := New(Options{CAFile: bad, Store: store})
	var ce *ConnectionError
	if !errors.As(err, &ce) {
		t.Fatalf("New with a bad CA file: %v, want a *ConnectionError", err)
	}
	r, err := New(Options{CAFile: bad, Store: store, Local: true})
	if err != nil || r.Flow != nil {
		t.Fatalf("New(Local) = %+v, %v; want no client and no error", r, err)
	}
	clock := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	held := 0
	r, err = New(Options{Store: store, Now: clock, Offered: Offered{NoRead: true}, OnHold: func(flow.Step, bool) { held++ }})
	if err != nil {
		t.Fatal(err)
	}
	if r.Flow == nil || r.Flow.HTTP == nil || r.Store != store || !r.Offered.NoRead || !r.now().Equal(clock()) || !r.Flow.Now().Equal(clock()) {
		t.Fatalf("New did not pass its options on: %+v", r)
	}
	r.Flow.OnHold(flow.StepRead, true)
	if held != 1 {
		t.Fatal("OnHold not passed to the flow client")
	}
	if _, err := New(Options{}); err == nil {
		t.Fatal("New without a Store: no error")
	}
}
