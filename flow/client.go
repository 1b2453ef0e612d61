package flow

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"dcrwizard/consumerkey"
	"dcrwizard/internal/safetext"
	"dcrwizard/m2m"
)

// Defaults for the Client fields left zero.
const (
	DefaultStepTimeout  = 30 * time.Second
	DefaultRetryBackoff = 500 * time.Millisecond
	// maxTokenRetries: the token request is harmless to repeat, but the
	// user is waiting, so only twice.
	maxTokenRetries = 2
)

// State is where a step is in an Event.
type State string

const (
	StateStarted State = "started"
	StateDone    State = "done"
	StateFailed  State = "failed"
)

// Event reports progress: one when a step starts and one when it ends. It
// is data: package guidance words it (guidance.StepWords) for the screen
// and the support log, the same in both front ends. It never holds a
// secret; its strings may come from outside (escape them to show them).
type Event struct {
	Step  Step
	State State
	At    time.Time
	// Host is the server the step calls ("" for sign and save).
	Host string
	// Sign: the credential signing the request.
	CredentialID, CredentialSerial string
	CredentialNotAfter             time.Time
	// Register: the installation name, and when done the new client id
	// and the ATO's receipt ("" when none). Read, update: the
	// registration's client id.
	InstanceName, ClientID, Receipt string
	// Lifetime: a token step done, the access token's lifetime (0 when
	// the ATO did not say).
	Lifetime time.Duration
	// Rotated: a read or update done, the ATO issued a new registration
	// access token.
	Rotated bool
	// TLSVersion: a token, register or heartbeat step done over less than
	// TLS 1.3 (possible only for custom endpoints); 0 otherwise.
	TLSVersion uint16
	// Attempt of Attempts: a token step started again, RetryIn after Err.
	Attempt, Attempts int
	RetryIn           time.Duration
	// Err: why the step failed, or the failure a retry follows.
	Err error
	// Where: the save step (emitted by registrar), the keychain.
	Where string
}

// Request is what Register needs.
type Request struct {
	Env          Environment
	Credential   *m2m.Credential
	ConsumerKey  consumerkey.Key // the software vendor's, cleaned and checked when made
	InstanceName string          // becomes client_name
}

// Registration is what the ATO returned, or what a lifecycle call read.
type Registration struct {
	ClientID                string
	RegistrationAccessToken string // secret: store it in the keychain only
	RegistrationClientURI   string
	IssuedAt                time.Time // zero when the ATO did not say
	Receipt                 string    // ATO "receipt" header
	// Metadata is every other returned value (JSON-decoded; numbers are
	// float64), without registration_access_token. It includes ato_api_key:
	// do not log it.
	Metadata map[string]any
	// URIReplaced is the registration_client_uri the answer gave when it
	// was not on the registration endpoint's own address (scrubbed of the
	// run's secrets, escaped, cut at 200 bytes): RegistrationClientURI is
	// then the ATO's pattern instead. guidance.RegistrationWarnings words it.
	URIReplaced string
}

// Client runs registrations and lifecycle calls. The zero value works; the
// fields only tune it. OnEvent and BeforeRegister are called on the
// goroutine that called Register.
type Client struct {
	HTTP    *http.Client     // nil: http.DefaultClient
	Now     func() time.Time // nil: time.Now
	OnEvent func(Event)      // nil: no events
	// StepTimeout bounds each request, answer included (default 30s).
	StepTimeout time.Duration
	// BeforeRegister is called right before the DCR POST; an error stops
	// the run with nothing sent (the registrar writes a "pending" record).
	BeforeRegister func(ctx context.Context) error
	// RetryBackoff is the wait before the first token retry; it doubles
	// for the second (default 500ms).
	RetryBackoff time.Duration
	// OnHold, when set, is told when an RFC 7592 request that its caller
	// can no longer abandon starts (true) and ends (false): a cancel in
	// between waits for the answer (at most StepTimeout), which may carry a
	// new registration access token. The command line says so on Ctrl-C.
	// It may be called from another goroutine.
	OnHold func(step Step, held bool)
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) emit(e Event) {
	if c.OnEvent != nil {
		e.At = c.now()
		c.OnEvent(e)
	}
}

// fail stamps e, reports it as a failed event and returns it.
func (c *Client) fail(e *Error) error {
	if e.At.IsZero() {
		e.At = c.now()
	}
	c.emit(Event{Step: e.Step, State: StateFailed, Err: e})
	return e
}

func (c *Client) stepTimeout() time.Duration {
	if c.StepTimeout > 0 {
		return c.StepTimeout
	}
	return DefaultStepTimeout
}

