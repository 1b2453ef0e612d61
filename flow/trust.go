package flow

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// The endpoint trust rules. Every environment — a preset, Practice, the
// addresses of a vendor's setup file, those typed in the wizard or given
// as flags, those kept in index.json — passes Environment.Check (through
// Validate, Client.Register and Client.Verify) before any request is
// built. They exist because a setup file is a file from outside: a
// phishing e-mail "from your software vendor" must not be able to send the
// practice's sign-in token or its vendor's consumer key anywhere but the
// registration endpoint it names, nor to pass off another server as the
// ATO's.
//
// For every address (token endpoint, registration endpoint, heartbeat):
//   - https://, or http:// to this computer only; no user name or password
//     (checkURL);
//   - the host is an IP address, or a name of plain ASCII letters, digits
//     and hyphens in dot-separated labels (RFC 1123): no other character
//     (Cyrillic а, full-width dot U+FF0E, zero-width space…), no punycode
//     label ("xn--…", which shows as such characters elsewhere), no
//     trailing dot, no empty label;
//   - no look-alike of ato.gov.au: see lookalikeATO.
//
// Between the addresses:
//   - if any is an ATO host (ato.gov.au or a name under it), all are: else
//     the token the ATO issues would be handed to another server;
//   - the heartbeat, which receives the new registration's own access token
//     and the consumer key, is on the registration endpoint's registrable
//     domain (publicsuffix.EffectiveTLDPlusOne: api.example.com and
//     hb.example.com share example.com) or on this computer;
//   - an environment that names an ATO host and is not a built-in preset
//     trusts no extra CA certificate (a setup file's ca_pem, --ca-file or
//     the wizard's CA file): whoever holds that CA could pose as the ATO.
//     A preset keeps the user's own CA file: a TLS-inspecting proxy at the
//     practice needs it, and only the user can choose it there.
//
// And what is sent where (steps.go, verify.go): the initial access token
// and the consumer key go to the registration endpoint so checked; the
// consumer key goes to the heartbeat only when the heartbeat is on that
// same host.

// Role names one address of an environment in messages.
type Role string

// The roles, as messages name them.
const (
	RoleToken        Role = "token endpoint"
	RoleRegistration Role = "registration (DCR) endpoint"
	RoleHeartbeat    Role = "heartbeat"
	RoleCA           Role = "extra CA certificate"
)

// EndpointError is an address the trust rules refuse: Role says which
// (a setup file names the field from it), Err why, in plain words.
type EndpointError struct {
	Role Role
	Err  error
}

func (e *EndpointError) Error() string { return e.Err.Error() }
func (e *EndpointError) Unwrap() error { return e.Err }

// atoDomain is the ATO's own domain; its hosts are it and the names under it.
const atoDomain = "ato.gov.au"

// IsATOHost reports whether host (a plain ASCII name, as CheckHost
// accepts) is the ATO's: ato.gov.au or a name under it.
func IsATOHost(host string) bool { return atoHost(host) }

// lookalikeATO reports whether host, which is not the ATO's, reads like an
// ATO address: once every "." and "-" is removed, lower-cased, and the
// digit 0 read as the letter o, it contains "atogov". So
// api.ato.gov.au.evil.example, ato.gov.au-x.com, atogov.au, ato-gov.com.au,
// at0.gov.au and sandbox.api.ato.gov.example are refused. The rule is
// deliberately blunt: a name such as tomato.gov.example is refused too,
// and its owner uses another name for a DCR Wizard set-up.
func lookalikeATO(host string) bool {
	if atoHost(host) {
		return false
	}
	folded := strings.NewReplacer(".", "", "-", "", "0", "o").Replace(strings.ToLower(host))
	return strings.Contains(folded, "atogov")
}

