package flow

import (
	"context"
	"net/http"
	"strings"
	"time"

	"dcrwizard/consumerkey"
	"dcrwizard/m2m"
)

// StepVerify and StepHeartbeat prove a registration usable: a token as the
// new client, then the DSG Health Check heartbeat with it.
const (
	StepVerify    Step = "verify"
	StepHeartbeat Step = "heartbeat"
)

// VerifyRequest names a registered client and the credential it was
// registered with.
type VerifyRequest struct {
	Env         Environment // TokenURL, VerifyScope and HeartbeatURL are used
	Credential  *m2m.Credential
	ClientID    string
	ConsumerKey consumerkey.Key // sent as apikey to the heartbeat; the zero Key leaves it out
}

// Verification is what the test proved. It never holds the token.
type Verification struct {
	ClientID      string
	TokenLifetime time.Duration // 0 when the server did not say
	Scope         string        // as granted, else as asked for ("" = the server's default)
	HeartbeatURL  string        // "" when no heartbeat was called
	At            time.Time
}

// Verify gets an access token as the registered client — a private-key JWT
// with iss = sub = ClientID, aud = the token endpoint and the same signing
// certificate in x5c, client credentials grant (ato-facts.md §9) — and, when
// the environment names one, calls the heartbeat with it. A token is asked
// for once (the token step's own retries aside); nothing is changed at the
// ATO, so the caller may run it as often as it likes.
func (c *Client) Verify(ctx context.Context, r VerifyRequest) (*Verification, error) {
	tok, err := c.clientToken(ctx, StepVerify, r)
	if err != nil {
		return nil, err
	}
	v := &Verification{ClientID: r.ClientID, TokenLifetime: tok.expiresIn, Scope: tok.scope, At: c.now()}
	if v.Scope == "" {
		v.Scope = r.Env.VerifyScope
	}
	if r.Env.HeartbeatURL == "" {
		return v, nil
	}
	if err := c.heartbeat(ctx, r, tok); err != nil {
		return v, err
	}
	v.HeartbeatURL = r.Env.HeartbeatURL
	return v, nil
}

// ClientToken is an access token for the registered client, for a support
// person testing an ATO API by hand. The token is a secret: the caller
// shows it only where it was asked for.
func (c *Client) ClientToken(ctx context.Context, r VerifyRequest) (token string, lifetime time.Duration, err error) {
	tok, err := c.clientToken(ctx, StepVerify, r)
	if err != nil {
		return "", 0, err
	}
	return tok.value, tok.expiresIn, nil
}

func (c *Client) clientToken(ctx context.Context, step Step, r VerifyRequest) (*accessToken, error) {
	if err := c.checkVerify(r); err != nil {
		return nil, c.fail(err)
	}
	// The registered client signs in as itself: its id in iss and sub.
	env := r.Env
	env.RegistrationClientID = r.ClientID
	env.Scope = r.Env.VerifyScope
	req := Request{Env: env, Credential: r.Credential, ConsumerKey: r.ConsumerKey}
	assertion, err := newAssertion(r.Credential, env, c.now())
	if err != nil {
		return nil, c.fail(&Error{Step: StepSign, Kind: KindCredential, Err: err})
	}
	return c.tokenAt(ctx, step, req, assertion)
}

func (c *Client) checkVerify(r VerifyRequest) *Error {
	switch {
	case strings.TrimSpace(r.ClientID) == "":
		return &Error{Step: StepCheck, Kind: KindInput, Err: ErrNoClientID}
	case r.Credential == nil || r.Credential.Certificate == nil || r.Credential.PrivateKey == nil:
		return &Error{Step: StepCheck, Kind: KindCredential, Err: ErrNoPrivateKey}
	}
	// The trust rules (trust.go); the registration endpoint may be unknown
	// for a registration stored before its addresses were kept.
	if err := r.Env.checkTrust(extraCA(c.HTTP), false); err != nil {
		return &Error{Step: StepCheck, Kind: KindInput, Err: err}
	}
	return nil
}

// heartbeat calls the DSG Health Check heartbeat, which "checks your
// connection to DSG via authentication only".
func (c *Client) heartbeat(ctx context.Context, r VerifyRequest, tok *accessToken) error {
	host := hostOf(r.Env.HeartbeatURL)
	c.emit(Event{Step: StepHeartbeat, State: StateStarted, Host: host})
	header := http.Header{"Authorization": {"Bearer " + tok.value}, "Accept": {"application/json"}}
	// The consumer key goes to the registration endpoint's own host only
	// (trust.go): the ATO's heartbeat is there; another host gets none.
	if !r.ConsumerKey.IsZero() && sameHost(r.Env.HeartbeatURL, r.Env.RegistrationURL) {
		header.Set("Apikey", r.ConsumerKey.Header())
	}
	cl := call{step: StepHeartbeat, method: http.MethodGet, url: r.Env.HeartbeatURL, header: header,
		secrets: redactor{r.ConsumerKey.Header(), tok.value}}
	resp, e := c.do(ctx, cl)
	if e != nil {
		return c.fail(e)
	}
	if resp.status/100 != 2 {
		return c.fail(c.httpError(cl, resp))
	}
	c.emit(Event{Step: StepHeartbeat, State: StateDone, Host: host, TLSVersion: resp.tlsVersion})
	return nil
}
