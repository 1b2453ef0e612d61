package credstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// Tests in this file talk to a real Secret Service (scripts/with-secret-service.sh).

func TestSaveAndReadBack(t *testing.T) {
	s, _ := realStore(t)
	ctx := context.Background()
	env := uniqueEnv(t)
	rec, v := sampleRecord(t, env, "Front desk PC")

	if err := s.Save(ctx, rec, v); err != nil {
		t.Fatalf("Save: %v", err)
	}

	gotRec, gotV, err := s.Get(ctx, rec.ClientID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if gotV != v {
		t.Errorf("Get values = %v, want %v", gotV, v)
	}
	if gotRec.Name != rec.Name || gotRec.Receipt != rec.Receipt || !gotRec.IssuedAt.Equal(rec.IssuedAt) ||
		!gotRec.CredentialNotAfter.Equal(rec.CredentialNotAfter) || gotRec.CredentialSerial != rec.CredentialSerial {
		t.Errorf("Get record = %+v, want %+v", gotRec, rec)
	}
	if gotRec.StoredAt.IsZero() {
		t.Error("StoredAt not set")
	}

	// The documented layout: one item per value, found by environment and
	// client ID, or by environment and instance name.
	for acct, want := range map[string]string{
		TokenAccount(env, rec.ClientID):   v.RegistrationAccessToken,
		URIAccount(env, rec.ClientID):     v.RegistrationClientURI,
		NameAccount(env, "Front desk PC"): rec.ClientID,
	} {
		got, err := keyring.Get(Service, acct)
		if err != nil || got != want {
			t.Errorf("keychain %s: %v (got %d bytes, equal: %v)", acct, err, len(got), got == want)
		}
		// Another program (libsecret's secret-tool) finds it by the
		// documented attributes.
		if path, err := exec.LookPath("secret-tool"); err == nil {
			out, err := exec.Command(path, "lookup", "service", Service, "username", acct).Output()
			if err != nil || string(out) != want {
				t.Errorf("secret-tool lookup %s: %v (got %d bytes)", acct, err, len(out))
			}
		}
	}
	if path, err := exec.LookPath("secret-tool"); err == nil {
		out, _ := exec.Command(path, "search", "--all", "service", Service).CombinedOutput()
		var attrs []string
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "attribute.") && strings.Contains(line, env) || line == "attribute.service = "+Service {
				attrs = append(attrs, line)
			}
		}
		t.Logf("secret-tool search --all service %s (attribute lines of this test):\n%s", Service, strings.Join(attrs, "\n"))
	}

	list, err := s.List(ctx)
	if err != nil || len(list) != 1 || list[0].ClientID != rec.ClientID {
		t.Fatalf("List = %+v, %v", list, err)
	}
	byName, err := s.FindByName(ctx, env, "Front desk PC")
	if err != nil || byName.ClientID != rec.ClientID {
		t.Errorf("FindByName = %+v, %v", byName, err)
	}
	if _, err := s.FindByName(ctx, env, "Back office"); !errors.Is(err, ErrNotFound) {
		t.Errorf("FindByName(unknown) err = %v, want ErrNotFound", err)
	}
	if _, _, err := s.Get(ctx, newClientID(t)); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(unknown) err = %v, want ErrNotFound", err)
	}

	fi, err := os.Stat(filepath.Join(s.Dir(), indexName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("index mode = %v, want 0600", fi.Mode().Perm())
	}
	assertNoSecretInFiles(t, s.Dir(), v.RegistrationAccessToken)
}

