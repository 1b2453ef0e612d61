//go:build linux

package drills_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/registrar"
)

// rotating is the simulator rotating the registration access token on every
// RFC 7592 read and update (as RFC 7592 allows the ATO to), on loopback
// behind a handler that reports each lifecycle request as it arrives.
type rotating struct {
	sim  *atosim.Simulator
	url  string
	args []string // register's flags for it

	mu      sync.Mutex
	arrived chan struct{} // closed by the next lifecycle request, then nil
	onPost  func()        // when set, runs as a DCR POST arrives
}

func newRotating(t *testing.T) *rotating {
	t.Helper()
	sim, err := atosim.New(atosim.Options{RotateTokens: true})
	if err != nil {
		t.Fatal(err)
	}
	r := &rotating{sim: sim}
	h := sim.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if strings.HasPrefix(req.URL.Path, atosim.RegistrationPath+"/") {
			r.mu.Lock()
			if r.arrived != nil {
				close(r.arrived)
				r.arrived = nil
			}
			r.mu.Unlock()
		}
		if req.URL.Path == atosim.RegistrationPath {
			r.mu.Lock()
			onPost := r.onPost
			r.mu.Unlock()
			if onPost != nil {
				onPost()
			}
		}
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	r.url = srv.URL
	ep := sim.Endpoints(srv.URL)
	r.args = []string{"--env", "custom", "--token-url", ep.TokenURL, "--registration-url", ep.RegistrationURL,
		"--registration-client-id", ep.RegistrationClientID, "--scope", ep.Scope, "--api-key", sim.APIKey()}
	return r
}

// nextLifecycle is closed when the next RFC 7592 request arrives.
func (r *rotating) nextLifecycle() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.arrived = make(chan struct{})
	return r.arrived
}

// rotKeystores writes two credentials of one business, each valid two
// years: a renewal alternates between them.
func rotKeystores(t *testing.T, sim *atosim.Simulator) [2]string {
	t.Helper()
	var out [2]string
	now := time.Now()
	for i := range out {
		cred, err := sim.IssueCredential("ABRD:80000000001_Rotate", "80000000001", "Rotate", now.Add(-time.Minute), now.AddDate(2, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		d, err := sim.WriteCredential(t.TempDir(), cred, atosim.DemoPassword)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = d.KeystorePath
		serials.Store(d.KeystorePath, cred.Serial)
	}
	return out
}

// rotRegister registers name with the first keystore and returns its client id.
func rotRegister(t *testing.T, r *rotating, config, keystore, name string) string {
	t.Helper()
	res := runBinary(t, config, []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}, "",
		append([]string{"register", "--keystore", keystore, "--name", name, "--json"}, r.args...)...)
	if res.code != 0 {
		t.Fatalf("register %s: %d %s", name, res.code, res.stderr)
	}
	return decode[registerOut](t, res.stdout).ClientID
}

// stillWorks is the proof that nothing was lost: a check with the stored
// token succeeds (and, the server rotating, stores the next one). It is the
// check command's own code (registrar.Check on the real Secret Service),
// run in this process to spare a process start per run; each series ends
// with the binary's check.
func stillWorks(t *testing.T, config, id string) (bool, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := registrar.Registrar{Flow: &flow.Client{HTTP: &http.Client{}}, Store: credstore.New(filepath.Join(config, "dcrwizard"))}
	if _, err := r.Check(ctx, id); err != nil {
		return false, err.Error()
	}
	return true, ""
}

// binaryCheck is `dcrwizard check` through the binary.
func binaryCheck(t *testing.T, config, id string) (bool, string) {
	t.Helper()
	res := runBinary(t, config, nil, "", "check", id, "--json")
	return res.code == 0, res.stdout + res.stderr
}

// lifecycleSpan is how long an uninterrupted run of c goes on after its
// first RFC 7592 request reached the ATO: the part of the run where a
// rotated token is at stake, over which the drills draw their moments.
func lifecycleSpan(t *testing.T, r *rotating, config string, c interruptedRun) time.Duration {
	t.Helper()
	arrived := r.nextLifecycle()
	cmd := exec.Command(binary, c.args(0)...)
	cmd.Env = append(baseEnv(config), c.env...)
	printed := &firstWrite{at: make(chan time.Time, 1)}
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = printed, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var at time.Time
	select {
	case <-arrived:
		at = time.Now()
	case <-time.After(60 * time.Second):
		t.Fatalf("%s: no request reached the ATO", c.cmd)
	}
	if code := exitCodeOf(cmd.Wait()); code != 0 {
		t.Fatalf("%s uninterrupted: %d %s%s", c.cmd, code, printed.buf.String(), errb.String())
	}
	select {
	case done := <-printed.at:
		// Up to the result printed, which follows the last keychain
		// write; what follows is the process ending.
		return done.Sub(at)
	default:
		t.Fatalf("%s printed nothing", c.cmd)
	}
	return 0
}

// firstWrite is a stdout that notes when the first output came.
type firstWrite struct {
	mu  sync.Mutex
	buf bytes.Buffer
	at  chan time.Time
}

func (w *firstWrite) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() == 0 {
		w.at <- time.Now()
	}
	return w.buf.Write(b)
}

