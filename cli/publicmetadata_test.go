package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// check --json never prints a secret the ATO echoed, at any depth: the ATO
// cannot be made to echo one here, so the metadata is made by hand.
func TestPublicMetadataHidesEchoedSecrets(t *testing.T) {
	md := map[string]any{
		"client_id":                 "abc",
		"client_secret":             "s3cret-client",
		"ato_api_key":               "s3cret-key",
		"registration_access_token": "s3cret-token",
		"jwks":                      map[string]any{"keys": []any{map[string]any{"kid": "k1", "client_secret": "s3cret-nested"}}},
	}
	b, err := json.Marshal(publicMetadata(md))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "s3cret") {
		t.Fatalf("a secret reached check --json: %s", b)
	}
	if !strings.Contains(string(b), `"kid":"k1"`) || !strings.Contains(string(b), `"client_id":"abc"`) {
		t.Fatalf("public fields lost: %s", b)
	}
}
