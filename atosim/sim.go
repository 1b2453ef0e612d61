// Package atosim is a look-alike of the ATO SSO/IdP token endpoint and the
// OAuth Dynamic Client Registration (DCR) API, including RFC 7592 lifecycle
// calls. It is as strict as the ATO, so passing it means something: tests and
// Practice mode run against it in-process, and `dcrwizard simulate` serves it
// on loopback for rehearsals and demonstrations.
//
// It makes its own certificate authority and can issue M2M credentials that
// chain to it; certificates from any other authority are refused, as the ATO
// refuses certificates not issued by the ABR.
package atosim

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Paths and identifiers the simulator shares with the ATO.
const (
	TokenPath                   = "/core2/connect/token"
	RegistrationPath            = "/idp/v1/relyingparties"
	Scope                       = "ato.idp.relyingParties.c"
	DefaultRegistrationClientID = "ato_registration_client_id_eve"
	// DemoPassword protects the Practice-mode credential. It is shown to the
	// user on purpose: the credential is only good for this simulator.
	DemoPassword = "PracticeOnly1!"
)

// ClientAssertionType is the only client_assertion_type the ATO accepts.
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// Limits that keep a long-running simulator's memory bounded.
const (
	// MaxRecorded is how many requests Requests keeps (the newest).
	MaxRecorded = 500
	// MaxClients is how many registrations are kept; the oldest is forgotten
	// first, as if it had been deleted.
	MaxClients = 1000
	// maxBody caps what is read from any request body.
	maxBody = 64 << 10
)

// Token rules, as the ATO states them or as we read them.
const (
	// AccessTokenLifetime is the expires_in of the tokens the token endpoint issues.
	AccessTokenLifetime = time.Hour
	// MaxClockSkew is how far an assertion's iat may be from the simulator's clock.
	MaxClockSkew = 5 * time.Minute
	// MaxAssertionLifetime is the longest exp - iat accepted in an assertion.
	MaxAssertionLifetime = 10 * time.Minute
)

// Options configures a Simulator. The zero value is usable.
type Options struct {
	// APIKeys are the accepted consumer (API) keys; when empty one random key
	// is made (see APIKey).
	APIKeys []string
	// RegistrationClientID is the generic registration client id; default
	// DefaultRegistrationClientID.
	RegistrationClientID string
	// RotateTokens makes every RFC 7592 read and update answer with a new
	// registration_access_token and retire the old one.
	RotateTokens bool
	// DisableDelete makes DELETE on a registration answer 405, as a server
	// that does not support it would.
	DisableDelete bool
	// RefuseUpdates makes PUT on a registration answer 405: a server that
	// will not change a registration (renewal must then register again).
	RefuseUpdates bool
	// NoLifecycle starts the simulator with the RFC 7592 calls switched
	// off (see SetLifecycle): GET answers the gateway's 404, PUT and DELETE
	// 405, as an ATO that offers no lifecycle would.
	NoLifecycle bool
	// OmitCertificateOnRead leaves x509_certificate out of RFC 7592 reads,
	// as a server that does not echo it might; an update must send it back.
	OmitCertificateOnRead bool
	// AllowNonLoopback lets Start listen on addresses other than loopback.
	// The simulator accepts demo credentials with a published password, so it
	// should not be reachable from a network unless someone decided so.
	AllowNonLoopback bool
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logf, when set, gets one line per request, secrets masked.
	Logf func(format string, args ...any)
}

// Simulator is the ATO look-alike. All its methods are safe for concurrent use.
type Simulator struct {
	opts     Options
	apiKeys  []string
	regID    string
	now      func() time.Time
	tokenKey []byte // HMAC key of the tokens it issues; never leaves the process

	ca *authority

	mu       sync.Mutex
	jtis     map[string]time.Time // assertion jti -> its exp, pruned once past
	clients  map[string]*client
	order    []string // client ids, oldest first, for eviction
	faults   []*faultState
	records  []Recorded
	receipts int
	baseURL  string          // of the last Start, for WriteDemo's README
	revoked  map[string]bool // certificate serials (decimal) revoked, as a practice revokes a renewed credential's old one in RAM

	lifecycle lifecycleSwitch
}

// client is one registration.
type client struct {
	id       string
	issuedAt time.Time
	metadata map[string]any // the attributes the client sent, as it sent them
	certDER  []byte         // x509_certificate, decoded
	grant    string
	tokenID  string // jti of the current registration access token
}

// Client describes one registration, for tests and the standalone log.
type Client struct {
	ClientID string
	Name     string
	IssuedAt time.Time
	Metadata map[string]any
}

// Endpoints are the URLs and identifiers a client needs to talk to a
// simulator served at some base URL.
type Endpoints struct {
	TokenURL             string
	RegistrationURL      string
	RegistrationClientID string
	Scope                string
	HeartbeatURL         string // DSG Health Check heartbeat
	VerifyScope          string // the scope a registered client's test token asks for
}

// VerifyScope is the scope the simulator grants a registered client for the
// heartbeat. The ATO does not publish its own in what we have; any scope
// but the registration scope is accepted.
const VerifyScope = "ato.healthcheck.heartbeat"

// New makes a simulator with a fresh certificate authority.
func New(opts Options) (*Simulator, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	ca, err := newAuthority(now())
	if err != nil {
		return nil, fmt.Errorf("could not create the practice certificate authority: %w", err)
	}
	return newWithAuthority(opts, ca)
}

