package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/internal/testbin"
)

// These tests run the real binary, as support staff and scripts do.

var binary string

func TestMain(m *testing.M) { testbin.Main(m, &binary) }

const samplePassword = "Password1!"

var sampleKeystore = filepath.Join("..", "m2m", "testdata", "ato-sample-keystore.xml")

// run is one invocation of the binary.
type run struct {
	args   []string
	env    []string // added to a clean environment
	stdin  string
	config string // XDG_CONFIG_HOME; a fresh one when empty
	prog   string // the program to run; the built binary when empty
}

type result struct {
	code           int
	stdout, stderr string
}

func (r run) exec(t *testing.T) result {
	t.Helper()
	prog := r.prog
	if prog == "" {
		prog = binary
	}
	cmd := exec.Command(prog, r.args...)
	config := r.config
	if config == "" {
		config = t.TempDir()
	}
	cmd.Env = append(baseEnv(config), r.env...)
	cmd.Stdin = strings.NewReader(r.stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running dcrwizard: %v", err)
	}
	return result{code, out.String(), errb.String()}
}

// baseEnv is the clean environment of one run.
func baseEnv(config string) []string { return testbin.Env(config) }

func needSecretService(t *testing.T) {
	t.Helper()
	if os.Getenv("DCRWIZARD_SECRET_SERVICE") != "1" {
		t.Skip("needs the throw-away Secret Service: run `make test`")
	}
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("output is not the JSON expected: %v\n%s", err, s)
	}
	return v
}

type errorOut struct {
	Error struct {
		Step, Code, Message, Action string
		Status                      int
	}
	ExitCode int `json:"exit_code"`
}

type registerOut struct {
	ClientID                string `json:"client_id"`
	RegistrationClientURI   string `json:"registration_client_uri"`
	ClientIDIssuedAt        string `json:"client_id_issued_at"`
	Receipt                 string `json:"receipt"`
	Environment             string `json:"environment"`
	Name                    string `json:"name"`
	Stored                  bool   `json:"stored"`
	RegistrationAccessToken string `json:"registration_access_token"`
}

func TestInspectSampleKeystore(t *testing.T) {
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(samplePassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]run{
		"environment":   {args: []string{"inspect", "--keystore", sampleKeystore, "--json"}, env: []string{"DCRWIZARD_PASSWORD=" + samplePassword}},
		"password-file": {args: []string{"inspect", "--keystore", sampleKeystore, "--json", "--password-file", pwFile}},
		"stdin":         {args: []string{"inspect", "--json", "--keystore", sampleKeystore, "--password-stdin"}, stdin: samplePassword + "\n"},
	} {
		t.Run(name, func(t *testing.T) {
			res := r.exec(t)
			if res.code != 0 {
				t.Fatalf("exit %d, stderr %s", res.code, res.stderr)
			}
			out := decode[struct {
				Format      string
				Credentials []struct {
					ID, ABN, Serial, Verdict string
					NotAfter                 string `json:"not_after"`
					SHA1                     string `json:"sha1_fingerprint"`
				}
			}](t, res.stdout)
			if len(out.Credentials) != 2 {
				t.Fatalf("%d credentials, want 2", len(out.Credentials))
			}
			abns := map[string]bool{}
			for _, c := range out.Credentials {
				abns[c.ABN] = true
				if c.Verdict != "expired" || !strings.HasPrefix(c.NotAfter, "2024-09-1") || c.Serial == "" || c.SHA1 == "" {
					t.Errorf("credential %+v: want expired in September 2024 with serial and fingerprint", c)
				}
			}
			if !abns["11000002568"] || !abns["27809366375"] {
				t.Errorf("ABNs %v", abns)
			}
			if strings.Contains(res.stdout+res.stderr, samplePassword) {
				t.Error("the password was printed")
			}
		})
	}
}

