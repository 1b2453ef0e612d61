package ui

import (
	"context"
	"testing"
	"time"

	"dcrwizard/registrar"
)

// A run's answers count only while it is the current run, and its phase
// says how it ended: Cancel after sending is still "sent" for the words
// Done uses, and a new run forgets the last one's ending.
func TestRunStatePhases(t *testing.T) {
	var r runState
	if r.phase != runIdle || r.running() || r.sent() || r.cancelled() {
		t.Fatalf("a fresh state is %+v", r)
	}
	_, cancel := context.WithCancel(context.Background())
	first := r.begin(registrar.Input{InstanceName: "Front desk PC"}, cancel, time.Unix(0, 0))
	if !r.live(first) || r.sent() {
		t.Fatalf("a run just begun: live %v, sent %v", r.live(first), r.sent())
	}
	r.phase = runSent
	if !r.sent() {
		t.Error("the registration request went out but sent() is false")
	}
	r.phase = runTesting
	if !r.sent() {
		t.Error("a stored registration counts as not sent")
	}
	r.phase = runCancelled
	r.end()
	if r.running() || r.live(first) || !r.current(first) || !r.cancelled() {
		t.Errorf("after Cancel: running %v, live %v, current %v, cancelled %v", r.running(), r.live(first), r.current(first), r.cancelled())
	}
	r.end() // twice is harmless (window closing after a Cancel)

	_, cancel = context.WithCancel(context.Background())
	second := r.begin(registrar.Input{}, cancel, time.Unix(1, 0))
	if r.current(first) || r.live(first) {
		t.Error("the earlier run's answers still count")
	}
	if !r.live(second) || r.cancelled() || r.stored != nil {
		t.Errorf("the new run inherits the old one's ending: %+v", r)
	}
	r.end()
}
