package flow

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dcrwizard/internal/safetext"
	"dcrwizard/m2m"
)

// accessToken is the answer of step 2. The token itself is a secret.
type accessToken struct {
	value     string
	expiresIn time.Duration
	scope     string // as granted, when the server says
}

// token runs step 2, retrying on connection failure or 5xx with a fresh
// JWT each time. assertion is the JWT for the first attempt.
func (c *Client) token(ctx context.Context, r Request, assertion string) (*accessToken, error) {
	return c.tokenAt(ctx, StepToken, r, assertion)
}

// tokenAt is token for a step: StepToken for the registration client,
// StepVerify for a registered client proving itself (r.Env then names that
// client and the scope it asks for; "" leaves scope out).
func (c *Client) tokenAt(ctx context.Context, step Step, r Request, assertion string) (*accessToken, error) {
	host := hostOf(r.Env.TokenURL)
	c.emit(Event{Step: step, State: StateStarted, Host: host})
	secrets := redactor{r.ConsumerKey.Header(), assertion}
	backoff := c.RetryBackoff
	if backoff <= 0 {
		backoff = DefaultRetryBackoff
	}
	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			var err error
			if assertion, err = newAssertion(r.Credential, r.Env, c.now()); err != nil {
				return nil, c.fail(&Error{Step: StepSign, Kind: KindCredential, Err: err})
			}
			secrets = append(secrets, assertion)
		}
		form := url.Values{
			"grant_type":            {"client_credentials"},
			"scope":                 {r.Env.Scope},
			"client_assertion_type": {clientAssertionType},
			"client_assertion":      {assertion},
		}
		if r.Env.Scope == "" {
			form.Del("scope")
		}
		cl := call{
			step:   step,
			method: http.MethodPost,
			url:    r.Env.TokenURL,
			header: http.Header{
				"Content-Type": {"application/x-www-form-urlencoded"},
				"Accept":       {"application/json"},
			},
			body:    []byte(form.Encode()),
			secrets: secrets,
		}
		resp, e := c.do(ctx, cl)
		if e == nil && resp.status == http.StatusOK {
			tok, perr := parseToken(resp.body)
			if perr != nil {
				return nil, c.fail(&Error{Step: step, Status: resp.status, Kind: KindBadResponse, Host: host,
					Receipt: receiptOf(resp.header, secrets), Body: supportBody(secrets, resp.body), Err: perr})
			}
			c.emit(Event{Step: step, State: StateDone, Host: host, Lifetime: tok.expiresIn, TLSVersion: resp.tlsVersion})
			return tok, nil
		}
		if e == nil {
			e = c.httpError(cl, resp)
		}
		// Timeouts are not retried: the user has waited long enough.
		retry := e.Kind == KindNetwork || e.Kind == KindServer
		if !retry || attempt > maxTokenRetries {
			return nil, c.fail(e)
		}
		wait := backoff << (attempt - 1)
		c.emit(Event{Step: step, State: StateStarted, Host: host, Err: e, RetryIn: wait,
			Attempt: attempt + 1, Attempts: maxTokenRetries + 1})
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, c.fail(c.cancelled(step, ctx.Err()))
		case <-t.C:
		}
	}
}

