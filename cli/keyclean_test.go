package cli_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
)

// A consumer key given with white space and line breaks around it — in a
// setup file, a key file, the environment or typed as --api-key — reaches
// the apikey header clean: the simulator compares it exactly, on the DCR
// POST and again on the RFC 7592 read of `check` with the key kept.
func TestConsumerKeyCleanedToHeader(t *testing.T) {
	needSecretService(t)
	f := atosimtest.Start(t, atosim.Options{})
	now := time.Now()
	keystore := writeCredential(t, f.Sim, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	pw := []string{"DCRWIZARD_PASSWORD=" + atosim.DemoPassword}
	config := t.TempDir()
	key := f.Sim.APIKey()
	dir := t.TempDir()

	setupVals := simSetup(f)
	setupVals["consumer_key"] = "  " + key + "\n"
	setup := writeSetupFile(t, dir, setupVals)
	keyFile := filepath.Join(dir, "key.txt")
	if err := os.WriteFile(keyFile, []byte("\ufeff  "+key+" \r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// --env custom and its addresses, without CLIArgs' own --api-key.
	custom := f.CLIArgs()
	custom = custom[:len(custom)-2]

	for _, tc := range []struct {
		name, source string
		args, env    []string
	}{
		{"setup", "setup file", []string{"--setup", setup}, nil},
		{"keyfile", "key file", append([]string{"--api-key-file", keyFile}, custom...), nil},
		{"envvar", "DCRWIZARD_API_KEY", custom, []string{"DCRWIZARD_API_KEY= " + key + "\t\n"}},
		{"typed", "command line", append([]string{"--api-key", " " + key + " "}, custom...), nil},
	} {
		args := append([]string{"register", "--keystore", keystore, "--name", "Key " + tc.name, "--json"}, tc.args...)
		res := run{args: args, env: append(append([]string{}, pw...), tc.env...), config: config}.exec(t)
		type out struct {
			registerOut
			Sources map[string]string
		}
		reg := decode[out](t, res.stdout)
		if res.code != 0 || reg.ClientID == "" {
			t.Errorf("%s: register exit %d %s", tc.name, res.code, res.stderr)
			continue
		}
		if got := reg.Sources["consumer_key"]; got != "" && got != tc.source {
			t.Errorf("%s: consumer key from %q, want %q", tc.name, got, tc.source)
		}
		if res := (run{args: []string{"check", reg.ClientID}, config: config}.exec(t)); res.code != 0 {
			t.Errorf("%s: check with the kept key: exit %d %s", tc.name, res.code, res.stderr)
		}
	}
}
