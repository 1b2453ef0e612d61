package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
