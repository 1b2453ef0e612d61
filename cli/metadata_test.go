package cli

import (
	"strings"
	"testing"
)

// TestMetadataLinesFlatten covers what the simulator never sends but another
// server may: a JWK set, nested objects, lists of objects, secrets inside them.
func TestMetadataLinesFlatten(t *testing.T) {
	md := map[string]any{
		"jwks": map[string]any{"keys": []any{
			map[string]any{"kid": "k1", "kty": "RSA", "alg": "RS256", "use": "sig", "n": "AQAB-modulus", "e": "AQAB"},
			map[string]any{"kty": "EC"},
		}},
		"software":                  map[string]any{"id": "abc", "version": 2.0, "ato_api_key": "SECRET1"},
		"contacts":                  []any{"a@example.com", "b@example.com"},
		"extra":                     []any{map[string]any{"name": "x"}},
		"issued":                    1.7649e9,
		"registration_access_token": "SECRET2",
	}
	got := strings.Join(metadataLines(md), "\n")
	want := strings.Join([]string{
		"contacts: a@example.com, b@example.com",
		"extra.1.name: x",
		"issued: 1764900000",
		"jwks: 2 keys: k1 (RSA, RS256, sig); key without id (EC)",
		"software.id: abc",
		"software.version: 2",
	}, "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
