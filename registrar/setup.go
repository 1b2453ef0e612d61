package registrar

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/setupfile"
)

// maxLabelLength bounds a vendor or product name: it is shown in a heading.
const maxLabelLength = 100

// Setup is a vendor's setup file, checked: everything needed to register
// except the practice's own credential and its password.
type Setup struct {
	Path         string
	Vendor       credstore.Vendor // name, product and support contact
	Env          flow.Environment // a preset, or the file's custom addresses
	NameTemplate string           // "" when the file has none
	CAPEM        string           // extra trusted CA certificates (custom only)
	CACount      int
	VerifyScope  string
	HeartbeatURL string
	// Offered is what the file says the ATO offers of RFC 7592 (the zero
	// value when it does not say): set it on the Registrar (notoffered.go).
	Offered Offered

	consumerKey consumerkey.Key // the vendor's secret: see ConsumerKey and KeyHint
}

// ConsumerKey is the consumer key from the file (the zero Key when it has
// none), for sending to the ATO only.
func (s *Setup) ConsumerKey() consumerkey.Key { return s.consumerKey }

// KeyHint is all that is ever shown of the key: its last four characters.
func (s *Setup) KeyHint() string { return setupfile.KeyHint(s.consumerKey.Header()) }

// String keeps the key out of %v and %s.
func (s *Setup) String() string {
	return fmt.Sprintf("setup from %q for %q: %s, consumer key %s", s.Vendor.Name, s.Vendor.Product, s.Env.Name, s.KeyHint())
}

// GoString keeps the key out of %#v.
func (s *Setup) GoString() string { return s.String() }

// LoadSetup reads, parses and checks a setup file. A file that cannot be
// used gives a *setupfile.Error naming each wrong field and its line.
func LoadSetup(path string) (*Setup, error) {
	f, err := setupfile.ReadFile(path)
	return checkSetup(f, err, path)
}

// ParseSetup is LoadSetup on bytes already read; name is for messages.
func ParseSetup(data []byte, name string) (*Setup, error) {
	f, err := setupfile.Parse(data, name)
	return checkSetup(f, err, name)
}

// sampleComputer is the longest name Windows gives a computer (15
// characters), for checking a name template before the real one is known.
const sampleComputer = "DESKTOP-ABCDEFG"

func expand(tmpl, product, computer string) string {
	return strings.NewReplacer(placeholderProduct, product, placeholderComputer, computer).Replace(tmpl)
}

// SuggestedName is the instance name the file suggests for this computer:
// its template filled in, or the computer's name.
func (s *Setup) SuggestedName(computer string) string {
	if s == nil || s.NameTemplate == "" {
		return computer
	}
	name := CleanName(expand(s.NameTemplate, s.Vendor.Product, computer))
	if ValidateInstanceName(name) != nil {
		// A long computer name: cut it rather than ask.
		r := []rune(name)
		if len(r) > MaxNameLength {
			name = CleanName(string(r[:MaxNameLength]))
		}
	}
	if ValidateInstanceName(name) != nil {
		return computer
	}
	return name
}

// EnvText names the file's environment in a few words.
func (s *Setup) EnvText() string {
	switch s.Env.Name {
	case flow.Sandbox.Name:
		return "Sandbox"
	case flow.Production.Name:
		return "Production"
	}
	return "custom addresses"
}

// Headline is the line the wizard and setup-check show first:
// "Set by Example Software Pty Ltd: Sandbox; consumer key ending …a1b2".
func (s *Setup) Headline() string {
	return "Set by " + s.Vendor.Name + ": " + s.EnvText() + "; consumer key ending " + s.KeyHint()
}

// NeedsConfirmation reports whether the file names its own addresses
// (environment "custom") rather than one of the ATO's built-in
// environments: the user is then shown them and asked before anything is
// sent, however the file arrived.
func (s *Setup) NeedsConfirmation() bool {
	return s != nil && s.Env.Name != flow.Sandbox.Name && s.Env.Name != flow.Production.Name
}

// AddressNotice says where a custom setup sends the registration, naming
// the hosts; "" for a built-in environment. The wizard shows it before
// asking, and the command line prints it on stderr.
func (s *Setup) AddressNotice() string {
	if !s.NeedsConfirmation() {
		return ""
	}
	env := s.Env
	env.HeartbeatURL = s.HeartbeatURL
	hosts := strings.Join(env.Hosts(), ", ")
	if env.IsATO() {
		return "The setup file from " + s.Vendor.Name + " names its own addresses on the ATO's hosts (" + hosts +
			") instead of DCR Wizard's built-in Sandbox or Production. Use it only if " + s.Vendor.Name + " told you to."
	}
	return "These addresses are not the ATO's: " + hosts + ". The setup file from " + s.Vendor.Name +
		" sends your registration there — your credential's signature and the consumer key go to those servers, not to the ATO. " +
		"Use it only if " + s.Vendor.Name + " told you to register with a test or gateway server of theirs."
}

// SupportContact is the vendor's contact on one line, "" when none.
func SupportContact(v credstore.Vendor) string {
	var parts []string
	for _, p := range []string{v.SupportPhone, v.SupportEmail, v.SupportURL} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " · ")
}

// SetupRow is one line of what the wizard shows of a setup file.
type SetupRow struct{ Label, Value string }

// Summary is what the wizard shows of the file (setup-check prints it):
// never the key, only its last four characters.
func (s *Setup) Summary(computer string) []SetupRow {
	rows := []SetupRow{
		{"Software vendor", s.Vendor.Name},
		{"Product", s.Vendor.Product},
		{"Environment", s.EnvText()},
	}
	if s.Env.Name == "custom" {
		rows = append(rows,
			SetupRow{"Token endpoint", s.Env.TokenURL},
			SetupRow{"Registration endpoint", s.Env.RegistrationURL},
			SetupRow{"Registration client id", s.Env.RegistrationClientID},
			SetupRow{"Scope", s.Env.Scope})
	}
	rows = append(rows, SetupRow{"Consumer key", "ending " + s.KeyHint() + " (not shown in full)"})
	rows = append(rows, SetupRow{"Suggested name", s.SuggestedName(computer) + " (on a computer called " + computer + ")"})
	if c := SupportContact(s.Vendor); c != "" {
		rows = append(rows, SetupRow{"Support", c})
	}
	if s.CACount > 0 {
		rows = append(rows, SetupRow{"Extra trusted CA", fmt.Sprintf("%d certificate(s)", s.CACount)})
	}
	if s.VerifyScope != "" {
		rows = append(rows, SetupRow{"Test scope", s.VerifyScope})
	}
	if s.HeartbeatURL != "" {
		rows = append(rows, SetupRow{"Heartbeat", s.HeartbeatURL})
	}
	return append(rows, s.Offered.rows()...)
}

// WriteCAFile puts the file's CA certificates (not secret) in dir, named by
// their hash so the same file is reused, and returns the path; "" when the
// file has none.
func (s *Setup) WriteCAFile(dir string) (string, error) {
	if s == nil || s.CAPEM == "" {
		return "", nil
	}
	sum := sha256.Sum256([]byte(s.CAPEM))
	path := filepath.Join(dir, "setup-ca-"+hex.EncodeToString(sum[:6])+".pem")
	if b, err := os.ReadFile(path); err == nil && string(b) == s.CAPEM {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("could not keep the setup file's CA certificate: %w", err)
	}
	if err := os.WriteFile(path, []byte(s.CAPEM), 0o600); err != nil {
		return "", fmt.Errorf("could not keep the setup file's CA certificate: %w", err)
	}
	return path, nil
}
