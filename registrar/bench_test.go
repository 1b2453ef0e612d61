package registrar

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

// benchPractice is Practice mode (simulator on loopback, demo credential),
// started once for the benchmarks.
var benchPractice = sync.OnceValues(func() (*Practice, error) {
	dir, err := os.MkdirTemp("", "registrar-bench-")
	if err != nil {
		return nil, err
	}
	return StartPractice(dir)
})

// BenchmarkRegisterKeychain is one registration end to end as the wizard
// and the command line run it: pending record, the three ATO steps against
// the simulator over loopback, the keychain write and its read-back, on the
// real Secret Service (make bench runs it inside
// scripts/with-secret-service.sh). flow's BenchmarkRegister is the same
// without the pending record and the keychain.
func BenchmarkRegisterKeychain(b *testing.B) {
	if os.Getenv("DCRWIZARD_SECRET_SERVICE") != "1" {
		b.Skip("needs the throw-away Secret Service: run `make bench`")
	}
	p, err := benchPractice()
	if err != nil {
		b.Fatal(err)
	}
	ks, err := m2m.Open(p.Demo.KeystorePath, p.Demo.Password)
	if err != nil {
		b.Fatal(err)
	}
	cred, err := ks.Get(p.Demo.CredentialID)
	if err != nil {
		b.Fatal(err)
	}
	store := credstore.New(b.TempDir())
	in := Input{Env: p.Env, Credential: cred, ConsumerKey: p.ConsumerKey, InstanceName: "Bench"}
	ctx := context.Background()
	// window is the time from the ATO's answer to the values being in the
	// keychain and read back: a kill in it leaves a registration whose
	// token is lost (docs/RELIABILITY.md).
	var window, total []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		hc, err := flow.NewHTTPClient("", 0)
		if err != nil {
			b.Fatal(err)
		}
		r := Registrar{Flow: &flow.Client{HTTP: hc}, Store: store}
		var accepted, stored, started time.Time
		started = time.Now()
		res, err := r.Register(ctx, in, func(e flow.Event) {
			switch {
			case e.Step == flow.StepRegister && e.State == flow.StateDone:
				accepted = time.Now()
			case e.Step == flow.StepSave && e.State == flow.StateDone:
				stored = time.Now()
			}
		})
		window = append(window, stored.Sub(accepted))
		total = append(total, stored.Sub(started))
		if err != nil || !res.Stored {
			b.Fatalf("Register: stored=%v err=%v", res != nil && res.Stored, err)
		}
		hc.CloseIdleConnections()
		// Remove it again, untimed: a user has a handful of registrations,
		// not thousands, and the keychain's searches grow with its items.
		b.StopTimer()
		if err := store.Delete(ctx, res.Registration.ClientID); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	ms := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(window), "accepted-to-stored-p50-ms")
	b.ReportMetric(ms(total), "register-p50-ms")
}
