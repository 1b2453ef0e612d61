package atosim

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// tokenIssuer marks the tokens this simulator issues.
const tokenIssuer = "dcrwizard-atosim"

// Values of the "use" claim, so that one kind of token cannot stand in for
// the other.
const (
	useAccess       = "access"
	useRegistration = "registration"
)

// handleToken is the ATO SSO/IdP token endpoint: client_credentials with a
// private-key JWT (RFC 7523), answering errors as RFC 6749 §5.2 says.
func (s *Simulator) handleToken(w http.ResponseWriter, r *http.Request, body []byte) {
	form, ok := readTokenForm(w, r, body)
	if !ok {
		return
	}
	now := s.now()
	subject, registered, problem := s.verifyAssertion(form.Get("client_assertion"), requestBaseURL(r)+TokenPath, now)
	if problem != "" {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", problem)
		return
	}
	if id := form.Get("client_id"); id != "" && id != subject {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client_id does not match the client assertion.")
		return
	}
	scopes := strings.Fields(form.Get("scope"))
	if code, desc := grantProblem(registered, scopes); code != "" {
		writeOAuthError(w, http.StatusBadRequest, code, desc)
		return
	}
	token, err := s.mintToken(jwt.MapClaims{
		"sub":       subject,
		"client_id": subject,
		"scope":     strings.Join(scopes, " "),
		"use":       useAccess,
		"iat":       now.Unix(),
		"exp":       now.Add(AccessTokenLifetime).Unix(),
	})
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "The simulator could not sign a token.")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": token,
		"expires_in":   int(AccessTokenLifetime / time.Second),
		"token_type":   "Bearer",
	})
}

// readTokenForm reads a token request's form and checks its shape: a POSTed
// form, no parameter repeated, the client_credentials grant and a JWT client
// assertion. When it is not, it answers the error and returns false.
func readTokenForm(w http.ResponseWriter, r *http.Request, body []byte) (url.Values, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "The token endpoint accepts POST only.")
		return nil, false
	}
	if mediaType(r.Header.Get("Content-Type")) != "application/x-www-form-urlencoded" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request must be a form (Content-Type: application/x-www-form-urlencoded).")
		return nil, false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The form body could not be read.")
		return nil, false
	}
	for k, v := range form {
		if len(v) > 1 { // RFC 6749 §3.2: parameters must not repeat
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("The parameter %s is repeated.", k))
			return nil, false
		}
	}
	switch gt := form.Get("grant_type"); {
	case gt == "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The grant_type parameter is missing.")
		return nil, false
	case gt != "client_credentials":
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Only grant_type=client_credentials is supported.")
		return nil, false
	}
	assertionType, assertion := form.Get("client_assertion_type"), form.Get("client_assertion")
	switch {
	case assertionType == "" || assertion == "":
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication is missing: send client_assertion_type and client_assertion.")
		return nil, false
	case assertionType != ClientAssertionType:
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client_assertion_type must be "+ClientAssertionType+".")
		return nil, false
	}
	return form, true
}

// grantProblem is the error code and description (400) when the client may
// not have the scopes it asks for: the registration client only the
// registration scope, a registered client anything else, and only with the
// grant it registered for. code is "" when the grant is fine.
func grantProblem(registered *client, scopes []string) (code, desc string) {
	if registered == nil {
		if len(scopes) != 1 || scopes[0] != Scope {
			return "invalid_scope", "The registration client may ask for the scope " + Scope + " only."
		}
		return "", ""
	}
	for _, sc := range scopes {
		if sc == Scope {
			return "invalid_scope", "A registered client may not ask for the registration scope."
		}
	}
	if registered.grant != "client_credentials" {
		return "unauthorized_client", "This client is not registered for the client_credentials grant."
	}
	return "", ""
}

// verifyAssertion checks a private-key JWT the way the ATO describes it. It
// returns the authenticated client id and, for a registered client, a copy
// of its registration; problem says in words what is wrong ("" when fine).
func (s *Simulator) verifyAssertion(raw, tokenURL string, now time.Time) (subject string, registered *client, problem string) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", nil, "client_assertion is not a signed JWT (header.payload.signature)."
	}
	cert, problem := s.signingCert(parts, now)
	if problem != "" {
		return "", nil, problem
	}
	var claims jwt.RegisteredClaims
	if err := decodeSegment(parts[1], &claims); err != nil {
		return "", nil, "The JWT claims could not be read."
	}
	if subject, registered, problem = s.assertionClient(claims, cert); problem != "" {
		return "", nil, problem
	}
	if problem = checkAssertionClaims(claims, tokenURL, now); problem != "" {
		return "", nil, problem
	}
	if problem = s.useJTI(claims.ID, claims.ExpiresAt.Time, now); problem != "" {
		return "", nil, problem
	}
	return subject, registered, ""
}

