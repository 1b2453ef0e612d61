package atosim

// The project's contract with the ATO: every rule the simulator enforces,
// one row each. A row starts from a correct request (the first row of each
// endpoint), breaks exactly one rule, and states the ATO's answer.

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// call is one request being built. For the token endpoint the assertion is
// signed after the row's change, from jwtHeader and claims.
type call struct {
	method, url, contentType string
	header                   http.Header

	jwtHeader map[string]any
	claims    jwt.MapClaims
	sign      signer
	form      url.Values
	formEdit  func(url.Values) // applied after client_assertion is added

	body map[string]any
	raw  []byte // sent as is when set
}

type contractRow struct {
	endpoint string // EndpointToken, EndpointRegister or EndpointClient
	name     string // the rule broken
	// change breaks the rule; reg is a fresh registration for client rows.
	change func(t *testing.T, c *call, reg registration)
	status int
	code   string // error code in either shape; "" for success
	says   string // what the answer's body must contain
}

// Helpers for rows.
func setHeader(k string, v any) func(*testing.T, *call, registration) {
	return func(_ *testing.T, c *call, _ registration) { c.jwtHeader[k] = v }
}
func delHeader(k string) func(*testing.T, *call, registration) {
	return func(_ *testing.T, c *call, _ registration) { delete(c.jwtHeader, k) }
}
func setClaim(k string, v any) func(*testing.T, *call, registration) {
	return func(_ *testing.T, c *call, _ registration) { c.claims[k] = v }
}
func delClaim(k string) func(*testing.T, *call, registration) {
	return func(_ *testing.T, c *call, _ registration) { delete(c.claims, k) }
}
func setForm(k, v string) func(*testing.T, *call, registration) {
	return func(_ *testing.T, c *call, _ registration) { c.formEdit = func(f url.Values) { f.Set(k, v) } }
}
func delForm(k string) func(*testing.T, *call, registration) {
	return func(_ *testing.T, c *call, _ registration) { c.formEdit = func(f url.Values) { f.Del(k) } }
}
func setBody(k string, v any) func(*testing.T, *call, registration) {
	return func(_ *testing.T, c *call, _ registration) { c.body[k] = v }
}
func delBody(k string) func(*testing.T, *call, registration) {
	return func(_ *testing.T, c *call, _ registration) { delete(c.body, k) }
}
func bearer(tok func() string) func(*testing.T, *call, registration) {
	return func(_ *testing.T, c *call, _ registration) { c.header.Set("Authorization", "Bearer "+tok()) }
}

// times sets iat and exp relative to now.
func times(iat, exp time.Duration) func(*testing.T, *call, registration) {
	return func(_ *testing.T, c *call, _ registration) {
		now := time.Now()
		c.claims["iat"], c.claims["exp"] = now.Add(iat).Unix(), now.Add(exp).Unix()
	}
}

// x5cCert puts cert in x5c (still signed with the fixture credential's key).
func x5cCert(cert func() []byte) func(*testing.T, *call, registration) {
	return func(_ *testing.T, c *call, _ registration) { c.jwtHeader["x5c"] = []any{b64(cert())} }
}

// update turns a client call into an RFC 7592 update with edit applied.
func update(edit func(md map[string]any, reg registration)) func(*testing.T, *call, registration) {
	return func(_ *testing.T, c *call, reg registration) {
		c.method, c.contentType = http.MethodPut, "application/json"
		c.body = fullMetadata(reg, "Updated name")
		if edit != nil {
			edit(c.body, reg)
		}
	}
}

// mint makes a token with the fixture simulator's own key.
func mint(claims jwt.MapClaims) func() string {
	return func() string {
		s, err := fx.sim.mintToken(claims)
		if err != nil {
			panic(err)
		}
		return s
	}
}

