package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
)

// noPortalWords fails when text sends a practice to the ATO API portal or
// a "team app": the consumer key is its software vendor's (ato-facts.md §10).
func noPortalWords(t *testing.T, where, text string) {
	t.Helper()
	low := strings.ToLower(text)
	for _, w := range []string{"team app", "api portal"} {
		if strings.Contains(low, w) {
			t.Errorf("%s says %q:\n%s", where, w, text)
		}
	}
}

// TestKeyIsTheVendorsOnEveryPage walks the wizard without a setup file, with
// a key the ATO refuses (401-01): every page's text, the hint and the
// wrong-key advice speak of the vendor's key, never of a portal.
func TestKeyIsTheVendorsOnEveryPage(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.wantText("The consumer key from your software vendor.")
	noPortalWords(t, "Welcome", h.texts())
	h.openKeystore(h.goodKeystore(), testPassword)
	noPortalWords(t, "Credential", h.texts())
	h.next()
	h.wantStep(stepEnvironment)
	for _, env := range []string{"Sandbox —", "Production —", h.env.Label} {
		h.chooseEnv(env)
		for h.w.win.Canvas().Overlays().Top() != nil { // Production asks first
			noPortalWords(t, env+" question", textsIn(h.w.win.Canvas().Overlays().Top()))
			h.w.win.Canvas().Overlays().Remove(h.w.win.Canvas().Overlays().Top())
		}
		noPortalWords(t, "Environment ("+env+")", h.texts()+h.w.environment.note.Text)
	}
	h.chooseEnv(h.env.Label)
	h.next()
	h.wantStep(stepDetails)
	h.typeDetails("", "Front desk PC")
	h.wantText("The consumer key your software vendor gave you")
	noPortalWords(t, "Details", h.texts()+"\n"+h.w.hint.Text)
	h.typeDetails("WrongKey0123456789abcdef", "Front desk PC")
	h.next()
	h.wantStep(stepReview)
	noPortalWords(t, "Review", h.texts())
	h.register()
	if h.w.done.failErr == nil {
		t.Fatal("registered with a key the ATO does not know")
	}
	h.wantText("The consumer (API) key was not accepted.", "check the key with your software vendor")
	noPortalWords(t, "Done after a refused key", h.texts())
	noPortalWords(t, "unknown-outcome advice", unknownGuidance(counterpart{}, "Front desk PC", testNow))
	noPortalWords(t, "pending advice", pendingGuidance(credstore.Pending{Name: "Front desk PC", Environment: "ATO sandbox"}))
}

// TestSetupFileKeyIsNeverAskedFor: with the vendor's file loaded, Welcome
// does not list the key, Details does not ask for it, and when the ATO
// refuses it the advice names the vendor and its support contact.
func TestSetupFileKeyIsNeverAskedFor(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.drop(h.vendorSetup(func(m map[string]any) { m["consumer_key"] = "WrongKey0123456789abcdef" }))
	h.acceptSetup()
	h.waitSetup()
	h.wantStep(stepWelcome)
	if strings.Contains(h.texts(), "consumer key from your software vendor") {
		t.Errorf("Welcome lists the key under What you need with a setup file loaded:\n%s", h.texts())
	}
	noPortalWords(t, "Welcome with a setup file", h.texts())
	h.openKeystore(h.goodKeystore(), testPassword)
	h.next()
	h.wantStep(stepEnvironment)
	noPortalWords(t, "Environment with a setup file", h.texts())
	h.next()
	h.wantStep(stepDetails)
	if h.w.details.keyBox.Visible() {
		t.Error("Details asks for the key the setup file supplies")
	}
	noPortalWords(t, "Details with a setup file", h.texts())
	h.next()
	h.wantStep(stepReview)
	noPortalWords(t, "Review with a setup file", h.texts())
	h.register()
	if h.w.done.failErr == nil {
		t.Fatal("registered with a key the ATO does not know")
	}
	h.wantText("check the key with Example Software Pty Ltd (1300 000 000 · help@example.com)")
	noPortalWords(t, "Done with a setup file", h.texts())
}

// TestAskOnceKeyDialogNamesTheVendor: a registration stored without its
// consumer key asks for it once, as the vendor's key.
func TestAskOnceKeyDialogNamesTheVendor(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	_, rec := h.registerAt(atosim.Options{}, "Reception")
	ctx := context.Background()
	r, v, err := h.store.Get(ctx, rec.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.Delete(ctx, rec.ClientID); err != nil { // Save keeps a stored key
		t.Fatal(err)
	}
	v.ConsumerKey = consumerkey.Key{}
	if err := h.store.Save(ctx, r, v); err != nil {
		t.Fatal(err)
	}
	h.openRegistrations()
	h.checkWorks(h.card(rec.ClientID), "the check")
	if h.w.win.Canvas().Overlays().Top() == nil {
		t.Fatalf("the key was not asked for; the page says:\n%s", h.texts())
	}
	text := textsIn(h.overlay())
	if !strings.Contains(text, "your software vendor gave it") {
		t.Errorf("the key dialog does not send to the vendor:\n%s", text)
	}
	noPortalWords(t, "the ask-once key dialog", text)
	test.Tap(findButton(t, h.overlay(), "Cancel"))
}