// CheckHost applies the host-name rules to host (no port, no brackets).
func CheckHost(host string) error {
	if host == "" {
		return errors.New("it has no host name")
	}
	if net.ParseIP(host) != nil {
		return nil
	}
	for _, r := range host {
		if r > 0x7e || r < 0x21 {
			return refuse(ProblemHostChar, "its host name %q has the character %U, which is not a plain letter, digit, dot or hyphen",
				asciiOnly(host), r)
		}
	}
	if strings.HasSuffix(host, ".") {
		return refuse(ProblemHostDot, "its host name %q ends with a dot", host)
	}
	if len(host) > 253 {
		return errors.New("its host name is longer than 253 characters")
	}
	for _, label := range strings.Split(host, ".") {
		switch {
		case label == "":
			return fmt.Errorf("its host name %q has two dots in a row, or starts with one", host)
		case len(label) > 63:
			return fmt.Errorf("its host name %q has a part longer than 63 characters", host)
		case len(label) >= 4 && strings.EqualFold(label[:4], "xn--"):
			return refuse(ProblemPunycode, "its host name %q has a part in punycode (%q), which stands for characters other than plain letters", host, label)
		case label[0] == '-' || label[len(label)-1] == '-':
			return fmt.Errorf("its host name %q has a part that starts or ends with a hyphen", host)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("its host name %q has the character %q; a host name has only letters, digits, hyphens and dots", host, string(c))
			}
		}
	}
	if lookalikeATO(host) {
		return fmt.Errorf("its host name %q looks like an ATO address but is not one: the ATO's addresses are %s and names ending in .%s",
			host, atoDomain, atoDomain)
	}
	return nil
}

