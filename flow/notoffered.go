package flow

import (
	"errors"
	"net/http"
	"strings"
)

// The ATO publishes no RFC 7592 lifecycle (ato-facts.md §5). An ATO without
// it answers a call on the registration client URI with 404 (its gateway's
// {"errors":[{"code":"404-01","detail":"Resource not found"}]}), 405 or
// 501. RFC 7592 itself answers an unknown client or a bad token with 401, so
// on these calls a 404 says the operation is not there, not that the
// registration is gone. flow only reports it; the registrar decides what
// the user is offered instead.

// NotOffered reports whether err is a lifecycle call's answer that the
// server does not offer that call: 404, 405 or 501, in the OAuth or the
// gateway shape, or a gateway code naming one of them ("404-01").
func NotOffered(err error) bool {
	var e *Error
	if !errors.As(err, &e) || !IsLifecycle(e.Step) {
		return false
	}
	return notOfferedStatus(e.Status) || notOfferedStatus(gatewayStatus(e.Code))
}

func notOfferedStatus(s int) bool {
	return s == http.StatusNotFound || s == http.StatusMethodNotAllowed || s == http.StatusNotImplemented
}

// gatewayStatus is the status a gateway code such as "405-01" names, 0 for
// any other code.
func gatewayStatus(code string) int {
	head, _, ok := strings.Cut(strings.TrimSpace(code), "-")
	if !ok || len(head) != 3 {
		return 0
	}
	n := 0
	for _, r := range head {
		if r < '0' || r > '9' {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}