// interruptAtRandom runs c and sends sig at a random moment within span
// after its first RFC 7592 request reached the ATO; it returns the exit
// code (-N: ended by signal N without handling it) and what the run said.
func interruptAtRandom(t *testing.T, r *rotating, config string, c interruptedRun, i int, sig syscall.Signal, span time.Duration) (int, string) {
	t.Helper()
	arrived := r.nextLifecycle()
	cmd, out, errb := startBinary(t, config, c.env, c.args(i)...)
	select {
	case <-arrived:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("%s: no request reached the ATO", c.cmd)
	}
	wait := time.Duration(rand.Int64N(int64(span) * 6 / 5))
	time.Sleep(wait)
	_ = cmd.Process.Signal(sig)
	code := exitCodeOf(cmd.Wait())
	if os.Getenv("DCRWIZARD_DRILL_DEBUG") != "" {
		t.Logf("%s run %d: %s after %v: exit %d: %s%s", c.cmd, i, sig, wait, code, out, errb)
	}
	return code, out.String() + errb.String()
}

// interruptedRun is a command of the rotation drill.
type interruptedRun struct {
	cmd  string
	args func(i int) []string
	env  []string
}

// rotCommands are check, rename and renew of registration id; renew
// alternates keystores by what the record holds now.
func rotCommands(t *testing.T, config, id string, ks [2]string) []interruptedRun {
	store := credstore.NewWithKeyring(filepath.Join(config, "dcrwizard"), refusing{})
	renewWith := func() string {
		recs, err := store.List(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			if rec.ClientID == id && rec.CredentialSerial != "" {
				if s, _ := serials.Load(ks[0]); s == rec.CredentialSerial {
					return ks[1]
				}
			}
		}
		return ks[0]
	}
	return []interruptedRun{
		{cmd: "check", args: func(int) []string { return []string{"check", id} }},
		{cmd: "rename", args: func(i int) []string { return []string{"rename", id, "--name", fmt.Sprintf("Rotated %d", i)} }},
		{cmd: "renew", env: []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword},
			args: func(int) []string { return []string{"renew", id, "--keystore", renewWith()} }},
	}
}

var serials sync.Map // keystore path -> certificate serial

// startBinary starts dcrwizard without waiting for it.
func startBinary(t *testing.T, config string, env []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(baseEnv(config), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out, &errb
}

func exitCodeOf(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -int(ws.Signal())
		}
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// rotLatency is how late the signal drill's simulator answers.
const rotLatency = 20 * time.Millisecond

// rotRuns is how many interrupted runs each command and signal get.
func rotRuns() int {
	if testing.Short() {
		return 5
	}
	return 30
}

// With a server rotating the registration access token on every read and
// update, check, rename and renew interrupted at a random moment by SIGINT
// or SIGTERM lose nothing: afterwards the stored token still works. Each
// answer leaves the simulator rotLatency after it acted, as over a network.
// The moments are drawn from the arrival of the command's first RFC 7592
// request at the ATO to the end of an uninterrupted run (plus a fifth):
// the part where a rotated token is at stake. A signal before that point
// finds nothing sent.
func TestRotationSurvivesSignals(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service: run `make test`")
	}
	r := newRotating(t)
	ks := rotKeystores(t, r.sim)
	config := t.TempDir()
	id := rotRegister(t, r, config, ks[0], "Rotate")
	// Every RFC 7592 answer 20 ms after the server acted: the way back from
	// a real ATO, which on loopback would be over in a millisecond.
	r.sim.InjectFault(atosim.Fault{Kind: atosim.FaultLateAnswer, Endpoint: atosim.EndpointClient, Delay: rotLatency})
	for _, c := range rotCommands(t, config, id, ks) {
		span := lifecycleSpan(t, r, config, c)
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			codes := map[int]int{}
			for i := 1; i <= rotRuns(); i++ {
				code, said := interruptAtRandom(t, r, config, c, i, sig, span)
				codes[code]++
				if strings.Contains(said, "Nothing more will be sent") && code != 130 && code != 143 {
					t.Errorf("%s %s run %d: exit %d says nothing more will be sent:\n%s", c.cmd, sig, i, code, said)
				}
				if ok, why := stillWorks(t, config, id); !ok {
					t.Errorf("%s interrupted by %s (run %d, exit %d): the stored registration access token no longer works: %s\nthe interrupted run said: %s",
						c.cmd, sig, i, code, why, said)
					return // lost for good: later runs would only repeat it
				}
			}
			if ok, why := binaryCheck(t, config, id); !ok {
				t.Fatalf("%s, %s: dcrwizard check fails after the series: %s", c.cmd, sig, why)
			}
			t.Logf("%s, %s at random moments over %v: %d runs, none lost; exit codes %v", c.cmd, sig, span.Round(time.Millisecond), rotRuns(), codes)
		}
	}
}

