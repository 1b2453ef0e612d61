//go:build linux

package drills_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
)

// drill is one fault the issue names, run through the real binary
// (`dcrwizard register --json`) against the simulator.
type drill struct {
	name  string
	fault *atosim.Fault
	args  []string // added to register's flags
	// keychain: "" the caller's (throw-away Secret Service or none);
	// "absent" no session bus at all; "locked" a fresh Secret Service whose
	// keyring is locked (real daemon, real refusal); "hung-then-killed" a bus
	// that never answers, and SIGKILL once the ATO's answer is on disk.
	keychain string
	code     int      // exit code; -1 for killed
	says     []string // in what the user reads (message and action), lower case
	check    func(t *testing.T, r *drillRun) string
}

// drillRun is what one drill left behind.
type drillRun struct {
	a        *ato
	instance string
	config   string
	res      result
	errOut   errorOut
	regOut   registerOut
	newIDs   []string // registrations the ATO gained
	requests []atosim.Recorded
	pend     []credstore.Pending
	wire     []string // secrets that crossed the wire during the drill
}

func (r *drillRun) count(path string) int {
	n := 0
	for _, q := range r.requests {
		if q.Path == path {
			n++
		}
	}
	return n
}

// noneCreated is the proof for a refusal: the ATO gained nothing, so there
// is nothing to lose; no note is left to alarm the user.
func noneCreated(t *testing.T, r *drillRun) string {
	t.Helper()
	if len(r.newIDs) != 0 {
		t.Fatalf("the ATO gained %v", r.newIDs)
	}
	if len(r.pend) != 0 {
		t.Fatalf("a refusal left pending records: %+v", r.pend)
	}
	return "ATO holds no new registration; no pending record left"
}

// keptPending is the proof for an unknown outcome: a pending record naming
// the instance stays, so the wizard warns at its next start.
func keptPending(t *testing.T, r *drillRun) string {
	t.Helper()
	if len(r.pend) != 1 || r.pend[0].Name != r.instance || r.pend[0].Environment != "custom" || r.pend[0].Started.IsZero() {
		t.Fatalf("pending = %+v, want one record for %q", r.pend, r.instance)
	}
	return fmt.Sprintf("pending record kept (name, environment, time sent); ATO holds %d new registration(s)", len(r.newIDs))
}

// printedAndWorks is the proof for "registered, not stored": the three
// values are on stdout and the printed token manages the registration.
func printedAndWorks(t *testing.T, r *drillRun) string {
	t.Helper()
	o := r.regOut
	if len(r.newIDs) != 1 || o.ClientID != r.newIDs[0] || o.Stored || o.RegistrationClientURI == "" {
		t.Fatalf("output %+v for new registrations %v", o, r.newIDs)
	}
	reg := r.a.readBack(t, o.RegistrationClientURI, o.RegistrationAccessToken)
	if reg.ClientID != o.ClientID {
		t.Fatalf("read back %s, printed %s", reg.ClientID, o.ClientID)
	}
	for path, data := range files(t, r.config) {
		if strings.Contains(data, o.RegistrationAccessToken) {
			t.Fatalf("the token was written to %s", path)
		}
	}
	note := "no pending record"
	if len(r.pend) == 1 && r.pend[0].ClientID == o.ClientID {
		note = "pending record (with client id) kept"
		// What the note says afterwards must not send the user to
		// register again (issue 16 finding 10).
		p := runBinary(t, r.config, nil, "", "pending")
		if p.code != 0 || strings.Contains(strings.ToLower(p.stdout), "register again and") || !strings.Contains(p.stdout, "clear this note") {
			t.Fatalf("pending after exit 4: exit %d\n%s", p.code, p.stdout)
		}
		if !strings.Contains(o.Warning, "dcrwizard pending --clear "+r.pend[0].ID) {
			t.Fatalf("the exit-4 warning does not say how to clear the note: %s", o.Warning)
		}
	} else if len(r.pend) != 0 {
		t.Fatalf("pending = %+v", r.pend)
	}
	return "client id, URI and token printed on stdout; the printed token reads the registration back (RFC 7592 GET 200); " + note
}

