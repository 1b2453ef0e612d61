package atosim

import (
	"net/http"
	"sync/atomic"
)

// The ATO publishes no RFC 7592 lifecycle (ato-facts.md §5): every DCR test
// scenario it shows is a POST. With the lifecycle switched off the
// simulator answers as an ATO without it would, so Practice, `simulate
// --no-lifecycle` and tests can rehearse that: a GET on a registration
// client URI is the gateway's 404 ("Resource not found", as seen on an
// ATO look-alike), and PUT and DELETE are 405. The registration still
// exists and still signs in.

// lifecycleOff is read on every request; SetLifecycle may flip it at any
// time (Practice mode's switch).
type lifecycleSwitch struct{ off atomic.Bool }

// SetLifecycle turns the RFC 7592 calls on (offered, the default unless
// Options.NoLifecycle) or off.
func (s *Simulator) SetLifecycle(offered bool) { s.lifecycle.off.Store(!offered) }

// LifecycleOffered reports whether RFC 7592 calls are answered.
func (s *Simulator) LifecycleOffered() bool { return !s.lifecycle.off.Load() }

// refuseLifecycle answers a registration client URI as an ATO without the
// lifecycle would, and reports whether it did.
func (s *Simulator) refuseLifecycle(w http.ResponseWriter, r *http.Request) bool {
	if s.LifecycleOffered() {
		return false
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		writeGatewayError(w, http.StatusNotFound, "404-01", "Resource not found", "")
		return true
	}
	w.Header().Set("Allow", http.MethodPost)
	writeGatewayError(w, http.StatusMethodNotAllowed, "405-01", "Method not allowed", "")
	return true
}
