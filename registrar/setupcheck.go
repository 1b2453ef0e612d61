package registrar

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"dcrwizard/consumerkey"
	"dcrwizard/flow"
	"dcrwizard/guidance"
	"dcrwizard/setupfile"
)

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
