package atosim

import (
	"net/http"
)

// HeartbeatPath is the DSG Health Check heartbeat, which "checks your
// connection to DSG via authentication only" (ato-facts.md §9).
const HeartbeatPath = "/healthcheck/v1/heartbeat"

// handleHeartbeat answers a registered client's access token: the gateway
// checks the consumer key, then the token. The registration scope's token
// (the registration client's) is not a client's and is refused.
func (s *Simulator) handleHeartbeat(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeGatewayError(w, http.StatusMethodNotAllowed, "405-01", "Method not allowed", "")
		return
	}
	if key := r.Header.Get("apikey"); key != "" && !s.knownAPIKey(key) {
		writeGatewayError(w, http.StatusUnauthorized, "401-01", "API key is invalid", "apikey")
		return
	}
	claims := s.checkToken(bearerToken(r), useAccess)
	if claims == nil {
		writeGatewayError(w, http.StatusUnauthorized, "401-01", "Invalid credential", "")
		return
	}
	sub, _ := claims["sub"].(string)
	s.mu.Lock()
	_, registered := s.clients[sub]
	s.mu.Unlock()
	if !registered {
		writeGatewayError(w, http.StatusForbidden, "403-01", "The token does not belong to a registered client", "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "UP", "client_id": sub})
}
