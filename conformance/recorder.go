package conformance

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// exchange is one request and its answer as seen on the wire. Body is the
// answer decoded as JSON (nil when it was not JSON): it may hold secrets
// (access_token, registration_access_token, ato_api_key), so the checks
// read named public fields only, and every secret seen is kept in
// recorder.secrets for the report's final scrub.
type exchange struct {
	Method  string
	URL     *url.URL
	Status  int // 0: no answer
	TLS     uint16
	Receipt bool
	Body    map[string]any
	Raw     json.RawMessage // the raw value of client_id_issued_at, when present
}

// recorder is an http.RoundTripper in front of the program's own transport:
// everything the run sends goes through the same flow and registrar code as
// a real registration, and the recorder only watches (and, for the
// apikey_mismatch probe, changes one body field).
type recorder struct {
	base http.RoundTripper

	mu        sync.Mutex
	exchanges []exchange
	secrets   []string
	// bodyKey, when set, replaces ato_api_key in the next DCR POST body.
	bodyKey         string
	registrationURL string
}

const maxRecorded = 1 << 20

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.noteRequestSecrets(req)
	if req.Method == http.MethodPost && r.isRegistration(req.URL) {
		if err := r.rewriteKey(req); err != nil {
			return nil, err
		}
	}
	resp, err := r.base.RoundTrip(req)
	ex := exchange{Method: req.Method, URL: req.URL}
	if err != nil {
		r.add(ex)
		return resp, err
	}
	ex.Status = resp.StatusCode
	ex.Receipt = strings.TrimSpace(resp.Header.Get("receipt")) != ""
	if resp.TLS != nil {
		ex.TLS = resp.TLS.Version
	}
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, maxRecorded))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if rerr == nil {
		var raw map[string]json.RawMessage
		if json.Unmarshal(data, &raw) == nil {
			ex.Raw = raw["client_id_issued_at"]
			_ = json.Unmarshal(data, &ex.Body)
			r.noteSecrets(ex.Body["access_token"], ex.Body["registration_access_token"], ex.Body["id_token"], ex.Body["refresh_token"])
		}
	}
	r.add(ex)
	return resp, nil
}

func (r *recorder) isRegistration(u *url.URL) bool {
	reg, err := url.Parse(r.registrationURL)
	return err == nil && strings.EqualFold(u.Host, reg.Host) && strings.TrimSuffix(u.Path, "/") == strings.TrimSuffix(reg.Path, "/")
}

// rewriteKey sets ato_api_key in the DCR body to bodyKey, once.
func (r *recorder) rewriteKey(req *http.Request) error {
	r.mu.Lock()
	key := r.bodyKey
	r.bodyKey = ""
	r.mu.Unlock()
	if key == "" || req.Body == nil {
		return nil
	}
	data, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return err
	}
	var body map[string]any
	if err := json.Unmarshal(data, &body); err == nil {
		body["ato_api_key"] = key
		if b, err := json.Marshal(body); err == nil {
			data = b
		}
	}
	req.Body = io.NopCloser(bytes.NewReader(data))
	req.ContentLength = int64(len(data))
	req.Header.Set("Content-Length", strconv.Itoa(len(data)))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return nil
}

// noteRequestSecrets keeps the bearer token and any client assertion a
// request carries, for the final scrub.
func (r *recorder) noteRequestSecrets(req *http.Request) {
	if a := req.Header.Get("Authorization"); a != "" {
		_, tok, _ := strings.Cut(a, " ")
		r.noteSecrets(tok)
	}
	if req.Body != nil && req.GetBody != nil && strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if rc, err := req.GetBody(); err == nil {
			data, _ := io.ReadAll(io.LimitReader(rc, maxRecorded))
			rc.Close()
			if form, err := url.ParseQuery(string(data)); err == nil {
				r.noteSecrets(form.Get("client_assertion"))
			}
		}
	}
}

func (r *recorder) noteSecrets(vals ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range vals {
		if s, ok := v.(string); ok && len(strings.TrimSpace(s)) >= 8 {
			r.secrets = append(r.secrets, s)
		}
	}
}

func (r *recorder) add(ex exchange) {
	r.mu.Lock()
	r.exchanges = append(r.exchanges, ex)
	r.mu.Unlock()
}

// mark is the number of exchanges so far; since gives those after it.
func (r *recorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.exchanges)
}

func (r *recorder) since(n int) []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.exchanges[n:]...)
}

func (r *recorder) all() []exchange { return r.since(0) }

func (r *recorder) knownSecrets() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.secrets...)
}
