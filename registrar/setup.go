package registrar

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unicode"
	"unicode/utf8"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/guidance"
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

// checkSetup applies to each value the rules typed input gets, adding its
// findings to the parser's (parseErr), so that all are reported at once.
func checkSetup(f *setupfile.File, parseErr error, path string) (*Setup, error) {
	errs := &setupfile.Error{Path: path}
	if parseErr != nil {
		var pe *setupfile.Error
		if f == nil || !errors.As(parseErr, &pe) {
			return nil, parseErr
		}
		errs.Problems = append(errs.Problems, pe.Problems...)
	}
	s := &Setup{Path: path}

	s.Vendor.Name = checkLabel(errs, f, "vendor", f.Vendor, "the vendor's name")
	s.Vendor.Product = checkLabel(errs, f, "product", f.Product, "the product's name")

	if f.Has("support.phone") {
		s.Vendor.SupportPhone = checkPhone(errs, f, f.Support.Phone)
	}
	if f.Has("support.email") {
		s.Vendor.SupportEmail = checkEmail(errs, f, f.Support.Email)
	}
	if f.Has("support.url") {
		u := strings.TrimSpace(f.Support.URL)
		if err := probeURL("support page", u); err != nil {
			errs.Add(f, "support.url", err.Error())
		} else if !strings.HasPrefix(strings.ToLower(u), "https://") {
			errs.Add(f, "support.url", "the support page must be an https:// address.")
		} else {
			s.Vendor.SupportURL = u
		}
	}
	if f.Has("support") && f.Support.IsZero() {
		errs.Add(f, "support", "give at least one of phone, email and url, or leave \"support\" out.")
	}

	if f.Has("consumer_key") {
		key, err := consumerkey.New(f.ConsumerKey, consumerkey.SetupFile)
		switch {
		case strings.ContainsAny(f.ConsumerKey, "<>"):
			errs.Add(f, "consumer_key", "replace the placeholder with the consumer key of your team app (ATO API portal).")
		case err != nil:
			errs.Add(f, "consumer_key", err.Error())
		default:
			s.consumerKey = key
		}
	}

	switch f.Environment {
	case setupfile.EnvSandbox:
		s.Env = flow.Sandbox
	case setupfile.EnvProduction:
		s.Env = flow.Production
	case setupfile.EnvCustom:
		if e := f.Endpoints; e != nil {
			s.Env = flow.Custom(strings.TrimSpace(e.TokenURL), strings.TrimSpace(e.RegistrationURL),
				strings.TrimSpace(e.RegistrationClientID), strings.TrimSpace(e.Scope))
			checkEndpoints(errs, f, s)
			// How a new registration is tested (flow.Client.Verify).
			s.Env.VerifyScope, s.Env.HeartbeatURL = s.VerifyScope, s.HeartbeatURL
		}
	}

	if f.Has("name_template") {
		s.NameTemplate = checkTemplate(errs, f, f.NameTemplate, s.Vendor.Product)
	}
	s.Offered = offeredBy(f.Lifecycle)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// checkLabel checks a name shown in headings: one printable line.
func checkLabel(errs *setupfile.Error, f *setupfile.File, field, v, what string) string {
	if !f.Has(field) {
		return ""
	}
	clean := CleanName(v)
	switch {
	case clean == "":
		errs.Add(f, field, "this is empty: give "+what+".")
	case utf8.RuneCountInString(clean) > maxLabelLength:
		errs.Add(f, field, fmt.Sprintf("this is %d characters long; keep it to %d or fewer.", utf8.RuneCountInString(clean), maxLabelLength))
	case strings.ContainsFunc(clean, func(r rune) bool { return !unicode.IsPrint(r) }):
		errs.Add(f, field, "this has a character that cannot be shown. Use letters, digits, spaces and simple punctuation.")
	default:
		return clean
	}
	return ""
}

func checkPhone(errs *setupfile.Error, f *setupfile.File, v string) string {
	v = CleanName(v)
	digits := 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +()-.", r):
		default:
			errs.Add(f, "support.phone", "a phone number has only digits, spaces and + ( ) - .")
			return ""
		}
	}
	if digits < 6 || digits > 20 {
		errs.Add(f, "support.phone", fmt.Sprintf("a phone number has 6 to 20 digits; this has %d.", digits))
		return ""
	}
	return v
}

func checkEmail(errs *setupfile.Error, f *setupfile.File, v string) string {
	v = strings.TrimSpace(v)
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || !strings.Contains(v[strings.LastIndex(v, "@")+1:], ".") {
		errs.Add(f, "support.email", "this is not an e-mail address. Give just the address, like help@example.com.")
		return ""
	}
	return v
}

// probeURL checks one address with the rules every endpoint gets
// (flow.CheckAddress): https://, or http:// to this computer only, no user
// name or password, a plain host name that is not an ATO look-alike.
func probeURL(what, u string) error {
	return flow.CheckAddress(flow.Role(what), u)
}

