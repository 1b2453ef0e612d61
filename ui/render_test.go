package ui

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"dcrwizard/atosim"
	"dcrwizard/registrar"
)

var sizeAttr = regexp.MustCompile(`size="[0-9.]+x[0-9.]+"`)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata")

// assertRenders compares the window's markup (Fyne's test theme) with
// testdata/<name>.xml, so a layout change shows up in review. Run with
// -update to accept a change on purpose.
func assertRenders(t *testing.T, h *harness, name string, replace ...string) {
	t.Helper()
	h.loop.drain()
	h.w.win.Canvas().Unfocus()
	got := test.RenderToMarkup(h.w.win.Canvas())
	// Things that differ per run: temp folders, the simulator's port, ids.
	r := append([]string{h.dir, "$TMP", h.srv.URL, "$SIM"}, replace...)
	got = strings.NewReplacer(r...).Replace(got)
	// A replaced value's measured width varies with its length.
	lines := strings.Split(got, "\n")
	for i, l := range lines {
		if strings.Contains(l, "$") {
			lines[i] = sizeAttr.ReplaceAllString(l, `size="*"`)
		}
	}
	got = strings.Join(lines, "\n")
	path := filepath.Join("testdata", name+".xml")
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		failed := filepath.Join("testdata", "failed", name+".xml")
		_ = os.MkdirAll(filepath.Dir(failed), 0o755)
		_ = os.WriteFile(failed, []byte(got), 0o644)
		t.Errorf("%s renders differently from %s; see %s (diff them; -update accepts)", name, path, failed)
	}
}

func TestRenderSteps(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	assertRenders(t, h, "1-welcome")

	expired := h.issue("ABRD:80000000001_Old", "Old Machine", testNow.AddDate(0, -2, 0))
	good := h.issue("ABRD:80000000001_TestMachine", "Test Machine", testNow.AddDate(2, 0, 0))
	h.openKeystore(h.writeKeystore("keystore.xml", expired, good), testPassword)
	assertRenders(t, h, "2-credential")

	h.next()
	h.chooseEnv("Production")
	assertRenders(t, h, "3-environment")

	h.chooseEnv(h.env.Label)
	h.next()
	h.typeDetails("short", "Front desk PC")
	assertRenders(t, h, "4-details-invalid")
	h.typeDetails(h.sim.APIKey(), "Front desk PC")

	h.next()
	assertRenders(t, h, "5-review", maskKey(h.sim.APIKey()), "$KEY")

	h.register()
	if h.w.done.res == nil {
		t.Fatalf("registration failed: %v", h.w.done.failErr)
	}
	showWithFixedClientID(h, h.w.done.res)
	assertRenders(t, h, "6-done")

	test.Tap(findButton(t, h.w.views[stepDone], "Register another"))
	h.next()
	h.w.details.name.SetText(atosim.ScenarioInvalidRequest)
	h.next()
	h.register()
	assertRenders(t, h, "7-failure")
}

// showWithFixedClientID shows res again with a fixed client ID in place of
// the simulator's random one, so that the golden file stays the same: the
// long registration client URI wraps the ID across two lines, out of reach
// of a text replacement.
func showWithFixedClientID(h *harness, res *registrar.Result) {
	const fixed = "0f8fad5b-d9cb-469f-a165-70867728950e"
	r, reg := *res, *res.Registration
	old := reg.ClientID
	reg.ClientID = fixed
	reg.RegistrationClientURI = strings.ReplaceAll(reg.RegistrationClientURI, old, fixed)
	r.Registration = &reg
	r.Record.ClientID, r.Record.RegistrationClientURI = fixed, reg.RegistrationClientURI
	h.w.done.showResult(&r, nil, h.w.done.verify)
}
