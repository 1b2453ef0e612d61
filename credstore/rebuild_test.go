package credstore

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore/credstoretest"
)

// saved is a registration a test saved, to compare with what is listed.
type saved struct {
	rec Record
	v   Values
}

func saveAll(t *testing.T, s *Store, env string, names ...string) []saved {
	t.Helper()
	var out []saved
	for i, name := range names {
		rec, v := sampleRecord(t, env, name)
		if i == 0 {
			key, err := consumerkey.New("consumer-key-"+randHex(t, 8), consumerkey.Typed)
			if err != nil {
				t.Fatal(err)
			}
			v.ConsumerKey = key
		}
		if err := s.Save(context.Background(), rec, v); err != nil {
			t.Fatalf("Save %s: %v", name, err)
		}
		out = append(out, saved{rec, v})
	}
	return out
}

// wantAllListed checks that List has every registration of want, each whole
// or recovered from the keychain (then with what the keychain holds), that
// every one can still be read with its token, and returns the notice.
func wantAllListed(t *testing.T, s *Store, want []saved, recovered ...string) *IndexRecoveredError {
	t.Helper()
	ctx := context.Background()
	list, err := s.List(ctx)
	var notice *IndexRecoveredError
	if !errors.As(err, &notice) {
		t.Fatalf("List = %d records, %v; want the records and *IndexRecoveredError", len(list), err)
	}
	if len(list) != len(want) {
		t.Fatalf("List has %d records, want %d: %+v", len(list), len(want), list)
	}
	for _, w := range want {
		i := slices.IndexFunc(list, func(r Record) bool { return r.ClientID == w.rec.ClientID })
		if i < 0 {
			t.Errorf("registration %q (%s) vanished from the list", w.rec.Name, w.rec.ClientID)
			continue
		}
		got := list[i]
		if slices.Contains(recovered, w.rec.ClientID) {
			if got.Recovered.IsZero() || got.Environment != w.rec.Environment || got.RegistrationClientURI != w.rec.RegistrationClientURI {
				t.Errorf("recovered %s = %+v", w.rec.ClientID, got)
			}
		} else if !got.Recovered.IsZero() || got.Receipt != w.rec.Receipt || got.Name != w.rec.Name || !got.CredentialNotAfter.Equal(w.rec.CredentialNotAfter) {
			t.Errorf("%s = %+v, want it whole as saved", w.rec.ClientID, got)
		}
		_, vals, err := s.Get(ctx, w.rec.ClientID)
		if err != nil || vals.RegistrationAccessToken != w.v.RegistrationAccessToken || !vals.ConsumerKey.Same(w.v.ConsumerKey) {
			t.Errorf("Get %s after the rebuild: %v", w.rec.ClientID, err)
		}
	}
	return notice
}

// TestCutShortIndexRebuilt is finding 10: index.json cut short. A read-only
// List keeps the damaged file aside and lists every registration: those
// whole in what is left as they were, the others rebuilt from the keychain
// (with the name whose name item points at them). Get, which check and
// show use, finds each; the rebuilt index is written, so the next process
// (a new Store) finds the same.
func TestCutShortIndexRebuilt(t *testing.T) {
	dir := t.TempDir()
	s := anyStore(t, dir)
	env := uniqueEnv(t)
	regs := saveAll(t, s, env, "Front desk", "Back office", "Front desk", "Reception")
	path := filepath.Join(dir, indexName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Cut inside the second registration: the first stays whole.
	cut := bytes.Index(data, []byte(`"client_id": "`+regs[1].rec.ClientID))
	if cut < 0 {
		t.Fatalf("index = %s", data)
	}
	damaged := data[:cut+20]
	// An index written by an older version has no previous copy.
	if err := os.Remove(filepath.Join(dir, prevName)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, damaged, 0o600); err != nil {
		t.Fatal(err)
	}

	rebuilt := []string{regs[1].rec.ClientID, regs[2].rec.ClientID, regs[3].rec.ClientID}
	fresh := anyStoreOn(t, dir, s)
	notice := wantAllListed(t, fresh, regs, rebuilt...)
	if len(notice.Paths) != 1 || len(notice.Recovered) != 3 || !strings.Contains(notice.Error(), "rebuilt") {
		t.Errorf("notice = %+v: %v", notice, notice)
	}
	if kept, err := os.ReadFile(notice.Paths[0]); err != nil || !bytes.Equal(kept, damaged) {
		t.Errorf("the damaged file was not kept as it was: %v", err)
	}
	// Names: from the name items, which point at the newest of each name.
	names := map[string]string{}
	list, _ := fresh.List(context.Background())
	for _, r := range list {
		names[r.ClientID] = r.Name
	}
	if names[regs[1].rec.ClientID] != "Back office" || names[regs[2].rec.ClientID] != "Front desk" || names[regs[3].rec.ClientID] != "Reception" {
		t.Errorf("names after the rebuild: %v", names)
	}

	// Written: another process finds the same list, still with the notice.
	again := anyStoreOn(t, dir, s)
	wantAllListed(t, again, regs, rebuilt...)
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the rebuilt index was not written: %v", err)
	}
	// A rebuilt registration saves as any other: the save replaces it whole.
	if err := again.Save(context.Background(), regs[3].rec, regs[3].v); err != nil {
		t.Fatal(err)
	}
	wantAllListed(t, again, regs, rebuilt[:2]...)
}

