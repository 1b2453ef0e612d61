package flow

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"dcrwizard/internal/safetext"
)

// Step names a part of a run, in events and errors.
type Step string

const (
	StepCheck    Step = "check"    // input checked before anything is sent
	StepSign     Step = "sign"     // step 1: private-key JWT
	StepToken    Step = "token"    // step 2: initial access token
	StepRegister Step = "register" // step 3: DCR POST
	StepSave     Step = "save"     // emitted by the caller after Register
	StepRead     Step = "read"     // RFC 7592 GET
	StepUpdate   Step = "update"   // RFC 7592 PUT
	StepDelete   Step = "delete"   // RFC 7592 DELETE
)

// ErrorKind says what sort of failure an *Error is, for callers that branch.
type ErrorKind string

const (
	KindInput          ErrorKind = "input"           // bad input; nothing was sent
	KindCredential     ErrorKind = "credential"      // credential unusable; nothing was sent
	KindAborted        ErrorKind = "aborted"         // BeforeRegister failed; nothing was sent
	KindRefused        ErrorKind = "refused"         // the server answered 4xx
	KindServer         ErrorKind = "server"          // the server answered 5xx
	KindBadResponse    ErrorKind = "bad_response"    // an answer that could not be used
	KindNetwork        ErrorKind = "network"         // connection failed or broke
	KindTimeout        ErrorKind = "timeout"         // no answer in time
	KindTLS            ErrorKind = "tls"             // secure connection failed
	KindDNS            ErrorKind = "dns"             // host name not found
	KindCancelled      ErrorKind = "cancelled"       // the caller's context ended
	KindUnknownOutcome ErrorKind = "unknown_outcome" // DCR POST sent, answer lost
)

// Error is every failure of a run or lifecycle call. It never holds a
// secret: bodies and descriptions are scrubbed before they are stored.
type Error struct {
	Step        Step
	Status      int    // HTTP status; 0 when there was no answer
	Code        string // ATO or OAuth error code, as the server spelled it
	Description string // the server's own words, if any
	Receipt     string // ATO "receipt" response header, for support
	Body        string // raw answer, capped at maxErrorBody
	Unknown     bool   // the DCR request was sent and the outcome is not known
	Kind        ErrorKind
	At          time.Time // local clock when it happened (shown in messages)
	Err         error     // underlying cause, if any

	// Additions to the contract, used by the messages.
	Host         string // server host name, for network messages
	Proxy        string // proxy host:port the request went through, if any
	InstanceName string // the name being registered (unknown outcome)
	ClientID     string // the registration an RFC 7592 request with an unknown outcome was about
	// NotSent: an RFC 7592 request stopped (cancel or deadline) before it
	// had a connection, so the server never saw it.
	NotSent    bool
	ServerTime time.Time // the server's Date header, to spot a wrong clock
	// Field is the request field a gateway error names (source.parameter,
	// or the last part of source.pointer), "" when none.
	Field string
}

// Error is a one-line summary for logs: what failed and the step, status,
// code and receipt a support person asks for; never the body. It is data,
// not advice: package guidance says what it means and what to do.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Step))
	b.WriteString(" failed")
	switch {
	case e.Description != "":
		b.WriteString(": ")
		b.WriteString(safetext.Line(e.Description))
	case e.Err != nil && (e.Kind == KindInput || e.Kind == KindCredential || e.Kind == KindAborted):
		// Our own words about the input: no server text, no secret.
		b.WriteString(": ")
		b.WriteString(safetext.Line(e.Err.Error()))
	}
	b.WriteString(" [step ")
	b.WriteString(string(e.Step))
	if e.Status != 0 {
		fmt.Fprintf(&b, ", HTTP %d", e.Status)
	}
	if e.Code != "" {
		b.WriteString(", code ")
		b.WriteString(safetext.Line(e.Code))
	}
	if e.Receipt != "" {
		b.WriteString(", receipt ")
		b.WriteString(e.Receipt)
	}
	if e.Kind != "" {
		b.WriteString(", ")
		b.WriteString(string(e.Kind))
	}
	b.WriteString("]")
	return b.String()
}

// IsLifecycle reports whether s is an RFC 7592 call on a registration.
func IsLifecycle(s Step) bool { return s == StepRead || s == StepUpdate || s == StepDelete }

// Unwrap gives the cause, so errors.Is(err, context.Canceled) works.
func (e *Error) Unwrap() error { return e.Err }

// Response body limits: an ATO answer is a few kilobytes.
const (
	maxResponseBody = 1 << 20
	maxErrorBody    = 4 << 10
)

// errorBody is the union of the answer shapes the ATO uses.
type errorBody struct {
	// OAuth shape (RFC 6749 §5.2, RFC 7591 §3.2.2).
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	// Gateway shape.
	Errors []struct {
		Code   string `json:"code"`
		Detail string `json:"detail"`
		Title  string `json:"title"`
		Source struct {
			Parameter string `json:"parameter"`
			Pointer   string `json:"pointer"` // a JSON pointer into the request body (RFC 6901)
		} `json:"source"`
	} `json:"errors"`
	// Plain {"code","message"} some gateways use.
	Code    string `json:"code"`
	Message string `json:"message"`
}

