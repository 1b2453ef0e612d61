package cli_test

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"dcrwizard/atosim"
)

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

func TestSimulateStaysOnLoopback(t *testing.T) {
	res := run{args: []string{"simulate", "--listen", "0.0.0.0:0", "--out", t.TempDir()}}.exec(t)
	if res.code != 1 || !strings.Contains(res.stderr, "0.0.0.0:0") {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
}
