//go:build linux

package drills_test

import (
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"dcrwizard/atosim"
)

// SIGKILL cannot be caught: a kill after the ATO rotated the token and
// before the keychain holds the new one loses it. This measures how often a
// kill at a random moment lands there (it is not a pass/fail drill beyond
// "the registration is still listed"); the numbers go to RELIABILITY.md.
func TestRotationSIGKILLWindow(t *testing.T) {
	if !haveSecretService() {
		t.Skip("needs the throw-away Secret Service: run `make test`")
	}
	if os.Getenv("DCRWIZARD_SIGKILL_WINDOW") == "" {
		t.Skip("a measurement, not a drill: set DCRWIZARD_SIGKILL_WINDOW=1 (runs) to run it")
	}
	runs := rotRuns()
	for _, latency := range []time.Duration{0, rotLatency} {
		r := newRotating(t)
		if latency > 0 {
			r.sim.InjectFault(atosim.Fault{Kind: atosim.FaultLateAnswer, Endpoint: atosim.EndpointClient, Delay: latency})
		}
		ks := rotKeystores(t, r.sim)
		for _, name := range []string{"check", "rename", "renew"} {
			measureKills(t, r, ks, name, runs, latency)
		}
	}
}

// measureKills kills command name at random moments, runs times, and logs
// how many runs lost the registration.
func measureKills(t *testing.T, r *rotating, ks [2]string, name string, runs int, latency time.Duration) {
	config := t.TempDir()
	id := rotRegister(t, r, config, ks[0], "Killed")
	pick := func() interruptedRun {
		for _, cc := range rotCommands(t, config, id, ks) {
			if cc.cmd == name {
				return cc
			}
		}
		t.Fatalf("no command %s", name)
		return interruptedRun{}
	}
	c := pick()
	span := lifecycleSpan(t, r, config, c)
	lost := 0
	for i := 1; i <= runs; i++ {
		interruptAtRandom(t, r, config, c, i, syscall.SIGKILL, span)
		if ok, _ := stillWorks(t, config, id); !ok {
			lost++
			// Lost for good: register again to go on measuring.
			id = rotRegister(t, r, config, ks[0], fmt.Sprintf("Killed %d", i))
			c = pick()
		}
	}
	window := time.Duration(float64(span) * 1.2 * float64(lost) / float64(runs))
	t.Logf("%s, answers %v late, SIGKILL at random moments over %v: %d runs, %d lost (a window of about %v)",
		name, latency, span.Round(time.Millisecond), runs, lost, window.Round(time.Millisecond))
}
