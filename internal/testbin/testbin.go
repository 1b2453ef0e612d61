// Package testbin serves tests that run the built dcrwizard binary, as
// support staff and scripts do: it builds it once per test binary and gives
// it a clean environment.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// buildTags are the tags this test binary was built with (make test passes
// scripts/build-tags), so the binary under test is built the same way.
func buildTags() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-tags" {
				return s.Value
			}
		}
	}
	return "migrated_fynedo,no_emoji,nethttpomithttp2,no_metadata"
}

// Main builds dcrwizard (with -race and the project's build tag) into a
// temporary folder, stores its path in *binary, runs the tests and exits.
// Call it from TestMain.
func Main(m *testing.M, binary *string) {
	dir, err := os.MkdirTemp("", "dcrwizard-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	*binary = filepath.Join(dir, "dcrwizard")
	build := exec.Command("go", "build", "-race", "-tags", buildTags(), "-o", *binary, "dcrwizard")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building dcrwizard:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Env is the environment for one run: only what the binary needs — the
// throw-away Secret Service's bus and a private config folder (also HOME, so
// nothing lands in the real one).
func Env(config string) []string {
	env := []string{"XDG_CONFIG_HOME=" + config, "HOME=" + config, "LANG=C.UTF-8", "PATH=" + os.Getenv("PATH")}
	for _, k := range []string{"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}
