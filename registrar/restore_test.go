package registrar

import (
	"context"
	"errors"
	"testing"

	"github.com/zalando/go-keyring"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
)

// A listed registration whose token item the keychain lost takes back the
// live token: checked with the ATO (which rotates it on the read), and the
// rotated one stored. A dead token and garbage are refused with nothing
// stored.
func TestRestoreWhereTheTokenItemIsGone(t *testing.T) {
	_, r, res := lifecycleFixture(t, atosim.Options{RotateTokens: true})
	ctx := context.Background()
	id, env := res.Record.ClientID, res.Record.Environment
	live := storedToken(t, r, id)
	if err := keyring.Delete(credstore.Service, credstore.TokenAccount(env, id)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Check(ctx, id); !errors.Is(err, credstore.ErrNotFound) {
		t.Fatalf("Check without the token item: %v, want not found", err)
	}
	for _, bad := range []string{"", " ", "two words", "line\nbreak", "eyJ\u202e"} {
		if _, err := r.Restore(ctx, RestoreInput{ClientID: id, Token: bad}); !errors.Is(err, ErrNotAToken) {
			t.Errorf("Restore(%q): %v, want ErrNotAToken", bad, err)
		}
	}
	got, err := r.Restore(ctx, RestoreInput{ClientID: id, Token: " " + live + "\n"})
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if !got.Rotated || got.Listed {
		t.Errorf("Restore: rotated %v listed %v, want rotated (the read rotates) and not listed again", got.Rotated, got.Listed)
	}
	if _, err := r.Check(ctx, id); err != nil {
		t.Fatalf("Check after Restore: %v", err)
	}
	now := storedToken(t, r, id)
	var refused *TokenRefusedError
	if _, err := r.Restore(ctx, RestoreInput{ClientID: id, Token: live}); !errors.As(err, &refused) {
		t.Fatalf("Restore of a dead token: %v, want TokenRefusedError", err)
	}
	if storedToken(t, r, id) != now {
		t.Error("a refused Restore changed the stored token")
	}
}
