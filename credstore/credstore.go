// Package credstore keeps what the ATO issues at registration — client ID,
// registration access token, registration client URI — in the OS keychain
// (macOS Keychain, Windows Credential Manager, Secret Service on Linux) via
// go-keyring — on Linux a registration's token and URI are written and read
// back over one Secret Service session with go-keyring's own D-Bus client,
// the shared name item over another, under the index lock — with a small JSON index of non-secret facts and pending records
// under the user's config folder. LAYOUT.md documents the layout for other
// programs.
//
// Keychain calls can block on an unlock prompt: call this package off the UI
// goroutine. Every keychain call gives up after Store.Timeout.
package credstore

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"dcrwizard/consumerkey"
)

// DefaultTimeout bounds one keychain call.
const DefaultTimeout = 20 * time.Second

// Record is what the index holds about one registration: no secrets.
type Record struct {
	Name                  string    `json:"name"`
	Environment           string    `json:"environment"`
	ClientID              string    `json:"client_id"`
	RegistrationClientURI string    `json:"registration_client_uri"`
	IssuedAt              time.Time `json:"issued_at,omitzero"`
	Receipt               string    `json:"receipt,omitzero"`
	CredentialID          string    `json:"credential_id,omitzero"`
	CredentialABN         string    `json:"credential_abn,omitzero"`
	CredentialSerial      string    `json:"credential_serial,omitzero"`
	CredentialNotAfter    time.Time `json:"credential_not_after,omitzero"`
	StoredAt              time.Time `json:"stored_at"`
	// Vendor is set when the registration was made with a vendor's setup file.
	Vendor Vendor `json:"vendor,omitzero"`
	// Endpoints are the addresses of a registration outside the two ATO
	// presets (Practice, custom), so it can be tested or registered again
	// later; nil for the presets, which are known by name.
	Endpoints *Endpoints `json:"endpoints,omitzero"`
	// The certificate the registration holds at the ATO (public: base64 DER
	// in JSON, and its SHA-256), so an update can send it back when a read
	// leaves it out, and a renewed credential can be told from it.
	CertificateDER    []byte `json:"certificate_der,omitzero"`
	CertificateSHA256 string `json:"certificate_sha256,omitzero"`
	// ReplacedBy is the client id of the registration made again for this
	// one (when the ATO would not update it after a renewal). This one is
	// kept, marked, until the user removes it.
	ReplacedBy string `json:"replaced_by,omitzero"`
	// Purpose is PurposeConformance for a registration a conformance run
	// made and could not remove at the ATO: kept so it can be removed by
	// other means; "" for every other registration.
	Purpose string `json:"purpose,omitzero"`
	// Recovered is when this registration was rebuilt from the keychain,
	// index.json having been lost or damaged: the keychain gave its
	// environment, client ID, registration client URI and, when a name item
	// pointed at it, its name; the rest (credential, receipt, issue date,
	// certificate, endpoints, vendor) is unknown. A later save replaces it.
	Recovered time.Time `json:"recovered,omitzero"`
}

// PurposeConformance marks a registration made by `dcrwizard conformance`.
const PurposeConformance = "conformance"

// Endpoints are the non-preset addresses kept with a registration.
type Endpoints struct {
	TokenURL             string `json:"token_url"`
	RegistrationURL      string `json:"registration_url,omitzero"`
	RegistrationClientID string `json:"registration_client_id,omitzero"`
	Scope                string `json:"scope,omitzero"`
	VerifyScope          string `json:"verify_scope,omitzero"`
	HeartbeatURL         string `json:"heartbeat_url,omitzero"`
}

// Values are the three values the ATO hands out once.
type Values struct {
	ClientID                string
	RegistrationAccessToken string
	RegistrationClientURI   string
	// ConsumerKey is the software vendor's consumer (API) key the
	// registration was made with: the ATO's gateway wants it as apikey on
	// every RFC 7592 call. A secret, kept in its own keychain item; the
	// zero Key for a registration stored before it was kept (SetConsumerKey
	// adds it). Values holds the Key, not the item's string, so the key
	// leaves credstore typed and checked: the keychain's string is made a
	// Key here (keptKey) and written from Header() here, the one boundary,
	// and no caller converts, or forgets to.
	ConsumerKey consumerkey.Key
}

