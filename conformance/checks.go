package conformance

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"dcrwizard/flow"
	"dcrwizard/registrar"
)

// What each check expects, and the ato-facts.md section it tests.
var expects = map[string][2]string{
	IDToken:        {"HTTP 200 with an access_token, token_type Bearer and expires_in in seconds (RFC 6749 §5.1), for a private-key JWT as the registration client", "§2, §6"},
	IDRegister:     {"HTTP 201, a receipt header, client_id a UUID, client_id_issued_at an ISO-8601 string, registration_client_uri on the DCR endpoint's host", "§3"},
	IDELDORAS144:   {"HTTP 400 invalid_request “invalid request” (the sandbox's published scenario)", "§4"},
	IDADRENALAN645: {"HTTP 401 Unauthorised (the sandbox's published scenario)", "§4"},
	IDAPIKey:       {"HTTP 400 DCR.00001 “ato_api_key is not the same as the apiKey in the header.”", "§3, §7"},
	IDVerifyToken:  {"an access token as the new client (iss = sub = its client_id, same certificate) with no scope; any --verify-scope tried too", "§9"},
	IDHeartbeat:    {"HTTP 2xx from the DSG Health Check heartbeat with that token", "§9"},
	IDRead:         {"HTTP 200 with the registration's metadata (RFC 7592 GET); a new registration_access_token may come; x509_certificate echoed", "§5"},
	IDUpdate:       {"HTTP 200 to an RFC 7592 PUT of the whole metadata with a new client_name", "§5"},
	IDDelete:       {"HTTP 204 to an RFC 7592 DELETE", "§5"},
	IDTLS13:        {"TLS 1.3 on every connection (the ATO accepts nothing older since 31 January 2026)", "§8"},
}

func (u *run) check(id string, res Result, saw string) {
	e := expects[id]
	u.add(Check{ID: id, Result: res, Saw: saw, Expected: e[0], Fact: e[1]})
}

// find is the first exchange with method to the URL's host and path.
func find(exs []exchange, method, raw string) *exchange {
	want, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	for i := range exs {
		e := &exs[i]
		if e.Method == method && strings.EqualFold(e.URL.Host, want.Host) && strings.TrimSuffix(e.URL.Path, "/") == strings.TrimSuffix(want.Path, "/") {
			return e
		}
	}
	return nil
}

// register makes the run's registration, through the registrar as the
// program does, and records the token and registration checks.
func (u *run) register(ctx context.Context, at time.Time) {
	u.progress("Getting an access token and registering a test instance…")
	name := "DCR Wizard conformance " + at.UTC().Format("2006-01-02 15:04:05")
	m := u.rec.mark()
	res, err := u.r.Register(ctx, registrar.Input{Env: u.in.Env, Credential: u.in.Credential, ConsumerKey: u.in.ConsumerKey, InstanceName: name}, nil)
	exs := u.rec.since(m)
	tok := find(exs, http.MethodPost, u.in.Env.TokenURL)
	u.tokenCheck(tok, err)
	if res != nil {
		u.main = u.track(res, name)
		u.alive = res.Stored
	}
	u.registerCheck(find(exs, http.MethodPost, u.in.Env.RegistrationURL), tok, res, err)
}

// track notes a registration the ATO accepted, for the cleanup.
func (u *run) track(res *registrar.Result, name string) *Registration {
	reg := &Registration{ClientID: res.Registration.ClientID, Name: name}
	if !res.Stored {
		reg.Why = "the keychain did not keep it"
		u.unstored = append(u.unstored, res.Registration)
	}
	u.made = append(u.made, reg)
	return reg
}

func (u *run) tokenCheck(tok *exchange, err error) {
	switch {
	case tok == nil && err != nil:
		u.check(IDToken, Failed, describe(err))
		return
	case tok == nil:
		u.check(IDToken, Skipped, "no token request was made")
		return
	case tok.Status != http.StatusOK:
		saw := fmt.Sprintf("HTTP %d", tok.Status)
		if err != nil {
			saw = describe(err)
		}
		u.check(IDToken, Failed, saw)
		return
	}
	tt, _ := tok.Body["token_type"].(string)
	saw := fmt.Sprintf("HTTP 200, token_type %s, expires_in %s", orAbsent(tt), jsonKind(tok.Body["expires_in"]))
	_, isNum := tok.Body["expires_in"].(float64)
	if strings.EqualFold(tt, "bearer") && isNum {
		u.check(IDToken, Confirmed, saw)
	} else {
		u.check(IDToken, Differs, saw)
	}
}