// httpClient is c.HTTP with redirects turned off: a redirected POST turns
// into a GET, and a redirect could carry a token to another host.
func (c *Client) httpClient() *http.Client {
	base := c.HTTP
	if base == nil {
		base = http.DefaultClient
	}
	hc := *base
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hc
}

// Register runs the three ATO steps and returns the new registration. It
// checks the request before anything is sent. The DCR POST is never
// repeated: when its answer is lost the error has Unknown set.
func (c *Client) Register(ctx context.Context, r Request) (*Registration, error) {
	r.InstanceName = strings.TrimSpace(r.InstanceName)
	if err := c.check(r); err != nil {
		return nil, c.fail(err)
	}
	if err := ctx.Err(); err != nil {
		return nil, c.fail(c.cancelled(StepSign, err))
	}

	signing := Event{Step: StepSign, State: StateStarted, CredentialID: r.Credential.ID,
		CredentialSerial: r.Credential.Serial, CredentialNotAfter: r.Credential.NotAfter}
	c.emit(signing)
	assertion, err := newAssertion(r.Credential, r.Env, c.now())
	if err != nil {
		return nil, c.fail(&Error{Step: StepSign, Kind: KindCredential, Err: err})
	}
	signing.State = StateDone
	c.emit(signing)

	token, err := c.token(ctx, r, assertion)
	if err != nil {
		return nil, err
	}
	return c.register(ctx, r, token)
}

// check refuses a request that cannot work, before anything is sent.
func (c *Client) check(r Request) *Error {
	input := func(kind ErrorKind, err error) *Error {
		return &Error{Step: StepCheck, Kind: kind, Err: err, InstanceName: r.InstanceName}
	}
	cred := r.Credential
	switch {
	case cred == nil:
		return input(KindCredential, ErrNoCredential)
	case cred.Certificate == nil:
		return input(KindCredential, ErrNoCertificate)
	case cred.PrivateKey == nil:
		return input(KindCredential, ErrNoPrivateKey)
	}
	if pub, ok := cred.Certificate.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(&cred.PrivateKey.PublicKey) {
		return input(KindCredential, ErrKeyMismatch)
	}
	if v := cred.Verdict(c.now()); !v.OK() {
		return input(KindCredential, &VerdictError{Verdict: v})
	}
	if r.ConsumerKey.IsZero() {
		return input(KindInput, ErrNoConsumerKey)
	}
	if strings.TrimSpace(r.InstanceName) == "" {
		return input(KindInput, ErrNoInstanceName)
	}
	// The trust rules, with the CA this client really trusts.
	if err := r.Env.Check(extraCA(c.HTTP)); err != nil {
		return input(KindInput, err)
	}
	return nil
}

// cancelled is the error for a context that ended between requests.
func (c *Client) cancelled(step Step, err error) *Error {
	kind := KindCancelled
	if errors.Is(err, context.DeadlineExceeded) {
		kind = KindTimeout
	}
	return &Error{Step: step, Kind: kind, Err: err}
}

// call is one HTTP request.
type call struct {
	step    Step
	method  string
	url     string
	header  http.Header
	body    []byte
	secrets redactor
	// instance is the name being registered, for the unknown-outcome
	// message; trackSent marks a request that must not be repeated blindly.
	instance  string
	trackSent bool
	// holdOnceSent: once the request has a connection (its bytes about to
	// go), the caller's cancel or deadline no longer abandons it; it runs
	// to its answer or to StepTimeout. An RFC 7592 answer may carry the
	// only copy of a rotated registration access token: abandoning it
	// after the server acted would lose the registration.
	holdOnceSent bool
}

// response is an answer read in full (up to maxResponseBody).
type response struct {
	status int
	header http.Header
	body   []byte
	// tlsVersion, when not 0, is the connection's TLS version below 1.3:
	// the step's done event carries it.
	tlsVersion uint16
}

