package atosim

import "time"

// FaultKind is a kind of failure the simulator can be told to show.
type FaultKind int

const (
	// FaultHTTPError answers with a 5xx (Fault.Status, default 502) and an
	// HTML body, like a gateway's error page.
	FaultHTTPError FaultKind = iota
	// FaultDelay waits Fault.Delay before handling the request normally.
	FaultDelay
	// FaultDropAfterRegister handles the request (so a registration is
	// created), then closes the connection without answering: the case where
	// the client cannot know whether it registered. With Endpoint "" it
	// applies to the DCR endpoint only.
	FaultDropAfterRegister
	// FaultMalformedJSON handles the request, then sends its status with the
	// JSON body cut in half.
	FaultMalformedJSON
	// FaultDrop closes the connection without doing anything.
	FaultDrop
	// FaultLateAnswer handles the request at once (a registration is
	// created, updated or its token rotated), then holds the answer for
	// Fault.Delay before sending it: a slow gateway in front of a server
	// that has already acted. A client that stops waiting loses the answer.
	FaultLateAnswer
)

func (k FaultKind) String() string {
	switch k {
	case FaultHTTPError:
		return "HTTP error"
	case FaultDelay:
		return "delay"
	case FaultDropAfterRegister:
		return "drop after register"
	case FaultMalformedJSON:
		return "malformed JSON"
	case FaultDrop:
		return "drop"
	case FaultLateAnswer:
		return "late answer"
	}
	return "unknown fault"
}

// Fault is one planned failure.
type Fault struct {
	Kind FaultKind
	// Endpoint is "token", "register", "client" (see the Endpoint
	// constants) or "" for any request.
	Endpoint string
	// Nth picks the Nth matching request from now on (1 = the next one);
	// 0 means every matching request until ClearFaults.
	Nth int
	// Status is FaultHTTPError's status; default 502.
	Status int
	// Delay is FaultDelay's wait, and how late FaultLateAnswer answers.
	Delay time.Duration
}

type faultState struct {
	Fault
	seen int
}

func (f *faultState) matches(endpoint string) bool {
	want := f.Endpoint
	if want == "" && f.Kind == FaultDropAfterRegister {
		want = EndpointRegister
	}
	return want == "" || want == endpoint
}

// InjectFault plans a failure. Faults apply in the order injected; each
// counts the requests it matches on its own.
func (s *Simulator) InjectFault(f Fault) {
	if f.Nth < 0 {
		f.Nth = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f})
}

// ClearFaults removes all planned failures.
func (s *Simulator) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault counts a request to endpoint against every planned fault and
// returns the first one due, removing it if it was a one-off.
func (s *Simulator) takeFault(endpoint string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due *Fault
	kept := s.faults[:0]
	for _, f := range s.faults {
		if f.matches(endpoint) {
			f.seen++
			// >= so a one-off shadowed by an earlier fault fires next time.
			if due == nil && (f.Nth == 0 || f.seen >= f.Nth) {
				cp := f.Fault
				due = &cp
				if f.Nth != 0 {
					continue // a one-off: used up
				}
			}
		}
		kept = append(kept, f)
	}
	clear(s.faults[len(kept):])
	s.faults = kept
	return due
}
