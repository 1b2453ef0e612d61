package credstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"

	"dcrwizard/credstore/credstoretest"
)

// caseless is a keychain that compares account names without case, as
// Windows Credential Manager compares target names, over the real Secret
// Service.
type caseless struct{ inner *trackingKeyring }

func (k caseless) Set(service, user, password string) error {
	return k.inner.Set(service, strings.ToLower(user), password)
}
func (k caseless) Get(service, user string) (string, error) {
	return k.inner.Get(service, strings.ToLower(user))
}
func (k caseless) Delete(service, user string) error {
	return k.inner.Delete(service, strings.ToLower(user))
}

// Issue 14 item 2: names are compared without case within an environment,
// on every OS: a second registration whose name differs only in case is
// refused before anything is sent, and a rename to such a name too.
func TestNameDifferingOnlyInCaseIsRefused(t *testing.T) {
	s, _ := realStore(t)
	ctx := context.Background()
	env := uniqueEnv(t)
	a, va := sampleRecord(t, env, "Front Desk")
	if err := s.Save(ctx, a, va); err != nil {
		t.Fatal(err)
	}
	var nce *NameCaseError
	if err := s.CheckName(ctx, env, "front desk", ""); !errors.As(err, &nce) || nce.Existing != "Front Desk" {
		t.Fatalf("CheckName(front desk) = %v, want a *NameCaseError naming “Front Desk”", err)
	} else if nce.Name != "front desk" || nce.Environment != env {
		// What a person reads about it: guidance.TestCredstoreRefusals.
		t.Errorf("refusal %+v", nce)
	}
	for _, ok := range []struct{ env, name string }{{env, "Front Desk"}, {env, "Back office"}, {uniqueEnv(t), "front desk"}} {
		if err := s.CheckName(ctx, ok.env, ok.name, ""); err != nil {
			t.Errorf("CheckName(%s, %q) = %v, want nil", ok.env, ok.name, err)
		}
	}
	b, vb := sampleRecord(t, env, "Back office")
	if err := s.Save(ctx, b, vb); err != nil {
		t.Fatal(err)
	}
	b.Name = "FRONT DESK"
	if err := s.UpdateRecord(ctx, b); !errors.As(err, &nce) {
		t.Fatalf("rename to FRONT DESK = %v, want a *NameCaseError", err)
	}
	// Its own case change is not a conflict.
	a.Name = "FRONT DESK"
	if err := s.UpdateRecord(ctx, a); err != nil {
		t.Fatalf("renaming Front Desk to FRONT DESK: %v", err)
	}
	if got, err := keyring.Get(Service, NameAccount(env, "FRONT DESK")); err != nil || got != a.ClientID {
		t.Errorf("name item after the rename: %q, %v", got, err)
	}
}

// Two registrations whose names differ only in case (left by an older
// version, or by two saves racing past CheckName): forgetting one never
// touches the other's items, on a keychain that tells the names apart
// (Secret Service) and on one that does not (as Windows).
func TestForgetNeverTouchesACaseVariant(t *testing.T) {
	for _, caseInsensitive := range []bool{false, true} {
		name := "secret service"
		if caseInsensitive {
			name = "names without case, as Windows"
		}
		t.Run(name, func(t *testing.T) {
			if !haveSecretService() {
				t.Skip(skipNoSecretService)
			}
			tk := newTrackingKeyring(t)
			var kr Keyring = tk
			if caseInsensitive {
				kr = caseless{tk}
			}
			for _, forget := range []string{"older", "newer"} {
				t.Run("forget the "+forget, func(t *testing.T) {
					s := NewWithKeyring(t.TempDir(), kr)
					s.retryDelay = 0
					ctx := context.Background()
					env := uniqueEnv(t)
					a, va := sampleRecord(t, env, "Front Desk")
					b, vb := sampleRecord(t, env, "front desk")
					if err := s.Save(ctx, a, va); err != nil {
						t.Fatal(err)
					}
					var nie *NameItemError
					if err := s.Save(ctx, b, vb); err != nil && !errors.As(err, &nie) {
						t.Fatalf("second Save: %v (stored registrations must not fail over the name item)", err)
					}
					gone, kept, keptV := a, b, vb
					if forget == "newer" {
						gone, kept, keptV = b, a, va
					}
					if err := s.Delete(ctx, gone.ClientID); err != nil {
						t.Fatalf("Delete: %v", err)
					}
					_, got, err := s.Get(ctx, kept.ClientID)
					if err != nil || got != keptV {
						t.Fatalf("the other registration's own items after Delete: %v", err)
					}
					if id, err := kr.Get(Service, NameAccount(env, kept.Name)); err != nil || id != kept.ClientID {
						t.Errorf("name item of %q after forgetting %q: %q, %v; want %s", kept.Name, gone.Name, id, err, kept.ClientID)
					}
					if !caseInsensitive {
						if _, err := kr.Get(Service, NameAccount(env, gone.Name)); !errors.Is(err, keyring.ErrNotFound) {
							t.Errorf("the forgotten name's item is still there: %v", err)
						}
					}
				})
			}
		})
	}
}