// String keeps the token and key out of logs (%v, %s); read the fields to use them.
func (v Values) String() string {
	return fmt.Sprintf("{ClientID:%s RegistrationAccessToken:%s RegistrationClientURI:%s ConsumerKey:%s}", v.ClientID, redact(v.RegistrationAccessToken), v.RegistrationClientURI, redact(v.ConsumerKey.Header()))
}

// GoString keeps the token and key out of %#v.
func (v Values) GoString() string {
	return fmt.Sprintf("credstore.Values{ClientID:%q, RegistrationAccessToken:%q, RegistrationClientURI:%q, ConsumerKey:%q}", v.ClientID, redact(v.RegistrationAccessToken), v.RegistrationClientURI, redact(v.ConsumerKey.Header()))
}

func redact(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf("[%d characters, hidden]", len(s))
}

// Store is the keychain plus the index folder. Safe for concurrent use.
type Store struct {
	// Timeout bounds each keychain call (DefaultTimeout when zero).
	Timeout time.Duration

	dir    string
	dirErr error
	kr     Keyring
	mu     sync.Mutex // serialises index access within this process

	// Under mu: a rebuild this Store made that leaves no trace on disk to
	// tell the user by (recoverIndex), and whether the keychain was merged
	// into an index read beside a damaged one set aside.
	rebuilt *rebuildNote
	merged  bool

	// Seams for tests.
	goos         string
	now          func() time.Time
	retryDelay   time.Duration
	beforeRename func(tmp string)
	// beforeBatch and afterBatch, for tests, run in Save around its
	// keychain write: where another process's save can overtake it.
	beforeBatch, afterBatch func()
}

// DefaultDir is os.UserConfigDir()/dcrwizard.
func DefaultDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("your settings folder could not be found: %w", err)
	}
	return filepath.Join(base, "dcrwizard"), nil
}

// New returns a Store on the system keychain; dir "" means DefaultDir().
func New(dir string) *Store { return NewWithKeyring(dir, defaultKeyring()) }

// NewWithKeyring returns a Store on kr; dir "" means DefaultDir(). If the
// default folder cannot be found, every call reports it.
func NewWithKeyring(dir string, kr Keyring) *Store {
	s := &Store{dir: dir, kr: kr, goos: runtime.GOOS, now: time.Now, retryDelay: 500 * time.Millisecond}
	if dir == "" {
		s.dir, s.dirErr = DefaultDir()
	}
	return s
}

// ensureDir creates dir (0700), or makes sure an existing one is private.
func (s *Store) ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("the folder for DCR Wizard's settings (%s) could not be created: %w", dir, err)
	}
	return secureDir(dir)
}

// Dir is the folder holding index.json and the pending records.
func (s *Store) Dir() string { return s.dir }

// Where names the keychain in plain words, with the service name.
func (s *Store) Where() string { return where(s.goos) }

func (s *Store) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
}

// items lists a registration's own keychain items: token and URI. The name
// item is shared by every registration with that name and is kept apart
// (syncNames), so another process's write to it can never make this one's
// save look failed.
func items(rec Record, v Values) []item {
	its := []item{
		{what: "registration access token", account: TokenAccount(rec.Environment, rec.ClientID), value: v.RegistrationAccessToken},
		{what: "registration client URI", account: URIAccount(rec.Environment, rec.ClientID), value: v.RegistrationClientURI},
	}
	if !v.ConsumerKey.IsZero() {
		its = append(its, consumerKeyItem(rec, v.ConsumerKey))
	}
	return its
}

func consumerKeyItem(rec Record, key consumerkey.Key) item {
	return item{what: "consumer (API) key", account: ConsumerKeyAccount(rec.Environment, rec.ClientID), value: key.Header()}
}

// keptKey makes the keychain item's string a Key. An item that is not a
// usable key (edited outside DCR Wizard) counts as none: the caller then
// asks for the key once and SetConsumerKey replaces the item.
func keptKey(raw string) consumerkey.Key {
	k, err := consumerkey.New(raw, consumerkey.Keychain)
	if err != nil {
		return consumerkey.Key{}
	}
	return k
}

// nameItem is the shared <env>/name/<name>/client_id item.
func nameItem(env, name, clientID string) item {
	return item{what: "client ID", account: NameAccount(env, name), value: clientID}
}
