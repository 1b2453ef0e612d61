package guidance

// NextStep is something the user can do next that each front end names in
// its own words: a button on a wizard screen, a dcrwizard command. Advice
// text never names either, so the same advice reads right in both.
type NextStep int

const (
	// CheckRegistration: ask the ATO about the registration now
	// (wizard: Check it works; command line: dcrwizard check ID).
	CheckRegistration NextStep = iota + 1
	// TestRegistration: sign in to the ATO as the registration
	// (wizard: Check it works; command line: dcrwizard verify ID).
	TestRegistration
	// ForgetRegistration: forget the registration on this computer only.
	ForgetRegistration
	// ExtraCA: trust a proxy's CA certificate file for this program.
	ExtraCA
	// LongerTimeout: allow the ATO more time to answer (command line only).
	LongerTimeout
	// CheckKeyWithVendor: the consumer key is the software vendor's, so
	// the vendor checks it; each front end names the vendor and its support
	// contact when a setup file or the registration's record gives them.
	CheckKeyWithVendor
)

// Next is a next step, with the registration it is about ("" when not
// known).
type Next struct {
	Step     NextStep
	ClientID string
}

// Nexter is advice that offers next steps, in the order they are to be
// shown after its Action.
type Nexter interface {
	Next() []Next
}

// NextOf is the next steps a's advice offers; none for advice without.
func NextOf(a Advice) []Next {
	if n, ok := a.(Nexter); ok {
		return n.Next()
	}
	return nil
}

// String names the step in logs and tests.
func (s NextStep) String() string {
	switch s {
	case CheckRegistration:
		return "check-registration"
	case TestRegistration:
		return "test-registration"
	case ForgetRegistration:
		return "forget-registration"
	case ExtraCA:
		return "extra-ca"
	case LongerTimeout:
		return "longer-timeout"
	case CheckKeyWithVendor:
		return "check-key-with-vendor"
	}
	return "none"
}

// String is the step and its registration, as "check-registration abc".
func (n Next) String() string {
	if n.ClientID == "" {
		return n.Step.String()
	}
	return n.Step.String() + " " + n.ClientID
}