// newWithAuthority makes a simulator around an existing authority (tests
// share one: RSA key generation is slow).
func newWithAuthority(opts Options, ca *authority) (*Simulator, error) {
	s := &Simulator{
		ca:      ca,
		opts:    opts,
		regID:   opts.RegistrationClientID,
		now:     opts.Now,
		jtis:    map[string]time.Time{},
		clients: map[string]*client{},
		revoked: map[string]bool{},
	}
	if s.regID == "" {
		s.regID = DefaultRegistrationClientID
	}
	s.SetLifecycle(!opts.NoLifecycle)
	if s.now == nil {
		s.now = time.Now
	}
	for _, k := range opts.APIKeys {
		if k = strings.TrimSpace(k); k != "" {
			s.apiKeys = append(s.apiKeys, k)
		}
	}
	if len(s.apiKeys) == 0 {
		k, err := randomHex(16)
		if err != nil {
			return nil, err
		}
		s.apiKeys = []string{"practice" + k}
	}
	key, err := randomBytes(32)
	if err != nil {
		return nil, err
	}
	s.tokenKey = key
	return s, nil
}

// Handler serves the token endpoint, the DCR endpoint and the RFC 7592
// registration URIs.
func (s *Simulator) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Endpoints gives the URLs of a simulator served at baseURL, e.g.
// "http://127.0.0.1:41234".
func (s *Simulator) Endpoints(baseURL string) Endpoints {
	base := strings.TrimRight(baseURL, "/")
	return Endpoints{
		TokenURL:             base + TokenPath,
		RegistrationURL:      base + RegistrationPath,
		RegistrationClientID: s.regID,
		Scope:                Scope,
		HeartbeatURL:         base + HeartbeatPath,
		VerifyScope:          VerifyScope,
	}
}

// APIKey is the first accepted consumer (API) key.
func (s *Simulator) APIKey() string { return s.apiKeys[0] }

// CACertificate is the simulator's root certificate.
func (s *Simulator) CACertificate() *x509.Certificate { return s.ca.root }

// Clients lists the current registrations, oldest first.
func (s *Simulator) Clients() []Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Client, 0, len(s.order))
	for _, id := range s.order {
		c := s.clients[id]
		name, _ := c.metadata["client_name"].(string)
		out = append(out, Client{ClientID: c.id, Name: name, IssuedAt: c.issuedAt, Metadata: cloneMap(c.metadata)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].IssuedAt.Before(out[j].IssuedAt) })
	return out
}

func (s *Simulator) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

func (s *Simulator) knownAPIKey(k string) bool {
	for _, known := range s.apiKeys {
		if k == known {
			return true
		}
	}
	return false
}

// addClient stores a registration, forgetting the oldest beyond MaxClients.
// Called with s.mu held.
func (s *Simulator) addClient(c *client) {
	s.clients[c.id] = c
	s.order = append(s.order, c.id)
	for len(s.order) > MaxClients {
		delete(s.clients, s.order[0])
		s.order = s.order[1:]
	}
}

// removeClient forgets a registration. Called with s.mu held.
func (s *Simulator) removeClient(id string) {
	delete(s.clients, id)
	for i, o := range s.order {
		if o == id {
			s.order = append(s.order[:i:i], s.order[i+1:]...)
			break
		}
	}
}

// nextReceipt numbers responses the way the ATO's receipt header looks
// (630000000nnnn). Called with s.mu held.
func (s *Simulator) nextReceipt() string {
	s.receipts++
	return fmt.Sprintf("630000000%04d", s.receipts%10000)
}

func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("could not get random bytes from the system: %w", err)
	}
	return b, nil
}

func randomHex(n int) (string, error) {
	b, err := randomBytes(n)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// newUUID makes a random (version 4) UUID, the form of the ATO's client ids.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return cloneMap(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = cloneValue(e)
		}
		return out
	default:
		return v
	}
}

// Revoke marks a certificate as revoked, as a practice revokes the old
// certificate of a renewed machine credential in RAM (RAM does not revoke it
// by itself, ato-facts.md §11): it can no longer register or sign in.
func (s *Simulator) Revoke(cert *x509.Certificate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked[cert.SerialNumber.String()] = true
}

func (s *Simulator) isRevoked(cert *x509.Certificate) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.revoked[cert.SerialNumber.String()]
}

// RevokeRegistered revokes the certificate registered for clientID.
func (s *Simulator) RevokeRegistered(clientID string) error {
	s.mu.Lock()
	c := s.clients[clientID]
	s.mu.Unlock()
	if c == nil {
		return fmt.Errorf("no registration %s", clientID)
	}
	cert, err := x509.ParseCertificate(c.certDER)
	if err != nil {
		return err
	}
	s.Revoke(cert)
	return nil
}

// revokeRegisteredFor revokes every registered certificate whose subject
// organisation is abn, except keep (DER).
func (s *Simulator) revokeRegisteredFor(abn string, keep []byte) {
	s.mu.Lock()
	var certs []*x509.Certificate
	for _, c := range s.clients {
		if cert, err := x509.ParseCertificate(c.certDER); err == nil && !bytes.Equal(c.certDER, keep) &&
			len(cert.Subject.Organization) > 0 && cert.Subject.Organization[0] == abn {
			certs = append(certs, cert)
		}
	}
	s.mu.Unlock()
	for _, c := range certs {
		s.Revoke(c)
	}
}