var drills = []drill{
	{
		name:  "5xx with an HTML body (token endpoint, every attempt)",
		fault: &atosim.Fault{Kind: atosim.FaultHTTPError, Endpoint: atosim.EndpointToken, Status: 502},
		code:  3, says: []string{"try again"},
		check: func(t *testing.T, r *drillRun) string {
			if r.errOut.Error.Status != 502 || r.errOut.Error.Step != "token" || r.count(atosim.TokenPath) != 3 || r.count(atosim.RegistrationPath) != 0 {
				t.Fatalf("%+v after %d token and %d DCR requests; want 502 after 3 token attempts, no DCR", r.errOut, r.count(atosim.TokenPath), r.count(atosim.RegistrationPath))
			}
			return noneCreated(t, r) + "; 3 token attempts, no DCR request"
		},
	},
	{
		// A 5xx never proves that nothing was created (issue 16 finding
		// 1): drills/hostile_test.go has the server that did create it.
		name:  "5xx with an HTML body (DCR endpoint)",
		fault: &atosim.Fault{Kind: atosim.FaultHTTPError, Endpoint: atosim.EndpointRegister, Status: 503, Nth: 1},
		code:  5, says: []string{"does not say whether the registration was created", "before trying again, check"},
		check: func(t *testing.T, r *drillRun) string {
			if r.errOut.Error.Status != 503 || r.errOut.Error.Step != "register" || r.count(atosim.RegistrationPath) != 1 {
				t.Fatalf("%+v; want 503 at the DCR step, sent once", r.errOut)
			}
			return keptPending(t, r) + "; the DCR POST was sent once, not repeated"
		},
	},
	{
		name:  "504 from the gateway (DCR endpoint)",
		fault: &atosim.Fault{Kind: atosim.FaultHTTPError, Endpoint: atosim.EndpointRegister, Status: 504, Nth: 1},
		code:  5, says: []string{"front desk"},
		check: func(t *testing.T, r *drillRun) string {
			return keptPending(t, r)
		},
	},
	{
		name:  "slow server past the timeout (token endpoint)",
		fault: &atosim.Fault{Kind: atosim.FaultDelay, Endpoint: atosim.EndpointToken, Delay: 10 * time.Second},
		args:  []string{"--timeout", "1s"},
		code:  3, says: []string{"try again"},
		check: func(t *testing.T, r *drillRun) string {
			if r.count(atosim.RegistrationPath) != 0 {
				t.Fatal("a DCR request was sent after the token step timed out")
			}
			return noneCreated(t, r) + "; no DCR request sent"
		},
	},
	{
		name:  "slow server past the timeout (DCR endpoint)",
		fault: &atosim.Fault{Kind: atosim.FaultDelay, Endpoint: atosim.EndpointRegister, Delay: 10 * time.Second, Nth: 1},
		args:  []string{"--timeout", "2s"},
		code:  5, says: []string{"front desk"},
		check: func(t *testing.T, r *drillRun) string {
			// The simulator drops a request whose client has gone, so
			// nothing exists: the pending note is the safe side of not knowing.
			return keptPending(t, r)
		},
	},
	{
		name:  "connection dropped after the registration was created",
		fault: &atosim.Fault{Kind: atosim.FaultDropAfterRegister, Nth: 1},
		code:  5, says: []string{"front desk"},
		check: func(t *testing.T, r *drillRun) string {
			if len(r.newIDs) != 1 {
				t.Fatalf("the ATO holds %d new registrations, want 1 (created, answer lost)", len(r.newIDs))
			}
			return keptPending(t, r) + " — the ATO's answer never reached this computer, so the token was never ours to keep"
		},
	},
	{
		name:  "success status with a cut-off body (DCR endpoint)",
		fault: &atosim.Fault{Kind: atosim.FaultMalformedJSON, Endpoint: atosim.EndpointRegister, Nth: 1},
		code:  5, says: []string{"front desk"},
		check: func(t *testing.T, r *drillRun) string {
			if len(r.newIDs) != 1 {
				t.Fatalf("the ATO holds %d new registrations, want 1", len(r.newIDs))
			}
			return keptPending(t, r)
		},
	},
	{
		// Found before anything is sent (issue 16 finding 7).
		name:     "keychain absent (no session bus)",
		keychain: "absent",
		code:     1, says: []string{"nothing was sent to the ato", "keychain"},
		check: func(t *testing.T, r *drillRun) string {
			if r.count(atosim.TokenPath)+r.count(atosim.RegistrationPath) != 0 {
				t.Fatalf("%d requests reached the ATO", len(r.requests))
			}
			return noneCreated(t, r) + "; nothing sent"
		},
	},
	{
		name:     "keychain locked, unlock prompt fails (real gnome-keyring)",
		keychain: "locked",
		code:     1, says: []string{"nothing was sent to the ato", "keychain"},
		check: func(t *testing.T, r *drillRun) string {
			if r.count(atosim.TokenPath)+r.count(atosim.RegistrationPath) != 0 {
				t.Fatalf("%d requests reached the ATO", len(r.requests))
			}
			return noneCreated(t, r) + "; nothing sent"
		},
	},
	{
		name:     "keychain lost after the registration was sent (session bus gone)",
		keychain: "lost-after-send",
		code:     4, says: []string{"keep these values", "do not register again"},
		check: printedAndWorks,
	},
	{
		name:     "process killed between the DCR answer and the keychain write",
		keychain: "hung-then-killed",
		code:     -1,
		check: func(t *testing.T, r *drillRun) string {
			if len(r.newIDs) != 1 || len(r.pend) != 1 {
				t.Fatalf("ATO gained %v; pending %+v", r.newIDs, r.pend)
			}
			p := r.pend[0]
			if p.ClientID != r.newIDs[0] || !strings.HasSuffix(p.RegistrationClientURI, "/"+p.ClientID) || p.Receipt == "" || p.Accepted.IsZero() || p.Name != r.instance {
				t.Fatalf("pending record %+v does not keep what the ATO returned (client %s)", p, r.newIDs[0])
			}
			// The token crossed the wire but must not be on disk.
			for path, data := range files(t, r.config) {
				for _, s := range r.wire {
					if strings.Contains(data, s) {
						t.Fatalf("a secret from the wire was written to %s", path)
					}
				}
			}
			return "pending record keeps client id, registration client URI and receipt; the registration access token is on no disk (by design), so it dies with the process"
		},
	},
}