var uuidForm = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (u *run) registerCheck(ex, tok *exchange, res *registrar.Result, err error) {
	switch {
	case ex == nil && (tok == nil || tok.Status != http.StatusOK):
		u.check(IDRegister, Skipped, "not sent: no access token")
		return
	case ex == nil:
		u.check(IDRegister, Failed, "not sent: "+describe(err))
		return
	case res == nil:
		u.check(IDRegister, Failed, describe(err))
		return
	}
	ok := ex.Status == http.StatusCreated && ex.Receipt
	parts := []string{fmt.Sprintf("HTTP %d", ex.Status), map[bool]string{true: "receipt header present", false: "no receipt header"}[ex.Receipt]}
	id, _ := ex.Body["client_id"].(string)
	if uuidForm.MatchString(id) {
		parts = append(parts, "client_id a UUID")
	} else {
		ok = false
		parts = append(parts, "client_id not a UUID ("+fmt.Sprint(len(id))+" characters)")
	}
	form := issuedAtForm(ex.Raw)
	ok = ok && form == "an ISO-8601 string"
	parts = append(parts, "client_id_issued_at "+form)
	uri, _ := ex.Body["registration_client_uri"].(string)
	regHost := hostOf(u.in.Env.RegistrationURL)
	switch h := hostOf(uri); {
	case uri == "":
		ok = false
		parts = append(parts, "no registration_client_uri")
	case strings.EqualFold(h, regHost):
		parts = append(parts, "registration_client_uri on "+h+" (the DCR endpoint's host)")
	default:
		ok = false
		parts = append(parts, "registration_client_uri on "+h+", not "+regHost)
	}
	if !res.Stored {
		parts = append(parts, "not stored in this computer's keychain")
	}
	u.check(IDRegister, map[bool]Result{true: Confirmed, false: Differs}[ok], strings.Join(parts, "; "))
}

// issuedAtForm says how client_id_issued_at came: the ATO's ISO-8601
// string, RFC 7591's number, or something else.
func issuedAtForm(raw json.RawMessage) string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return "absent"
	}
	switch t := v.(type) {
	case float64:
		return "a number (seconds since 1970)"
	case string:
		if _, err := time.Parse(time.RFC3339Nano, t); err == nil {
			return "an ISO-8601 string"
		}
		return "a string that is not ISO-8601"
	}
	return jsonKind(v)
}

// scenario registers with a published test client_name and records what
// came back.
func (u *run) scenario(ctx context.Context, id string, status int, code string) {
	name := strings.TrimPrefix(id, "scenario.")
	u.progress("Trying the sandbox's test scenario " + name + "…")
	res, err := u.r.Register(ctx, registrar.Input{Env: u.in.Env, Credential: u.in.Credential, ConsumerKey: u.in.ConsumerKey, InstanceName: name}, nil)
	u.refusalCheck(id, res, err, status, code, name)
}

// apiKeyMismatch sends a body ato_api_key other than the apikey header.
func (u *run) apiKeyMismatch(ctx context.Context) {
	u.progress("Sending an ato_api_key that differs from the apikey header…")
	u.rec.mu.Lock()
	u.rec.bodyKey = mismatchKey
	u.rec.mu.Unlock()
	name := "DCR Wizard conformance key check"
	res, err := u.r.Register(ctx, registrar.Input{Env: u.in.Env, Credential: u.in.Credential, ConsumerKey: u.in.ConsumerKey, InstanceName: name}, nil)
	u.rec.mu.Lock()
	u.rec.bodyKey = "" // unused if the DCR POST was never sent
	u.rec.mu.Unlock()
	u.refusalCheck(IDAPIKey, res, err, http.StatusBadRequest, "DCR.00001", name)
}

// refusalCheck records a probe the ATO should refuse.
func (u *run) refusalCheck(id string, res *registrar.Result, err error, status int, code, name string) {
	if res != nil {
		reg := u.track(res, name)
		u.check(id, Differs, fmt.Sprintf("HTTP 201: registered (client id %s); removed again at the end if the ATO allows", reg.ClientID))
		return
	}
	var fe *flow.Error
	if !errors.As(err, &fe) || fe.Step != flow.StepRegister {
		u.check(id, Skipped, "not sent: "+describe(err))
		return
	}
	if fe.Status == status && (code == "" || strings.EqualFold(fe.Code, code)) {
		u.check(id, Confirmed, describe(err))
		return
	}
	u.check(id, Differs, describe(err))
}

