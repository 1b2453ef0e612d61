package atosim

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// The ATO sandbox's test scenarios, chosen by client_name.
const (
	ScenarioInvalidRequest = "ELDORAS144"   // 400 invalid_request
	ScenarioUnauthorised   = "ADRENALAN645" // 401 invalid_token
)

// serverOwned are the fields the server sets; RFC 7592 forbids a client to
// send them in an update, and they are never stored from a request.
var serverOwned = []string{"registration_access_token", "registration_client_uri", "client_id_issued_at", "client_secret_expires_at"}

// The ATO's error codes, spelled as its DCR response-message table spells
// them (clients must compare without case).
const (
	CodeInvalidRequest        = "Invalid_request"
	CodeInvalidRedirectURI    = "Invalid_redirect_uri"
	CodeInvalidClientMetadata = "Invalid_client_metadata"
	CodeDCR00001              = "DCR.00001"
	CodeInvalidToken          = "Invalid_token"
	CodeInsufficientScope     = "Insufficient_scope"
)

// MaxClientNameLength is where the simulator answers "client_name exceeded
// characters limit". The ATO does not publish its limit; the wizard's own
// (registrar.MaxNameLength) is lower, so users never meet this.
const MaxClientNameLength = 200

// metadataError is a refusal of the registration metadata.
type metadataError struct {
	status     int
	code, desc string
}

// handleRegister is the DCR endpoint (RFC 7591 as the ATO runs it).
func (s *Simulator) handleRegister(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "Registrations are created with POST.")
		return
	}
	// The API gateway checks the consumer key before anything else.
	apiKey := r.Header.Get("apikey")
	if !s.knownAPIKey(apiKey) {
		writeGatewayError(w, http.StatusUnauthorized, "401-01", "API key is invalid", "apikey")
		return
	}
	claims := s.checkToken(bearerToken(r), useAccess)
	switch {
	case claims == nil:
		writeInvalidToken(w)
		return
	case claims["scope"] != Scope || claims["sub"] != s.regID:
		// A good token for something else: a registered client's own token,
		// say. The ATO's table answers 403 Insufficient_scope.
		writeOAuthError(w, http.StatusForbidden, CodeInsufficientScope, "The scope provided is invalid for this operation")
		return
	}
	md, err := decodeObject(r, body)
	if err != nil {
		writeOAuthError(w, http.StatusBadRequest, CodeInvalidRequest, err.Error())
		return
	}
	// A registration request may not carry what the server sets.
	for _, f := range append([]string{"client_id"}, serverOwned...) {
		if _, ok := md[f]; ok {
			writeOAuthError(w, http.StatusBadRequest, CodeInvalidRequest, f+" is read-only")
			return
		}
	}
	switch name, _ := md["client_name"].(string); strings.TrimSpace(name) {
	case ScenarioInvalidRequest:
		// Exactly the sandbox's body, key order included.
		writeRaw(w, http.StatusBadRequest, []byte(`{"error_description":"invalid request","error":"invalid_request"}`))
		return
	case ScenarioUnauthorised:
		writeInvalidToken(w)
		return
	}
	now := s.now()
	c, merr := s.checkMetadata(md, apiKey, now)
	if merr != nil {
		writeMetadataError(w, merr)
		return
	}
	c.id = newUUID()
	c.issuedAt = now.UTC().Truncate(time.Millisecond)
	c.tokenID = newUUID()
	token, err := s.registrationToken(c, now)
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "The simulator could not sign a token.")
		return
	}
	s.mu.Lock()
	s.addClient(c)
	receipt := s.nextReceipt()
	resp := clientView(c, requestBaseURL(r), token)
	s.mu.Unlock()
	w.Header().Set("receipt", receipt)
	writeJSON(w, http.StatusCreated, resp)
}

// handleClient serves RFC 7592 read, update and delete on a
// registration_client_uri.
func (s *Simulator) handleClient(w http.ResponseWriter, r *http.Request, id string, body []byte) {
	if s.refuseLifecycle(w, r) || !s.clientMethodAllowed(w, r) {
		return
	}
	// The gateway guards the registration's own URI with the consumer key
	// too (ato-facts.md §4): no key, or an unknown one, is its 401-01.
	apiKey := r.Header.Get("apikey")
	if !s.knownAPIKey(apiKey) {
		writeGatewayError(w, http.StatusUnauthorized, "401-01", "API key is invalid", "apikey")
		return
	}
	claims := s.checkToken(bearerToken(r), useRegistration)
	tokenID, _ := claims["jti"].(string)
	if claims == nil || claims["sub"] != id || !s.currentToken(id, tokenID) {
		// RFC 7592 §2: an unknown client and a bad token look the same.
		writeInvalidToken(w)
		return
	}
	now := s.now()
	var update *client
	if r.Method == http.MethodPut {
		var ok bool
		if update, ok = s.readUpdate(w, r, id, body, apiKey, now); !ok {
			return
		}
	}
	s.answerClient(w, r, id, tokenID, update, now)
}