// TestNewWritesWhereOthersRead checks New's keychain (on Linux its batched
// Secret Service writes) against go-keyring and secret-tool, which read item by
// item. go-keyring's mock cannot stand in here: the batch path talks to the
// Secret Service itself.
func TestNewWritesWhereOthersRead(t *testing.T) {
	if !haveSecretService() {
		t.Skip(skipNoSecretService)
	}
	s := New(t.TempDir())
	ctx := context.Background()
	env := uniqueEnv(t)
	rec, v := sampleRecord(t, env, "Reception")
	t.Cleanup(func() {
		for _, acct := range []string{TokenAccount(env, rec.ClientID), URIAccount(env, rec.ClientID), NameAccount(env, "Reception")} {
			_ = keyring.Delete(Service, acct)
		}
	})
	if err := s.Save(ctx, rec, v); err != nil {
		t.Fatal(err)
	}
	for acct, want := range map[string]string{
		TokenAccount(env, rec.ClientID): v.RegistrationAccessToken,
		URIAccount(env, rec.ClientID):   v.RegistrationClientURI,
		NameAccount(env, "Reception"):   rec.ClientID,
	} {
		if got, err := keyring.Get(Service, acct); err != nil || got != want {
			t.Errorf("go-keyring Get %s: %v (equal: %v)", acct, err, got == want)
		}
		if path, err := exec.LookPath("secret-tool"); err == nil {
			out, err := exec.Command(path, "lookup", "service", Service, "username", acct).Output()
			if err != nil || string(out) != want {
				t.Errorf("secret-tool lookup %s: %v (got %d bytes)", acct, err, len(out))
			}
		}
	}
	// Saving the same registration again replaces the items (no duplicates a
	// search would have to choose between).
	v2 := v
	v2.RegistrationAccessToken = fakeJWT(t, 900)
	if err := s.UpdateToken(ctx, rec.ClientID, v2.RegistrationAccessToken); err != nil {
		t.Fatal(err)
	}
	if path, err := exec.LookPath("secret-tool"); err == nil {
		out, _ := exec.Command(path, "search", "--all", "service", Service, "username", TokenAccount(env, rec.ClientID)).CombinedOutput()
		if n := strings.Count(string(out), "\nsecret = "); n != 1 {
			t.Errorf("%d items for the token after an update, want 1", n)
		}
	}
	if _, got, err := s.Get(ctx, rec.ClientID); err != nil || got != v2 {
		t.Errorf("Get after update: %v (equal: %v)", err, got == v2)
	}
}

func TestLargeValues(t *testing.T) {
	s, _ := realStore(t)
	ctx := context.Background()
	// Over the Windows limit and the macOS one; the Secret Service holds it.
	for _, size := range []int{2561, 4097, 64 << 10} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			rec, v := sampleRecord(t, uniqueEnv(t), "Big")
			v.RegistrationAccessToken = fakeJWT(t, size-4) + "é€" // multi-byte runes survive too
			if err := s.Save(ctx, rec, v); err != nil {
				t.Fatalf("Save: %v", err)
			}
			_, got, err := s.Get(ctx, rec.ClientID)
			if err != nil || got.RegistrationAccessToken != v.RegistrationAccessToken {
				t.Fatalf("Get: %v (token equal: %v)", err, got.RegistrationAccessToken == v.RegistrationAccessToken)
			}
		})
	}
}

func TestUpdateTokenOnRotation(t *testing.T) {
	s, _ := realStore(t)
	ctx := context.Background()
	rec, v := sampleRecord(t, uniqueEnv(t), "Rotating")
	if err := s.Save(ctx, rec, v); err != nil {
		t.Fatal(err)
	}
	rotated := fakeJWT(t, 1800)
	if err := s.UpdateToken(ctx, rec.ClientID, rotated); err != nil {
		t.Fatalf("UpdateToken: %v", err)
	}
	_, got, err := s.Get(ctx, rec.ClientID)
	if err != nil || got.RegistrationAccessToken != rotated {
		t.Fatalf("after rotation Get: %v, token rotated: %v", err, got.RegistrationAccessToken == rotated)
	}
	if got.RegistrationClientURI != v.RegistrationClientURI {
		t.Errorf("URI changed to %q", got.RegistrationClientURI)
	}

	err = s.UpdateToken(ctx, newClientID(t), rotated)
	var ns *NotStoredError
	if !errors.As(err, &ns) || !errors.Is(err, ErrNotFound) || ns.Values.RegistrationAccessToken != rotated {
		t.Errorf("UpdateToken(unknown) = %v; want *NotStoredError matching ErrNotFound carrying the token", err)
	}
}

func TestUpdateRecordRename(t *testing.T) {
	s, _ := realStore(t)
	ctx := context.Background()
	env := uniqueEnv(t)
	rec, v := sampleRecord(t, env, "Old name")
	if err := s.Save(ctx, rec, v); err != nil {
		t.Fatal(err)
	}
	renamed := rec
	renamed.Name = "New name"
	if err := s.UpdateRecord(ctx, renamed); err != nil {
		t.Fatalf("UpdateRecord: %v", err)
	}
	if got, err := s.FindByName(ctx, env, "New name"); err != nil || got.ClientID != rec.ClientID {
		t.Errorf("FindByName(new) = %+v, %v", got, err)
	}
	if _, err := s.FindByName(ctx, env, "Old name"); !errors.Is(err, ErrNotFound) {
		t.Errorf("FindByName(old) err = %v", err)
	}
	if got, err := keyring.Get(Service, NameAccount(env, "New name")); err != nil || got != rec.ClientID {
		t.Errorf("new name item = %q, %v", got, err)
	}
	if _, err := keyring.Get(Service, NameAccount(env, "Old name")); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("old name item still there: %v", err)
	}
	if _, got, err := s.Get(ctx, rec.ClientID); err != nil || got != v {
		t.Errorf("values after rename: %v", err)
	}

	moved := renamed
	moved.Environment = "production"
	if err := s.UpdateRecord(ctx, moved); err == nil {
		t.Error("UpdateRecord accepted a change of environment")
	}
}

