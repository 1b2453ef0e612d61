// Package registrar runs one registration end to end — pending record, the
// three ATO steps, keychain, read-back — so that the wizard and the command
// line share a single path and neither can drop what the ATO returned.
package registrar

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/guidance"
	"dcrwizard/m2m"
)

// SaveTimeout bounds the keychain write after the ATO has answered. It is
// generous because an unlock prompt may be waiting for the user.
const SaveTimeout = 2 * time.Minute

// Input is what the user chose.
type Input struct {
	Env          flow.Environment
	Credential   *m2m.Credential
	ConsumerKey  consumerkey.Key
	InstanceName string
	// Vendor is recorded with the registration when a setup file was used.
	Vendor credstore.Vendor
}

// Result describes a registration the ATO accepted.
type Result struct {
	Registration *flow.Registration
	Record       credstore.Record
	// Stored is true only when every value was written to the keychain and
	// read back unchanged.
	Stored bool
	// Where names the keychain in plain words.
	Where string
	// PendingID is the pending record still open when Stored is false; the
	// caller clears it once the user has kept the values some other way.
	PendingID string
	// Warnings are plain-English notes to show with an accepted
	// registration: a registration client URI not taken as given, or the
	// shared name item that could not be updated. None means "not stored".
	Warnings []string
}

// Registrar joins flow and credstore. Make one with New.
type Registrar struct {
	Flow  *flow.Client
	Store *credstore.Store
	Now   func() time.Time
	// Offered is what the ATO offers of RFC 7592 (notoffered.go); the zero
	// value tries every call.
	Offered Offered
}

// Options are what both front ends know before they call the ATO: the
// connection (a client, or what makes one), the keychain, the clock, what
// the ATO offers and who is told when a call cannot be abandoned. Events
// are given per call (Register, Verify, …): each call has its own sink.
type Options struct {
	// HTTP is the client to use (the wizard's pre-connected one, a test's);
	// nil makes one with NewHTTPClient from CAFile and Timeout.
	HTTP *http.Client
	// NewHTTPClient makes the client when HTTP is nil; nil means
	// flow.NewHTTPClient (system roots plus CAFile, the proxy from
	// HTTPS_PROXY or Windows' settings).
	NewHTTPClient func(caFile string, timeout time.Duration) (*http.Client, error)
	CAFile        string
	Timeout       time.Duration // per request; 0: the context's only
	// Local: no call to the ATO will be made (forget, export), so no client
	// is made and a bad CA file cannot stop a local action.
	Local   bool
	Store   *credstore.Store
	Now     func() time.Time // nil: time.Now
	Offered Offered          // notoffered.go; zero tries every call
	// OnHold is flow.Client.OnHold: told when an RFC 7592 call that can no
	// longer be abandoned starts and ends (the command line says so on Ctrl-C).
	OnHold func(step flow.Step, held bool)
}

// ConnectionError: the connection settings (CA file, proxy) could not be
// used; nothing was sent.
type ConnectionError struct{ Err error }

func (e *ConnectionError) Error() string {
	return "the connection settings could not be used: " + e.Err.Error()
}
func (e *ConnectionError) Unwrap() error { return e.Err }

// New is the one way to make a Registrar, so that the wizard and the
// command line call the ATO with the same client settings.
func New(o Options) (*Registrar, error) {
	if o.Store == nil {
		return nil, errors.New("registrar: a Store is required")
	}
	r := &Registrar{Store: o.Store, Now: o.Now, Offered: o.Offered}
	if o.Local {
		return r, nil
	}
	hc := o.HTTP
	if hc == nil {
		mk := o.NewHTTPClient
		if mk == nil {
			mk = flow.NewHTTPClient
		}
		var err error
		if hc, err = mk(o.CAFile, o.Timeout); err != nil {
			return nil, &ConnectionError{err}
		}
	}
	r.Flow = &flow.Client{HTTP: hc, Now: o.Now, OnHold: o.OnHold}
	return r, nil
}