// endpointFields maps the trust rules' roles to the file's fields.
var endpointFields = map[flow.Role]string{
	flow.RoleToken:        "endpoints.token_url",
	flow.RoleRegistration: "endpoints.registration_url",
	flow.RoleHeartbeat:    "endpoints.heartbeat_url",
	flow.RoleCA:           "endpoints.ca_pem",
}

// checkEndpoints checks a custom file's addresses: each on its own, for a
// problem on its line, then together with the trust rules (flow.Check:
// the ATO's hosts never mixed with others nor with ca_pem, the heartbeat
// on the registration endpoint's domain).
func checkEndpoints(errs *setupfile.Error, f *setupfile.File, s *Setup) {
	e := f.Endpoints
	before := len(errs.Problems)
	for _, a := range []struct {
		field string
		role  flow.Role
		v     string
	}{{"endpoints.token_url", flow.RoleToken, s.Env.TokenURL}, {"endpoints.registration_url", flow.RoleRegistration, s.Env.RegistrationURL}} {
		if f.Has(a.field) {
			if err := flow.CheckAddress(a.role, a.v); err != nil {
				errs.Add(f, a.field, guidance.Text(err))
			}
		}
	}
	if f.Has("endpoints.registration_client_id") && strings.TrimSpace(s.Env.RegistrationClientID) == "" {
		errs.Add(f, "endpoints.registration_client_id", "The environment has no registration client id. Enter the one the ATO gives for this environment.")
	}
	if f.Has("endpoints.scope") && strings.TrimSpace(s.Env.Scope) == "" {
		errs.Add(f, "endpoints.scope", "The environment has no scope. For the ATO it is ato.idp.relyingParties.c.")
	}
	if f.Has("endpoints.heartbeat_url") {
		u := strings.TrimSpace(e.HeartbeatURL)
		if err := probeURL(string(flow.RoleHeartbeat), u); err != nil {
			errs.Add(f, "endpoints.heartbeat_url", guidance.Text(err))
		} else {
			s.HeartbeatURL = u
		}
	}
	if f.Has("endpoints.verify_scope") {
		v := strings.TrimSpace(e.VerifyScope)
		if v == "" || strings.ContainsAny(v, "\r\n\t") {
			errs.Add(f, "endpoints.verify_scope", "give the scope on one line, or leave verify_scope out.")
		} else {
			s.VerifyScope = v
		}
	}
	if f.Has("endpoints.ca_pem") {
		n, err := countCerts(e.CAPEM)
		if err != nil {
			errs.Add(f, "endpoints.ca_pem", err.Error())
		} else {
			s.CAPEM, s.CACount = strings.TrimSpace(e.CAPEM)+"\n", n
		}
	}
	if len(errs.Problems) > before {
		return // each address has its own problem already
	}
	env := s.Env
	env.HeartbeatURL = s.HeartbeatURL
	var ee *flow.EndpointError
	if err := env.Check(s.CAPEM != ""); errors.As(err, &ee) {
		field := endpointFields[ee.Role]
		if field == "" || !f.Has(field) {
			field = "endpoints"
		}
		errs.Add(f, field, guidance.Text(ee))
	}
}

// countCerts checks that pemText holds certificates and nothing else that
// matters — certainly no private key.
func countCerts(pemText string) (int, error) {
	rest := []byte(pemText)
	n := 0
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if strings.Contains(b.Type, "PRIVATE KEY") {
			return 0, errors.New("this holds a private key. A setup file must never hold one: keep only the CA's -----BEGIN CERTIFICATE----- blocks")
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			return 0, fmt.Errorf("certificate %d here is damaged (%v). Copy the CA certificate again", n+1, err)
		}
		n++
	}
	if n == 0 {
		return 0, errors.New("this holds no certificate. Paste the CA certificate in PEM form (-----BEGIN CERTIFICATE----- …), with \\n for each line break")
	}
	return n, nil
}

// Placeholders of a name template.
const (
	placeholderProduct  = "{product}"
	placeholderComputer = "{computer}"
)

func checkTemplate(errs *setupfile.Error, f *setupfile.File, tmpl, product string) string {
	rest := strings.NewReplacer(placeholderProduct, "", placeholderComputer, "").Replace(tmpl)
	if strings.ContainsAny(rest, "{}") {
		errs.Add(f, "name_template", "the only placeholders are {product} and {computer}.")
		return ""
	}
	name := CleanName(expand(tmpl, product, sampleComputer))
	if err := ValidateInstanceName(name); err != nil {
		errs.Add(f, "name_template", fmt.Sprintf("for a computer called %s the name would be %q: %s", sampleComputer, name, guidance.Text(err)))
		return ""
	}
	return tmpl
}

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

