//go:build linux

package drills_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dcrwizard/atosim"
)

// The hostile ATO: the simulator behind a server that changes its answers
// (issue 16). Each test fails on the code before that issue's fix.

type hostile struct {
	*ato
	keystore string
}

func newHostile(t *testing.T) *hostile {
	t.Helper()
	a := newATO(t)
	now := time.Now()
	cred, err := a.sim.IssueCredential("ABRD:80000000001_Hostile", "80000000001", "Hostile", now.Add(-time.Hour), now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	demo, err := a.sim.WriteCredential(t.TempDir(), cred, atosim.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	return &hostile{ato: a, keystore: demo.KeystorePath}
}

var pwEnv = []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}

// register runs `dcrwizard register` against the hostile ATO.
func (h *hostile) register(t *testing.T, config, name string, extra ...string) result {
	t.Helper()
	args := append([]string{"register", "--keystore", h.keystore, "--name", name}, h.customArgs()...)
	return runBinary(t, config, pwEnv, "", append(args, extra...)...)
}

// onRegistered rewrites the simulator's 201 to the DCR POST.
func (h *hostile) onRegistered(edit func(ans *answer, reg map[string]any)) {
	h.setRewrite(func(r *http.Request, ans *answer) {
		if r.URL.Path != atosim.RegistrationPath || ans.status != http.StatusCreated {
			return
		}
		var reg map[string]any
		_ = json.Unmarshal(ans.body, &reg)
		edit(ans, reg)
		if reg != nil {
			ans.body, _ = json.Marshal(reg)
		}
	})
}

// raw reports a byte the terminal acts on.
var rawControl = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f]")

// Finding 1: the registration service created the registration, then the
// gateway answered 5xx. The outcome is unknown: exit 5, note kept.
func TestHostileDCR5xxAfterCreating(t *testing.T) {
	h := newHostile(t)
	for _, c := range []struct {
		status int
		ctype  string
		body   string
	}{
		{500, "application/json", `{"error":"server_error","error_description":"internal error"}`},
		{502, "text/html", "<html><head><title>502 Bad Gateway</title></head></html>"},
		{503, "", ""},
	} {
		t.Run(strconv.Itoa(c.status), func(t *testing.T) {
			config := t.TempDir()
			before := len(h.clientIDs())
			h.onRegistered(func(ans *answer, _ map[string]any) {
				ans.status, ans.body = c.status, []byte(c.body)
				ans.header = http.Header{"Content-Type": {c.ctype}}
			})
			defer h.setRewrite(nil)
			res := h.register(t, config, fmt.Sprintf("Gateway %d", c.status), "--json")
			e := decode[errorOut](t, res.stdout)
			if res.code != 5 || e.Error.Status != c.status || !strings.Contains(e.Error.Action, "Before trying again, check") {
				t.Fatalf("exit %d %+v; want 5 (unknown outcome): the ATO holds it", res.code, e)
			}
			if len(h.clientIDs()) != before+1 {
				t.Fatal("the hostile server did not create the registration")
			}
			if p := pending(t, config); len(p) != 1 || p[0].Name != fmt.Sprintf("Gateway %d", c.status) {
				t.Fatalf("pending = %+v, want the note kept", p)
			}
		})
	}
}