func TestInspectHumanAndErrors(t *testing.T) {
	res := run{args: []string{"inspect", "--keystore", sampleKeystore, "--credential", "ABRD:27809366375_USIMachine"}, env: []string{"DCRWIZARD_PASSWORD=" + samplePassword}}.exec(t)
	if res.code != 0 || !strings.Contains(res.stdout, "27809366375") || strings.Contains(res.stdout, "11000002568") || !strings.Contains(res.stdout, "expired") {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, tc := range []struct {
		name   string
		r      run
		code   int
		phrase string
	}{
		{"wrong password", run{args: []string{"inspect", "--keystore", sampleKeystore}, env: []string{"DCRWIZARD_PASSWORD=Wrong1234!"}}, 1, "password is not right"},
		{"no password", run{args: []string{"inspect", "--keystore", sampleKeystore}}, 1, "--password-file"},
		{"missing id", run{args: []string{"inspect", "--keystore", sampleKeystore, "--credential", "nope"}, env: []string{"DCRWIZARD_PASSWORD=" + samplePassword}}, 1, "ABRD:11000002568_INGLETON153"},
		{"not a keystore", run{args: []string{"inspect", "--keystore", "binary_test.go"}, env: []string{"DCRWIZARD_PASSWORD=x"}}, 1, "keystore.xml"},
		{"no file", run{args: []string{"inspect", "--keystore", "no-such-file.xml"}, env: []string{"DCRWIZARD_PASSWORD=x"}}, 1, "no-such-file.xml"},
		{"password as a flag", run{args: []string{"inspect", "--keystore", sampleKeystore, "--password", samplePassword}}, 1, "flag provided but not defined"},
		{"unknown command", run{args: []string{"frobnicate"}}, 2, "Unknown command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.r.exec(t)
			if res.code != tc.code || !strings.Contains(res.stderr, tc.phrase) {
				t.Fatalf("exit %d (want %d), stderr should say %q:\n%s", res.code, tc.code, tc.phrase, res.stderr)
			}
			if tc.name != "password as a flag" && strings.Contains(res.stderr, samplePassword) {
				t.Error("the password was printed")
			}
		})
	}
}

// standalone is `dcrwizard simulate` running in its own process.
type standalone struct {
	tokenURL, registrationURL, clientID, scope, apiKey string
	dir                                                string
	cmd                                                *exec.Cmd
	mu                                                 sync.Mutex
	out                                                bytes.Buffer
}

func startSimulate(t *testing.T) *standalone {
	t.Helper()
	s := &standalone{dir: t.TempDir()}
	s.cmd = exec.Command(binary, "simulate", "--listen", "127.0.0.1:0", "--out", s.dir)
	s.cmd.Env = baseEnv(t.TempDir())
	pr, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	fields := map[string]*string{
		"Token endpoint:": &s.tokenURL, "Registration (DCR) URL:": &s.registrationURL,
		"Registration client id:": &s.clientID, "Scope:": &s.scope, "Consumer (API) key:": &s.apiKey,
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.out.WriteString(line + "\n")
			for label, dst := range fields {
				if v, ok := strings.CutPrefix(strings.TrimSpace(line), label); ok {
					*dst = strings.TrimSpace(v)
				}
			}
			s.mu.Unlock()
			if !signalled && strings.HasPrefix(line, "Press Ctrl-C") {
				signalled = true
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		s.cmd.Process.Kill()
		t.Fatalf("dcrwizard simulate did not start:\n%s", s.output())
	}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			s.cmd.Wait()
		}
	})
	return s
}

func (s *standalone) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

func (s *standalone) customArgs() []string {
	return []string{"--env", "custom", "--token-url", s.tokenURL, "--registration-url", s.registrationURL,
		"--registration-client-id", s.clientID, "--scope", s.scope, "--api-key", s.apiKey}
}

