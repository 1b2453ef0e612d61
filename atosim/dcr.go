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
	"strings"
	"time"

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
	if claims == nil || claims["scope"] != Scope || claims["sub"] != s.regID {
		writeInvalidToken(w)
		return
	}
	md, err := decodeObject(r, body)
	if err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
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
	allowed := "GET, PUT, DELETE"
	if s.opts.DisableDelete {
		allowed = "GET, PUT"
	}
	switch r.Method {
	case http.MethodGet, http.MethodPut:
	case http.MethodDelete:
		if !s.opts.DisableDelete {
			break
		}
		fallthrough
	default:
		w.Header().Set("Allow", allowed)
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "This method is not supported on a registration; allowed: "+allowed+".")
		return
	}
	apiKey := r.Header.Get("apikey")
	if apiKey != "" && !s.knownAPIKey(apiKey) {
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
		md, err := decodeObject(r, body)
		if err != nil {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", err.Error())
			return
		}
		if md["client_id"] != id {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The update must carry this registration's client_id.")
			return
		}
		for _, f := range serverOwned {
			if _, ok := md[f]; ok {
				writeOAuthError(w, http.StatusBadRequest, "invalid_request", "An update must not include "+f+".")
				return
			}
		}
		var merr *metadataError
		if update, merr = s.checkMetadata(md, apiKey, now); merr != nil {
			writeMetadataError(w, merr)
			return
		}
	}

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
func (s *Simulator) checkMetadata(md map[string]any, apiKey string, now time.Time) (*client, *metadataError) {
	bad := func(code, desc string) *metadataError {
		return &metadataError{status: http.StatusBadRequest, code: code, desc: desc}
	}
	if name, _ := md["client_name"].(string); strings.TrimSpace(name) == "" {
		return nil, bad("invalid_client_metadata", "client_name is required.")
	}
	atoKey, _ := md["ato_api_key"].(string)
	if (apiKey != "" && atoKey != apiKey) || (apiKey == "" && !s.knownAPIKey(atoKey)) {
		return nil, bad("DCR.00001", "ato_api_key must be the same consumer (API) key as the apikey header.")
	}
	_, hasJWKS := md["jwks_uri"]
	x5, hasX5 := md["x509_certificate"]
	switch {
	case hasJWKS && hasX5:
		return nil, bad("invalid_client_metadata", "Send either jwks_uri or x509_certificate, not both.")
	case hasJWKS:
		return nil, bad("invalid_client_metadata", "This simulator accepts x509_certificate only; it does not fetch jwks_uri.")
	case !hasX5:
		return nil, bad("invalid_client_metadata", "x509_certificate (or jwks_uri) is required.")
	}
	x5s, _ := x5.(string)
	der, err := base64.StdEncoding.Strict().DecodeString(x5s)
	if err != nil || x5s == "" {
		return nil, bad("invalid_client_metadata", "x509_certificate is not valid: it must be the standard base64 of the certificate's DER bytes.")
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, bad("invalid_client_metadata", "x509_certificate is not valid: it could not be read as a certificate.")
	}
	if p := s.certProblem(cert, now); p != "" {
		return nil, bad("invalid_client_metadata", "x509_certificate is not valid or expired: "+p+".")
	}
	grants, _ := md["grant_types"].([]any)
	if len(grants) != 1 {
		return nil, bad("invalid_client_metadata", "grant_types must name exactly one grant type.")
	}
	grant, _ := grants[0].(string)
	redirects, hasRedirects := md["redirect_uris"]
	switch grant {
	case "client_credentials":
		if list, isList := redirects.([]any); hasRedirects && redirects != nil && (!isList || len(list) > 0) {
			return nil, bad("invalid_redirect_uri", "redirect_uris are not used with the client_credentials grant; leave them out.")
		}
	case "authorization_code":
		list, _ := redirects.([]any)
		if len(list) == 0 {
			return nil, bad("invalid_redirect_uri", "The authorization_code grant needs redirect_uris.")
		}
		for _, v := range list {
			str, _ := v.(string)
			if u, err := url.Parse(str); err != nil || u.Scheme != "https" || u.Host == "" || u.Fragment != "" {
				return nil, bad("invalid_redirect_uri", "Each redirect URI must be an absolute https URL without a fragment.")
			}
		}
	default:
		return nil, bad("invalid_client_metadata", "The grant type must be client_credentials or authorization_code.")
	}
	stored := cloneMap(md)
	delete(stored, "client_id")
	for _, f := range serverOwned {
		delete(stored, f)
	}
	return &client{metadata: stored, certDER: cert.Raw, grant: grant}, nil
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
		return nil, errors.New("The request must be JSON (Content-Type: application/json).")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var md map[string]any
	if err := dec.Decode(&md); err != nil || md == nil {
		return nil, errors.New("The request body is not a JSON object.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("The request body has data after the JSON object.")
	}
	return md, nil
}

func writeMetadataError(w http.ResponseWriter, e *metadataError) {
	writeOAuthError(w, e.status, e.code, e.desc)
}
