// Package flow runs the ATO's three registration steps (private-key JWT,
// initial access token, dynamic client registration) and the RFC 7592
// lifecycle calls on a registration. It has no user interface: it reports
// progress through an event callback and failures as *Error: both are data,
// and package guidance says them in words for the people using either
// front end.
package flow

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Environment is where a registration is made. This file is the only place
// endpoint addresses live (see ato-facts.md §2).
type Environment struct {
	Name                 string // "sandbox", "production", "practice" or "custom"
	Label                string // what the wizard shows
	TokenURL             string // token endpoint; also the JWT "aud"
	RegistrationURL      string // DCR endpoint
	RegistrationClientID string // JWT "iss" and "sub"
	Scope                string

	// How a new registration is proven usable (Verify): the scope its own
	// token asks for ("" leaves scope out of the request, so the server
	// grants its default), and the DSG Health Check heartbeat called with
	// that token ("" skips it). Inferred from ato-facts.md §9: the ATO
	// publishes the heartbeat's path, not its scope names, so both can be
	// set for a custom environment (--verify-scope, --heartbeat-url).
	VerifyScope  string
	HeartbeatURL string
}

// registrationScope is the same in both ATO environments.
const registrationScope = "ato.idp.relyingParties.c"

// Sandbox is the ATO's external vendor test environment (EVTE).
var Sandbox = Environment{
	Name:                 "sandbox",
	Label:                "ATO sandbox (EVTE), for testing",
	TokenURL:             "https://auth.evte.ato.gov.au/core2/connect/token",
	RegistrationURL:      "https://sandbox.api.ato.gov.au/idp/v1/relyingparties",
	RegistrationClientID: "ato_registration_client_id_eve",
	Scope:                registrationScope,
	HeartbeatURL:         "https://sandbox.api.ato.gov.au/healthcheck/v1/heartbeat",
}

// Production is the live ATO environment.
var Production = Environment{
	Name:                 "production",
	Label:                "ATO production",
	TokenURL:             "https://auth.ato.gov.au/core2/connect/token",
	RegistrationURL:      "https://api.ato.gov.au/idp/v1/relyingparties",
	RegistrationClientID: "ato_registration_client_id",
	Scope:                registrationScope,
	HeartbeatURL:         "https://api.ato.gov.au/healthcheck/v1/heartbeat",
}

// Presets returns the fixed ATO environments, sandbox first so that a slip
// lands on the harmless one.
func Presets() []Environment { return []Environment{Sandbox, Production} }

// Lookup finds a preset by name (case-insensitive). Practice and custom
// environments need addresses, so they are made with Practice and Custom.
func Lookup(name string) (Environment, bool) {
	for _, e := range Presets() {
		if strings.EqualFold(strings.TrimSpace(name), e.Name) {
			return e, true
		}
	}
	return Environment{}, false
}

// Practice is the built-in ATO simulator, at addresses it chose.
func Practice(tokenURL, registrationURL, registrationClientID, scope string) Environment {
	return Environment{
		Name:                 "practice",
		Label:                "Practice run (built-in ATO simulator, nothing is sent to the ATO)",
		TokenURL:             tokenURL,
		RegistrationURL:      registrationURL,
		RegistrationClientID: registrationClientID,
		Scope:                scope,
	}
}

// Custom is an environment whose every value the user gave: for a changed
// ATO host or a test server.
func Custom(tokenURL, registrationURL, registrationClientID, scope string) Environment {
	return Environment{
		Name:                 "custom",
		Label:                "Custom addresses",
		TokenURL:             tokenURL,
		RegistrationURL:      registrationURL,
		RegistrationClientID: registrationClientID,
		Scope:                scope,
	}
}

// ErrInsecureURL marks an http:// address that is not on this computer:
// tokens and keys would cross the network in clear text.
var ErrInsecureURL = errors.New("plain http:// is only allowed to this computer")

// Validate checks that every value is present and that every address
// passes the trust rules (trust.go) for a run with no extra CA: absolute,
// https:// or http:// to a loopback address, plain host names, and the
// ATO's hosts never mixed with others.
func (e Environment) Validate() error { return e.Check(false) }

// checkURL applies the address rules to one URL; what names it in messages.
func checkURL(what, raw string) error {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return fmt.Errorf("the %s address is missing", what)
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "" {
		return refuse(ProblemNotURL, "the %s address %s is not a full web address", what, strconv.QuoteToASCII(raw))
	}
	if u.User != nil {
		// A user name or password in the address would be sent and logged.
		return fmt.Errorf("the %s address must not contain a user name or password", what)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return refuse(ProblemInsecure, "the %s address %s uses plain http://, which is only allowed to this computer (localhost): %w", what, strconv.QuoteToASCII(u.Redacted()), ErrInsecureURL)
	default:
		return fmt.Errorf("the %s address %s must start with https://", what, strconv.QuoteToASCII(u.Redacted()))
	}
}

// isLoopback reports whether host is this computer: "localhost",
// 127.0.0.0/8 or ::1. Other names are not resolved: DNS could lie.
func isLoopback(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
