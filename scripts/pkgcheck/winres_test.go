package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildWithWinres builds a tiny GUI program linked with the resources
// scripts/winres.sh makes for version, named exeName: the same script and
// windres that scripts/package.sh uses for the real .exe.
func buildWithWinres(t *testing.T, version, exeName string) string {
	t.Helper()
	if _, err := exec.LookPath("x86_64-w64-mingw32-windres"); err != nil {
		t.Skip("x86_64-w64-mingw32-windres not installed (binutils-mingw-w64-x86-64)")
	}
	dir := t.TempDir()
	script, err := filepath.Abs(filepath.Join("..", "winres.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(script, dir, version, exeName).CombinedOutput(); err != nil {
		t.Fatalf("winres.sh: %v\n%s", err, out)
	}
	exe := buildTinyIn(t, dir, "windows", "-H=windowsgui -s -w")
	named := filepath.Join(dir, exeName)
	if err := os.Rename(exe, named); err != nil {
		t.Fatal(err)
	}
	return named
}

func TestCheckPEWinresResources(t *testing.T) {
	exe := buildWithWinres(t, "0.2.0+g1234567", "dcrwizard-windows-amd64.exe")
	summary, problems, err := checkPE(exe, "0.2.0+g1234567", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 0 {
		t.Fatalf("problems %q, want none", problems)
	}
	for _, want := range []string{"icon sizes [16 24 32 48 256]", "version 0.2.0+g1234567 (0.2.0.0)", "RT_MANIFEST×1", "RT_VERSION×1"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary %q lacks %q", summary, want)
		}
	}

	// The version the program prints must be the one in the resource.
	_, problems, err = checkPE(exe, "0.3.1", false)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"numeric FileVersion 0.2.0.0, want 0.3.1.0", "numeric ProductVersion 0.2.0.0, want 0.3.1.0",
		`FileVersion text "0.2.0+g1234567", want "0.3.1"`, `ProductVersion text "0.2.0+g1234567", want "0.3.1"`}
	if len(problems) != len(want) {
		t.Fatalf("problems %q, want %d", problems, len(want))
	}
	for i, w := range want {
		if !strings.Contains(problems[i], w) {
			t.Errorf("problem %d = %q, want it to contain %q", i, problems[i], w)
		}
	}

	// A renamed download says which name it was built as.
	renamed := filepath.Join(t.TempDir(), "setup.exe")
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(renamed, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, problems, _ := checkPE(renamed, "", false); len(problems) != 1 || !strings.Contains(problems[0], "OriginalFilename") {
		t.Errorf("renamed: problems %q, want one about OriginalFilename", problems)
	}
}

func TestMakeConsole(t *testing.T) {
	exe := buildWithWinres(t, "0.2.0", "dcrwizard-windows-amd64.exe")
	cli := filepath.Join(t.TempDir(), "dcrwizard-cli-windows-amd64.exe")
	if err := makeConsole(exe, cli); err != nil {
		t.Fatal(err)
	}
	if _, problems, err := checkPE(cli, "0.2.0", true); err != nil || len(problems) != 0 {
		t.Errorf("console build: problems %q, err %v; want none", problems, err)
	}
	// The console build is no GUI build, and the other way round.
	if _, problems, _ := checkPE(cli, "0.2.0", false); len(problems) != 2 || !strings.Contains(problems[0], "console subsystem") ||
		!strings.Contains(problems[1], "OriginalFilename") {
		t.Errorf("console build checked as GUI: problems %q, want the console subsystem and its file name", problems)
	}
	if _, problems, _ := checkPE(exe, "0.2.0", true); len(problems) != 1 || !strings.Contains(problems[0], "GUI subsystem") {
		t.Errorf("GUI build checked as console: problems %q, want one about the GUI subsystem", problems)
	}
	// Only the two subsystem bytes differ.
	a, _ := os.ReadFile(exe)
	b, _ := os.ReadFile(cli)
	diff := 0
	for i := range a {
		if a[i] != b[i] {
			diff++
		}
	}
	if len(a) != len(b) || diff != 1 {
		t.Errorf("console build differs from the GUI build in %d bytes (sizes %d, %d), want 1", diff, len(a), len(b))
	}
	if err := makeConsole(cli, filepath.Join(t.TempDir(), "again.exe")); err == nil {
		t.Error("makeConsole accepted a program that is already a console program")
	}
}

func TestCheckManifest(t *testing.T) {
	// What fyne package 1.7.2 writes: no DPI awareness, no supported OS.
	fyne := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0" xmlns:asmv3="urn:schemas-microsoft-com:asm.v3">
<assemblyIdentity version="0.1.0.1" processorArchitecture="*" name="DCR Wizard" type="win32"/>
</assembly>`
	if p := checkManifest([]byte(fyne)); len(p) != 2 || !strings.Contains(p[0], "PerMonitorV2") || !strings.Contains(p[1], "supportedOS") {
		t.Errorf("fyne's manifest: problems %q, want PerMonitorV2 and supportedOS", p)
	}
	onlyV1 := `<assembly xmlns="urn:schemas-microsoft-com:asm.v1"><compatibility><application><supportedOS Id="{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"/></application></compatibility>
<application><windowsSettings><dpiAwareness>PerMonitor</dpiAwareness></windowsSettings></application></assembly>`
	if p := checkManifest([]byte(onlyV1)); len(p) != 1 || !strings.Contains(p[0], "PerMonitorV2") {
		t.Errorf("PerMonitor only: problems %q, want one about PerMonitorV2", p)
	}
	if p := checkManifest([]byte("<assembly>")); len(p) != 1 || !strings.Contains(p[0], "XML") {
		t.Errorf("broken XML: problems %q, want one", p)
	}
}

func TestNumericVersion(t *testing.T) {
	for in, want := range map[string]string{
		"0.2.0": "0.2.0.0", "0.2.0+g1234567": "0.2.0.0", "1.2.3+gabc.dirty": "1.2.3.0", "1.2": "1.2.0.0", "2.0.1-rc1": "2.0.1.0",
	} {
		if got := dotted(numericVersion(in)); got != want {
			t.Errorf("numericVersion(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestIconFile(t *testing.T) {
	// The committed .ico is what winres.sh links in.
	b, err := os.ReadFile(filepath.Join("..", "..", "assets", "dcrwizard.ico"))
	if err != nil {
		t.Fatal(err)
	}
	// An .ico file's directory is a GRPICONDIR with 16-byte entries; the
	// width byte sits at the same place.
	if len(b) < 6 {
		t.Fatal("assets/dcrwizard.ico is cut short")
	}
	n := int(b[4])
	var sizes []int
	for i := range n {
		w := int(b[6+16*i])
		if w == 0 {
			w = 256
		}
		sizes = append(sizes, w)
	}
	if got := fmt.Sprint(sizes); got != "[16 24 32 48 256]" {
		t.Errorf("assets/dcrwizard.ico sizes %s, want [16 24 32 48 256]", got)
	}
}