// verify signs in as the new registration with the default scope and
// each --verify-scope, and calls the heartbeat where there is one.
func (u *run) verify(ctx context.Context) {
	if !u.alive {
		u.check(IDVerifyToken, Skipped, "no registration to sign in as")
		u.check(IDHeartbeat, Skipped, "no registration to sign in as")
		return
	}
	u.progress("Signing in as the new registration…")
	var tokenSaw, hbSaw []string
	heartbeat := false
	for _, scope := range append([]string{""}, u.in.VerifyScopes...) {
		env := u.in.Env
		env.VerifyScope = scope
		v, err := u.r.Verify(ctx, registrar.VerifyInput{Env: env, Credential: u.in.Credential, ClientID: u.main.ClientID, ConsumerKey: u.in.ConsumerKey}, nil)
		label := scope
		if label == "" {
			label = defaultScopeTag
		}
		try := ScopeTry{Scope: scope, Worked: v != nil}
		if v != nil {
			try.Saw = "token issued"
			if v.TokenLifetime > 0 {
				try.Saw += fmt.Sprintf(" (expires_in %d)", int(v.TokenLifetime/time.Second))
			}
		} else {
			try.Saw = describe(err)
		}
		tokenSaw = append(tokenSaw, label+": "+try.Saw)
		if v != nil && env.HeartbeatURL != "" {
			if err == nil {
				heartbeat = true
				hbSaw = append(hbSaw, label+": answered")
			} else {
				hbSaw = append(hbSaw, label+": "+describe(err))
			}
		}
		u.rep.VerifyScopes = append(u.rep.VerifyScopes, try)
	}
	res := Failed
	switch {
	case u.rep.VerifyScopes[0].Worked:
		res = Confirmed
	case anyWorked(u.rep.VerifyScopes):
		res = Differs
	}
	u.check(IDVerifyToken, res, strings.Join(tokenSaw, "; "))
	switch {
	case u.in.Env.HeartbeatURL == "":
		u.check(IDHeartbeat, Skipped, "no heartbeat address for this environment (give --heartbeat-url)")
	case len(hbSaw) == 0:
		u.check(IDHeartbeat, Skipped, "not called: no token")
	case heartbeat:
		u.check(IDHeartbeat, Confirmed, hostOf(u.in.Env.HeartbeatURL)+" — "+strings.Join(hbSaw, "; "))
	default:
		u.check(IDHeartbeat, Failed, hostOf(u.in.Env.HeartbeatURL)+" — "+strings.Join(hbSaw, "; "))
	}
}

func anyWorked(ts []ScopeTry) bool {
	for _, t := range ts {
		if t.Worked {
			return true
		}
	}
	return false
}

// tls records the TLS versions the run's connections came up with.
func (u *run) tls() {
	versions := map[string]bool{}
	old := false
	ato := false
	for _, e := range u.rec.all() {
		if e.TLS == 0 {
			continue
		}
		versions[tlsName(e.TLS)] = true
		if e.TLS < tls.VersionTLS13 {
			old = true
			ato = ato || strings.HasSuffix(strings.ToLower(e.URL.Hostname()), "ato.gov.au")
		}
	}
	if len(versions) == 0 {
		u.check(IDTLS13, Skipped, "no TLS connection (plain http:// to this computer)")
		return
	}
	names := make([]string, 0, len(versions))
	for v := range versions {
		names = append(names, v)
	}
	sort.Strings(names)
	saw := strings.Join(names, ", ")
	switch {
	case !old:
		u.check(IDTLS13, Confirmed, saw)
	case ato:
		u.check(IDTLS13, Failed, saw)
	default:
		u.check(IDTLS13, Differs, saw)
	}
}

func tlsName(v uint16) string {
	switch v {
	case tls.VersionTLS13:
		return "TLS 1.3"
	case tls.VersionTLS12:
		return "TLS 1.2"
	}
	return fmt.Sprintf("TLS 0x%04x", v)
}

func yesNo(b bool) string { return map[bool]string{true: "yes", false: "no"}[b] }

func orAbsent(s string) string {
	if s == "" {
		return "absent"
	}
	return s
}

// jsonKind describes a JSON value without showing it.
func jsonKind(v any) string {
	switch t := v.(type) {
	case nil:
		return "absent"
	case float64:
		return fmt.Sprintf("%g (a number)", t)
	case string:
		return "a string"
	}
	return fmt.Sprintf("a %T", v)
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	return ""
}
