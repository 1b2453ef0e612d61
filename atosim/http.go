package atosim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

// Endpoint names, as Fault.Endpoint uses them.
const (
	EndpointToken     = "token"     // TokenPath
	EndpointRegister  = "register"  // RegistrationPath (create)
	EndpointClient    = "client"    // RegistrationPath/{client_id} (RFC 7592)
	EndpointHeartbeat = "heartbeat" // HeartbeatPath (DSG Health Check)
)

// classify names the endpoint of a path; id is the client id of a
// registration_client_uri.
func classify(path string) (endpoint, id string) {
	switch {
	case path == TokenPath:
		return EndpointToken, ""
	case path == RegistrationPath:
		return EndpointRegister, ""
	case path == HeartbeatPath:
		return EndpointHeartbeat, ""
	case strings.HasPrefix(path, RegistrationPath+"/"):
		id = strings.TrimPrefix(path, RegistrationPath+"/")
		if id != "" && !strings.Contains(id, "/") {
			return EndpointClient, id
		}
	}
	return "", ""
}

// serveHTTP reads the request once, records it, applies any fault due and
// routes it.
func (s *Simulator) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	endpoint, id := classify(r.URL.Path)
	rec := Recorded{Time: s.now(), Method: r.Method, Path: r.URL.Path, Header: maskHeader(r.Header)}
	rec.Form, rec.Body = maskBody(r.Header.Get("Content-Type"), body)
	sw := &statusWriter{ResponseWriter: w}
	note, recorded := "", false
	// finish records the request. It runs before a connection is dropped, so
	// a test that sees the drop also sees the record; a normal response is
	// flushed only after the handler returns, so it is recorded first too.
	finish := func() {
		if !recorded {
			recorded = true
			rec.Status = sw.status
			s.record(rec, note)
		}
	}
	defer finish()

	route := func(w http.ResponseWriter) {
		s.route(w, r, endpoint, id, body, readErr)
	}
	f := s.takeFault(endpoint)
	if f == nil {
		route(sw)
		return
	}
	note = " (fault: " + f.Kind.String() + ")"
	switch f.Kind {
	case FaultDrop:
		finish()
		dropConnection(w)
	case FaultDelay:
		if waitFor(r.Context(), f.Delay) {
			route(sw)
		} // else the client gave up waiting
	case FaultLateAnswer:
		bw := &bufferWriter{header: http.Header{}}
		route(bw)
		note = fmt.Sprintf(" (fault: %s; processed as %d, answered after %s)", f.Kind, bw.statusOr200(), f.Delay)
		if !waitFor(r.Context(), f.Delay) { // the client gave up: the answer is lost
			finish()
			return
		}
		bw.copyHeader(sw)
		sw.WriteHeader(bw.statusOr200())
		_, _ = sw.Write(bw.body.Bytes())
	case FaultDropAfterRegister:
		bw := &bufferWriter{header: http.Header{}}
		route(bw)
		note = fmt.Sprintf(" (fault: %s; processed as %d, nothing sent)", f.Kind, bw.status)
		finish()
		dropConnection(w)
	case FaultMalformedJSON:
		bw := &bufferWriter{header: http.Header{}}
		route(bw)
		writeCutJSON(sw, bw)
	default: // FaultHTTPError
		writeGatewayPage(sw, f.Status)
	}
}

// route answers a request at its endpoint.
func (s *Simulator) route(w http.ResponseWriter, r *http.Request, endpoint, id string, body []byte, readErr error) {
	switch {
	case readErr != nil:
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body could not be read.")
	case len(body) > maxBody:
		writeOAuthError(w, http.StatusRequestEntityTooLarge, "invalid_request", "The request body is too large.")
	case endpoint == EndpointToken:
		s.handleToken(w, r, body)
	case endpoint == EndpointRegister:
		s.handleRegister(w, r, body)
	case endpoint == EndpointClient:
		s.handleClient(w, r, id, body)
	case endpoint == EndpointHeartbeat:
		s.handleHeartbeat(w, r)
	default:
		writeGatewayError(w, http.StatusNotFound, "404-01", "No such resource", "")
	}
}

// waitFor waits d; false when ctx ended first (the client gave up).
func waitFor(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// writeCutJSON sends the answer bw holds with its JSON body cut in half, as
// a connection cut mid-answer would leave it.
func writeCutJSON(sw *statusWriter, bw *bufferWriter) {
	bw.copyHeader(sw)
	sw.Header().Del("Content-Length")
	sw.Header().Set("Content-Type", "application/json")
	b := bw.body.Bytes()
	cut := []byte("{")
	if len(b) > 2 {
		cut = b[:len(b)/2] // a strict prefix of a JSON object never parses
	}
	sw.WriteHeader(bw.statusOr200())
	_, _ = sw.Write(cut)
}

// writeGatewayPage answers with the HTML error page a gateway sends in
// front of a failing server (502 when status is 0).
func writeGatewayPage(w http.ResponseWriter, status int) {
	if status == 0 {
		status = http.StatusBadGateway
	}
	text := http.StatusText(status)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n<hr><center>gateway</center>\r\n</body>\r\n</html>\r\n", status, text, status, text)
}

// dropConnection closes the client's connection without an answer, as a
// network failure would.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
		return
	}
	// Not hijackable (HTTP/2): aborting the handler resets the stream.
	panic(http.ErrAbortHandler)
}

// statusWriter remembers the status sent; 0 means nothing was sent.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// bufferWriter holds a response that a fault will alter or throw away.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferWriter) Header() http.Header { return w.header }
func (w *bufferWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *bufferWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// copyHeader copies the held header into the header of to.
func (w *bufferWriter) copyHeader(to http.ResponseWriter) {
	for k, v := range w.header {
		to.Header()[k] = v
	}
}

func (w *bufferWriter) statusOr200() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// mediaType is the media type of a Content-Type header, lower case, without
// parameters; "" when absent or unreadable.
func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	return mt
}

// requestBaseURL is the scheme and host the client used, so URLs the
// simulator hands out (and the aud it expects) match what the client called.
func requestBaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeOAuthError answers in the RFC 6749 §5.2 shape the ATO uses.
func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// writeInvalidToken is the ATO's 401 "Unauthorised" for a bearer token.
func writeInvalidToken(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	writeOAuthError(w, http.StatusUnauthorized, CodeInvalidToken, "Unauthorised")
}

type gatewayError struct {
	Code   string            `json:"code"`
	Detail string            `json:"detail"`
	Source map[string]string `json:"source,omitempty"`
}

// writeGatewayError answers in the API gateway's {"errors":[…]} shape.
func writeGatewayError(w http.ResponseWriter, status int, code, detail, parameter string) {
	e := gatewayError{Code: code, Detail: detail}
	if parameter != "" {
		e.Source = map[string]string{"parameter": parameter}
	}
	writeJSON(w, status, map[string][]gatewayError{"errors": {e}})
}
