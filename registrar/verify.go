package registrar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

// VerifyInput names a registration and the open credential it was made
// with. Env is where the registration signs in: the environment just used
// for a new one, or EnvironmentOf for a stored one.
type VerifyInput struct {
	Env         flow.Environment
	Credential  *m2m.Credential
	ClientID    string
	ConsumerKey consumerkey.Key // sent to the heartbeat when known
}

// Verify proves a registration usable: an access token as the registered
// client (and the heartbeat, where the environment names one). It changes
// nothing, here or at the ATO: a failed test never removes or hides what
// was stored. Both the wizard (after Register, and "Check it works")
// and `dcrwizard verify` / `register --verify` call it.
func (r *Registrar) Verify(ctx context.Context, in VerifyInput, onEvent func(flow.Event)) (*flow.Verification, error) {
	if r.Flow == nil {
		return nil, errors.New("registrar: Flow is required")
	}
	fc := *r.Flow
	fc.OnEvent = onEvent
	fc.BeforeRegister = nil
	return fc.Verify(ctx, flow.VerifyRequest{Env: in.Env, Credential: in.Credential, ClientID: in.ClientID, ConsumerKey: in.ConsumerKey})
}

// ErrNoTokenEndpoint: a stored Practice or custom registration from before
// its addresses were kept; the caller must give the token endpoint.
var ErrNoTokenEndpoint = errors.New("this registration was stored without its sign-in address; give the token endpoint (--token-url)")

// EnvironmentOf is the environment a stored registration signs in to: a
// preset by name, else the addresses kept with it.
func EnvironmentOf(rec credstore.Record) (flow.Environment, error) {
	if env, ok := flow.Lookup(rec.Environment); ok {
		return env, nil
	}
	ep := rec.Endpoints
	if ep == nil || ep.TokenURL == "" {
		return flow.Environment{}, fmt.Errorf("registration %s (%s): %w", rec.ClientID, rec.Environment, ErrNoTokenEndpoint)
	}
	env := flow.Custom(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope)
	env.Name = rec.Environment
	env.VerifyScope, env.HeartbeatURL = ep.VerifyScope, ep.HeartbeatURL
	return env, nil
}

// endpointsOf is what is kept of a non-preset environment.
func endpointsOf(env flow.Environment) *credstore.Endpoints {
	return &credstore.Endpoints{
		TokenURL: env.TokenURL, RegistrationURL: env.RegistrationURL, RegistrationClientID: env.RegistrationClientID,
		Scope: env.Scope, VerifyScope: env.VerifyScope, HeartbeatURL: env.HeartbeatURL,
	}
}

// setCertificate records the credential a registration now holds.
func setCertificate(rec *credstore.Record, c *m2m.Credential) {
	if c == nil {
		return
	}
	rec.CredentialID, rec.CredentialABN, rec.CredentialSerial, rec.CredentialNotAfter = c.ID, c.ABN, c.Serial, c.NotAfter
	if c.Certificate != nil {
		sum := sha256.Sum256(c.Certificate.Raw)
		rec.CertificateDER, rec.CertificateSHA256 = c.Certificate.Raw, hex.EncodeToString(sum[:])
	}
}

// VerifyOverrides replace what a stored registration's environment says
// about its test ("" keeps it): for a custom environment, or one stored
// before its addresses were kept.
type VerifyOverrides struct {
	TokenURL, VerifyScope, HeartbeatURL string
}

// VerifyStored is Verify for a stored registration: its environment
// (EnvironmentOf, with o applied) and the consumer key kept with it. The
// Registrations screen's "Check it works" and `dcrwizard verify` call it.
func (r *Registrar) VerifyStored(ctx context.Context, clientID string, cred *m2m.Credential, o VerifyOverrides, onEvent func(flow.Event)) (*flow.Verification, error) {
	if r.Store == nil {
		return nil, errors.New("registrar: Store is required")
	}
	rec, vals, err := r.Store.Get(ctx, clientID)
	if err != nil {
		return nil, err
	}
	env, err := EnvironmentOf(rec)
	if err != nil && !(errors.Is(err, ErrNoTokenEndpoint) && o.TokenURL != "") {
		return nil, err
	}
	for _, v := range []struct {
		from string
		to   *string
	}{{o.TokenURL, &env.TokenURL}, {o.VerifyScope, &env.VerifyScope}, {o.HeartbeatURL, &env.HeartbeatURL}} {
		if v.from != "" {
			*v.to = v.from
		}
	}
	return r.Verify(ctx, VerifyInput{Env: env, Credential: cred, ClientID: rec.ClientID, ConsumerKey: vals.ConsumerKey}, onEvent)
}

// Tested is the test (Verify) made right after a change at the ATO.
type Tested struct {
	Verification *flow.Verification
	Err          error // the test failed; what was stored stays
	// Skipped: the caller cancelled before the test began, so nothing was
	// sent; Err is then the context's error.
	Skipped bool
}

// RegisterAndVerify is the one path from "register" to "it signs in":
// Register, then — only once every value is stored — Verify with the same
// open credential and consumer key. Tested is nil when nothing was stored
// (there is nothing to test: the caller shows the values to keep). A Cancel
// while saving skips the test; a Cancel during the test stops only the
// test, never what was stored. onStored, when set, is told as soon as the
// registration is stored, before the test starts. Result and error are
// Register's.
func (r *Registrar) RegisterAndVerify(ctx context.Context, in Input, onEvent func(flow.Event), onStored func(*Result)) (*Result, *Tested, error) {
	res, err := r.Register(ctx, in, onEvent)
	if res == nil || !res.Stored {
		return res, nil, err
	}
	if onStored != nil {
		onStored(res)
	}
	return res, r.verifyNew(ctx, VerifyInput{Env: in.Env, Credential: in.Credential,
		ClientID: res.Registration.ClientID, ConsumerKey: in.ConsumerKey}, onEvent), err
}

// verifyNew tests what was just stored (RegisterAndVerify, Renew): skipped
// when the caller has already cancelled.
func (r *Registrar) verifyNew(ctx context.Context, in VerifyInput, onEvent func(flow.Event)) *Tested {
	if err := ctx.Err(); err != nil {
		return &Tested{Err: err, Skipped: true}
	}
	v, err := r.Verify(ctx, in, onEvent)
	return &Tested{Verification: v, Err: err}
}