// do sends one request with its own timeout and reads the answer through
// a limit. Transport failures come back as *Error; HTTP statuses do not.
func (c *Client) do(ctx context.Context, cl call) (*response, *Error) {
	host := ""
	if u, err := url.Parse(cl.url); err == nil {
		host = u.Hostname()
	}
	reqCtx, done, abandoned := c.requestContext(ctx, cl)
	defer done()

	// sent turns true once headers are on their way: from then on the
	// server may act on the request even if its answer never arrives.
	var sent atomic.Bool
	if cl.trackSent {
		reqCtx = httptrace.WithClientTrace(reqCtx, &httptrace.ClientTrace{
			WroteHeaders: func() { sent.Store(true) },
		})
	}
	var body io.Reader
	if cl.body != nil {
		body = bytes.NewReader(cl.body)
	}
	req, err := http.NewRequestWithContext(reqCtx, cl.method, cl.url, body)
	if err != nil {
		return nil, &Error{Step: cl.step, Kind: KindInput, Host: host, Err: err}
	}
	for k, v := range cl.header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", "DCR Wizard")

	proxy := c.proxyFor(req)
	transportErr := func(status int, h http.Header, err error) *Error {
		e := &Error{Step: cl.step, Status: status, Kind: classifyTransport(ctx, err), Host: host,
			Err: err, At: c.now(), InstanceName: cl.instance, Proxy: proxy}
		if h != nil {
			e.Receipt = receiptOf(h, cl.secrets)
		}
		if cl.trackSent && sent.Load() {
			e.Unknown = true
			e.Kind = KindUnknownOutcome
		}
		e.NotSent = abandoned()
		return e
	}

	hc := c.httpClient()
	resp, err := hc.Do(req)
	if err != nil {
		return nil, transportErr(0, nil, err)
	}
	defer resp.Body.Close()
	var oldTLS uint16
	if resp.TLS != nil && resp.TLS.Version < tls.VersionTLS13 {
		oldTLS = resp.TLS.Version
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil && resp.StatusCode/100 == 2 {
		// A success cut short: for the DCR POST, the registration exists
		// but its values are lost.
		return nil, transportErr(resp.StatusCode, resp.Header, err)
	}
	// An error status read in part is still that error: keep what came.
	if len(data) > maxResponseBody {
		// Too big to be an ATO answer: keep the start. A success body cut
		// short fails to parse, which the caller reports.
		data = data[:maxResponseBody]
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data, tlsVersion: oldTLS}, nil
}

// proxyFor names the proxy server the request goes through ("" for none):
// host and port only, never its user name or password.
func (c *Client) proxyFor(req *http.Request) string {
	tr, _ := c.httpClient().Transport.(*http.Transport)
	if tr == nil && c.httpClient().Transport == nil {
		tr, _ = http.DefaultTransport.(*http.Transport)
	}
	if tr == nil || tr.Proxy == nil {
		return ""
	}
	u, err := tr.Proxy(req)
	if err != nil || u == nil {
		return ""
	}
	return safetext.Line(u.Host)
}

// httpError turns an answer that is not a success into an *Error.
func (c *Client) httpError(cl call, resp *response) *Error {
	e := &Error{
		Step:         cl.step,
		Status:       resp.status,
		Receipt:      receiptOf(resp.header, cl.secrets),
		Body:         supportBody(cl.secrets, resp.body),
		At:           c.now(),
		InstanceName: cl.instance,
	}
	if u, err := url.Parse(cl.url); err == nil {
		e.Host = u.Hostname()
	}
	if t, err := http.ParseTime(resp.header.Get("Date")); err == nil {
		e.ServerTime = t
	}
	switch {
	case resp.status >= 500:
		e.Kind = KindServer
	case resp.status >= 400:
		e.Kind = KindRefused
	default:
		e.Kind = KindBadResponse
	}
	readErrorBody(e, resp.header, resp.body)
	e.Code = safetext.Cut(safetext.Line(cl.secrets.scrub(e.Code)), maxCode)
	e.Field = safetext.Cut(safetext.Line(cl.secrets.scrub(e.Field)), maxCode)
	// Scrubbed whole (a secret cut in two is harder to recognise), then
	// escaped, then cut: escaping after the cut made a control character
	// six characters long and the description longer than its limit.
	e.Description = safetext.Cut(safetext.Line(cl.secrets.scrub(e.Description)), maxDescription)
	return e
}

// receiptOf is the ATO's "receipt" header as kept and shown: scrubbed of the
// run's secrets (a server may echo a token there), capped, one safe line.
func receiptOf(h http.Header, secrets redactor) string {
	r := strings.TrimSpace(h.Get("receipt"))
	if len(r) > maxReceipt {
		r = r[:maxReceipt] + "…"
	}
	return safetext.Line(secrets.scrub(r))
}

// maxReceipt: ATO receipts are 13 digits.
const maxReceipt = 64

// supportBody is an answer's body as kept for support: scrubbed whole,
// control and direction characters escaped, then cut. Cut first, a secret
// at the cut was kept in part, and escaping made the kept text longer than
// its limit (an escaped control character takes six).
func supportBody(secrets redactor, body []byte) string {
	return safetext.Cap(secrets.scrub(string(body)), maxErrorBody)
}