// asciiOnly shows s with every character outside printable ASCII as \uXXXX,
// so that a message never shows the look-alike it refuses.
func asciiOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			fmt.Fprintf(&b, "\\u%04X", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// endpoint is one checked address.
type endpoint struct {
	role Role
	host string // lower case
}

// checkAddress applies checkURL and the host rules to one address.
func checkAddress(role Role, raw string) (endpoint, error) {
	if err := checkURL(string(role), raw); err != nil {
		return endpoint{}, &EndpointError{Role: role, Err: err}
	}
	u, _ := url.Parse(strings.TrimSpace(raw)) // checkURL parsed it
	host := u.Hostname()
	if err := CheckHost(host); err != nil {
		return endpoint{}, &EndpointError{Role: role, Err: fmt.Errorf("the %s address cannot be used: %w", role, err)}
	}
	return endpoint{role: role, host: strings.ToLower(host)}, nil
}

// Check applies the trust rules (above) to every address of e, and checks
// that every value is present. extraCA says whether the run trusts CA
// certificates besides the system's. Errors are *EndpointError for an
// address, plain errors for a missing value.
func (e Environment) Check(extraCA bool) error {
	if strings.TrimSpace(e.RegistrationClientID) == "" {
		return refuse(ProblemNoClientID, "the environment has no registration client id")
	}
	if strings.TrimSpace(e.Scope) == "" {
		return refuse(ProblemNoScope, "the environment has no scope")
	}
	return e.checkTrust(extraCA, true)
}

// checkTrust is Check without the values that only registering needs.
// needRegistration false: the registration endpoint may be unknown (a
// stored registration tested through --token-url); the heartbeat is then
// held to the token endpoint's domain.
func (e Environment) checkTrust(extraCA, needRegistration bool) error {
	var eps []endpoint
	tok, err := checkAddress(RoleToken, e.TokenURL)
	if err != nil {
		return err
	}
	eps = append(eps, tok)
	home := tok // the domain the heartbeat must be on
	if needRegistration || strings.TrimSpace(e.RegistrationURL) != "" {
		reg, err := checkAddress(RoleRegistration, e.RegistrationURL)
		if err != nil {
			return err
		}
		eps = append(eps, reg)
		home = reg
	}
	if strings.TrimSpace(e.HeartbeatURL) != "" {
		hb, err := checkAddress(RoleHeartbeat, e.HeartbeatURL)
		if err != nil {
			return err
		}
		eps = append(eps, hb)
		if !isLoopback(hb.host) && !sameSite(hb.host, home.host) {
			domain := home.host
			if d, err := publicsuffix.EffectiveTLDPlusOne(home.host); err == nil {
				domain = d
			}
			return &EndpointError{Role: RoleHeartbeat, Err: refuse(ProblemHeartbeatDomain, "the heartbeat address (%s) is not on the %s's own domain (%s)", hb.host, home.role, domain)}
		}
	}
	var ato, other *endpoint
	for i := range eps {
		if atoHost(eps[i].host) {
			if ato == nil {
				ato = &eps[i]
			}
		} else if other == nil {
			other = &eps[i]
		}
	}
	if ato != nil && other != nil {
		return &EndpointError{Role: other.role, Err: refuse(ProblemMixed, "the %s is the ATO's (%s) but the %s (%s) is not",
			ato.role, ato.host, other.role, other.host)}
	}
	if ato != nil && extraCA && !e.isPreset() {
		return &EndpointError{Role: RoleCA, Err: refuse(ProblemATOExtraCA, "these addresses are the ATO's (%s), so no extra CA certificate may be trusted for them", ato.host)}
	}
	return nil
}

// sameSite reports whether a and b share a registrable domain (the public
// suffix list's eTLD+1). Names that have none (an IP address, localhost, a
// public suffix itself) must be equal.
func sameSite(a, b string) bool {
	if a == b {
		return true
	}
	da, errA := publicsuffix.EffectiveTLDPlusOne(a)
	db, errB := publicsuffix.EffectiveTLDPlusOne(b)
	return errA == nil && errB == nil && da == db
}

// isPreset reports whether e is a built-in ATO environment, unchanged.
func (e Environment) isPreset() bool {
	for _, p := range Presets() {
		if e.Name == p.Name && e.TokenURL == p.TokenURL && e.RegistrationURL == p.RegistrationURL &&
			(e.HeartbeatURL == "" || e.HeartbeatURL == p.HeartbeatURL) {
			return true
		}
	}
	return false
}

// IsATO reports whether every address of e is the ATO's.
func (e Environment) IsATO() bool {
	for _, raw := range []string{e.TokenURL, e.RegistrationURL, e.HeartbeatURL} {
		if raw == "" {
			continue
		}
		if !atoHost(hostOf(raw)) {
			return false
		}
	}
	return e.TokenURL != "" && e.RegistrationURL != ""
}

// Hosts are the distinct host names e sends to, in order (token,
// registration, heartbeat): what a user is shown of custom addresses.
func (e Environment) Hosts() []string {
	var out []string
	seen := map[string]bool{}
	for _, raw := range []string{e.TokenURL, e.RegistrationURL, e.HeartbeatURL} {
		u, err := url.Parse(strings.TrimSpace(raw))
		if raw == "" || err != nil || u.Hostname() == "" {
			continue
		}
		h := asciiOnly(strings.ToLower(u.Hostname()))
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}

// sameHost reports whether two addresses are on the same host name.
func sameHost(a, b string) bool {
	ua, errA := url.Parse(strings.TrimSpace(a))
	ub, errB := url.Parse(strings.TrimSpace(b))
	return errA == nil && errB == nil && ua.Hostname() != "" && strings.EqualFold(ua.Hostname(), ub.Hostname())
}

// extraCA reports whether hc trusts CA certificates besides the system's
// (NewHTTPClient with a CA file sets RootCAs).
func extraCA(hc *http.Client) bool {
	if hc == nil {
		return false
	}
	tr, ok := hc.Transport.(*http.Transport)
	return ok && tr.TLSClientConfig != nil && tr.TLSClientConfig.RootCAs != nil
}

// CheckAddress applies the rules for one address on its own (scheme, host
// name, look-alikes): for a form or file that names each field's problem.
// The rules between addresses are Check's.
func CheckAddress(role Role, raw string) error {
	_, err := checkAddress(role, raw)
	return err
}
