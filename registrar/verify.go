package registrar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

// VerifyInput names a registration and the open credential it was made
// with. Env is where the registration signs in: the environment just used
// for a new one, or EnvironmentOf for a stored one.
type VerifyInput struct {
	Env        flow.Environment
	Credential *m2m.Credential
	ClientID   string
	APIKey     string // the consumer key, sent to the heartbeat when known
}

// Verify proves a registration usable: an access token as the registered
// client (and the heartbeat, where the environment names one). It changes
// nothing, here or at the ATO: a failed test never removes or hides what
// was stored. Both the wizard (after Register, and "Test the connection")
// and `dcrwizard verify` / `register --verify` call it.
func (r *Registrar) Verify(ctx context.Context, in VerifyInput, onEvent func(flow.Event)) (*flow.Verification, error) {
	if r.Flow == nil {
		return nil, errors.New("registrar: Flow is required")
	}
	fc := *r.Flow
	fc.OnEvent = onEvent
	fc.BeforeRegister = nil
	return fc.Verify(ctx, flow.VerifyRequest{Env: in.Env, Credential: in.Credential, ClientID: in.ClientID, APIKey: in.APIKey})
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
// Registrations screen's "Test the connection" and `dcrwizard verify` call it.
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
	return r.Verify(ctx, VerifyInput{Env: env, Credential: cred, ClientID: rec.ClientID, APIKey: vals.ConsumerKey}, onEvent)
}

// Warm pre-connects hc to env's hosts (flow.Preconnect) for the wizard's
// Review page: connections only, no request. Leaving the page, call
// flow.ClosePreconnected through Cool.
func Warm(ctx context.Context, hc *http.Client, env flow.Environment) { flow.Preconnect(ctx, hc, env) }

// Cool closes what Warm opened and no request used.
func Cool(hc *http.Client) { flow.ClosePreconnected(hc) }