func TestDelete(t *testing.T) {
	s, _ := realStore(t)
	ctx := context.Background()
	env := uniqueEnv(t)
	// Two registrations with one name: the name item follows the newest.
	older, v1 := sampleRecord(t, env, "Shared")
	newer, v2 := sampleRecord(t, env, "Shared")
	if err := s.Save(ctx, older, v1); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, newer, v2); err != nil {
		t.Fatal(err)
	}
	if got, _ := keyring.Get(Service, NameAccount(env, "Shared")); got != newer.ClientID {
		t.Fatalf("name item = %q, want the newer client ID", got)
	}

	if err := s.Delete(ctx, newer.ClientID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, _, err := s.Get(ctx, newer.ClientID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete err = %v", err)
	}
	if _, err := keyring.Get(Service, TokenAccount(env, newer.ClientID)); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("token item survives Delete: %v", err)
	}
	if got, _ := keyring.Get(Service, NameAccount(env, "Shared")); got != older.ClientID {
		t.Errorf("name item = %q, want it moved to the older client ID", got)
	}

	if err := s.Delete(ctx, older.ClientID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	for _, acct := range []string{TokenAccount(env, older.ClientID), URIAccount(env, older.ClientID), NameAccount(env, "Shared")} {
		if _, err := keyring.Get(Service, acct); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("%s survives Delete: %v", acct, err)
		}
	}
	if list, err := s.List(ctx); err != nil || len(list) != 0 {
		t.Errorf("List after deletes = %+v, %v", list, err)
	}
	if err := s.Delete(ctx, older.ClientID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete err = %v, want ErrNotFound", err)
	}
}

func TestGetTokenRemovedOutside(t *testing.T) {
	s, _ := realStore(t)
	ctx := context.Background()
	rec, v := sampleRecord(t, uniqueEnv(t), "Gone")
	if err := s.Save(ctx, rec, v); err != nil {
		t.Fatal(err)
	}
	if err := keyring.Delete(Service, TokenAccount(rec.Environment, rec.ClientID)); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Get(ctx, rec.ClientID)
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Item != "registration access token" || !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get = %v, want *NotFoundError for the token", err)
	}
	t.Log(err)
}

// TestChildLockedKeyring runs in its own throw-away Secret Service session
// (started by TestLockedKeyringValuesHandedBack), because it locks the
// keyring and nothing can unlock it again without a prompt.
func TestChildLockedKeyring(t *testing.T) {
	childOnly(t)
	if !haveSecretService() {
		t.Fatal("not inside scripts/with-secret-service.sh")
	}
	s := New(t.TempDir())
	s.retryDelay = 0
	ctx := context.Background()
	earlier, ev := sampleRecord(t, "sandbox", "Earlier")
	if err := s.Save(ctx, earlier, ev); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets",
		"/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock",
		"array:objpath:/org/freedesktop/secrets/collection/login").CombinedOutput()
	if err != nil {
		t.Fatalf("lock the keyring: %v\n%s", err, out)
	}

	// With no display the unlock prompt fails at once, as when a user
	// dismisses it.
	rec, v := sampleRecord(t, "sandbox", "Front desk")
	err = s.Save(ctx, rec, v)
	var ns *NotStoredError
	if !errors.As(err, &ns) || ns.Values != v || !errors.Is(err, ErrKeychainUnavailable) {
		t.Fatalf("Save to a locked keyring = %v, want *NotStoredError matching ErrKeychainUnavailable", err)
	}
	mustNotContain(t, "error", err.Error(), v.RegistrationAccessToken)
	t.Log(err)
	if _, _, err := s.Get(ctx, earlier.ClientID); !errors.Is(err, ErrKeychainUnavailable) {
		t.Errorf("Get from a locked keyring = %v", err)
	}
	if list, err := s.List(ctx); err != nil || len(list) != 1 || list[0].ClientID != earlier.ClientID {
		t.Errorf("List = %+v, %v", list, err)
	}
}

func TestLockedKeyringValuesHandedBack(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("locks a Secret Service keyring")
	}
	for _, tool := range []string{"dbus-run-session", "dbus-send", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
	script, err := filepath.Abs("../scripts/with-secret-service.sh")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(script, os.Args[0], "-test.run=^TestChildLockedKeyring$", "-test.v", "-test.timeout=60s")
	// No display: an unlock prompt must not appear on a developer's screen.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, childEnv+"=TestChildLockedKeyring")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestChildLockedKeyring") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if testing.Verbose() {
		t.Logf("child:\n%s", out)
	}
}
