package flow

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"dcrwizard/m2m"
)

// assertionLifetime is short on purpose: the guide's example lets exp run a
// year, but a leaked assertion should be useless within minutes.
const assertionLifetime = 5 * time.Minute

// clientAssertionType is the RFC 7523 value the token endpoint requires.
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// newAssertion signs the private-key JWT of step 1 for one token request.
func newAssertion(cred *m2m.Credential, env Environment, now time.Time) (string, error) {
	jti, err := newUUID()
	if err != nil {
		return "", err
	}
	// MapClaims rather than RegisteredClaims: the latter writes "aud" as an
	// array, and the ATO documents a plain string.
	claims := jwt.MapClaims{
		"aud": env.TokenURL,
		"iss": env.RegistrationClientID,
		"sub": env.RegistrationClientID,
		"jti": jti,
		"iat": now.Unix(),
		"exp": now.Add(assertionLifetime).Unix(),
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["typ"] = "JWT"
	// The signing certificate only, not the chain (the guide says so).
	tok.Header["x5c"] = []string{certBase64(cred)}
	s, err := tok.SignedString(cred.PrivateKey)
	if err != nil {
		return "", fmt.Errorf("signing the request with the credential's private key failed: %w", err)
	}
	return s, nil
}

// newUUID returns a random (version 4) UUID from crypto/rand.
func newUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", errors.New("this computer could not produce random numbers: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:]), nil
}
