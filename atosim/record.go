package atosim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Masked replaces every secret in what Requests returns and Logf prints.
const Masked = "[masked]"

// Recorded is one request as the simulator received it, secrets masked.
type Recorded struct {
	Time         time.Time
	Method, Path string
	// Header is the request's headers; Authorization ("Bearer [masked]"),
	// apikey and cookies are masked.
	Header http.Header
	// Form is a form body's parameters; client_assertion is masked.
	Form url.Values
	// Body is a JSON body with ato_api_key and tokens masked, or a form body
	// re-encoded with its secrets masked; other bodies are not kept.
	Body string
	// Status is the status sent; 0 when the connection was dropped.
	Status int
}

// secretHeaders are masked whole; Authorization keeps its scheme.
var secretHeaders = []string{"Apikey", "Cookie", "Proxy-Authorization", "X-Api-Key"}

// secretFields are masked in form and JSON bodies.
var secretFields = map[string]bool{
	"client_assertion": true, "client_secret": true, "assertion": true, "password": true,
	"refresh_token": true, "access_token": true, "code": true,
	"ato_api_key": true, "registration_access_token": true,
}

func maskHeader(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		out = http.Header{}
	}
	for _, k := range secretHeaders {
		if _, ok := out[k]; ok {
			out[k] = []string{Masked}
		}
	}
	if vals, ok := out["Authorization"]; ok {
		for i, v := range vals {
			if scheme, _, hasCred := strings.Cut(v, " "); hasCred {
				vals[i] = scheme + " " + Masked
			} else {
				vals[i] = Masked
			}
		}
	}
	return out
}

// maskBody turns a request body into what may be kept: a JSON body with its
// secrets masked, or a form with its secrets masked. Anything else is not
// kept, since a secret in it could not be found to mask.
func maskBody(contentType string, body []byte) (url.Values, string) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, ""
	}
	var v any
	if json.Unmarshal(body, &v) == nil {
		if _, isObject := v.(map[string]any); isObject {
			b, err := json.Marshal(maskJSON(v))
			if err == nil {
				return nil, string(b)
			}
		}
	}
	if mediaType(contentType) == "application/x-www-form-urlencoded" {
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, vals := range form {
				if secretFields[k] {
					for i := range vals {
						vals[i] = Masked
					}
				}
			}
			return form, form.Encode()
		}
	}
	return nil, fmt.Sprintf("[%d bytes not kept: neither a JSON object nor a form]", len(body))
}

func maskJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if secretFields[k] {
				t[k] = Masked
			} else {
				t[k] = maskJSON(e)
			}
		}
	case []any:
		for i, e := range t {
			t[i] = maskJSON(e)
		}
	}
	return v
}

// record keeps a request (the newest MaxRecorded) and logs it.
func (s *Simulator) record(rec Recorded, note string) {
	s.mu.Lock()
	s.records = append(s.records, rec)
	if n := len(s.records) - MaxRecorded; n > 0 {
		s.records = append(s.records[:0:0], s.records[n:]...)
	}
	s.mu.Unlock()
	status := "no response"
	if rec.Status != 0 {
		status = fmt.Sprint(rec.Status)
	}
	s.logf("%s %s -> %s%s", rec.Method, rec.Path, status, note)
}

// Requests returns the requests received so far (the newest MaxRecorded),
// oldest first, with secrets masked.
func (s *Simulator) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Recorded, len(s.records))
	for i, r := range s.records {
		r.Header = r.Header.Clone()
		if r.Form != nil {
			r.Form = cloneValues(r.Form)
		}
		out[i] = r
	}
	return out
}

// ClearRequests forgets the recorded requests.
func (s *Simulator) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vals := range v {
		out[k] = append([]string(nil), vals...)
	}
	return out
}