// Issue 16 finding 2: parallel saves of one name all count as stored, and the
// name item ends at the newest, whatever order they finish in.
func TestParallelSavesOfOneName(t *testing.T) {
	if !haveSecretService() {
		t.Skip(skipNoSecretService)
	}
	dir := t.TempDir()
	env := uniqueEnv(t)
	tk := newTrackingKeyring(t)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := NewWithKeyring(dir, tk) // one Store per "process"
			rec, v := sampleRecord(t, env, "Same")
			errs[i] = s.Save(context.Background(), rec, v)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("save %d: %v", i, err)
		}
	}
	s := NewWithKeyring(dir, tk)
	ctx := context.Background()
	list, err := s.List(ctx)
	if err != nil || len(list) != n {
		t.Fatalf("List: %d records, %v", len(list), err)
	}
	newest, _ := s.FindByName(ctx, env, "Same")
	if got, err := keyring.Get(Service, NameAccount(env, "Same")); err != nil || got != newest.ClientID {
		t.Errorf("name item %q, %v; want the newest, %s", got, err, newest.ClientID)
	}
}

// Issue 16 finding 7: Ready finds, before anything is sent, what would make
// the registration impossible to keep.
func TestReadyBeforeSending(t *testing.T) {
	ctx := context.Background()
	t.Run("fine", func(t *testing.T) {
		s := NewWithKeyring(t.TempDir(), &credstoretest.Keyring{})
		if err := s.Ready(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("newer index", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, indexName), []byte(`{"version":99,"registrations":[]}`), 0o600); err != nil {
			t.Fatal(err)
		}
		var nr *NotReadyError
		var ne *NewerIndexError
		err := NewWithKeyring(dir, &credstoretest.Keyring{}).Ready(ctx)
		if !errors.As(err, &nr) || !errors.As(err, &ne) || nr.Keychain {
			t.Fatalf("Ready = %v", err)
		}
		if ne.Version != 99 || ne.Path != filepath.Join(dir, indexName) {
			// What a person reads about it: guidance.TestStoreWords.
			t.Errorf("newer index %+v", ne)
		}
	})
	t.Run("unreadable index", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads every file")
		}
		dir := t.TempDir()
		path := filepath.Join(dir, indexName)
		if err := os.WriteFile(path, []byte(`{"version":1}`), 0o000); err != nil {
			t.Fatal(err)
		}
		var nr *NotReadyError
		if err := NewWithKeyring(dir, &credstoretest.Keyring{}).Ready(ctx); !errors.As(err, &nr) {
			t.Fatalf("Ready = %v", err)
		}
	})
	t.Run("settings folder is a file", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(dir, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		var nr *NotReadyError
		if err := NewWithKeyring(dir, &credstoretest.Keyring{}).Ready(ctx); !errors.As(err, &nr) {
			t.Fatalf("Ready = %v", err)
		}
	})
	t.Run("keychain absent", func(t *testing.T) {
		var nr *NotReadyError
		err := NewWithKeyring(t.TempDir(), unavailable{}).Ready(ctx)
		if !errors.As(err, &nr) || !nr.Keychain || !errors.Is(err, ErrKeychainUnavailable) {
			t.Fatalf("Ready = %v", err)
		}
	})
}

type unavailable struct{}

func (unavailable) Set(string, string, string) error   { return errors.New("no session bus") }
func (unavailable) Get(string, string) (string, error) { return "", errors.New("no session bus") }
func (unavailable) Delete(string, string) error        { return errors.New("no session bus") }

// Issue 16 finding 7: when the index cannot be written after the keychain
// took the values, the error says exactly that, and hands the values back.
func TestIndexFailsAfterKeychainIsPrecise(t *testing.T) {
	dir := t.TempDir()
	kr := &credstoretest.Keyring{}
	s := NewWithKeyring(dir, kr)
	s.retryDelay = 0
	if err := os.WriteFile(filepath.Join(dir, indexName), []byte(`{"version":9,"registrations":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	rec, v := sampleRecord(t, "sandbox", "PC")
	err := s.Save(context.Background(), rec, v)
	var ns *NotStoredError
	if !errors.As(err, &ns) || !ns.InKeychain || ns.Values != v {
		t.Fatalf("Save = %v, want a *NotStoredError with InKeychain", err)
	}
	// What a person reads about it ("were saved in …, but the list …
	// (index.json) could not be updated"): guidance.TestStoreWords.
	var ne *NewerIndexError
	if ns.Where != s.Where() || !errors.As(err, &ne) || strings.Contains(err.Error(), v.RegistrationAccessToken) {
		t.Errorf("not stored %+v: %q", ns, err)
	}
	if got, err := kr.Get(Service, TokenAccount("sandbox", rec.ClientID)); err != nil || got != v.RegistrationAccessToken {
		t.Errorf("the keychain does not hold the token: %v", err)
	}
}