func TestRegisterAgainstStandaloneSimulator(t *testing.T) {
	needSecretService(t)
	sim := startSimulate(t)
	config := t.TempDir()
	keystore := filepath.Join(sim.dir, atosim.DemoKeystoreFile)

	args := append([]string{"register", "--keystore", keystore, "--name", "Front desk", "--json", "--password-stdin"}, sim.customArgs()...)
	res := run{args: args, stdin: atosim.DemoPassword + "\n", config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("register: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	reg := decode[registerOut](t, res.stdout)
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(reg.ClientID) ||
		!reg.Stored || reg.Environment != "custom" || reg.Name != "Front desk" || reg.Receipt == "" ||
		reg.RegistrationAccessToken != "" || !strings.HasSuffix(reg.RegistrationClientURI, "/"+reg.ClientID) {
		t.Fatalf("register output %+v", reg)
	}
	if _, err := time.Parse(time.RFC3339, reg.ClientIDIssuedAt); err != nil {
		t.Errorf("client_id_issued_at %q: %v", reg.ClientIDIssuedAt, err)
	}

	// list and show read it back from the keychain and index.
	res = run{args: []string{"list", "--json"}, config: config}.exec(t)
	list := decode[[]registerOut](t, res.stdout)
	if res.code != 0 || len(list) != 1 || list[0].ClientID != reg.ClientID {
		t.Fatalf("list: exit %d %+v", res.code, list)
	}
	res = run{args: []string{"list"}, config: config}.exec(t)
	if res.code != 0 || !strings.Contains(res.stdout, "Front desk") || !strings.Contains(res.stdout, reg.ClientID) {
		t.Fatalf("list (text): %s", res.stdout)
	}
	res = run{args: []string{"show", reg.ClientID, "--json"}, config: config}.exec(t)
	shown := decode[registerOut](t, res.stdout)
	if res.code != 0 || shown.RegistrationAccessToken != "" || shown.RegistrationClientURI != reg.RegistrationClientURI {
		t.Fatalf("show: exit %d %+v", res.code, shown)
	}
	res = run{args: []string{"show", "--reveal", reg.ClientID, "--json"}, config: config}.exec(t)
	shown = decode[registerOut](t, res.stdout)
	if res.code != 0 || strings.Count(shown.RegistrationAccessToken, ".") != 2 {
		t.Fatalf("show --reveal: exit %d, token %q", res.code, shown.RegistrationAccessToken)
	}
	res = run{args: []string{"show", "00000000-0000-4000-8000-000000000000"}, config: config}.exec(t)
	if res.code != 1 {
		t.Fatalf("show of an unknown client: exit %d\n%s", res.code, res.stderr)
	}

	// The ATO's refusals: exit 3, nothing stored.
	for _, tc := range []struct {
		name, apiKey, instance, code string
		status                       int
	}{
		// Not "Front desk": that one is stored, so register would send
		// nothing (existing.go) and the refusal would not be reached.
		{"wrong API key", "WrongKey0123456789abcdef", "Wrong key", "401-01", 401},
		{"sandbox scenario", "", atosim.ScenarioInvalidRequest, "invalid_request", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"register", "--keystore", keystore, "--name", tc.instance, "--json"}, sim.customArgs()...)
			if tc.apiKey != "" {
				args = append(args, "--api-key", tc.apiKey)
			}
			res := run{args: args, env: []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}, config: config}.exec(t)
			e := decode[errorOut](t, res.stdout)
			if res.code != 3 || e.ExitCode != 3 || e.Error.Status != tc.status || !strings.EqualFold(e.Error.Code, tc.code) || e.Error.Message == "" || e.Error.Action == "" {
				t.Fatalf("exit %d, %+v", res.code, e)
			}
		})
	}
	res = run{args: []string{"list", "--json"}, config: config}.exec(t)
	if list := decode[[]registerOut](t, res.stdout); len(list) != 1 {
		t.Fatalf("after refusals the list holds %d registrations, want 1", len(list))
	}

	// Ctrl-C stops the simulator cleanly.
	if err := sim.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := sim.cmd.Wait(); err != nil {
		t.Fatalf("simulate after Ctrl-C: %v\n%s", err, sim.output())
	}
	if !strings.Contains(sim.output(), "Simulator stopped.") {
		t.Fatalf("simulate output:\n%s", sim.output())
	}
}

