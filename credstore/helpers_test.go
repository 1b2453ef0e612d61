package credstore

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"dcrwizard/credstore/credstoretest"
)

// haveSecretService reports whether scripts/with-secret-service.sh (or make
// test) gave us a throw-away, unlocked Secret Service.
func haveSecretService() bool { return os.Getenv("DCRWIZARD_SECRET_SERVICE") == "1" }

const skipNoSecretService = "needs a real, unlocked Secret Service: run `make test` or scripts/with-secret-service.sh go test ./credstore/"

// trackingKeyring passes calls to the system keychain (New's, batched writes
// included) and deletes, at test end, every item the test wrote, so runs leave
// nothing behind.
type trackingKeyring struct {
	inner    Keyring
	mu       sync.Mutex
	accounts map[string]bool
}

func (k *trackingKeyring) track(users ...string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, u := range users {
		k.accounts[u] = true
	}
}

func (k *trackingKeyring) Set(service, user, password string) error {
	k.track(user)
	return k.inner.Set(service, user, password)
}
func (k *trackingKeyring) Get(service, user string) (string, error) {
	return k.inner.Get(service, user)
}
func (k *trackingKeyring) Delete(service, user string) error { return k.inner.Delete(service, user) }

// Accounts lists through the system keychain's lister, keeping only the
// accounts this test wrote: the keychain is shared by every test.
func (k *trackingKeyring) Accounts(service string) ([]string, error) {
	all, err := k.inner.(AccountLister).Accounts(service)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []string
	for _, a := range all {
		if k.accounts[a] {
			out = append(out, a)
		}
	}
	return out, nil
}

// writeThenRead keeps the system keychain's batch path under test where it
// has one.
func (k *trackingKeyring) writeThenRead(service string, accounts, values []string) ([]string, []bool, error) {
	k.track(accounts...)
	if bk, ok := k.inner.(batchKeyring); ok {
		return bk.writeThenRead(service, accounts, values)
	}
	for i, a := range accounts {
		if err := k.inner.Set(service, a, values[i]); err != nil {
			return nil, nil, err
		}
	}
	got, found := make([]string, len(accounts)), make([]bool, len(accounts))
	for i, a := range accounts {
		v, err := k.inner.Get(service, a)
		if errors.Is(err, keyring.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		got[i], found[i] = v, true
	}
	return got, found, nil
}

func newTrackingKeyring(t *testing.T) *trackingKeyring {
	k := &trackingKeyring{inner: defaultKeyring(), accounts: map[string]bool{}}
	t.Cleanup(func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		for acct := range k.accounts {
			if err := keyring.Delete(Service, acct); err != nil && !errors.Is(err, keyring.ErrNotFound) {
				t.Errorf("cleanup: delete %s: %v", acct, err)
			}
		}
	})
	return k
}

// realStore is a Store on the real Secret Service with its index in a temp
// dir; it skips when there is none.
func realStore(t *testing.T) (*Store, *trackingKeyring) {
	t.Helper()
	if !haveSecretService() {
		t.Skip(skipNoSecretService)
	}
	k := newTrackingKeyring(t)
	s := NewWithKeyring(t.TempDir(), k)
	s.retryDelay = 0
	return s, k
}

// anyStore uses the real Secret Service when there is one (always under make
// test) and an in-memory keychain otherwise, for tests about the index.
func anyStore(t *testing.T, dir string) *Store {
	t.Helper()
	var s *Store
	if haveSecretService() {
		s = NewWithKeyring(dir, newTrackingKeyring(t))
	} else {
		s = NewWithKeyring(dir, &credstoretest.Keyring{})
	}
	s.retryDelay = 0
	return s
}

func randHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// uniqueEnv keeps parallel and repeated runs from sharing keychain accounts.
func uniqueEnv(t testing.TB) string { return "test-" + randHex(t, 6) }

func newClientID(t testing.TB) string {
	h := randHex(t, 16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// fakeJWT is shaped like a registration access token: three base64url parts,
// about size bytes.
func fakeJWT(t testing.TB, size int) string {
	b64 := base64.RawURLEncoding
	head := b64.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	sig := make([]byte, 256)
	if _, err := rand.Read(sig); err != nil {
		t.Fatal(err)
	}
	s := b64.EncodeToString(sig)
	bodyLen := size - len(head) - len(s) - 2
	body := make([]byte, bodyLen*3/4)
	if _, err := rand.Read(body); err != nil {
		t.Fatal(err)
	}
	return head + "." + b64.EncodeToString(body) + "." + s
}

func sampleRecord(t testing.TB, env, name string) (Record, Values) {
	id := newClientID(t)
	uri := "https://sandbox.api.ato.gov.au/idp/v1/relyingparties/" + id
	rec := Record{
		Name:                  name,
		Environment:           env,
		ClientID:              id,
		RegistrationClientURI: uri,
		IssuedAt:              time.Date(2026, 3, 4, 1, 2, 3, 0, time.UTC),
		Receipt:               "6300000001234",
		CredentialID:          "ABRD:27809366375_USIMachine",
		CredentialABN:         "27809366375",
		CredentialSerial:      "1234567890",
		CredentialNotAfter:    time.Date(2027, 9, 12, 0, 0, 0, 0, time.UTC),
	}
	return rec, Values{ClientID: id, RegistrationAccessToken: fakeJWT(t, 1500), RegistrationClientURI: uri}
}

// assertNoSecretInFiles fails if any file under dir contains secret.
func assertNoSecretInFiles(t *testing.T, dir, secret string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("%s contains the secret", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

const childEnv = "DCRWIZARD_CREDSTORE_CHILD"

// runChild runs test name of this binary in a new process: for go-keyring's
// process-wide mock, a missing session bus, and crashes.
func runChild(t *testing.T, name string, env ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.v", "-test.timeout=60s")
	cmd.Env = append(append(os.Environ(), childEnv+"="+name), env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	default:
		t.Fatalf("run child %s: %v", name, err)
		return "", -1
	}
}

// childOnly skips a test unless runChild started it.
func childOnly(t *testing.T) {
	t.Helper()
	if os.Getenv(childEnv) != t.Name() {
		t.Skip("runs only in a child process started by another test")
	}
}

func mustNotContain(t *testing.T, what, s, secret string) {
	t.Helper()
	if secret != "" && strings.Contains(s, secret) {
		t.Errorf("%s contains the token: %q", what, s)
	}
}
