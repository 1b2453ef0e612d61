package ui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"dcrwizard/atosim"
)

// The wizard picks from a keystore holding the registered credential, a
// renewed one (same ABN, a new id: a keystore cannot hold one id twice) and
// an unrelated one exactly as the command line does (cli
// TestPickSameCredential, same keystore): the registered certificate to
// test, the renewed one to update.
func TestPickSameCredential(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	f := h.renewFixture(atosim.Options{}, "Desk")
	unrelated, err := f.sim.IssueCredential("ABRD:90000000002_Other", "90000000002", "Other", testNow.AddDate(0, 0, -1), testNow.AddDate(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	renewed, err := f.sim.IssueCredential("ABRD:80000000001_DeskNew", "80000000001", "Desk", testNow.AddDate(0, 0, -1), testNow.AddDate(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	mixed := h.writeKeystore("mixed.xml", unrelated, f.oldCred, renewed)

	h.openRegistrations()
	c := h.card(f.rec.ClientID)
	h.tapCard(c, "Check it works…")
	h.credDialogGo(mixed, "the test")
	h.wantText("Your software can sign in to the ATO — checked just now.")

	c = h.card(f.rec.ClientID)
	h.tapCard(c, "Update with renewed credential…")
	h.credDialogGo(mixed, "the update")
	rec, _, err := h.store.Get(context.Background(), f.rec.ClientID)
	sum := sha256.Sum256(renewed.Certificate.Raw)
	if err != nil || rec.CertificateSHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("after Update the registration holds %s (%v), want the renewed certificate", rec.CertificateSHA256, err)
	}
}