// inProcess is a simulator in the test process, for faults the standalone
// one does not offer.
func inProcess(t *testing.T) (*atosim.Simulator, []string) {
	t.Helper()
	f := atosimtest.Start(t, atosim.Options{})
	return f.Sim, f.CLIArgs()
}

func writeCredential(t *testing.T, sim *atosim.Simulator, notBefore, notAfter time.Time) string {
	t.Helper()
	cred, err := sim.IssueCredential("ABRD:80000000001_Test", "80000000001", "Test", notBefore, notAfter)
	if err != nil {
		t.Fatal(err)
	}
	demo, err := sim.WriteCredential(t.TempDir(), cred, atosim.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	return demo.KeystorePath
}

func TestRegisterExitCodes(t *testing.T) {
	sim, custom := inProcess(t)
	now := time.Now()
	good := writeCredential(t, sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	pw := []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}

	t.Run("expired credential refused before sending", func(t *testing.T) {
		expired := writeCredential(t, sim, now.AddDate(-2, 0, 0), now.AddDate(0, 0, -1))
		before := len(sim.Requests())
		res := run{args: append([]string{"register", "--keystore", expired, "--name", "x"}, custom...), env: pw}.exec(t)
		if res.code != 1 || !strings.Contains(res.stderr, "expired") {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
		if len(sim.Requests()) != before {
			t.Fatal("something was sent to the ATO for an expired credential")
		}
	})
	t.Run("expiring within 6 months refused", func(t *testing.T) {
		soon := writeCredential(t, sim, now.Add(-time.Hour), now.AddDate(0, 5, 0))
		res := run{args: append([]string{"register", "--keystore", soon, "--name", "x", "--json"}, custom...), env: pw}.exec(t)
		if e := decode[errorOut](t, res.stdout); res.code != 1 || !strings.Contains(e.Error.Message, "6 months") {
			t.Fatalf("exit %d %+v", res.code, e)
		}
	})
	t.Run("bad flags", func(t *testing.T) {
		for _, args := range [][]string{
			{"register", "--keystore", good, "--name", "x", "--api-key", sim.APIKey()},                                                // no --env
			{"register", "--keystore", good, "--name", "x", "--env", "staging", "--api-key", "k"},                                     // unknown env
			{"register", "--keystore", good, "--name", "x", "--env", "custom", "--api-key", "k"},                                      // custom without URLs
			append(append([]string{"register", "--keystore", good, "--name", "x"}, custom...), "--token-url", "http://example.com/t"), // plain http off loopback
		} {
			if res := (run{args: args, env: pw}).exec(t); res.code != 1 {
				t.Errorf("%v: exit %d, want 1\n%s", args, res.code, res.stderr)
			}
		}
	})
	t.Run("keychain absent: refused before sending, exit 1", func(t *testing.T) {
		// No session bus at all: a real failure, as on a server with no
		// keyring. It is found before anything is sent (issue 16 finding
		// 7), not after the ATO accepted.
		env := append([]string{"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus"}, pw...)
		before := len(sim.Requests())
		res := run{args: append([]string{"register", "--keystore", good, "--name", "No keychain", "--json", "--timeout", "2m"}, custom...), env: env}.exec(t)
		e := decode[errorOut](t, res.stdout)
		if res.code != 1 || !strings.HasPrefix(e.Error.Message, "Nothing was sent to the ATO") || !strings.Contains(e.Error.Message, "keychain") {
			t.Fatalf("exit %d %+v\n%s", res.code, e, res.stderr)
		}
		res = run{args: append([]string{"register", "--keystore", good, "--name", "No keychain 2"}, custom...), env: env}.exec(t)
		if res.code != 1 || !strings.Contains(res.stderr, "Nothing was sent to the ATO") {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		if len(sim.Requests()) != before {
			t.Fatal("a request reached the ATO although the keychain could not be reached")
		}
	})
	t.Run("connection lost after sending: exit 5", func(t *testing.T) {
		sim.InjectFault(atosim.Fault{Kind: atosim.FaultDropAfterRegister, Endpoint: "register", Nth: 1})
		defer sim.ClearFaults()
		config := t.TempDir()
		res := run{args: append([]string{"register", "--keystore", good, "--name", "Lost", "--json"}, custom...), env: pw, config: config}.exec(t)
		e := decode[errorOut](t, res.stdout)
		if res.code != 5 || e.Error.Step != "register" || !strings.Contains(e.Error.Message, "Lost") {
			t.Fatalf("exit %d %+v", res.code, e)
		}
		// The note stays until the user has checked, and says so.
		res = run{args: []string{"pending", "--json"}, config: config}.exec(t)
		notes := decode[[]struct{ ID, Name, Environment string }](t, res.stdout)
		if res.code != 0 || len(notes) != 1 || notes[0].Name != "Lost" || notes[0].Environment != "custom" {
			t.Fatalf("pending: exit %d %+v", res.code, notes)
		}
		if res = (run{args: []string{"list"}, config: config}).exec(t); !strings.Contains(res.stderr, "dcrwizard pending") {
			t.Fatalf("list does not point at the unfinished registration: %q", res.stderr)
		}
		if res = (run{args: []string{"pending"}, config: config}).exec(t); !strings.Contains(res.stdout, "Check in the ATO") {
			t.Fatalf("pending (text): %s", res.stdout)
		}
		if res = (run{args: []string{"pending", "--clear", notes[0].ID}, config: config}).exec(t); res.code != 0 {
			t.Fatalf("pending --clear: exit %d %s", res.code, res.stderr)
		}
		res = run{args: []string{"pending", "--json"}, config: config}.exec(t)
		if n := decode[[]struct{ ID string }](t, res.stdout); len(n) != 0 {
			t.Fatalf("after --clear: %+v", n)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		sim.InjectFault(atosim.Fault{Kind: atosim.FaultDelay, Endpoint: "token", Nth: 0, Delay: 5 * time.Second})
		defer sim.ClearFaults()
		res := run{args: append([]string{"register", "--keystore", good, "--name", "Slow", "--timeout", "1s"}, custom...), env: pw}.exec(t)
		if res.code != 3 {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
	})
}

func TestRegisterPractice(t *testing.T) {
	needSecretService(t)
	config := t.TempDir()
	res := run{args: []string{"register", "--env", "practice", "--name", "Rehearsal", "--json"}, config: config}.exec(t)
	reg := decode[registerOut](t, res.stdout)
	if res.code != 0 || !reg.Stored || reg.Environment != "practice" {
		t.Fatalf("exit %d %+v\n%s", res.code, reg, res.stderr)
	}
}

func TestSimulateStaysOnLoopback(t *testing.T) {
	res := run{args: []string{"simulate", "--listen", "0.0.0.0:0", "--out", t.TempDir()}}.exec(t)
	if res.code != 1 || !strings.Contains(res.stderr, "0.0.0.0:0") {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
}

func TestVersionAndHelp(t *testing.T) {
	res := run{args: []string{"version"}}.exec(t)
	if res.code != 0 || !strings.HasPrefix(res.stdout, "dcrwizard ") || res.stderr != "" {
		t.Fatalf("version: exit %d %q %q", res.code, res.stdout, res.stderr)
	}
	res = run{args: []string{"help"}}.exec(t)
	for _, want := range []string{"Exit codes", "DCRWIZARD_PASSWORD", "--password-stdin", "5  outcome unknown"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("help does not mention %q", want)
		}
	}
}

func TestLifecycleCommands(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{RotateTokens: true, DisableDelete: true})
	sim, custom := f.Sim, f.CLIArgs()
	now := time.Now()
	keystore := writeCredential(t, sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	config := t.TempDir()
	res := run{args: append([]string{"register", "--keystore", keystore, "--name", "Desk", "--json"}, custom...),
		env: []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("register: %d %s", res.code, res.stderr)
	}
	id := decode[registerOut](t, res.stdout).ClientID

	res = run{args: []string{"check", id, "--json"}, config: config}.exec(t)
	chk := decode[struct {
		Rotated bool           `json:"token_rotated"`
		ATO     map[string]any `json:"ato_metadata"`
	}](t, res.stdout)
	if res.code != 0 || !chk.Rotated || chk.ATO["client_name"] != "Desk" || chk.ATO["ato_api_key"] != nil {
		t.Fatalf("check: exit %d %+v %s", res.code, chk, res.stderr)
	}
	res = run{args: []string{"rename", id, "--name", "Front desk"}, config: config}.exec(t)
	if res.code != 0 || sim.Clients()[0].Name != "Front desk" {
		t.Fatalf("rename: exit %d %s %s", res.code, res.stdout, res.stderr)
	}
	export := filepath.Join(t.TempDir(), "values.json")
	res = run{args: []string{"export", id, "--out", export}, config: config}.exec(t)
	if fi, err := os.Stat(export); res.code != 0 || err != nil || fi.Mode().Perm() != 0o600 || !strings.Contains(res.stderr, "secret") {
		t.Fatalf("export: exit %d %v %s", res.code, err, res.stderr)
	}
	// The ATO refuses removal here (405): exit 3, kept locally, forget offered.
	res = run{args: []string{"remove", id, "--yes"}, config: config}.exec(t)
	if res.code != 3 || !strings.Contains(res.stderr, "dcrwizard forget "+id) {
		t.Fatalf("remove: exit %d %s", res.code, res.stderr)
	}
	// Without --yes and without a terminal nothing is removed.
	res = run{args: []string{"forget", id}, config: config}.exec(t)
	if res.code != 1 {
		t.Fatalf("forget without --yes: exit %d", res.code)
	}
	res = run{args: []string{"forget", id, "--yes"}, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("forget: exit %d %s", res.code, res.stderr)
	}
	res = run{args: []string{"list", "--json"}, config: config}.exec(t)
	if l := decode[[]registerOut](t, res.stdout); len(l) != 0 || len(sim.Clients()) != 1 {
		t.Fatalf("after forget: local %d, ATO %d", len(l), len(sim.Clients()))
	}
	res = run{args: []string{"check", id}, config: config}.exec(t)
	if res.code != 1 {
		t.Fatalf("check of a forgotten client: exit %d", res.code)
	}
}

// TestPasswordPromptOnTerminal gives the binary a real terminal (util-linux
// script(1) allocates a pty): with no other source it must ask, without echo.
func TestPasswordPromptOnTerminal(t *testing.T) {
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) is not installed")
	}
	abs, _ := filepath.Abs(sampleKeystore)
	cmd := exec.Command(scriptBin, "-q", "-e", "-c", binary+" inspect --keystore "+abs+" --credential ABRD:27809366375_USIMachine", "/dev/null")
	cmd.Env = baseEnv(t.TempDir())
	pr, pw, _ := os.Pipe()
	cmd.Stdin = pr
	var mu sync.Mutex
	var out bytes.Buffer
	outR, outW, _ := os.Pipe()
	cmd.Stdout, cmd.Stderr = outW, outW
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr.Close()
	outW.Close()
	prompted := make(chan struct{})
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		buf := make([]byte, 4096)
		once := sync.Once{}
		for {
			n, err := outR.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			if strings.Contains(out.String(), "Keystore password:") {
				once.Do(func() { close(prompted) })
			}
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	select {
	case <-prompted:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("no password prompt:\n%s", out.String())
	}
	fmt.Fprintln(pw, samplePassword)
	defer pw.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	<-copied
	got := out.String()
	if !strings.Contains(got, "Keystore password:") || !strings.Contains(got, "27809366375") {
		t.Fatalf("no prompt or no result:\n%s", got)
	}
	if strings.Contains(got, samplePassword) {
		t.Fatalf("the password was echoed:\n%s", got)
	}
}
