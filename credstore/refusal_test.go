package credstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"dcrwizard/credstore/credstoretest"
)

// countingKeyring counts Set calls on the system keychain (go-keyring's
// package functions, which MockInitWithError replaces).
type countingKeyring struct {
	systemKeyring
	sets atomic.Int32
}

func (k *countingKeyring) Set(service, user, password string) error {
	k.sets.Add(1)
	return k.systemKeyring.Set(service, user, password)
}

// Refusals a keychain gives: locked and the user said no, no Secret Service,
// unsupported platform, too big.
var refusals = []error{
	errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"),
	//lint:ignore ST1005 the Secret Service's own words, as a keychain refuses
	errors.New("The name org.freedesktop.secrets was not provided by any .service files"),
	keyring.ErrUnsupportedPlatform,
	keyring.ErrSetDataTooBig,
}

// TestChildKeychainRefuses runs in a child process because go-keyring's mock
// replaces the keychain for the whole process.
func TestChildKeychainRefuses(t *testing.T) {
	childOnly(t)
	ctx := context.Background()
	for _, refusal := range refusals {
		t.Run(refusal.Error(), func(t *testing.T) {
			dir := t.TempDir()
			keyring.MockInit()
			kr := &countingKeyring{}
			s := NewWithKeyring(dir, kr)
			s.retryDelay = 0
			// One registration saved while the keychain worked.
			saved, savedV := sampleRecord(t, "sandbox", "Earlier")
			if err := s.Save(ctx, saved, savedV); err != nil {
				t.Fatal(err)
			}
			pid, err := s.BeginPending(Pending{Name: "Front desk", Environment: "sandbox"})
			if err != nil {
				t.Fatal(err)
			}

			keyring.MockInitWithError(refusal)
			kr.sets.Store(0)
			rec, v := sampleRecord(t, "sandbox", "Front desk")
			err = s.Save(ctx, rec, v)

			var ns *NotStoredError
			if !errors.As(err, &ns) {
				t.Fatalf("Save = %v, want *NotStoredError", err)
			}
			if ns.Values != v || ns.Record.ClientID != rec.ClientID || ns.Record.Name != "Front desk" {
				t.Errorf("not handed back: %v / %+v", ns.Values, ns.Record)
			}
			if !errors.Is(err, ErrKeychainUnavailable) || !errors.Is(err, refusal) {
				t.Errorf("err %v does not match ErrKeychainUnavailable and the cause", err)
			}
			if n := kr.sets.Load(); n != 2 {
				t.Errorf("%d keychain writes, want 2 (one retry)", n)
			}
			for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
				mustNotContain(t, f, fmt.Sprintf(f, err), v.RegistrationAccessToken)
			}
			mustNotContain(t, "%v of Values", fmt.Sprintf("%v %+v %#v", ns.Values, ns.Values, ns.Values), v.RegistrationAccessToken)
			assertNoSecretInFiles(t, dir, v.RegistrationAccessToken)
			t.Log(err)

			// Nothing recorded as saved that was not, nothing else lost.
			list, err := s.List(ctx)
			if err != nil || len(list) != 1 || list[0].ClientID != saved.ClientID {
				t.Errorf("List = %+v, %v", list, err)
			}
			if p, _ := s.Pending(); len(p) != 1 || p[0].ID != pid {
				t.Errorf("pending record lost: %+v", p)
			}

			// A rotated token that cannot be stored comes back too.
			rotated := fakeJWT(t, 1600)
			err = s.UpdateToken(ctx, saved.ClientID, rotated)
			if !errors.As(err, &ns) || ns.Values.RegistrationAccessToken != rotated || ns.Values.ClientID != saved.ClientID {
				t.Errorf("UpdateToken = %v, want *NotStoredError carrying the new token", err)
			}
			mustNotContain(t, "UpdateToken error", err.Error(), rotated)

			if _, _, err := s.Get(ctx, saved.ClientID); !errors.Is(err, ErrKeychainUnavailable) {
				t.Errorf("Get = %v", err)
			}
			if err := s.Delete(ctx, saved.ClientID); !errors.Is(err, ErrKeychainUnavailable) {
				t.Errorf("Delete = %v", err)
			}
			if list, _ := s.List(ctx); len(list) != 1 {
				t.Error("a failed Delete removed the index entry")
			}
		})
	}

}

func TestKeychainRefusedValuesHandedBack(t *testing.T) {
	out, code := runChild(t, "TestChildKeychainRefuses")
	if code != 0 || !strings.Contains(out, "--- PASS: TestChildKeychainRefuses") {
		t.Fatalf("child failed (exit %d):\n%s", code, out)
	}
	if testing.Verbose() {
		t.Logf("child:\n%s", out)
	}
}

// TestChildNoSessionBus runs with no reachable D-Bus session: a keychain that
// is really absent, not mocked.
func TestChildNoSessionBus(t *testing.T) {
	childOnly(t)
	s := New(t.TempDir())
	s.retryDelay = 0
	rec, v := sampleRecord(t, "sandbox", "PC")
	err := s.Save(context.Background(), rec, v)
	var ns *NotStoredError
	if !errors.As(err, &ns) || ns.Values != v || !errors.Is(err, ErrKeychainUnavailable) {
		t.Fatalf("Save = %v, want *NotStoredError matching ErrKeychainUnavailable", err)
	}
	// The hint about GNOME Keyring or KWallet goes with Linux
	// (guidance.TestStoreWords).
	var ke *KeychainError
	if !errors.As(err, &ke) || !ke.Linux || ke.Op != "save" {
		t.Errorf("no Linux hint in %+v", ke)
	}
	t.Log(err)
}

