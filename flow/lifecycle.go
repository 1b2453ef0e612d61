package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"dcrwizard/consumerkey"
	"dcrwizard/internal/safetext"
)

// readOnlyFields are the server-managed values RFC 7592 §2.2 says an update
// must not send.
var readOnlyFields = []string{
	"registration_access_token",
	"registration_client_uri",
	"client_id_issued_at",
	"client_secret_expires_at",
}

// Read fetches a registration (RFC 7592 GET). The returned
// RegistrationAccessToken is the one to use from now on: a new one when the
// ATO rotated it, else token itself; compare them to know whether to store.
// key is the consumer key, sent as the gateway's apikey header (as on
// every RFC 7592 call): the ATO's gateway guards its APIs with it.
func (c *Client) Read(ctx context.Context, uri, token string, key consumerkey.Key) (*Registration, error) {
	c.emit(Event{Step: StepRead, State: StateStarted, Host: hostOf(uri)})
	reg, err := c.lifecycle(ctx, StepRead, http.MethodGet, uri, token, key, nil)
	if err != nil {
		return nil, err
	}
	c.emit(Event{Step: StepRead, State: StateDone, Host: hostOf(uri), ClientID: reg.ClientID, Rotated: reg.RegistrationAccessToken != token})
	return reg, nil
}

// Update replaces a registration's metadata (RFC 7592 PUT). metadata must
// hold client_id; the server-managed fields are left out for the caller.
func (c *Client) Update(ctx context.Context, uri, token string, key consumerkey.Key, metadata map[string]any) (*Registration, error) {
	c.emit(Event{Step: StepUpdate, State: StateStarted, Host: hostOf(uri)})
	body := make(map[string]any, len(metadata))
	for k, v := range metadata {
		body[k] = v
	}
	for _, k := range readOnlyFields {
		delete(body, k)
	}
	if id, _ := body["client_id"].(string); id == "" {
		return nil, c.fail(&Error{Step: StepUpdate, Kind: KindInput,
			Err: errors.New("registration details to update have no client_id: read the registration first")})
	}
	data, err := json.Marshal(body)
	if err != nil {
		return nil, c.fail(&Error{Step: StepUpdate, Kind: KindInput, Err: fmt.Errorf("the registration details cannot be sent: %w", err)})
	}
	reg, err := c.lifecycle(ctx, StepUpdate, http.MethodPut, uri, token, key, data)
	if err != nil {
		return nil, err
	}
	c.emit(Event{Step: StepUpdate, State: StateDone, Host: hostOf(uri), ClientID: reg.ClientID, Rotated: reg.RegistrationAccessToken != token})
	return reg, nil
}

// Delete removes a registration (RFC 7592 DELETE, 204).
func (c *Client) Delete(ctx context.Context, uri, token string, key consumerkey.Key) error {
	c.emit(Event{Step: StepDelete, State: StateStarted, Host: hostOf(uri)})
	if _, err := c.lifecycle(ctx, StepDelete, http.MethodDelete, uri, token, key, nil); err != nil {
		return err
	}
	c.emit(Event{Step: StepDelete, State: StateDone, Host: hostOf(uri)})
	return nil
}

// clientIDOf is the client id at the end of a registration client URI (the
// ATO's pattern, which the registrar keeps to), for the recovery advice.
func clientIDOf(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	return safetext.Line(path.Base(u.Path))
}

// lifecycle sends one RFC 7592 request. For Delete it returns (nil, nil).
func (c *Client) lifecycle(ctx context.Context, step Step, method, uri, token string, key consumerkey.Key, body []byte) (*Registration, error) {
	// The registration access token and the consumer key go here: the
	// address gets the trust rules' host checks (trust.go) too.
	if err := CheckAddress("registration", uri); err != nil {
		return nil, c.fail(&Error{Step: step, Kind: KindInput, Err: err})
	}
	if strings.TrimSpace(token) == "" {
		return nil, c.fail(&Error{Step: step, Kind: KindInput,
			Err: errors.New("the registration access token is missing, so the ATO cannot be asked about this registration")})
	}
	if err := ctx.Err(); err != nil {
		e := c.cancelled(step, err)
		e.NotSent = true
		return nil, c.fail(e)
	}
	cl := call{
		step:    step,
		method:  method,
		url:     uri,
		header:  http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/json"}},
		body:    body,
		secrets: redactor{token, key.Header()},
		// A request that reached the server may have been acted on even if
		// its answer is lost — an update made, a registration deleted, or
		// on any of them the registration access token rotated: never
		// report that as a plain failure, and never abandon the answer.
		trackSent:    true,
		holdOnceSent: true,
	}
	if body != nil {
		cl.header.Set("Content-Type", "application/json")
	}
	if !key.IsZero() {
		cl.header.Set("Apikey", key.Header())
	}
	resp, e := c.do(ctx, cl)
	if e != nil {
		if e.Unknown {
			e.ClientID = clientIDOf(uri)
		}
		return nil, c.fail(e)
	}
	if resp.status/100 != 2 {
		return nil, c.fail(c.httpError(cl, resp))
	}
	if step == StepDelete {
		return nil, nil
	}
	reg, err := parseRegistration(resp.body)
	if err != nil {
		// A success the client cannot read: the server acted, and any new
		// token it issued is in the unreadable body.
		return nil, c.fail(&Error{Step: step, Status: resp.status, Kind: KindUnknownOutcome, Unknown: true, Host: hostOf(uri),
			ClientID: clientIDOf(uri), Receipt: receiptOf(resp.header, cl.secrets), Body: supportBody(cl.secrets, resp.body), Err: err})
	}
	reg.Receipt = receiptOf(resp.header, append(cl.secrets, reg.RegistrationAccessToken))
	if reg.RegistrationAccessToken == "" {
		reg.RegistrationAccessToken = token
	}
	if reg.RegistrationClientURI == "" {
		reg.RegistrationClientURI = uri
	}
	return reg, nil
}

// parseRegistration reads a DCR or RFC 7592 answer. Only client_id is
// required; unknown fields are kept in Metadata.
func parseRegistration(body []byte) (*Registration, error) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("the registration answer is not a JSON object: %w", err)
	}
	id, _ := m["client_id"].(string)
	if id == "" {
		return nil, errors.New("the registration answer has no client_id")
	}
	reg := &Registration{ClientID: id}
	reg.RegistrationAccessToken, _ = m["registration_access_token"].(string)
	reg.RegistrationClientURI, _ = m["registration_client_uri"].(string)
	reg.IssuedAt = parseIssuedAt(m["client_id_issued_at"])
	delete(m, "registration_access_token")
	reg.Metadata = m
	return reg, nil
}

// parseIssuedAt accepts the ATO's ISO-8601 string and RFC 7591's seconds
// since 1970. A value it cannot read, or a date before 1970 or after 2300,
// gives the zero time: the date is for display and must not fail a
// registration that succeeded.
func parseIssuedAt(v any) time.Time {
	switch t := v.(type) {
	case float64:
		return unixSeconds(t)
	case string:
		t = strings.TrimSpace(t)
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05Z07:00", "2006-01-02"} {
			if ts, err := time.Parse(layout, t); err == nil {
				if y := ts.UTC().Year(); y < 1970 || y > 2300 {
					return time.Time{}
				}
				return ts
			}
		}
		if f, err := strconv.ParseFloat(t, 64); err == nil {
			return unixSeconds(f)
		}
	}
	return time.Time{}
}

func unixSeconds(f float64) time.Time {
	if f <= 0 || f > math.MaxInt32*4 || math.IsNaN(f) {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}