// clientMethodAllowed answers 405 to a method the simulator's options leave
// out (PUT with RefuseUpdates, DELETE with DisableDelete).
func (s *Simulator) clientMethodAllowed(w http.ResponseWriter, r *http.Request) bool {
	methods := []string{http.MethodGet}
	if !s.opts.RefuseUpdates {
		methods = append(methods, http.MethodPut)
	}
	if !s.opts.DisableDelete {
		methods = append(methods, http.MethodDelete)
	}
	if slices.Contains(methods, r.Method) {
		return true
	}
	allowed := strings.Join(methods, ", ")
	w.Header().Set("Allow", allowed)
	writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "This method is not supported on a registration; allowed: "+allowed+".")
	return false
}

// readUpdate reads and checks an RFC 7592 update of client id; when it is
// refused, it answers the error and returns false.
func (s *Simulator) readUpdate(w http.ResponseWriter, r *http.Request, id string, body []byte, apiKey string, now time.Time) (*client, bool) {
	md, err := decodeObject(r, body)
	if err != nil {
		writeOAuthError(w, http.StatusBadRequest, CodeInvalidRequest, err.Error())
		return nil, false
	}
	if md["client_id"] != id {
		writeOAuthError(w, http.StatusBadRequest, CodeInvalidRequest, "invalid client id for client_id")
		return nil, false
	}
	for _, f := range serverOwned {
		if _, ok := md[f]; ok {
			writeOAuthError(w, http.StatusBadRequest, CodeInvalidRequest, f+" is read-only")
			return nil, false
		}
	}
	update, merr := s.checkMetadata(md, apiKey, now)
	if merr != nil {
		writeMetadataError(w, merr)
		return nil, false
	}
	return update, true
}