var contract = []contractRow{
	// ---- Token endpoint (guide step 1 and 2; RFC 6749 §5.2 answers) ----
	{EndpointToken, "none: a correct client gets a token", nil, 200, "", `"access_token"`},
	{EndpointToken, "method must be POST", func(_ *testing.T, c *call, _ registration) { c.method = http.MethodGet }, 405, "invalid_request", "POST only"},
	{EndpointToken, "body must be a form", func(_ *testing.T, c *call, _ registration) { c.contentType = "application/json" }, 400, "invalid_request", "must be a form"},
	{EndpointToken, "grant_type required", delForm("grant_type"), 400, "invalid_request", "grant_type parameter is missing"},
	{EndpointToken, "grant_type must be client_credentials", setForm("grant_type", "authorization_code"), 400, "unsupported_grant_type", "client_credentials is supported"},
	{EndpointToken, "parameters must not repeat", func(_ *testing.T, c *call, _ registration) {
		c.formEdit = func(f url.Values) { f.Add("scope", Scope) }
	}, 400, "invalid_request", "is repeated"},
	{EndpointToken, "client_assertion_type required", delForm("client_assertion_type"), 401, "invalid_client", "authentication is missing"},
	{EndpointToken, "client_assertion_type must be jwt-bearer", setForm("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"), 401, "invalid_client", "client_assertion_type must be"},
	{EndpointToken, "client_assertion required", delForm("client_assertion"), 401, "invalid_client", "authentication is missing"},
	{EndpointToken, "client_assertion must be a JWT", setForm("client_assertion", "not-a-jwt"), 401, "invalid_client", "not a signed JWT"},
	{EndpointToken, "scope required", delForm("scope"), 400, "invalid_scope", "scope ato.idp.relyingParties.c only"},
	{EndpointToken, "scope spelt as in the guide's curl example", setForm("scope", "ato.idp.relying.Parties.c"), 400, "invalid_scope", "scope ato.idp.relyingParties.c only"},
	{EndpointToken, "scope must be the registration scope only", setForm("scope", Scope+" openid"), 400, "invalid_scope", "scope ato.idp.relyingParties.c only"},
	{EndpointToken, "alg must be RS256, not RS512", func(_ *testing.T, c *call, _ registration) {
		c.jwtHeader["alg"], c.sign = "RS512", signWith(jwt.SigningMethodRS512, fx.cred.PrivateKey)
	}, 401, "invalid_client", "alg RS256"},
	{EndpointToken, "alg must be RS256, not PS256", func(_ *testing.T, c *call, _ registration) {
		c.jwtHeader["alg"], c.sign = "PS256", signWith(jwt.SigningMethodPS256, fx.cred.PrivateKey)
	}, 401, "invalid_client", "alg RS256"},
	{EndpointToken, "alg must be RS256, not HS256 keyed with the public certificate", func(_ *testing.T, c *call, _ registration) {
		c.jwtHeader["alg"], c.sign = "HS256", signWith(jwt.SigningMethodHS256, fx.cred.Certificate.Raw)
	}, 401, "invalid_client", "alg RS256"},
	{EndpointToken, "alg must be RS256, not none", func(_ *testing.T, c *call, _ registration) {
		c.jwtHeader["alg"], c.sign = "none", signWith(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType)
	}, 401, "invalid_client", "alg RS256"},
	{EndpointToken, "typ required", delHeader("typ"), 401, "invalid_client", "typ JWT"},
	{EndpointToken, "typ must be JWT", setHeader("typ", "jwt"), 401, "invalid_client", "typ JWT"},
	{EndpointToken, "x5c required", delHeader("x5c"), 401, "invalid_client", "signing certificate in x5c"},
	{EndpointToken, "x5c must be an array", func(_ *testing.T, c *call, _ registration) { c.jwtHeader["x5c"] = b64(fx.cred.Certificate.Raw) }, 401, "invalid_client", "signing certificate in x5c"},
	{EndpointToken, "x5c holds the signing certificate only, not the chain", func(_ *testing.T, c *call, _ registration) {
		c.jwtHeader["x5c"] = []any{b64(fx.cred.Certificate.Raw), b64(fx.sim.ca.sub.Raw), b64(fx.sim.ca.root.Raw)}
	}, 401, "invalid_client", "not the certificate chain"},
	{EndpointToken, "x5c is standard base64, not base64url", func(t *testing.T, c *call, _ registration) {
		std := b64(fx.cred.Certificate.Raw)
		urlForm := base64.URLEncoding.EncodeToString(fx.cred.Certificate.Raw)
		if std == urlForm {
			t.Skip("this certificate's base64 has no + or /")
		}
		c.jwtHeader["x5c"] = []any{urlForm}
	}, 401, "invalid_client", "not standard base64"},
	{EndpointToken, "x5c must be the certificate of the signing key", x5cCert(func() []byte { return fx.other.Certificate.Raw }), 401, "invalid_client", "signature does not match"},
	{EndpointToken, "certificate must not be expired", x5cCert(func() []byte { return fx.expired.Raw }), 401, "invalid_client", "certificate expired"},
	{EndpointToken, "certificate must be valid already", x5cCert(func() []byte { return fx.notYet.Raw }), 401, "invalid_client", "not valid until"},
	{EndpointToken, "certificate must chain to the simulator's CA", x5cCert(func() []byte { return fx.foreign.Raw }), 401, "invalid_client", "not issued by a recognised authority"},
	{EndpointToken, "certificate must not be a CA's", func(_ *testing.T, c *call, _ registration) {
		c.jwtHeader["x5c"], c.sign = []any{b64(fx.sim.ca.sub.Raw)}, signWith(jwt.SigningMethodRS256, fx.sim.ca.subKey)
	}, 401, "invalid_client", "certification authority's"},
	{EndpointToken, "signature must verify", func(_ *testing.T, c *call, _ registration) {
		inner := c.sign
		c.sign = func(t *testing.T, h map[string]any, cl jwt.MapClaims) string {
			s := inner(t, h, cl)
			dot := strings.LastIndex(s, ".")
			sig, err := base64.RawURLEncoding.DecodeString(s[dot+1:])
			if err != nil {
				t.Fatal(err)
			}
			sig[0] ^= 1
			return s[:dot+1] + base64.RawURLEncoding.EncodeToString(sig)
		}
	}, 401, "invalid_client", "signature does not match"},
	{EndpointToken, "aud must be this token URL, not production's", setClaim("aud", "https://auth.ato.gov.au/core2/connect/token"), 401, "invalid_client", "aud must be the token endpoint URL"},
	{EndpointToken, "aud must be the token URL exactly (no trailing slash)", func(_ *testing.T, c *call, _ registration) { c.claims["aud"] = fx.ep.TokenURL + "/" }, 401, "invalid_client", "aud must be the token endpoint URL"},
	{EndpointToken, "aud must name the token URL only", func(_ *testing.T, c *call, _ registration) {
		c.claims["aud"] = []any{fx.ep.TokenURL, "https://example.com/"}
	}, 401, "invalid_client", "aud must be the token endpoint URL"},
	{EndpointToken, "aud required", delClaim("aud"), 401, "invalid_client", "aud must be the token endpoint URL"},
	{EndpointToken, "iss required", delClaim("iss"), 401, "invalid_client", "must have iss and sub"},
	{EndpointToken, "sub required", delClaim("sub"), 401, "invalid_client", "must have iss and sub"},
	{EndpointToken, "sub must equal iss", setClaim("sub", "someone_else"), 401, "invalid_client", "iss and sub must both"},
	{EndpointToken, "iss = sub must be a known client id (production's is not)", func(_ *testing.T, c *call, _ registration) {
		c.claims["iss"], c.claims["sub"] = "ato_registration_client_id", "ato_registration_client_id"
	}, 401, "invalid_client", "is not known"},
	{EndpointToken, "jti required", delClaim("jti"), 401, "invalid_client", "must have a jti"},
	{EndpointToken, "jti must never have been seen", func(t *testing.T, c *call, _ registration) {
		first := tokenForm(Scope, c.sign(t, c.jwtHeader, c.claims))
		if r := postToken(t, fx.ep.TokenURL, first); r.status != 200 {
			t.Fatalf("first use: %d %s", r.status, r.raw)
		}
		// A new assertion (other iat and exp) that reuses the jti.
		c.claims["iat"], c.claims["exp"] = time.Now().Unix()+1, time.Now().Unix()+120
	}, 401, "invalid_client", "used before"},
	{EndpointToken, "iat required", delClaim("iat"), 401, "invalid_client", "must have iat"},
	{EndpointToken, "iat within 5 minutes of now (not 6 minutes ago)", times(-6*time.Minute, 3*time.Minute), 401, "invalid_client", "more than 5 minutes"},
	{EndpointToken, "iat within 5 minutes of now (not 6 minutes ahead)", times(6*time.Minute, 11*time.Minute), 401, "invalid_client", "more than 5 minutes"},
	{EndpointToken, "exp required", delClaim("exp"), 401, "invalid_client", "must have exp"},
	{EndpointToken, "exp must be in the future", times(-4*time.Minute, -time.Minute), 401, "invalid_client", "has expired"},
	{EndpointToken, "exp at most 10 minutes after iat", times(0, 11*time.Minute), 401, "invalid_client", "at most 10 minutes after"},
	{EndpointToken, "exp at most 10 minutes after iat (the guide's one-year example)", times(0, 365*24*time.Hour), 401, "invalid_client", "at most 10 minutes after"},
	{EndpointToken, "a client_id parameter must match the assertion", setForm("client_id", "someone_else"), 401, "invalid_client", "client_id does not match"},

	// ---- DCR endpoint (guide step 3; ATO response messages) ----
	{EndpointRegister, "none: a correct registration is created", nil, 201, "", `"registration_access_token"`},
	{EndpointRegister, "method must be POST", func(_ *testing.T, c *call, _ registration) { c.method = http.MethodGet }, 405, "invalid_request", "created with POST"},
	{EndpointRegister, "apikey header required", func(_ *testing.T, c *call, _ registration) { c.header.Del("apikey") }, 401, "401-01", "API key is invalid"},
	{EndpointRegister, "apikey must be known", func(_ *testing.T, c *call, _ registration) { c.header.Set("apikey", "unknownKey0123456789") }, 401, "401-01", "API key is invalid"},
	{EndpointRegister, "bearer token required", func(_ *testing.T, c *call, _ registration) { c.header.Del("Authorization") }, 401, "Invalid_token", "Unauthorised"},
	{EndpointRegister, "Authorization must be Bearer", func(_ *testing.T, c *call, _ registration) {
		c.header.Set("Authorization", "Basic "+c.header.Get("Authorization")[len("Bearer "):])
	}, 401, "Invalid_token", "Unauthorised"},
	{EndpointRegister, "bearer token must be issued by this server", bearer(func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": tokenIssuer, "sub": DefaultRegistrationClientID,
			"scope": Scope, "use": useAccess, "exp": time.Now().Add(time.Hour).Unix()})
		s, _ := tok.SignedString([]byte("not the simulator's key, 32 bytes"))
		return s
	}), 401, "Invalid_token", "Unauthorised"},
	{EndpointRegister, "bearer token must not be expired", bearer(mint(jwt.MapClaims{"sub": DefaultRegistrationClientID, "scope": Scope,
		"use": useAccess, "iat": time.Now().Add(-2 * time.Hour).Unix(), "exp": time.Now().Add(-time.Hour).Unix()})), 401, "Invalid_token", "Unauthorised"},
	{EndpointRegister, "bearer token must be for the registration scope", bearer(mint(jwt.MapClaims{"sub": DefaultRegistrationClientID, "scope": "ato.api.other",
		"use": useAccess, "exp": time.Now().Add(time.Hour).Unix()})), 403, "Insufficient_scope", "The scope provided is invalid for this operation"},
	{EndpointRegister, "bearer token must belong to the registration client", bearer(mint(jwt.MapClaims{"sub": "a-registered-client", "scope": Scope,
		"use": useAccess, "exp": time.Now().Add(time.Hour).Unix()})), 403, "Insufficient_scope", "The scope provided is invalid for this operation"},
	{EndpointRegister, "bearer token must be an access token, not a registration access token", bearer(mint(jwt.MapClaims{"sub": DefaultRegistrationClientID,
		"scope": Scope, "use": useRegistration, "exp": time.Now().Add(time.Hour).Unix()})), 401, "Invalid_token", "Unauthorised"},
	{EndpointRegister, "body must be JSON, not a form", func(_ *testing.T, c *call, _ registration) {
		c.contentType, c.raw = "application/x-www-form-urlencoded", []byte("client_name=x")
	}, 400, "Invalid_request", "must be JSON"},
	{EndpointRegister, "body must parse as JSON", func(_ *testing.T, c *call, _ registration) { c.raw = []byte(`{"client_name": "x",`) }, 400, "Invalid_request", "not a JSON object"},
	{EndpointRegister, "body must be a JSON object", func(_ *testing.T, c *call, _ registration) { c.raw = []byte(`[{"client_name": "x"}]`) }, 400, "Invalid_request", "not a JSON object"},
	{EndpointRegister, "client_name required", delBody("client_name"), 400, "Invalid_request", "The client_name field is required"},
	{EndpointRegister, "client_name must not be blank", setBody("client_name", "   "), 400, "Invalid_request", "The client_name field is required"},
	{EndpointRegister, "ato_api_key required", delBody("ato_api_key"), 400, "Invalid_client_metadata", "ato_api_key is invalid"},
	{EndpointRegister, "ato_api_key must equal the apikey header (even if it is another valid key)", func(_ *testing.T, c *call, _ registration) {
		c.body["ato_api_key"] = fx.keys[1]
	}, 400, "DCR.00001", "ato_api_key is not the same as the apiKey in the header."},
	{EndpointRegister, "x509_certificate required", delBody("x509_certificate"), 400, "Invalid_request", "must contain a jwks_uri OR x509_certificate"},
	{EndpointRegister, "x509_certificate is base64 DER, not PEM text", func(_ *testing.T, c *call, _ registration) {
		c.body["x509_certificate"] = "-----BEGIN CERTIFICATE-----\n" + b64(fx.cred.Certificate.Raw) + "\n-----END CERTIFICATE-----\n"
	}, 400, "Invalid_client_metadata", "Format for x509_certificate is not supported"},
	{EndpointRegister, "x509_certificate must be a certificate", setBody("x509_certificate", b64([]byte("not a certificate at all"))), 400, "Invalid_client_metadata", "x509_certificate is invalid"},
	{EndpointRegister, "x509_certificate must not be expired", func(_ *testing.T, c *call, _ registration) { c.body["x509_certificate"] = b64(fx.expired.Raw) }, 400, "Invalid_request", "x509_certificate is expired"},
	{EndpointRegister, "x509_certificate must be valid already", func(_ *testing.T, c *call, _ registration) { c.body["x509_certificate"] = b64(fx.notYet.Raw) }, 400, "Invalid_request", "x509_certificate is not valid or expired"},
	{EndpointRegister, "x509_certificate must come from the CA", func(_ *testing.T, c *call, _ registration) { c.body["x509_certificate"] = b64(fx.foreign.Raw) }, 400, "Invalid_request", "x509_certificate is not valid or expired"},
	{EndpointRegister, "jwks_uri or x509_certificate, not both", setBody("jwks_uri", "https://example.com/jwks.json"), 400, "Invalid_request", "must contain a jwks_uri OR x509_certificate"},
	{EndpointRegister, "grant_types required", delBody("grant_types"), 400, "Invalid_request", "The grant_types field is required"},
	{EndpointRegister, "one grant type only", setBody("grant_types", []any{"client_credentials", "authorization_code"}), 400, "Invalid_request", "More than one grant_types provided"},
	{EndpointRegister, "grant type must be one the ATO supports", setBody("grant_types", []any{"password"}), 400, "Invalid_client_metadata", "grant_types is not supported"},
	{EndpointRegister, "no redirect_uris with client_credentials", setBody("redirect_uris", []any{"https://example.com/cb"}), 400, "Invalid_request", "Selected grant_type cannot be used with redirect_uris value"},
	{EndpointRegister, "client_name within the characters limit", setBody("client_name", strings.Repeat("n", MaxClientNameLength+1)), 400, "Invalid_client_metadata", "client_name exceeded characters limit"},
	{EndpointRegister, "client_id is read-only", setBody("client_id", "chosen-by-client"), 400, "Invalid_request", "client_id is read-only"},
	{EndpointRegister, "registration_access_token is read-only", setBody("registration_access_token", "x"), 400, "Invalid_request", "registration_access_token is read-only"},
	{EndpointRegister, "authorization_code needs redirect_uris", setBody("grant_types", []any{"authorization_code"}), 400, "Invalid_request", "Selected grant_type requires valid redirect_uris value"},
	{EndpointRegister, "redirect_uris must be https", func(_ *testing.T, c *call, _ registration) {
		c.body["grant_types"], c.body["redirect_uris"] = []any{"authorization_code"}, []any{"http://example.com/cb"}
	}, 400, "Invalid_redirect_uri", "redirect_uris is invalid"},
	{EndpointRegister, "no more than 5 redirect_uris", func(_ *testing.T, c *call, _ registration) {
		c.body["grant_types"] = []any{"authorization_code"}
		c.body["redirect_uris"] = []any{"https://a.example/1", "https://a.example/2", "https://a.example/3", "https://a.example/4", "https://a.example/5", "https://a.example/6"}
	}, 400, "Invalid_client_metadata", "More than 5 redirect_uris provided"},
	{EndpointRegister, "x509_certificate must not be revoked", func(_ *testing.T, c *call, _ registration) { c.body["x509_certificate"] = b64(fx.revoked.Raw) }, 400, "Invalid_request", "x509_certificate is not valid or expired"},
	{EndpointRegister, "sandbox scenario: client_name ELDORAS144", setBody("client_name", "ELDORAS144"), 400, "invalid_request",
		`{"error_description":"invalid request","error":"invalid_request"}`},
	{EndpointRegister, "sandbox scenario: client_name ADRENALAN645", setBody("client_name", "ADRENALAN645"), 401, "Invalid_token", `"error_description":"Unauthorised"`},

	// ---- RFC 7592 on registration_client_uri ----
	{EndpointClient, "none: read", nil, 200, "", `"client_id"`},
	{EndpointClient, "none: update", update(nil), 200, "", `"client_name":"Updated name"`},
	{EndpointClient, "none: delete", func(_ *testing.T, c *call, _ registration) { c.method = http.MethodDelete }, 204, "", ""},
	{EndpointClient, "registration access token required", func(_ *testing.T, c *call, _ registration) { c.header.Del("Authorization") }, 401, "Invalid_token", "Unauthorised"},
	{EndpointClient, "registration access token must verify", func(_ *testing.T, c *call, reg registration) {
		c.header.Set("Authorization", "Bearer "+reg.token+"x")
	}, 401, "Invalid_token", "Unauthorised"},
	{EndpointClient, "token of another registration does not work", func(t *testing.T, c *call, _ registration) {
		other := register(t, fx.ep, fx.keys[0], "Another", fx.cred)
		c.header.Set("Authorization", "Bearer "+other.token)
	}, 401, "Invalid_token", "Unauthorised"},
	{EndpointClient, "unknown client gets 401", func(_ *testing.T, c *call, _ registration) { c.url = fx.ep.RegistrationURL + "/" + newUUID() }, 401, "Invalid_token", "Unauthorised"},
	{EndpointClient, "an access token is not a registration access token", func(t *testing.T, c *call, _ registration) {
		c.header.Set("Authorization", "Bearer "+getToken(t, fx.cred, fx.ep, DefaultRegistrationClientID, Scope))
	}, 401, "Invalid_token", "Unauthorised"},
	{EndpointClient, "apikey header required", func(_ *testing.T, c *call, _ registration) { c.header.Del("apikey") }, 401, "401-01", "API key is invalid"},
	{EndpointClient, "apikey must be known", func(_ *testing.T, c *call, _ registration) { c.header.Set("apikey", "unknownKey0123456789") }, 401, "401-01", "API key is invalid"},
	{EndpointClient, "method must be GET, PUT or DELETE", func(_ *testing.T, c *call, _ registration) { c.method = http.MethodPost }, 405, "invalid_request", "allowed: GET, PUT, DELETE"},
	{EndpointClient, "update must not send registration_access_token", update(func(md map[string]any, reg registration) {
		md["registration_access_token"] = reg.token
	}), 400, "Invalid_request", "registration_access_token is read-only"},
	{EndpointClient, "update must not send client_id_issued_at", update(func(md map[string]any, reg registration) {
		md["client_id_issued_at"] = reg.resp.str("client_id_issued_at")
	}), 400, "Invalid_request", "client_id_issued_at is read-only"},
	{EndpointClient, "update must carry client_id", update(func(md map[string]any, _ registration) { delete(md, "client_id") }), 400, "Invalid_request", "invalid client id for client_id"},
	{EndpointClient, "update's client_id must be this one", update(func(md map[string]any, _ registration) { md["client_id"] = newUUID() }), 400, "Invalid_request", "invalid client id for client_id"},
	{EndpointClient, "update must keep client_name", update(func(md map[string]any, _ registration) { delete(md, "client_name") }), 400, "Invalid_request", "The client_name field is required"},
	{EndpointClient, "update's certificate must be in date", update(func(md map[string]any, _ registration) { md["x509_certificate"] = b64(fx.expired.Raw) }), 400, "Invalid_request", "x509_certificate is expired"},
	{EndpointClient, "update's ato_api_key must match the apikey header", update(func(md map[string]any, _ registration) { md["ato_api_key"] = "unknownKey0123456789" }), 400, "DCR.00001", "ato_api_key is not the same as the apiKey in the header."},
	{EndpointClient, "update's ato_api_key required", update(func(md map[string]any, _ registration) { delete(md, "ato_api_key") }), 400, "Invalid_client_metadata", "ato_api_key is invalid"},
}

