package flow

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestAssertionFieldByField(t *testing.T) {
	cred := goodCredential(t)
	now := time.Now().Truncate(time.Second)
	s, err := newAssertion(cred, Sandbox, now)
	if err != nil {
		t.Fatal(err)
	}

	// Parse it back, checking the signature with the certificate's key.
	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(s, claims, func(tok *jwt.Token) (any, error) {
		return cred.Certificate.PublicKey, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithAudience(Sandbox.TokenURL),
		jwt.WithIssuer(Sandbox.RegistrationClientID), jwt.WithSubject(Sandbox.RegistrationClientID),
		jwt.WithIssuedAt(), jwt.WithExpirationRequired(), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil || !tok.Valid {
		t.Fatalf("parse back: %v", err)
	}

	// Header: exactly alg, typ and x5c holding the leaf only.
	if len(tok.Header) != 3 || tok.Header["alg"] != "RS256" || tok.Header["typ"] != "JWT" {
		t.Errorf("header = %v", tok.Header)
	}
	x5c, _ := tok.Header["x5c"].([]any)
	if len(x5c) != 1 {
		t.Fatalf("x5c = %v, want the signing certificate only", tok.Header["x5c"])
	}
	der, err := base64.StdEncoding.Strict().DecodeString(x5c[0].(string))
	if err != nil || !bytes.Equal(der, cred.Certificate.Raw) {
		t.Errorf("x5c[0] is not standard base64 of the leaf DER (%v)", err)
	}

	// Claims, read from the raw payload so types and spellings are checked.
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(s, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(payload, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 6 {
		t.Errorf("claims = %v, want aud iss sub jti iat exp", raw)
	}
	if raw["aud"] != Sandbox.TokenURL { // a plain string, exactly the URL
		t.Errorf("aud = %#v, want %q", raw["aud"], Sandbox.TokenURL)
	}
	if raw["iss"] != "ato_registration_client_id_eve" || raw["sub"] != "ato_registration_client_id_eve" {
		t.Errorf("iss/sub = %v/%v", raw["iss"], raw["sub"])
	}
	if raw["iat"] != float64(now.Unix()) {
		t.Errorf("iat = %v, want %d", raw["iat"], now.Unix())
	}
	if raw["exp"] != float64(now.Add(5*time.Minute).Unix()) {
		t.Errorf("exp = %v, want iat + 5 minutes", raw["exp"])
	}
	uuidV4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if jti, _ := raw["jti"].(string); !uuidV4.MatchString(jti) {
		t.Errorf("jti = %v, want a version 4 UUID", raw["jti"])
	}

	// A second assertion differs in jti.
	s2, _ := newAssertion(cred, Sandbox, now)
	if s2 == s {
		t.Error("two assertions are identical")
	}
}

func TestUUIDUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		u, err := newUUID()
		if err != nil {
			t.Fatal(err)
		}
		if seen[u] || len(u) != 36 || u[14] != '4' || !strings.ContainsRune("89ab", rune(u[19])) {
			t.Fatalf("bad or repeated UUID %q", u)
		}
		seen[u] = true
	}
}