// answerClient carries out a read, update (update not nil) or delete of
// client id under s.mu, provided tokenID is still its token, and answers.
func (s *Simulator) answerClient(w http.ResponseWriter, r *http.Request, id, tokenID string, update *client, now time.Time) {
	s.mu.Lock()
	c := s.clients[id]
	if c == nil || c.tokenID != tokenID { // deleted or rotated meanwhile
		s.mu.Unlock()
		writeInvalidToken(w)
		return
	}
	if r.Method == http.MethodDelete {
		s.removeClient(id)
		w.Header().Set("receipt", s.nextReceipt())
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if update != nil {
		c.metadata, c.certDER, c.grant = update.metadata, update.certDER, update.grant
	}
	token := ""
	if s.opts.RotateTokens {
		c.tokenID = newUUID()
		var err error
		if token, err = s.registrationToken(c, now); err != nil {
			s.mu.Unlock()
			writeOAuthError(w, http.StatusInternalServerError, "server_error", "The simulator could not sign a token.")
			return
		}
	}
	resp := clientView(c, requestBaseURL(r), token)
	receipt := s.nextReceipt()
	s.mu.Unlock()
	if s.opts.OmitCertificateOnRead && r.Method == http.MethodGet {
		delete(resp, "x509_certificate")
	}
	w.Header().Set("receipt", receipt)
	writeJSON(w, http.StatusOK, resp)
}

// currentToken reports whether tokenID is the live registration access token
// of client id.
func (s *Simulator) currentToken(id, tokenID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clients[id]
	return c != nil && tokenID != "" && c.tokenID == tokenID
}

// registrationToken signs c's registration access token (its jti is c.tokenID).
func (s *Simulator) registrationToken(c *client, now time.Time) (string, error) {
	return s.mintToken(jwt.MapClaims{"sub": c.id, "use": useRegistration, "iat": now.Unix(), "jti": c.tokenID})
}

// checkMetadata applies the ATO's rules for registration attributes and
// returns a client (without id) holding them. apiKey is the apikey header
// ("" on an RFC 7592 update without one: then any known key is accepted).
// Codes and descriptions are the ATO's, from its DCR response-message table
// (ato-facts.md §7), capitalisation included.
func (s *Simulator) checkMetadata(md map[string]any, apiKey string, now time.Time) (*client, *metadataError) {
	name, _ := md["client_name"].(string)
	switch {
	case strings.TrimSpace(name) == "":
		return nil, badMetadata(CodeInvalidRequest, "The client_name field is required")
	case utf8.RuneCountInString(name) > MaxClientNameLength:
		return nil, badMetadata(CodeInvalidClientMetadata, "client_name exceeded characters limit")
	}
	atoKey, _ := md["ato_api_key"].(string)
	switch {
	case strings.TrimSpace(atoKey) == "" || (apiKey == "" && !s.knownAPIKey(atoKey)):
		return nil, badMetadata(CodeInvalidClientMetadata, "ato_api_key is invalid")
	case apiKey != "" && atoKey != apiKey:
		return nil, badMetadata(CodeDCR00001, "ato_api_key is not the same as the apiKey in the header.")
	}
	cert, merr := s.metadataCert(md, now)
	if merr != nil {
		return nil, merr
	}
	grant, merr := metadataGrant(md)
	if merr != nil {
		return nil, merr
	}
	stored := cloneMap(md)
	delete(stored, "client_id")
	for _, f := range serverOwned {
		delete(stored, f)
	}
	return &client{metadata: stored, certDER: cert.Raw, grant: grant}, nil
}

// badMetadata is a 400 refusal of the metadata.
func badMetadata(code, desc string) *metadataError {
	return &metadataError{status: http.StatusBadRequest, code: code, desc: desc}
}

// metadataCert is the certificate the metadata registers: x509_certificate,
// base64 DER, in date and chaining to the simulator's CA.
func (s *Simulator) metadataCert(md map[string]any, now time.Time) (*x509.Certificate, *metadataError) {
	_, hasJWKS := md["jwks_uri"]
	x5, hasX5 := md["x509_certificate"]
	switch {
	case hasJWKS && hasX5, !hasJWKS && !hasX5:
		return nil, badMetadata(CodeInvalidRequest, "client_metadata must contain a jwks_uri OR x509_certificate")
	case hasJWKS:
		return nil, badMetadata(CodeInvalidClientMetadata, "jwks_uri is not supported")
	}
	x5s, _ := x5.(string)
	if strings.HasPrefix(strings.TrimSpace(x5s), "-----BEGIN") {
		return nil, badMetadata(CodeInvalidClientMetadata, "Format for x509_certificate is not supported")
	}
	der, err := base64.StdEncoding.Strict().DecodeString(x5s)
	if err != nil || x5s == "" {
		return nil, badMetadata(CodeInvalidClientMetadata, "x509_certificate is invalid")
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, badMetadata(CodeInvalidClientMetadata, "x509_certificate is invalid")
	}
	switch p := s.certProblem(cert, now); {
	case now.After(cert.NotAfter):
		return nil, badMetadata(CodeInvalidRequest, "x509_certificate is expired")
	case p != "":
		return nil, badMetadata(CodeInvalidRequest, "x509_certificate is not valid or expired")
	}
	return cert, nil
}

// metadataGrant is the one grant type the metadata asks for, checked
// against its redirect_uris.
func metadataGrant(md map[string]any) (string, *metadataError) {
	grants, _ := md["grant_types"].([]any)
	switch {
	case len(grants) == 0:
		return "", badMetadata(CodeInvalidRequest, "The grant_types field is required")
	case len(grants) > 1:
		return "", badMetadata(CodeInvalidRequest, "More than one grant_types provided")
	}
	grant, _ := grants[0].(string)
	redirects, hasRedirects := md["redirect_uris"]
	switch grant {
	case "client_credentials":
		if list, isList := redirects.([]any); hasRedirects && redirects != nil && (!isList || len(list) > 0) {
			return "", badMetadata(CodeInvalidRequest, "Selected grant_type cannot be used with redirect_uris value")
		}
	case "authorization_code":
		list, _ := redirects.([]any)
		if len(list) == 0 {
			return "", badMetadata(CodeInvalidRequest, "Selected grant_type requires valid redirect_uris value")
		}
		if len(list) > 5 {
			return "", badMetadata(CodeInvalidClientMetadata, "More than 5 redirect_uris provided")
		}
		for _, v := range list {
			str, _ := v.(string)
			if u, err := url.Parse(str); err != nil || u.Scheme != "https" || u.Host == "" || u.Fragment != "" {
				return "", badMetadata(CodeInvalidRedirectURI, "redirect_uris is invalid")
			}
		}
	default:
		return "", badMetadata(CodeInvalidClientMetadata, "grant_types is not supported")
	}
	return grant, nil
}

// clientView is a registration as the API returns it: the attributes sent
// plus the server's fields. token is omitted when "". Called with s.mu held.
func clientView(c *client, baseURL, token string) map[string]any {
	out := cloneMap(c.metadata)
	out["client_id"] = c.id
	out["client_id_issued_at"] = c.issuedAt.UTC().Format("2006-01-02T15:04:05.000Z")
	out["registration_client_uri"] = baseURL + RegistrationPath + "/" + c.id
	if token != "" {
		out["registration_access_token"] = token
	}
	return out
}

// decodeObject reads a JSON object body, numbers kept as written.
func decodeObject(r *http.Request, body []byte) (map[string]any, error) {
	if mediaType(r.Header.Get("Content-Type")) != "application/json" {
		return nil, errors.New("the request must be JSON (Content-Type: application/json)")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var md map[string]any
	if err := dec.Decode(&md); err != nil || md == nil {
		return nil, errors.New("the request body is not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("the request body has data after the JSON object")
	}
	return md, nil
}

func writeMetadataError(w http.ResponseWriter, e *metadataError) {
	writeOAuthError(w, e.status, e.code, e.desc)
}