// From names where a value of a registration came from, for register
// --json's "sources" and the support summary.
const (
	FromSetup    = "setup file"
	FromFlag     = "command line"
	FromKeyFile  = "key file"          // --api-key-file
	FromEnvVar   = "DCRWIZARD_API_KEY" // the environment variable
	FromTyped    = "typed"
	FromPractice = "practice"
	FromDefault  = "default"
)

// Given is what the user chose themselves; an empty value (nil Env) was not
// given and is taken from the setup file. Each From says how it was given;
// the consumer key says so itself (Key.Source).
type Given struct {
	Env            *flow.Environment
	EnvFrom        string
	ConsumerKey    consumerkey.Key
	Name, NameFrom string
	CAFile, CAFrom string
}

// keySource is a key's source in register --json's "sources" words.
func keySource(s consumerkey.Source) string {
	switch s {
	case consumerkey.SetupFile:
		return FromSetup
	case consumerkey.Flag:
		return FromFlag
	case consumerkey.KeyFile:
		return FromKeyFile
	case consumerkey.EnvVar:
		return FromEnvVar
	case consumerkey.Practice:
		return FromPractice
	}
	return FromTyped
}

// Sources says where each value of a registration came from.
type Sources struct {
	Environment string `json:"environment"`
	ConsumerKey string `json:"consumer_key"`
	Name        string `json:"name"`
	CAFile      string `json:"ca_file,omitempty"`
	Vendor      string `json:"vendor,omitempty"`
}

// Applied is a registration's input with a setup file applied.
type Applied struct {
	Input   Input
	CAFile  string
	Sources Sources
}

// ApplySetup joins what the user gave with the setup file s (which may be
// nil): what was given wins, the rest comes from the file, and the name
// falls back to the computer's. caDir receives the file's CA certificates.
// The result is checked with the rules typed input gets.
func ApplySetup(s *Setup, g Given, caDir string) (Applied, error) {
	var a Applied
	switch {
	case g.Env != nil:
		a.Input.Env, a.Sources.Environment = *g.Env, g.EnvFrom
	case s != nil:
		a.Input.Env, a.Sources.Environment = s.Env, FromSetup
	default:
		return a, errors.New("choose the environment: sandbox, production, practice or custom")
	}
	switch {
	case !g.ConsumerKey.IsZero():
		a.Input.ConsumerKey, a.Sources.ConsumerKey = g.ConsumerKey, keySource(g.ConsumerKey.Source())
	case s != nil:
		a.Input.ConsumerKey, a.Sources.ConsumerKey = s.consumerKey, FromSetup
	}
	switch {
	case g.Name != "":
		a.Input.InstanceName, a.Sources.Name = CleanName(g.Name), g.NameFrom
	case s != nil && s.NameTemplate != "":
		a.Input.InstanceName, a.Sources.Name = s.SuggestedName(DefaultInstanceName()), FromSetup
	default:
		a.Input.InstanceName, a.Sources.Name = DefaultInstanceName(), FromDefault
	}
	switch {
	case g.CAFile != "":
		a.CAFile, a.Sources.CAFile = g.CAFile, g.CAFrom
	case s != nil && s.CAPEM != "" && a.Sources.Environment == FromSetup:
		// The file's CA belongs to its own addresses only.
		p, err := s.WriteCAFile(caDir)
		if err != nil {
			return a, err
		}
		a.CAFile, a.Sources.CAFile = p, FromSetup
	}
	if s != nil {
		a.Input.Vendor, a.Sources.Vendor = s.Vendor, FromSetup
	}
	// The trust rules, with the CA this run will trust.
	if err := a.Input.Env.Check(a.CAFile != ""); err != nil {
		return a, err
	}
	if a.Input.ConsumerKey.IsZero() {
		return a, &consumerkey.InvalidError{Problem: consumerkey.Empty}
	}
	if err := ValidateInstanceName(a.Input.InstanceName); err != nil {
		return a, err
	}
	return a, nil
}

// SetupBesideProgram finds dcrwizard-setup.json beside the program: next
// to the .exe or the Linux binary, or in a macOS app bundle's Resources.
func SetupBesideProgram() (string, bool) {
	exe, err := os.Executable()
	if err != nil {
		return "", false
	}
	for _, c := range besideCandidates(exe, runtime.GOOS) {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() {
			return c, true
		}
	}
	return "", false
}

// besideCandidates are the places looked at, in order, for the program exe.
func besideCandidates(exe, goos string) []string {
	var out []string
	add := func(exe string) {
		dir := filepath.Dir(exe)
		if goos == "darwin" && filepath.Base(dir) == "MacOS" && filepath.Base(filepath.Dir(dir)) == "Contents" {
			out = append(out, filepath.Join(filepath.Dir(dir), "Resources", setupfile.BesideName))
		}
		out = append(out, filepath.Join(dir, setupfile.BesideName))
	}
	add(exe)
	if real, err := filepath.EvalSymlinks(exe); err == nil && real != exe {
		add(real) // installed as a link, e.g. /usr/local/bin/dcrwizard
	}
	return out
}
