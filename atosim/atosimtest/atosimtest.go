// Package atosimtest starts the ATO simulator on loopback for other
// packages' tests: one call instead of New, Start, cleanup and a credential.
package atosimtest

import (
	"sync"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/m2m"
)

// Fixture is a running simulator and a credential it accepts.
type Fixture struct {
	Sim       *atosim.Simulator
	Server    *atosim.Server
	Endpoints atosim.Endpoints

	credOnce sync.Once
	cred     *m2m.Credential
	credErr  error
}

// Start runs a simulator with opts on 127.0.0.1 until the test ends.
func Start(tb testing.TB, opts atosim.Options) *Fixture {
	tb.Helper()
	sim, err := atosim.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := atosim.Start(sim, "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return &Fixture{Sim: sim, Server: srv, Endpoints: srv.Endpoints()}
}

// Credential is one the simulator accepts, valid from an hour ago for a
// year; made on first use (an RSA key is slow under -race).
func (f *Fixture) Credential(tb testing.TB) *m2m.Credential {
	tb.Helper()
	f.credOnce.Do(func() {
		now := time.Now()
		f.cred, f.credErr = f.Sim.IssueCredential("ABRD:80000000001_Test", "80000000001", "Test", now.Add(-time.Hour), now.AddDate(1, 0, 0))
	})
	if f.credErr != nil {
		tb.Fatal(f.credErr)
	}
	return f.cred
}

// CLIArgs are the `register --env custom` flags that point at this simulator,
// with its API key.
func (f *Fixture) CLIArgs() []string {
	ep := f.Endpoints
	return []string{"--env", "custom", "--token-url", ep.TokenURL, "--registration-url", ep.RegistrationURL,
		"--registration-client-id", ep.RegistrationClientID, "--scope", ep.Scope, "--api-key", f.Sim.APIKey()}
}