// TestDrills runs every drill. With DCRWIZARD_DRILLS_REPORT=FILE it also
// writes the results as the Markdown table of docs/RELIABILITY.md.
func TestDrills(t *testing.T) {
	a := newATO(t)
	now := time.Now()
	cred, err := a.sim.IssueCredential("ABRD:80000000001_Drill", "80000000001", "Drill", now.Add(-time.Hour), now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	demo, err := a.sim.WriteCredential(t.TempDir(), cred, atosim.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		rows []string
	)
	for i, d := range drills {
		t.Run(d.name, func(t *testing.T) {
			if d.keychain == "locked" && !canLock() {
				t.Skip("needs dbus-run-session, dbus-send, secret-tool and gnome-keyring-daemon")
			}
			r := &drillRun{a: a, instance: fmt.Sprintf("Front desk %d", i+1), config: t.TempDir()}
			before := a.clientIDs()
			wireBefore := len(a.secretsSeen())
			reqBefore := len(a.sim.Requests())
			if d.fault != nil {
				a.sim.InjectFault(*d.fault)
			}
			defer a.sim.ClearFaults()
			args := append([]string{"register", "--keystore", demo.KeystorePath, "--name", r.instance, "--json"}, a.customArgs()...)
			args = append(args, d.args...)
			env := []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}
			start := time.Now()
			switch d.keychain {
			case "absent":
				env = append(env, "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus")
				r.res = runBinary(t, r.config, env, "", args...)
			case "locked":
				r.res = runLocked(t, r.config, env, args...)
			case "hung-then-killed":
				r.res = runKilled(t, a, r.config, env, args...)
			case "lost-after-send":
				r.res = runBusLost(t, a, r.config, env, args...)
			default:
				r.res = runBinary(t, r.config, env, "", args...)
			}
			took := time.Since(start)
			a.sim.ClearFaults()
			// The simulator may still be finishing a dropped request.
			time.Sleep(50 * time.Millisecond)
			for _, id := range a.clientIDs() {
				if !slices.Contains(before, id) {
					r.newIDs = append(r.newIDs, id)
				}
			}
			r.requests = a.sim.Requests()[reqBefore:]
			r.wire = a.secretsSeen()[wireBefore:]
			r.pend = pending(t, r.config)

			if r.res.code != d.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", r.res.code, d.code, r.res.stdout, r.res.stderr)
			}
			var reads string
			switch d.code {
			case -1:
				reads = "(killed: nothing printed) At its next start the wizard shows “A registration was interrupted” with the client id to copy"
			case 0, 4:
				r.regOut = decode[registerOut](t, r.res.stdout)
				reads = r.regOut.Warning
			default:
				r.errOut = decode[errorOut](t, r.res.stdout)
				if r.errOut.ExitCode != d.code || r.errOut.Error.Message == "" || r.errOut.Error.Action == "" {
					t.Fatalf("error output %+v", r.errOut)
				}
				reads = r.errOut.Error.Message + " — " + r.errOut.Error.Action
			}
			for _, s := range d.says {
				if !strings.Contains(strings.ToLower(reads), s) {
					t.Errorf("the user reads %q, which does not say %q", reads, s)
				}
			}
			proof := d.check(t, r)
			t.Logf("exit %d after %v\n  reads: %s\n  proof: %s", r.res.code, took.Round(time.Millisecond), reads, proof)
			code := fmt.Sprint(d.code)
			if d.code == -1 {
				code = "— (SIGKILL)"
			}
			mu.Lock()
			rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s |", d.name, code, mdCell(reads), mdCell(proof)))
			mu.Unlock()
		})
	}
	if path := os.Getenv("DCRWIZARD_DRILLS_REPORT"); path != "" && !t.Failed() {
		table := "| Drill | Exit code | What the user reads | Proof that nothing the ATO accepted was lost |\n|---|---|---|---|\n" + strings.Join(rows, "\n") + "\n"
		if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