// Finding 3: a registration_client_uri elsewhere is never trusted with the
// registration access token; the registration is kept with the ATO's
// pattern, and check then goes to the real service.
func TestHostileRegistrationClientURI(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service")
	}
	h := newHostile(t)
	// A server that records whoever calls it: it must never be called.
	var mu sync.Mutex
	var calls []string
	evil := newATO(t)
	evil.setRewrite(func(r *http.Request, _ *answer) {
		mu.Lock()
		calls = append(calls, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
		mu.Unlock()
	})
	for name, uri := range map[string]string{
		"another host":     strings.Replace(evil.url, "127.0.0.1", "localhost", 1) + "/x/",
		"another port":     evil.url + "/idp/v1/relyingparties/",
		"javascript":       "javascript:alert(1)//",
		"escapes and bidi": "\x1b]0;pwned\x07\u202e",
	} {
		t.Run(name, func(t *testing.T) {
			config := t.TempDir()
			h.onRegistered(func(_ *answer, reg map[string]any) {
				reg["registration_client_uri"] = uri + fmt.Sprint(reg["client_id"])
			})
			res := h.register(t, config, "URI "+name, "--json")
			text := h.register(t, t.TempDir(), "URI text "+name)
			h.setRewrite(nil)
			if text.code != 0 || !strings.Contains(text.stderr, "Note: The ATO's answer gave a registration client URI") || rawControl.MatchString(text.stderr+text.stdout) {
				t.Errorf("text mode: exit %d\n%s", text.code, text.stderr)
			}
			var out struct {
				registerOut
				Warnings []string `json:"warnings"`
			}
			if err := json.Unmarshal([]byte(res.stdout), &out); err != nil || res.code != 0 || !out.Stored {
				t.Fatalf("exit %d %v\n%s\n%s", res.code, err, res.stdout, res.stderr)
			}
			want := h.env().RegistrationURL + "/" + out.ClientID
			if out.RegistrationClientURI != want || len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "will not send the registration access token there") {
				t.Fatalf("kept %q (want %q), warnings %q", out.RegistrationClientURI, want, out.Warnings)
			}
			if rawControl.MatchString(res.stdout) {
				t.Errorf("raw control character on stdout: %q", res.stdout)
			}
			chk := runBinary(t, config, nil, "", "check", out.ClientID, "--json")
			if chk.code != 0 {
				t.Fatalf("check: exit %d\n%s\n%s", chk.code, chk.stdout, chk.stderr)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 0 {
		t.Fatalf("the other server was called: %q", calls)
	}
}

// Findings 4 and 9: server text reaches neither the terminal raw nor a
// file with a secret; JSON escapes U+202E.
func TestHostileTextNeverReachesTheTerminalRaw(t *testing.T) {
	h := newHostile(t)
	evilText := "nope\x1b[2J\x1b]0;pwned\x07\r✓ Registered “Front desk” \u202eKO\u009b31m"
	h.setRewrite(func(r *http.Request, ans *answer) {
		if r.URL.Path == atosim.RegistrationPath {
			ans.status = 400
			ans.header = http.Header{"Content-Type": {"application/json"}, "Receipt": {"6300\u202e0001"}}
			ans.body, _ = json.Marshal(map[string]string{"error": "invalid_request\x1b[5m", "error_description": evilText})
		}
	})
	defer h.setRewrite(nil)
	for _, mode := range [][]string{nil, {"--json"}} {
		res := h.register(t, t.TempDir(), "Evil text", mode...)
		if res.code != 3 {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		for what, s := range map[string]string{"stdout": res.stdout, "stderr": res.stderr} {
			if rawControl.MatchString(s) {
				t.Errorf("%v %s holds a raw control or bidi character: %q", mode, what, s)
			}
		}
		if mode != nil {
			var e errorOut
			if err := json.Unmarshal([]byte(res.stdout), &e); err != nil || !strings.Contains(res.stdout, `\u202e`) {
				t.Errorf("JSON %v: %s", err, res.stdout)
			}
		} else if !strings.Contains(res.stderr, `\u001b[2J`) {
			t.Errorf("the escaped text is not shown: %s", res.stderr)
		}
	}
}

func TestHostileReceiptEchoesTheToken(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service")
	}
	h := newHostile(t)
	var mu sync.Mutex
	var token string
	h.onRegistered(func(ans *answer, reg map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		token, _ = reg["registration_access_token"].(string)
		ans.header.Set("Receipt", "6300000000001 "+token)
	})
	defer h.setRewrite(nil)
	config := t.TempDir()
	for _, mode := range [][]string{{"--json"}, nil} {
		res := h.register(t, config, "Echo "+strconv.Itoa(len(mode)), mode...)
		mu.Lock()
		token := token
		mu.Unlock()
		if res.code != 0 || token == "" {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		if strings.Contains(res.stdout+res.stderr, token) || strings.Contains(res.stdout+res.stderr, token[len(token)-40:]) {
			t.Fatalf("the token echoed in the receipt was printed:\n%s\n%s", res.stdout, res.stderr)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for path, data := range files(t, config) {
		if strings.Contains(data, token[len(token)-40:]) {
			t.Fatalf("the token echoed in the receipt was written to %s", path)
		}
	}
}

// Finding 2: parallel registrations of one name are all stored; the name
// item ends at the newest.
func TestParallelRegistrationsOfOneName(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service")
	}
	h := newHostile(t)
	config := t.TempDir()
	const n = 8
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// --again: each is meant as a registration of its own (the
			// storing of one name in parallel is what is tested), not a
			// re-run that a stored one would stop.
			results[i] = h.register(t, config, "Same", "--json", "--again")
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Errorf("run %d: exit %d\n%s\n%s", i, r.code, r.stdout, r.stderr)
		}
	}
	list := runBinary(t, config, nil, "", "list", "--json")
	var recs []struct {
		ClientID string `json:"client_id"`
		StoredAt string `json:"stored_at"`
	}
	if err := json.Unmarshal([]byte(list.stdout), &recs); err != nil || len(recs) != n {
		t.Fatalf("list: %v, %d records\n%s", err, len(recs), list.stdout)
	}
	slices.SortFunc(recs, func(a, b struct {
		ClientID string `json:"client_id"`
		StoredAt string `json:"stored_at"`
	}) int {
		ta, _ := time.Parse(time.RFC3339Nano, a.StoredAt)
		tb, _ := time.Parse(time.RFC3339Nano, b.StoredAt)
		return ta.Compare(tb)
	})
	if got := secretTool(t, "custom/name/Same/client_id"); got != recs[n-1].ClientID {
		t.Errorf("name item %q, want the newest %q", got, recs[n-1].ClientID)
	}
	if p := pending(t, config); len(p) != 0 {
		t.Errorf("pending notes left: %+v", p)
	}
}

func secretTool(t *testing.T, account string) string {
	t.Helper()
	out, err := exec.Command("secret-tool", "lookup", "service", "dcrwizard", "username", account).Output()
	if err != nil {
		t.Fatalf("secret-tool lookup %s: %v", account, err)
	}
	return string(out)
}

// Issue 14 item 2: a name differing only in case is refused before anything
// is sent; forgetting one registration leaves the other's items.
func TestNamesDifferingOnlyInCase(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service")
	}
	h := newHostile(t)
	config := t.TempDir()
	first := h.register(t, config, "Front Desk", "--json")
	a := decode[registerOut](t, first.stdout)
	if first.code != 0 {
		t.Fatalf("exit %d %s", first.code, first.stderr)
	}
	before := len(h.sim.Requests())
	res := h.register(t, config, "front desk")
	if res.code != 1 || !strings.Contains(res.stderr, `"Front Desk" already exists`) {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if len(h.sim.Requests()) != before {
		t.Fatal("the refused name was sent to the ATO")
	}
	other := decode[registerOut](t, h.register(t, config, "Back office", "--json").stdout)
	if f := runBinary(t, config, nil, "", "forget", a.ClientID, "--yes"); f.code != 0 {
		t.Fatalf("forget: %d %s", f.code, f.stderr)
	}
	if got := secretTool(t, "custom/name/Back office/client_id"); got != other.ClientID {
		t.Errorf("forget touched another registration's name item: %q", got)
	}
	// Now the name is free in any case.
	if res := h.register(t, config, "front desk"); res.code != 0 {
		t.Fatalf("after forget: exit %d %s", res.code, res.stderr)
	}
}