func TestContract(t *testing.T) {
	for _, row := range contract {
		t.Run(row.endpoint+"/"+row.name, func(t *testing.T) {
			c, reg := startCall(t, row.endpoint, row.name)
			if row.change != nil {
				row.change(t, &c, reg)
			}
			r := do(t, nil, c.request(t))
			if r.status != row.status || r.code() != row.code {
				t.Fatalf("got %d %q, want %d %q; body %s", r.status, r.code(), row.status, row.code, r.raw)
			}
			if !strings.Contains(string(r.raw), row.says) {
				t.Errorf("body %s does not say %s", r.raw, row.says)
			}
			if row.code != "" && r.code() != "" && r.json["errors"] == nil && r.str("error_description") == "" {
				t.Errorf("an OAuth error must say what is wrong: %s", r.raw)
			}
			if r.status == 401 && row.code == "invalid_token" && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 invalid_token without WWW-Authenticate")
			}
		})
	}
}

// startCall is the correct request for an endpoint.
func startCall(t *testing.T, endpoint, name string) (call, registration) {
	t.Helper()
	switch endpoint {
	case EndpointToken:
		h, cl := assertionParts(fx.cred.Certificate, fx.ep.TokenURL, fx.ep.RegistrationClientID, time.Now())
		return call{
			method: http.MethodPost, url: fx.ep.TokenURL, contentType: "application/x-www-form-urlencoded", header: http.Header{},
			jwtHeader: h, claims: cl, sign: signWith(jwt.SigningMethodRS256, fx.cred.PrivateKey),
			form: url.Values{"grant_type": {"client_credentials"}, "scope": {Scope}, "client_assertion_type": {ClientAssertionType}},
		}, registration{}
	case EndpointRegister:
		tok := getToken(t, fx.cred, fx.ep, fx.ep.RegistrationClientID, Scope)
		return call{
			method: http.MethodPost, url: fx.ep.RegistrationURL, contentType: "application/json",
			header: http.Header{"Authorization": {"Bearer " + tok}, "Apikey": {fx.keys[0]}},
			body:   dcrBody("Contract "+name, fx.keys[0], fx.cred.Certificate),
		}, registration{}
	default:
		reg := register(t, fx.ep, fx.keys[0], "Contract "+name, fx.cred)
		return call{method: http.MethodGet, url: reg.uri, header: http.Header{"Authorization": {"Bearer " + reg.token}, "Apikey": {fx.keys[0]}}}, reg
	}
}

func (c *call) request(t *testing.T) *http.Request {
	t.Helper()
	body := c.raw
	switch {
	case body != nil:
	case c.form != nil:
		f := url.Values{}
		for k, v := range c.form {
			f[k] = append([]string(nil), v...)
		}
		f.Set("client_assertion", c.sign(t, c.jwtHeader, c.claims))
		if c.formEdit != nil {
			c.formEdit(f)
		}
		body = []byte(f.Encode())
	case c.body != nil:
		var err error
		if body, err = json.Marshal(c.body); err != nil {
			t.Fatal(err)
		}
	}
	req := newRequest(t, c.method, c.url, c.contentType, body)
	for k, v := range c.header {
		req.Header[k] = v
	}
	return req
}
