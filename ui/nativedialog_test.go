package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"fyne.io/fyne/v2/test"
)

var credFilter = fileFilter{name: "M2M credential files", exts: credentialExtensions}

func TestSystemDialogCommandLines(t *testing.T) {
	open := fileRequest{title: "Choose your M2M credential file", dir: "/home/ann/Documents", filter: credFilter}
	z := zenityArgs(open)
	for _, want := range []string{"--file-selection", "--filename=/home/ann/Documents/",
		"--file-filter=M2M credential files | *.xml *.XML *.p12 *.P12 *.pfx *.PFX *.pem *.PEM *.crt *.CRT *.key *.KEY",
		"--file-filter=All files | *"} {
		if !slices.Contains(z, want) {
			t.Errorf("zenity %q lacks %q", z, want)
		}
	}
	save := fileRequest{title: "Save", save: true, dir: "/home/ann/Documents", name: "dcr-pc.json"}
	if z := zenityArgs(save); !slices.Contains(z, "--save") || !slices.Contains(z, "--confirm-overwrite") ||
		!slices.Contains(z, "--filename=/home/ann/Documents/dcr-pc.json") {
		t.Errorf("zenity save %q", z)
	}
	if k := kdialogArgs(open); k[len(k)-2] != "/home/ann/Documents" || !strings.HasSuffix(k[len(k)-1], "|M2M credential files") {
		t.Errorf("kdialog %q", k)
	}
	as := appleScript(fileRequest{title: `Choose "the" file`, dir: "/Users/ann/Documents", filter: credFilter})
	for _, want := range []string{`choose file with prompt "Choose \"the\" file"`, `of type {"xml", "p12", "pfx"`,
		`default location (POSIX file "/Users/ann/Documents")`, "POSIX path of f"} {
		if !strings.Contains(as, want) {
			t.Errorf("AppleScript lacks %q:\n%s", want, as)
		}
	}
	wf := string(utf16.Decode(windowsFilter(credFilter)))
	if !strings.HasPrefix(wf, "M2M credential files (*.xml;*.p12;*.pfx;*.pem;*.crt;*.key)\x00*.xml;*.p12;") ||
		!strings.HasSuffix(wf, "All files (*.*)\x00*.*\x00\x00") {
		t.Errorf("Windows filter %q", wf)
	}
}

func TestFileDialogStartFolder(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	docs := filepath.Join(home, "Documents")
	if got := startFolder("", filepath.Join(home, "missing")); got != home {
		t.Errorf("no Documents: %q, want home", got)
	}
	if err := os.Mkdir(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	ram := filepath.Join(home, "RAM")
	if err := os.Mkdir(ram, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := startFolder("", ""); got != docs {
		t.Errorf("start %q, want Documents", got)
	}
	if got := startFolder("", ram); got != ram {
		t.Errorf("start %q, want RAM's folder", got)
	}
	if got := startFolder(home, ram); got != home {
		t.Errorf("start %q, want the last folder used", got)
	}
}

// The wizard uses the system's dialog, falls back to Fyne's, and after
// Practice does not start in the demo's temporary folder.
func TestSystemFileDialogUsed(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	docs := filepath.Join(home, "Documents")
	if err := os.Mkdir(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessOpts{})
	ks := h.goodKeystore()
	var mu sync.Mutex // the dialog runs off the UI goroutine
	var asked []fileRequest
	answer, answerErr := ks, error(nil)
	h.w.kit.nativeFile = func(req fileRequest) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, req)
		return answer, answerErr
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(asked) }
	set := func(a string, err error) { mu.Lock(); defer mu.Unlock(); answer, answerErr = a, err }
	h.practiceCredential()
	test.Tap(h.w.credential.chooseBtn)
	h.loop.until(t, "the chosen file", func() bool { return h.w.draft.Keystore == ks })
	if n := count(); n != 1 {
		t.Fatalf("the system dialog was asked %d times", n)
	}
	mu.Lock()
	req := asked[0]
	mu.Unlock()
	if req.dir != docs || req.save || req.filter.name == "" || !slices.Contains(req.filter.exts, ".xml") {
		t.Errorf("asked %+v; want Documents (not the Practice folder), the credential filter", req)
	}
	if h.w.credential.password.Text != "" {
		t.Error("the demo password was kept for the chosen file")
	}

	// Cancel: nothing changes. No system dialog: Fyne's opens.
	set("", nil)
	test.Tap(h.w.credential.chooseBtn)
	h.loop.until(t, "the second dialog", func() bool { return count() == 2 })
	h.loop.drain()
	if h.w.draft.Keystore != ks || h.w.win.Canvas().Overlays().Top() != nil {
		t.Error("Cancel in the system dialog changed something")
	}
	set("", errNoNativeDialog)
	test.Tap(h.w.credential.chooseBtn)
	h.loop.until(t, "Fyne's dialog", func() bool { return h.w.win.Canvas().Overlays().Top() != nil })
}