// gatewayField names the field of a gateway error: its parameter, else the
// JSON pointer ("/client_name", "/data/0/x509_certificate") as a path
// without the leading slash and with RFC 6901 escapes undone.
func gatewayField(parameter, pointer string) string {
	if p := strings.TrimSpace(parameter); p != "" {
		return p
	}
	p := strings.Trim(strings.TrimSpace(pointer), "/")
	if p == "" {
		return ""
	}
	parts := strings.Split(p, "/")
	for i, part := range parts {
		parts[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
	}
	return strings.Join(parts, ".")
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// parseErrorBody fills Code and Description from an answer of any shape:
// OAuth, gateway, HTML or empty. The header WWW-Authenticate is read too:
// RFC 6750 servers put invalid_token there, sometimes with no body.
func parseErrorBody(e *Error, h http.Header, body []byte) {
	readErrorBody(e, h, body)
	e.Description = safetext.Cut(e.Description, maxDescription)
}

// maxDescription is the most of a server's description kept, in characters
// (cut by bytes, a character was cut in two).
const maxDescription = 500

// maxCode is the most of a server's error code or field name kept, in
// characters: OAuth's are a few words, and one of any length (from a
// WWW-Authenticate header too) made the message as long as the header.
const maxCode = 100

// readErrorBody is parseErrorBody with the description whole, for a caller
// that must scrub it before it is cut (a secret cut in two is harder to
// recognise).
func readErrorBody(e *Error, h http.Header, body []byte) {
	trimmed := strings.TrimSpace(string(body))
	var eb errorBody
	if strings.HasPrefix(trimmed, "{") && json.Unmarshal([]byte(trimmed), &eb) == nil {
		switch {
		case eb.Error != "":
			e.Code, e.Description = eb.Error, eb.ErrorDescription
		case len(eb.Errors) > 0:
			first := eb.Errors[0]
			e.Code = first.Code
			e.Description = first.Detail
			if e.Description == "" {
				e.Description = first.Title
			}
			e.Field = gatewayField(first.Source.Parameter, first.Source.Pointer)
			if e.Field != "" {
				e.Description = strings.TrimSpace(e.Description + " (field: " + e.Field + ")")
			}
		case eb.Code != "":
			e.Code, e.Description = eb.Code, eb.Message
		}
	} else if m := titleRE.FindStringSubmatch(trimmed); m != nil {
		// An HTML error page from a proxy or gateway: its title is the
		// only part worth showing.
		e.Description = strings.Join(strings.Fields(html.UnescapeString(m[1])), " ")
	}
	if e.Code == "" {
		if code, desc := parseWWWAuthenticate(h.Get("WWW-Authenticate")); code != "" {
			e.Code = code
			if e.Description == "" {
				e.Description = desc
			}
		}
	}
}

var (
	authErrorRE = regexp.MustCompile(`(?i)\berror="([^"]*)"`)
	authDescRE  = regexp.MustCompile(`(?i)\berror_description="([^"]*)"`)
)

// parseWWWAuthenticate reads error and error_description from a Bearer
// challenge (RFC 6750 §3).
func parseWWWAuthenticate(v string) (code, desc string) {
	if m := authErrorRE.FindStringSubmatch(v); m != nil {
		code = m[1]
	}
	if m := authDescRE.FindStringSubmatch(v); m != nil {
		desc = m[1]
	}
	return code, desc
}

// redactor scrubs secrets from text kept in errors: the known values of this
// run, as they are or altered (redact.go), and anything shaped like a token
// the server may have echoed.
type redactor []string

var (
	// A JWT whole or cut short (a body cut inside the token keeps a part).
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){0,2}`)
	// A secret-named field's value, also when the body ends inside it.
	tokenFieldRE = regexp.MustCompile(`(?i)("[a-z_]*(?:token|assertion|secret|api_?key)"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|\\?$)`)
)

func (r redactor) scrub(s string) string {
	for _, secret := range r {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[hidden]")
		}
	}
	s = r.scrubAltered(s)
	s = jwtRE.ReplaceAllString(s, "[hidden]")
	return tokenFieldRE.ReplaceAllString(s, `$1"[hidden]"`)
}

// classifyTransport sorts a failed round trip into a Kind. parent is the
// caller's context: its end means the user cancelled, while our own
// per-request deadline means the server was too slow.
func classifyTransport(parent context.Context, err error) ErrorKind {
	if perr := parent.Err(); perr != nil {
		if errors.Is(perr, context.DeadlineExceeded) {
			return KindTimeout
		}
		return KindCancelled
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return KindDNS
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return KindTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KindTimeout
	}
	var (
		verifyErr   *tls.CertificateVerificationError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidErr  x509.CertificateInvalidError
		recordErr   tls.RecordHeaderError
		alertErr    tls.AlertError
	)
	switch {
	case errors.As(err, &verifyErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr),
		errors.As(err, &invalidErr), errors.As(err, &recordErr), errors.As(err, &alertErr):
		return KindTLS
	}
	var versionErr *TLSVersionError
	if errors.As(err, &versionErr) {
		return KindTLS
	}
	if strings.Contains(err.Error(), "tls: ") {
		return KindTLS
	}
	return KindNetwork
}
