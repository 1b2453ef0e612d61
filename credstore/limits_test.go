package credstore

import (
	"context"
	"errors"
	"strings"
	"testing"

	"dcrwizard/credstore/credstoretest"
)

// go-keyring's mock has no size limit and these tests run on Linux, so the
// Windows and macOS limits are checked here by GOOS.
func TestItemSizeLimitsByGOOS(t *testing.T) {
	env, id := "sandbox", "0f8fad5b-d9cb-469f-a165-70867728950e"
	token := TokenAccount(env, id)
	jwt := fakeJWT(t, 2000)
	tests := []struct {
		goos, name, account, value string
		tooBig                     bool
	}{
		{"windows", "2 KB JWT", token, jwt, false},
		{"windows", "2560 bytes", token, strings.Repeat("a", 2560), false},
		{"windows", "2561 bytes", token, strings.Repeat("a", 2561), true},
		{"windows", "2560 bytes of 2-byte runes", token, strings.Repeat("é", 1280), false},
		{"windows", "2562 bytes of 2-byte runes", token, strings.Repeat("é", 1281), true},
		{"windows", "account over 513 UTF-16 units", NameAccount(env, strings.Repeat("n", 500)), id, true},
		{"windows", "long name fits", NameAccount(env, strings.Repeat("n", 64)), id, false},
		{"darwin", "2 KB JWT", token, jwt, false},
		{"darwin", "2900 bytes", token, strings.Repeat("a", 2900), false},
		{"darwin", "3000 bytes", token, strings.Repeat("a", 3000), true},
		{"darwin", "quoted account", NameAccount(env, "Tom's PC"), id, false},
		{"linux", "1 MiB", token, strings.Repeat("a", 1<<20), false},
		{"freebsd", "1 MiB", token, strings.Repeat("a", 1<<20), false},
	}
	for _, tt := range tests {
		t.Run(tt.goos+"/"+tt.name, func(t *testing.T) {
			err := checkItem(tt.goos, item{what: "registration access token", account: tt.account, value: tt.value})
			var tb *TooBigError
			if got := errors.As(err, &tb); got != tt.tooBig {
				t.Fatalf("checkItem = %v, want too big: %v", err, tt.tooBig)
			}
			if tb != nil {
				if !errors.Is(err, ErrTooBig) || tb.GOOS != tt.goos || tb.Size <= tb.Limit {
					t.Errorf("TooBigError = %+v", tb)
				}
				t.Log(err)
			}
		})
	}
}

// The macOS check must agree with go-keyring's own: the whole `security -i`
// line, base64-encoded secret included, at most 4096 bytes.
func TestDarwinLimitBoundary(t *testing.T) {
	acct := TokenAccount("sandbox", "0f8fad5b-d9cb-469f-a165-70867728950e")
	last := 0
	for n := 2800; n < 4000; n++ {
		size, limit, _, _ := itemSize("darwin", acct, strings.Repeat("a", n))
		if size > limit {
			break
		}
		last = n
	}
	if last < 2900 || last > 3000 {
		t.Fatalf("largest macOS token = %d bytes, want about 3000", last)
	}
	// One byte of quoting in the account costs room.
	plain, _, _, _ := itemSize("darwin", "a", "x")
	quoted, _, _, _ := itemSize("darwin", "a b", "x")
	if quoted != plain+2+2 {
		t.Errorf("quoted account size %d, plain %d", quoted, plain)
	}
	if got := shellQuote("it's"); got != `'it'"'"'s'` {
		t.Errorf("shellQuote = %s", got)
	}
}

// A value too big for the platform is refused before any keychain call, and
// handed back.
func TestSaveTooBigForWindowsRefusedBeforeWriting(t *testing.T) {
	kr := &credstoretest.Keyring{}
	s := NewWithKeyring(t.TempDir(), kr)
	s.goos = "windows"
	rec, v := sampleRecord(t, "sandbox", "PC")
	v.RegistrationAccessToken = fakeJWT(t, 3000)

	err := s.Save(context.Background(), rec, v)
	var ns *NotStoredError
	var tb *TooBigError
	if !errors.As(err, &ns) || !errors.As(err, &tb) {
		t.Fatalf("Save = %v, want *NotStoredError wrapping *TooBigError", err)
	}
	if ns.Values != v {
		t.Error("values not handed back")
	}
	if n := kr.Sets(); n != 0 {
		t.Errorf("%d keychain writes, want none", n)
	}
	if !strings.Contains(err.Error(), "Windows Credential Manager") {
		t.Errorf("message does not say where: %s", err)
	}
	mustNotContain(t, "error", err.Error(), v.RegistrationAccessToken)

	// A normal token fits on Windows.
	rec2, v2 := sampleRecord(t, "sandbox", "PC 2")
	if err := s.Save(context.Background(), rec2, v2); err != nil {
		t.Errorf("Save of a 1.5 KB token on windows: %v", err)
	}
}

func TestWhere(t *testing.T) {
	for goos, want := range map[string]string{
		"darwin":  "the macOS Keychain",
		"windows": "Windows Credential Manager",
		"linux":   "the Secret Service keyring (GNOME Keyring / KWallet)",
		"freebsd": "the Secret Service keyring (GNOME Keyring / KWallet)",
	} {
		s := NewWithKeyring(t.TempDir(), nil)
		s.goos = goos
		if got := s.Where(); !strings.HasPrefix(got, want) || !strings.Contains(got, `"dcrwizard"`) {
			t.Errorf("Where(%s) = %q", goos, got)
		}
	}
}
