package ui

import "testing"

// The window opens with only the Welcome page built (issue 20: it opens
// like a bare window); every other page is built when first needed, and
// the tests reach it through that same path.
func TestPagesBuiltOnFirstUse(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	if h.w.views[stepWelcome] == nil {
		t.Fatal("the Welcome page is not built")
	}
	for s := stepCredential; s <= stepRegistrations; s++ {
		if h.w.views[s] != nil || h.w.pageBuilt(s) {
			t.Errorf("%s built before it was needed", s)
		}
	}
	h.toReview(h.goodKeystore(), h.sim.APIKey(), "Front desk PC")
	for _, s := range []step{stepCredential, stepEnvironment, stepDetails, stepReview} {
		if h.w.views[s] == nil {
			t.Errorf("%s not built once shown", s)
		}
	}
	if h.w.pageBuilt(stepDone) || h.w.pageBuilt(stepRegistrations) {
		t.Error("Done or Registrations built before they were needed")
	}
	h.register()
	if h.w.done.res == nil {
		t.Fatalf("registration failed: %v", h.w.done.failErr)
	}
	h.wantText("This installation is registered")
}