// signingCert checks the JWT's header and signature and returns the
// certificate it was signed with (x5c).
func (s *Simulator) signingCert(parts []string, now time.Time) (*x509.Certificate, string) {
	var header map[string]any
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, "The JWT header could not be read."
	}
	if alg, _ := header["alg"].(string); alg != "RS256" {
		return nil, "The JWT must be signed with alg RS256."
	}
	if typ, _ := header["typ"].(string); typ != "JWT" {
		return nil, "The JWT header must have typ JWT."
	}
	if _, ok := header["crit"]; ok {
		return nil, "The JWT header has critical extensions this server does not understand."
	}
	x5c, ok := header["x5c"].([]any)
	switch {
	case !ok || len(x5c) == 0:
		return nil, "The JWT header must carry the signing certificate in x5c."
	case len(x5c) > 1:
		return nil, "x5c must hold the signing certificate only, not the certificate chain."
	}
	b64, _ := x5c[0].(string)
	der, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || b64 == "" {
		return nil, "The x5c certificate is not standard base64."
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, "The x5c certificate could not be read."
	}
	if p := s.certProblem(cert, now); p != "" {
		return nil, "The x5c certificate is not acceptable: " + p + "."
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(parts[2])
	if err != nil {
		return nil, "The JWT signature could not be read."
	}
	if err := jwt.SigningMethodRS256.Verify(parts[0]+"."+parts[1], sig, cert.PublicKey.(*rsa.PublicKey)); err != nil {
		return nil, "The JWT signature does not match the x5c certificate."
	}
	return cert, ""
}

// assertionClient is the client the JWT speaks for (iss and sub): the
// registration client, or a registered client signing with the certificate
// it registered, whose registration it returns a copy of.
func (s *Simulator) assertionClient(claims jwt.RegisteredClaims, cert *x509.Certificate) (subject string, registered *client, problem string) {
	switch {
	case claims.Issuer == "" || claims.Subject == "":
		return "", nil, "The JWT must have iss and sub."
	case claims.Issuer != claims.Subject:
		return "", nil, "The JWT's iss and sub must both be the client id."
	}
	subject = claims.Issuer
	if subject == s.regID {
		return subject, nil, ""
	}
	s.mu.Lock()
	c, ok := s.clients[subject]
	if ok {
		cp := *c
		registered = &cp
	}
	s.mu.Unlock()
	if !ok {
		return "", nil, "The client id in iss and sub is not known."
	}
	if !bytes.Equal(registered.certDER, cert.Raw) {
		return "", nil, "The x5c certificate is not the one registered for this client."
	}
	return subject, registered, ""
}

// checkAssertionClaims checks the JWT's audience, id and times.
func checkAssertionClaims(claims jwt.RegisteredClaims, tokenURL string, now time.Time) string {
	switch {
	case len(claims.Audience) != 1 || claims.Audience[0] != tokenURL:
		return "The JWT's aud must be the token endpoint URL " + tokenURL + "."
	case claims.ID == "":
		return "The JWT must have a jti."
	case claims.IssuedAt == nil:
		return "The JWT must have iat."
	case claims.ExpiresAt == nil:
		return "The JWT must have exp."
	}
	iat, exp := claims.IssuedAt.Time, claims.ExpiresAt.Time
	switch {
	case iat.Before(now.Add(-MaxClockSkew)) || iat.After(now.Add(MaxClockSkew)):
		return "The JWT's iat is more than 5 minutes from the server's time; check the computer's clock."
	case !exp.After(now):
		return "The JWT has expired (exp is in the past)."
	case !exp.After(iat) || exp.Sub(iat) > MaxAssertionLifetime:
		return "The JWT's exp must be after iat and at most 10 minutes after it."
	case claims.NotBefore != nil && claims.NotBefore.After(now.Add(MaxClockSkew)):
		return "The JWT is not valid yet (nbf is in the future)."
	}
	return ""
}

// useJTI refuses a JWT id seen before and remembers this one until exp.
func (s *Simulator) useJTI(id string, exp, now time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for j, e := range s.jtis { // forget assertions that can no longer be replayed
		if !e.After(now) {
			delete(s.jtis, j)
		}
	}
	if _, seen := s.jtis[id]; seen {
		return "This JWT (jti) has been used before; make a new one for every request."
	}
	s.jtis[id] = exp
	return ""
}

// decodeSegment decodes one base64url part of a JWT into v.
func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.Strict().DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// mintToken signs a token of this simulator. HMAC with a per-process key:
// the tokens are opaque to clients, and checking them needs no stored state.
func (s *Simulator) mintToken(claims jwt.MapClaims) (string, error) {
	claims["iss"] = tokenIssuer
	if _, ok := claims["jti"]; !ok {
		claims["jti"] = newUUID()
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	return t.SignedString(s.tokenKey)
}

// checkToken verifies a token this simulator issued for the given use and
// returns its claims, or nil when it is not acceptable.
func (s *Simulator) checkToken(raw, use string) jwt.MapClaims {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithTimeFunc(s.now),
	}
	if use == useAccess {
		opts = append(opts, jwt.WithExpirationRequired())
	}
	claims := jwt.MapClaims{}
	_, err := jwt.NewParser(opts...).ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return s.tokenKey, nil })
	if err != nil {
		return nil
	}
	if u, _ := claims["use"].(string); u != use {
		return nil
	}
	return claims
}

// bearerToken takes the token from an "Authorization: Bearer …" header.
func bearerToken(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}
