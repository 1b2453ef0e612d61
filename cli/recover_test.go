package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A settings folder deleted whole leaves no trace that registrations are
// missing, so `list` starts empty; `recover` lists again, from the
// keychain, what it still holds — and a second recover adds nothing.
func TestRecoverAfterTheFolderWasDeleted(t *testing.T) {
	needSecretService(t)
	config := t.TempDir()
	res := run{args: []string{"register", "--env", "practice", "--name", "Recover Desk", "--json"}, config: config}.exec(t)
	if res.code != 0 {
		t.Fatalf("register: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	id := decode[struct {
		ClientID string `json:"client_id"`
	}](t, res.stdout).ClientID
	if id == "" {
		t.Fatalf("no client id:\n%s", res.stdout)
	}
	t.Cleanup(func() { run{args: []string{"forget", id, "--yes"}, config: config}.exec(t) })
	if err := os.RemoveAll(filepath.Join(config, "dcrwizard")); err != nil {
		t.Fatal(err)
	}
	if res := (run{args: []string{"list"}, config: config}.exec(t)); strings.Contains(res.stdout, id) {
		t.Fatalf("a folder with no trace was filled from the keychain by list:\n%s", res.stdout)
	}
	res = run{args: []string{"recover"}, config: config}.exec(t)
	if res.code != 0 || !strings.Contains(res.stdout, id) || !strings.Contains(res.stdout, "Recover Desk") {
		t.Fatalf("recover: exit %d, want %s listed again by name\n%s%s", res.code, id, res.stdout, res.stderr)
	}
	res = run{args: []string{"list", "--json"}, config: config}.exec(t)
	if res.code != 0 || !strings.Contains(res.stdout, id) || !strings.Contains(res.stdout, `"recovered"`) {
		t.Fatalf("list after recover: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = run{args: []string{"recover", "--json"}, config: config}.exec(t)
	if res.code != 0 || strings.Contains(res.stdout, id) {
		t.Fatalf("a second recover: exit %d, want %s not added again\n%s%s", res.code, id, res.stdout, res.stderr)
	}
	if res := (run{args: []string{"check", id}, config: config}.exec(t)); res.code == 3 && strings.Contains(res.stdout+res.stderr, "not saved on this computer") {
		t.Fatalf("check after recover:\n%s%s", res.stdout, res.stderr)
	}
}