// parseToken reads a token endpoint answer (RFC 6749 §5.1).
func parseToken(body []byte) (*accessToken, error) {
	var raw struct {
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
		TokenType   string          `json:"token_type"`
		Scope       string          `json:"scope"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("the token answer is not JSON: %w", err)
	}
	if raw.AccessToken == "" {
		return nil, errors.New("the token answer has no access_token")
	}
	if raw.TokenType != "" && !strings.EqualFold(raw.TokenType, "bearer") {
		return nil, fmt.Errorf("the token answer has token_type %q, not Bearer", raw.TokenType)
	}
	tok := &accessToken{value: raw.AccessToken, scope: raw.Scope}
	// expires_in is a number by the RFC; some servers send a string.
	s := strings.Trim(string(raw.ExpiresIn), `"`)
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 0 && n < math.MaxInt32 {
		tok.expiresIn = time.Duration(n * float64(time.Second))
	}
	return tok, nil
}

// dcrBody is the registration request of ato-facts.md §3: the one place it
// is built.
type dcrBody struct {
	ClientName      string   `json:"client_name"`
	ATOAPIKey       string   `json:"ato_api_key"`
	X509Certificate string   `json:"x509_certificate"`
	GrantTypes      []string `json:"grant_types"`
}

// register runs step 3. The POST is never repeated.
func (c *Client) register(ctx context.Context, r Request, tok *accessToken) (*Registration, error) {
	host := hostOf(r.Env.RegistrationURL)
	c.emit(Event{Step: StepRegister, State: StateStarted, Host: host, InstanceName: r.InstanceName})
	body, err := json.Marshal(dcrBody{
		ClientName:      r.InstanceName,
		ATOAPIKey:       r.ConsumerKey.Header(),
		X509Certificate: certBase64(r.Credential),
		GrantTypes:      []string{"client_credentials"},
	})
	if err != nil {
		return nil, c.fail(&Error{Step: StepRegister, Kind: KindInput, Err: err})
	}
	if c.BeforeRegister != nil {
		if err := c.BeforeRegister(ctx); err != nil {
			return nil, c.fail(&Error{Step: StepRegister, Kind: KindAborted, Err: err, InstanceName: r.InstanceName})
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, c.fail(c.cancelled(StepRegister, err))
	}
	cl := registerCall(r, tok, body)
	resp, e := c.do(ctx, cl)
	if e != nil {
		return nil, c.fail(e)
	}
	if resp.status/100 != 2 {
		e := c.httpError(cl, resp)
		if !provesRefusal(e) {
			// The POST reached a server, which may have created the
			// registration before something (a gateway, a proxy, the
			// service itself) answered with an error.
			e.Unknown, e.Kind = true, KindUnknownOutcome
		}
		return nil, c.fail(e)
	}
	reg, err := parseRegistration(resp.body)
	if err != nil {
		// A success status whose body cannot be used: the registration
		// most likely exists, but its values are lost.
		return nil, c.fail(&Error{Step: StepRegister, Status: resp.status, Kind: KindUnknownOutcome, Unknown: true,
			Host: host, Receipt: receiptOf(resp.header, cl.secrets), Body: supportBody(cl.secrets, resp.body),
			InstanceName: r.InstanceName, Err: err})
	}
	reg.Receipt = receiptOf(resp.header, append(cl.secrets, reg.RegistrationAccessToken))
	// The ATO's pattern (ato-facts.md §3); lifecycle calls need a URI.
	pattern := strings.TrimSuffix(r.Env.RegistrationURL, "/") + "/" + url.PathEscape(reg.ClientID)
	switch {
	case reg.RegistrationClientURI == "":
		reg.RegistrationClientURI = pattern
	case !sameOrigin(reg.RegistrationClientURI, r.Env.RegistrationURL):
		// check, rename and remove send the registration access token to
		// this address: never to one the registration endpoint does not
		// vouch for. The registration itself stands: the ATO accepted it.
		given := reg.RegistrationClientURI
		if len(given) > 200 {
			given = given[:200] + "…"
		}
		reg.URIReplaced = safetext.Line(cl.secrets.scrub(given))
		reg.RegistrationClientURI = pattern
	}
	c.emit(Event{Step: StepRegister, State: StateDone, Host: host, InstanceName: r.InstanceName,
		ClientID: reg.ClientID, Receipt: reg.Receipt, TLSVersion: resp.tlsVersion})
	return reg, nil
}

// registerCall is the DCR POST for r, authorised by tok, carrying body. It
// must not be repeated blindly: the server may act on it even when its
// answer is lost.
func registerCall(r Request, tok *accessToken, body []byte) call {
	return call{
		step:   StepRegister,
		method: http.MethodPost,
		url:    r.Env.RegistrationURL,
		header: http.Header{
			"Authorization": {"Bearer " + tok.value},
			"Apikey":        {r.ConsumerKey.Header()},
			"Content-Type":  {"application/json"},
			"Accept":        {"application/json"},
		},
		body:      body,
		secrets:   redactor{r.ConsumerKey.Header(), tok.value},
		instance:  r.InstanceName,
		trackSent: true,
	}
}

// sameOrigin reports whether uri has the scheme and host (port included) of
// endpoint, with nothing odd about it (no user info, no opaque part).
// endpoint passed Environment.Validate, so it is https, or http on loopback.
func sameOrigin(uri, endpoint string) bool {
	u, err := url.Parse(uri)
	if err != nil || u.Opaque != "" || u.User != nil || u.Host == "" {
		return false
	}
	e, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Scheme, e.Scheme) && strings.EqualFold(u.Host, e.Host)
}

// provesRefusal reports whether an error answer to the DCR POST proves that
// no registration was created: a 4xx carrying an ATO or OAuth error code (a
// validation answer of ato-facts.md §4/§7), or a 4xx whose status by itself
// means the request was not acted on (not authorised, forbidden, no such
// resource or method, too large, too many requests). Anything else — a 5xx
// of any body, a 3xx, a 400 page from a proxy — leaves the outcome unknown.
// The ATO documents no 5xx error that says nothing was created, so a 5xx
// never proves it.
func provesRefusal(e *Error) bool {
	if e.Status < 400 || e.Status >= 500 {
		return false
	}
	if strings.TrimSpace(e.Code) != "" {
		return true
	}
	switch e.Status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed,
		http.StatusRequestTimeout, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusTooManyRequests:
		return true
	}
	return false
}

// certBase64 is the leaf (signing) certificate as standard base64 DER.
func certBase64(cred *m2m.Credential) string {
	return base64.StdEncoding.EncodeToString(cred.Certificate.Raw)
}

// hostOf is the host name of an address, for messages.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return raw
}
