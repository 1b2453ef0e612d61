package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
)

// fyneInfoPlist renders the Info.plist template of the fyne packager pinned
// in go.mod, as `fyne package -os darwin` does for DCR Wizard.
func fyneInfoPlist(t *testing.T) []byte {
	t.Helper()
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "fyne.io/tools").Output()
	if err != nil {
		t.Fatalf("go list -m fyne.io/tools: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "cmd/fyne/internal/templates/data/Info.plist"))
	if err != nil {
		t.Fatalf("fyne's Info.plist template: %v", err)
	}
	tpl := template.Must(template.New("Info.plist").Parse(string(src)))
	var b bytes.Buffer
	err = tpl.Execute(&b, struct {
		Name, ExeName, AppID, Version, Category string
		Build                                   int
		Languages                               []string
	}{"DCR Wizard", "dcrwizard", "au.dcrwizard.DCRWizard", "0.1.0", "finance", 1, nil})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestInfoPlistDeclaresSetupFileType(t *testing.T) {
	plain := fyneInfoPlist(t)
	// What fyne writes alone does not declare the type.
	if _, problems, err := checkPlist(plain); err != nil || len(problems) == 0 {
		t.Fatalf("fyne's own Info.plist passes (err %v): the check checks nothing", err)
	}
	name := filepath.Join(t.TempDir(), "Info.plist")
	if err := os.WriteFile(name, plain, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := addDocumentTypes(name); err != nil {
		t.Fatal(err)
	}
	summary, problems, err := checkPlistFile(name)
	if err != nil || len(problems) > 0 {
		t.Fatalf("after addDocumentTypes: %v %q", err, problems)
	}
	if !strings.Contains(summary, "au.dcrwizard.DCRWizard 0.1.0") {
		t.Errorf("summary %q: fyne's keys did not survive", summary)
	}
	b, _ := os.ReadFile(name)
	v, err := parsePlist(b)
	if err != nil {
		t.Fatal(err)
	}
	top := v.(map[string]any)
	if top["CFBundleExecutable"] != "dcrwizard" || top["NSHighResolutionCapable"] != true {
		t.Errorf("fyne's keys changed: %v", top)
	}
	ut := top["UTExportedTypeDeclarations"].([]any)[0].(map[string]any)
	ext := ut["UTTypeTagSpecification"].(map[string]any)["public.filename-extension"].([]any)
	if len(ext) != 1 || ext[0] != "dcrwizard" {
		t.Errorf("extensions %v, want [dcrwizard]: Finder reads only the last extension", ext)
	}
	// Twice would give two CFBundleDocumentTypes keys: refused.
	if err := addDocumentTypes(name); err == nil {
		t.Error("a second addDocumentTypes was accepted")
	}
}

func TestCheckPlistRefusesBrokenLists(t *testing.T) {
	for _, bad := range []string{"", "<plist><dict><key>a</key></dict></plist>", "<plist><dict><string>x</string></dict></plist>", "<plist><dict><key>a</key><string>x</dict></plist>"} {
		if _, _, err := checkPlist([]byte(bad)); err == nil {
			t.Errorf("checkPlist(%q): no error", bad)
		}
	}
}
