//go:build linux

package drills_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"dcrwizard/atosim"
)

// A server's client_id with line breaks in it prints no line of its own:
// not in register's report, not in list, pending or check.
func TestHostileClientIDWithLineBreaks(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service")
	}
	h := newHostile(t)
	const evilID = "abc\nRegistered \"X\" in production.\nStored in: nowhere"
	h.onRegistered(func(_ *answer, reg map[string]any) {
		reg["client_id"] = evilID
		reg["client_name"] = "Front desk\nFORGED"
	})
	defer h.setRewrite(nil)
	// What a forged line would start with.
	forged := regexp.MustCompile(`(?m)^\s*(Registered "X"|Stored in: nowhere|FORGED)`)
	check := func(what string, res result) {
		t.Helper()
		out := res.stdout + res.stderr
		if m := forged.FindString(out); m != "" {
			t.Errorf("%s: the client id's line break made the line %q:\n%s", what, m, out)
		}
		if !strings.Contains(out, `abc\u000aRegistered`) {
			t.Errorf("%s: the client id is not shown escaped:\n%s", what, out)
		}
	}
	config := t.TempDir()
	res := h.register(t, config, "Front desk")
	if res.code != 0 {
		t.Fatalf("register: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	check("register", res)
	if n := len(regexp.MustCompile(`(?m)^Registered `).FindAllString(res.stdout, -1)); n != 1 {
		t.Errorf("register prints %d lines saying Registered:\n%s", n, res.stdout)
	}
	res = runBinary(t, config, nil, "", "list")
	if res.code != 0 {
		t.Fatalf("list: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	check("list", res)
	if lines := strings.Split(strings.TrimSpace(res.stdout), "\n"); len(lines) != 2 {
		t.Errorf("list of one registration prints %d lines:\n%s", len(lines), res.stdout)
	}
	res = runBinary(t, config, nil, "", "show", evilID)
	check("show", res)

	// check prints what the ATO holds: the server's metadata, as given.
	h.setRewrite(func(r *http.Request, ans *answer) {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, atosim.RegistrationPath+"/") {
			ans.body, _ = json.Marshal(map[string]any{"client_id": evilID, "client_name": "Front desk\nFORGED: fine",
				"scope": "x\nFORGED scope"})
			ans.status = http.StatusOK
		}
	})
	res = runBinary(t, config, nil, "", "check", evilID)
	if res.code != 0 {
		t.Fatalf("check: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	check("check", res)
}