// An answer that comes 2.5 s after the ATO rotated the token, and the user
// presses Ctrl-C (or SIGTERM, or --timeout 2s runs out) while waiting: the
// answer is still taken and its token kept.
func TestRotationLateAnswer(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service: run `make test`")
	}
	r := newRotating(t)
	ks := rotKeystores(t, r.sim)
	config := t.TempDir()
	id := rotRegister(t, r, config, ks[0], "Late")
	for _, c := range rotCommands(t, config, id, ks) {
		// The read late, and (rename, renew) the update late.
		for _, late := range lateAnswers(c.cmd) {
			for _, how := range []string{"SIGINT", "SIGTERM", "--timeout 2s"} {
				r.sim.InjectFault(late)
				args := c.args(7)
				if how == "--timeout 2s" {
					args = append(args, "--timeout", "2s")
				}
				arrived := r.nextLifecycle()
				cmd, out, errb := startBinary(t, config, c.env, args...)
				for n := 1; n <= late.Nth; n++ {
					select {
					case <-arrived:
					case <-time.After(60 * time.Second):
						t.Fatalf("%s: request %d never reached the ATO", c.cmd, n)
					}
					if n < late.Nth {
						arrived = r.nextLifecycle()
					}
				}
				switch how {
				case "SIGINT":
					time.Sleep(300 * time.Millisecond) // the ATO has rotated; its answer is on its way
					_ = cmd.Process.Signal(syscall.SIGINT)
				case "SIGTERM":
					time.Sleep(300 * time.Millisecond)
					_ = cmd.Process.Signal(syscall.SIGTERM)
				}
				code := exitCodeOf(cmd.Wait())
				r.sim.ClearFaults()
				said := out.String() + errb.String()
				what := map[int]string{1: "read", 2: "update"}[late.Nth]
				t.Logf("%s, %s answered 2.5 s late, %s: exit %d", c.cmd, what, how, code)
				if strings.Contains(said, "Nothing more will be sent") {
					t.Errorf("%s, late answer, %s: exit %d says nothing more will be sent, but a request was under way:\n%s", c.cmd, how, code, said)
				}
				if ok, why := stillWorks(t, config, id); !ok {
					t.Fatalf("%s, %s answered 2.5 s late, %s (exit %d): the stored token no longer works: %s\nthe run said: %s", c.cmd, what, how, code, why, said)
				}
			}
		}
	}
}

// lateAnswers are the late-answer faults of a command: its read, and the
// update of those that make one.
func lateAnswers(cmd string) []atosim.Fault {
	read := atosim.Fault{Kind: atosim.FaultLateAnswer, Endpoint: atosim.EndpointClient, Nth: 1, Delay: 2500 * time.Millisecond}
	if cmd == "check" {
		return []atosim.Fault{read}
	}
	update := read
	update.Nth = 2
	return []atosim.Fault{read, update}
}

// Two renames of one registration at the same moment, with the token rotated
// by each read and update: both finish, and the token stored works.
func TestParallelRenamesLoseNothing(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service: run `make test`")
	}
	r := newRotating(t)
	ks := rotKeystores(t, r.sim)
	config := t.TempDir()
	id := rotRegister(t, r, config, ks[0], "Twins")
	rounds := 20
	if testing.Short() {
		rounds = 5
	}
	for i := range rounds {
		var wg sync.WaitGroup
		codes := make([]int, 2)
		outs := make([]string, 2)
		for j := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := runBinary(t, config, nil, "", "rename", id, "--name", fmt.Sprintf("Twin %d-%d", i, j))
				codes[j], outs[j] = res.code, res.stdout+res.stderr
			}()
		}
		wg.Wait()
		if ok, why := stillWorks(t, config, id); !ok {
			t.Fatalf("round %d: after two parallel renames (exit %v) the stored token no longer works: %s\n%s\n%s", i, codes, why, outs[0], outs[1])
		}
		for j, c := range codes {
			if c != 0 {
				t.Errorf("round %d: rename %d exit %d (the second must wait for the first, then rename): %s", i, j, c, outs[j])
			}
		}
	}
}