func (r *Registrar) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Register runs the registration. It returns a non-nil *Result whenever the
// ATO accepted the registration — even with a non-nil error, which then is a
// *credstore.NotStoredError: the caller must show the values to the user.
func (r *Registrar) Register(ctx context.Context, in Input, onEvent func(flow.Event)) (*Result, error) {
	if r.Flow == nil || r.Store == nil {
		return nil, errors.New("registrar: Flow and Store are required")
	}
	emit := func(e flow.Event) {
		if onEvent != nil {
			onEvent(e)
		}
	}
	// Before anything is sent: could what the ATO returns be kept? A
	// registration the ATO accepted must never be lost to a problem that
	// was there all along (a newer index.json, an absent keychain).
	if err := r.Store.Ready(ctx); err != nil {
		return nil, err
	}
	if err := r.Store.CheckName(ctx, in.Env.Name, strings.TrimSpace(in.InstanceName), ""); err != nil {
		return nil, err
	}
	reg, pending, err := r.sendNoted(ctx, in, emit)
	if err != nil {
		return nil, err
	}
	// First, before anything else can fail or the process be killed: keep
	// the non-secret part of the answer on disk. The token itself goes only
	// to the keychain.
	if pending.ID != "" {
		pending.ClientID, pending.RegistrationClientURI, pending.Receipt = reg.ClientID, reg.RegistrationClientURI, reg.Receipt
		_ = r.Store.MarkAccepted(pending) // best effort: the keychain write below is what counts
	}

	rec := recordOf(in, reg)
	res := &Result{Registration: reg, Record: rec, Where: r.Store.Where(), PendingID: pending.ID, Warnings: guidance.RegistrationWarnings(reg)}

	// The ATO has accepted: from here a user's Cancel must not stop us keeping
	// what it returned.
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), SaveTimeout)
	defer cancel()
	emit(flow.Event{Step: flow.StepSave, State: flow.StateStarted, Where: res.Where, At: r.now()})
	err = r.Store.Save(saveCtx, rec, credstore.Values{
		ClientID:                reg.ClientID,
		RegistrationAccessToken: reg.RegistrationAccessToken,
		RegistrationClientURI:   reg.RegistrationClientURI,
		ConsumerKey:             in.ConsumerKey, // for the RFC 7592 calls that manage it
	})
	var nameErr *credstore.NameItemError
	if errors.As(err, &nameErr) {
		// Stored: only the shared by-name entry lags behind.
		res.Warnings = append(res.Warnings, guidance.Text(nameErr))
		err = nil
	}
	if err != nil {
		emit(flow.Event{Step: flow.StepSave, State: flow.StateFailed, Where: res.Where, At: r.now()})
		return res, err
	}
	res.Stored = true
	if pending.ID != "" {
		if err := r.Store.ClearPending(pending.ID); err == nil {
			res.PendingID = ""
		}
	}
	emit(flow.Event{Step: flow.StepSave, State: flow.StateDone, Where: res.Where, At: r.now()})
	return res, nil
}

// sendNoted runs the flow's token request and DCR POST with a pending note
// on disk before the POST, and returns the ATO's answer and the note (its ID
// "" if none was written). When the registration fails, the note is cleared
// only if the failure proves nothing was created.
func (r *Registrar) sendNoted(ctx context.Context, in Input, onEvent func(flow.Event)) (*flow.Registration, credstore.Pending, error) {
	fc := *r.Flow
	fc.OnEvent = onEvent
	// The pending note must be on disk before the DCR POST, not before the
	// token request, which creates nothing: it is written beside the
	// signing and the token request (an fsync off the user's wait), and
	// the POST waits for it.
	var pending credstore.Pending
	noted := make(chan error, 1)
	go func() { noted <- r.notePending(in, &pending) }()
	waitNoted := sync.OnceValue(func() error { return <-noted })
	fc.BeforeRegister = func(context.Context) error { return waitNoted() }

	reg, err := fc.Register(ctx, flow.Request{
		Env:          in.Env,
		Credential:   in.Credential,
		ConsumerKey:  in.ConsumerKey,
		InstanceName: in.InstanceName,
	})
	notedErr := waitNoted() // nothing is left running, and pending is settled
	if err != nil {
		// Only a refusal proves nothing was created; with an unknown outcome
		// the pending record stays, so the next start asks the user to check.
		var fe *flow.Error
		if notedErr == nil && pending.ID != "" && !(errors.As(err, &fe) && fe.Unknown) {
			_ = r.Store.ClearPending(pending.ID)
		}
		return nil, pending, err
	}
	return reg, pending, nil
}

// recordOf is the index entry for registration reg made from in.
func recordOf(in Input, reg *flow.Registration) credstore.Record {
	rec := credstore.Record{
		Name:                  in.InstanceName,
		Environment:           in.Env.Name,
		ClientID:              reg.ClientID,
		RegistrationClientURI: reg.RegistrationClientURI,
		IssuedAt:              reg.IssuedAt,
		Receipt:               reg.Receipt,
		Vendor:                in.Vendor,
	}
	if _, preset := flow.Lookup(in.Env.Name); !preset {
		// Presets are known by name; other addresses are kept, so the
		// registration can be tested or made again later.
		rec.Endpoints = endpointsOf(in.Env)
	}
	setCertificate(&rec, in.Credential)
	return rec
}

// notePending writes the pending note of in's registration into *p.
func (r *Registrar) notePending(in Input, p *credstore.Pending) error {
	note := credstore.Pending{Name: in.InstanceName, Environment: in.Env.Name, Started: r.now()}
	if in.Credential != nil {
		note.CredentialID = in.Credential.ID
	}
	id, err := r.Store.BeginPending(note)
	if err != nil {
		return fmt.Errorf("could not note the registration before sending it: %w", err)
	}
	note.ID = id
	*p = note
	return nil
}