// TestInvalidIndexRebuilt: index.json that is not JSON at all. Its previous
// copy (one write behind) gives the first registration back whole, the
// keychain the second.
func TestInvalidIndexRebuilt(t *testing.T) {
	dir := t.TempDir()
	s := anyStore(t, dir)
	regs := saveAll(t, s, uniqueEnv(t), "One", "Two")
	if err := os.WriteFile(filepath.Join(dir, indexName), []byte("\x00\x00\x00garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	fresh := anyStoreOn(t, dir, s)
	// Get first, as `check CLIENT_ID` does: never "not saved on this computer".
	if _, _, err := fresh.Get(context.Background(), regs[1].rec.ClientID); err != nil {
		t.Fatalf("Get on a damaged index = %v", err)
	}
	notice := wantAllListed(t, fresh, regs, regs[1].rec.ClientID)
	if len(notice.Paths) != 1 || len(notice.Recovered) != 1 {
		t.Errorf("notice = %+v", notice)
	}
}

// TestMissingIndexRebuilt: index.json deleted. Its previous copy gives the
// registrations whole; one saved after that copy comes from the keychain;
// one forgotten since is not brought back.
func TestMissingIndexRebuilt(t *testing.T) {
	dir := t.TempDir()
	s := anyStore(t, dir)
	ctx := context.Background()
	regs := saveAll(t, s, uniqueEnv(t), "One", "Two", "Gone", "Three")
	if err := s.Delete(ctx, regs[2].rec.ClientID); err != nil {
		t.Fatal(err)
	}
	regs = slices.Delete(regs, 2, 3)
	if err := os.Remove(filepath.Join(dir, indexName)); err != nil {
		t.Fatal(err)
	}
	fresh := anyStoreOn(t, dir, s)
	// The previous copy is the index before the Delete: "Gone" is in it,
	// but its token is not in the keychain any more.
	notice := wantAllListed(t, fresh, regs)
	if !notice.Rebuilt || !notice.Restored || len(notice.Paths) != 0 || !strings.Contains(notice.Error(), "missing") {
		t.Errorf("notice = %+v: %v", notice, notice)
	}
	// Nothing on disk tells of it now: it is told for as long as the Store
	// lives (the wizard's Welcome page lists before the Registrations
	// screen does).
	if _, err := fresh.List(ctx); !errors.As(err, &notice) || !notice.Rebuilt {
		t.Errorf("second List = %v, want the notice again", err)
	}

	// The copy is one write behind: a registration saved by the last write
	// is only in the keychain.
	latest := saveAll(t, fresh, regs[0].rec.Environment, "Four")
	if err := os.Remove(filepath.Join(dir, indexName)); err != nil {
		t.Fatal(err)
	}
	wantAllListed(t, anyStoreOn(t, dir, s), append(regs, latest...), latest[0].rec.ClientID)
}

// TestNewFolderStartsEmpty: a settings folder with no index and no trace of
// one (never used, or deleted whole) starts empty: the keychain is not
// searched, as it may hold another settings folder's registrations.
func TestNewFolderStartsEmpty(t *testing.T) {
	kr := &credstoretest.Keyring{}
	s := NewWithKeyring(t.TempDir(), kr)
	saveAll(t, s, uniqueEnv(t), "Elsewhere")
	other := NewWithKeyring(t.TempDir(), kr)
	list, err := other.List(context.Background())
	if err != nil || len(list) != 0 {
		t.Fatalf("List of a new folder = %+v, %v", list, err)
	}
}

// TestOldVersionAftermathMerged: an older version set a damaged index aside
// and started a new, empty one; the registrations only the keychain holds
// are added back.
func TestOldVersionAftermathMerged(t *testing.T) {
	dir := t.TempDir()
	s := anyStore(t, dir)
	env := uniqueEnv(t)
	old := saveAll(t, s, env, "Before")
	if err := os.Rename(filepath.Join(dir, indexName), filepath.Join(dir, indexName+".corrupt-20261201T000000.000000000Z")); err != nil {
		t.Fatal(err)
	}
	// The new list the older version started, which has only what was
	// saved after.
	elsewhere := t.TempDir()
	newer := saveAll(t, anyStoreOn(t, elsewhere, s), env, "After")
	data, err := os.ReadFile(filepath.Join(elsewhere, indexName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, indexName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	wantAllListed(t, anyStoreOn(t, dir, s), append(old, newer...), old[0].rec.ClientID)
}

// TestSalvage: the whole records before a cut, nothing invented.
func TestSalvage(t *testing.T) {
	for name, c := range map[string]struct {
		in   string
		want []string
	}{
		"cut in the second":  {`{"version":1,"registrations":[{"environment":"sandbox","client_id":"a"},{"environment":"sandbox","cli`, []string{"a"}},
		"other keys first":   {`{"version":1,"x":{"y":[1,2]},"registrations":[{"environment":"sandbox","client_id":"a"}`, []string{"a"}},
		"no client id":       {`{"registrations":[{"environment":"sandbox"},{"environment":"sandbox","client_id":"b"}]}`, []string{"b"}},
		"slash in client id": {`{"registrations":[{"environment":"sandbox","client_id":"../x"}]}`, nil},
		"not an object":      {`[1,2,3]`, nil},
		"empty":              {``, nil},
		"duplicate":          {`{"registrations":[{"environment":"e","client_id":"a","name":"1"},{"environment":"e","client_id":"a","name":"2"}`, []string{"a"}},
	} {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, r := range salvage([]byte(c.in)) {
				got = append(got, r.ClientID)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("salvage = %v, want %v", got, c.want)
			}
		})
	}
}

// TestSecretServiceLists: the real Secret Service lists the accounts of
// every item a save wrote, without reading a secret.
func TestSecretServiceLists(t *testing.T) {
	s, _ := realStore(t)
	env := uniqueEnv(t)
	regs := saveAll(t, s, env, "Listed")
	got, err := defaultKeyring().(AccountLister).Accounts(Service)
	if err != nil {
		t.Fatal(err)
	}
	id := regs[0].rec.ClientID
	for _, acct := range []string{TokenAccount(env, id), URIAccount(env, id), ConsumerKeyAccount(env, id), NameAccount(env, "Listed")} {
		if !slices.Contains(got, acct) {
			t.Errorf("Accounts lacks %s", acct)
		}
	}
}

func TestParseDumpKeychain(t *testing.T) {
	out := `keychain: "/Users/me/Library/Keychains/login.keychain-db"
version: 512
class: "genp"
attributes:
    0x00000007 <blob>="dcrwizard"
    0x00000008 <blob>=<NULL>
    "acct"<blob>="sandbox/client/0f8f/registration_access_token"
    "cdat"<timedate>=0x32303236303330343031303230335A00  "20260304010203Z\000"
    "svce"<blob>="dcrwizard"
keychain: "/Users/me/Library/Keychains/login.keychain-db"
version: 512
class: "genp"
attributes:
    "acct"<blob>=0x73616E64626F782F6E616D652F46726F6E74C2A06465736B2F636C69656E745F6964  "sandbox/name/Front\302\240desk/client_id"
    "svce"<blob>="dcrwizard"
keychain: "/Users/me/Library/Keychains/login.keychain-db"
class: "genp"
attributes:
    "acct"<blob>="someone"
    "svce"<blob>="other-app"
keychain: "/Users/me/Library/Keychains/login.keychain-db"
class: "inet"
attributes:
    "acct"<blob>="sandbox/client/x/registration_access_token"
    "svce"<blob>="dcrwizard"
keychain: "/Users/me/Library/Keychains/login.keychain-db"
class: "genp"
attributes:
    "acct"<blob>="say \"hi\"/name/a\\b/client_id"
    "svce"<blob>="dcrwizard"
`
	got := parseDumpKeychain([]byte(out), "dcrwizard")
	want := []string{"sandbox/client/0f8f/registration_access_token", "sandbox/name/Front\u00a0desk/client_id", `say "hi"/name/a\b/client_id`}
	if !slices.Equal(got, want) {
		t.Errorf("parseDumpKeychain = %q, want %q", got, want)
	}
}

// anyStoreOn is another Store on dir and like's keychain, as a second
// process would open it.
func anyStoreOn(t *testing.T, dir string, like *Store) *Store {
	t.Helper()
	s := NewWithKeyring(dir, like.kr)
	s.retryDelay = 0
	return s
}