func TestNoSecretServiceValuesHandedBack(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service is the Linux keychain")
	}
	bus := "unix:path=" + t.TempDir() + "/no-bus"
	out, code := runChild(t, "TestChildNoSessionBus", "DBUS_SESSION_BUS_ADDRESS="+bus)
	if code != 0 || !strings.Contains(out, "--- PASS: TestChildNoSessionBus") {
		t.Fatalf("child failed (exit %d):\n%s", code, out)
	}
	if testing.Verbose() {
		t.Logf("child:\n%s", out)
	}
}

// blockingKeyring never answers, like a keychain waiting on an unlock prompt
// nobody sees (which a test cannot cause for real).
type blockingKeyring struct{ release chan struct{} }

func (k blockingKeyring) Set(string, string, string) error { <-k.release; return nil }
func (k blockingKeyring) Get(string, string) (string, error) {
	<-k.release
	return "", keyring.ErrNotFound
}
func (k blockingKeyring) Delete(string, string) error { <-k.release; return nil }

func TestKeychainCallsTimeOut(t *testing.T) {
	kr := blockingKeyring{release: make(chan struct{})}
	defer close(kr.release)
	s := NewWithKeyring(t.TempDir(), kr)
	s.Timeout = 50 * time.Millisecond
	s.retryDelay = 0
	rec, v := sampleRecord(t, "sandbox", "PC")

	// The keyring blocks until the test ends: only the timeout ends Save.
	err := s.Save(context.Background(), rec, v)
	var ns *NotStoredError
	var ke *KeychainError
	if !errors.As(err, &ns) || !errors.As(err, &ke) || !ke.TimedOut || ns.Values != v {
		t.Fatalf("Save = %v, want *NotStoredError wrapping a timed-out *KeychainError", err)
	}
	// Timed out, so the words say it may wait for an unlock
	// (guidance.TestStoreWords).
	if ke.Timeout < s.Timeout || ke.Op != "save" {
		t.Errorf("keychain error %+v", ke)
	}
	t.Log(err)

	// The caller's context bounds it too, and a cancelled one is not retried.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.Timeout = time.Hour
	if err := s.Save(ctx, rec, v); !errors.As(err, &ns) || !errors.Is(err, context.Canceled) {
		t.Errorf("Save with a cancelled context = %v", err)
	}
	if _, _, err := s.Get(ctx, rec.ClientID); err == nil {
		t.Error("Get with a cancelled context succeeded")
	}
}

// A keychain that accepts a value but gives back another is not a success.
type lyingKeyring struct{ *credstoretest.Keyring }

func (k lyingKeyring) Get(service, user string) (string, error) {
	v, err := k.Keyring.Get(service, user)
	return strings.ToUpper(v), err
}

func TestReadBackMismatchIsNotSuccess(t *testing.T) {
	s := NewWithKeyring(t.TempDir(), lyingKeyring{&credstoretest.Keyring{}})
	s.retryDelay = 0
	rec, v := sampleRecord(t, "sandbox", "PC")
	err := s.Save(context.Background(), rec, v)
	var ns *NotStoredError
	if !errors.As(err, &ns) || !errors.Is(err, ErrReadBack) {
		t.Fatalf("Save = %v, want *NotStoredError wrapping ErrReadBack", err)
	}
	if list, _ := s.List(context.Background()); len(list) != 0 {
		t.Error("unverified registration entered the index")
	}
}

func TestSaveRejectsBadInput(t *testing.T) {
	s := NewWithKeyring(t.TempDir(), &credstoretest.Keyring{})
	rec, v := sampleRecord(t, "sandbox", "PC")
	tests := map[string]func(*Record, *Values){
		"empty token":       func(_ *Record, v *Values) { v.RegistrationAccessToken = "" },
		"no environment":    func(r *Record, _ *Values) { r.Environment = "" },
		"slash in env":      func(r *Record, _ *Values) { r.Environment = "a/b" },
		"client IDs differ": func(r *Record, _ *Values) { r.ClientID = "other" },
		"no client ID":      func(r *Record, v *Values) { r.ClientID, v.ClientID = "", "" },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			r, vv := rec, v
			mutate(&r, &vv)
			err := s.Save(context.Background(), r, vv)
			var ns *NotStoredError
			if !errors.As(err, &ns) || ns.Values.RegistrationAccessToken != vv.RegistrationAccessToken {
				t.Fatalf("Save = %v, want *NotStoredError", err)
			}
			mustNotContain(t, "error", err.Error(), v.RegistrationAccessToken)
		})
	}
	// Record and values may each carry what the other lacks.
	r, vv := rec, v
	r.ClientID, r.RegistrationClientURI = "", ""
	if err := s.Save(context.Background(), r, vv); err != nil {
		t.Errorf("Save with IDs only in Values: %v", err)
	}
	if got, err := s.FindByName(context.Background(), "sandbox", "PC"); err != nil || got.ClientID != v.ClientID || got.RegistrationClientURI != v.RegistrationClientURI {
		t.Errorf("FindByName = %+v, %v", got, err)
	}
}

func TestDefaultDirFailureReported(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses XDG_CONFIG_HOME/HOME")
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", "")
	s := NewWithKeyring("", &credstoretest.Keyring{})
	rec, v := sampleRecord(t, "sandbox", "PC")
	var ns *NotStoredError
	if err := s.Save(context.Background(), rec, v); !errors.As(err, &ns) {
		t.Errorf("Save = %v", err)
	}
	if _, err := s.List(context.Background()); err == nil {
		t.Error("List without a settings folder succeeded")
	}
	if _, err := s.BeginPending(Pending{Name: "x"}); err == nil {
		t.Error("BeginPending without a settings folder succeeded")
	}
}
