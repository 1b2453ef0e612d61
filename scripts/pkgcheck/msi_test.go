package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needTools skips the test when a packaging tool is missing (CI installs
// them: scripts/install-deps.sh test).
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (scripts/install-deps.sh test installs it)", tool)
		}
	}
}

// buildMSI builds the real package definition (packaging/windows) with
// scripts/msi.sh around two small stand-in programs.
func buildMSI(t *testing.T, version string) string {
	t.Helper()
	needTools(t, "wixl", "msibuild", "msiinfo")
	dir := t.TempDir()
	for _, f := range []string{"gui.exe", "console.exe"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("MZ stand-in "+f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "dcrwizard.msi")
	cmd := exec.Command("../msi.sh", version, filepath.Join(dir, "gui.exe"), filepath.Join(dir, "console.exe"), out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("msi.sh: %v\n%s", err, b)
	}
	return out
}

func TestCheckMSIBuiltPackage(t *testing.T) {
	msi := buildMSI(t, "0.3.1+g1234567.dirty")
	summary, problems, err := checkMSI(msi, "0.3.1+g1234567.dirty")
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Fatalf("problems in the package msi.sh built:\n%s", strings.Join(problems, "\n"))
	}
	if !strings.Contains(summary, "DCR Wizard 0.3.1 ") {
		t.Errorf("summary %q: want ProductVersion 0.3.1 (three numbers)", summary)
	}
	// The version is the program's: another one is a problem.
	_, problems, _ = checkMSI(msi, "0.3.2")
	if !containsAll(problems, "ProductVersion") {
		t.Errorf("a package of 0.3.1 passes as 0.3.2: %q", problems)
	}
}

// Each of msi-tables.sql's fixes undone in turn is caught: what wixl alone
// builds is not the package issue 28 asks for.
func TestCheckMSICatchesWhatWixlAloneMisses(t *testing.T) {
	msi := buildMSI(t, "0.3.1")
	for _, c := range []struct{ query, want string }{
		{"UPDATE `Registry` SET `Root` = 4 WHERE `Root` = -1", "HKMU"},
		{"DELETE FROM `MoveFile`", "SETUPFILE"},
		{"DELETE FROM `Environment`", "PATH"},
		{"DELETE FROM `InstallExecuteSequence` WHERE `Action` = 'MoveFiles'", "lacks MoveFiles"},
		{"UPDATE `Component` SET `Condition` = '' WHERE `Component` = 'CmpPathMachine'", "ALLUSERS"},
		{"DELETE FROM `Upgrade` WHERE `ActionProperty` = 'WIX_UPGRADE_DETECTED'", "MajorUpgrade"},
		{"DELETE FROM `Registry` WHERE `Name` = '-'", `Software\Classes\DCRWizard.SetupFile\-`},
		{"UPDATE `Registry` SET `Value` = '\"[INSTALLDIR]dcrwizard.exe\" \"%1\"' WHERE `Key` = 'Software\\Classes\\DCRWizard.SetupFile\\shell\\open\\command'", "--setup"},
		{"INSERT INTO `RemoveFile` (`FileKey`, `Component_`, `FileName`, `DirProperty`, `InstallMode`) VALUES ('x', 'CmpGui', 'index.json', 'AppDataFolder', 2)", "index.json"},
		{"DELETE FROM `Registry` WHERE `Key` = 'Software\\Classes\\.dcrwizard'", `Software\Classes\.dcrwizard\ = "DCRWizard.SetupFile"`},
		{"UPDATE `Registry` SET `Key` = 'Software\\Classes\\.dcrwizard.json' WHERE `Key` = 'Software\\Classes\\.dcrwizard'", `Software\Classes\.dcrwizard\ = "DCRWizard.SetupFile"`},
		{"DELETE FROM `Shortcut`", "Start-menu shortcut"},
		{"DELETE FROM `Property` WHERE `Property` = 'ARPPRODUCTICON'", "Apps & features"},
	} {
		t.Run(c.want, func(t *testing.T) {
			broken := filepath.Join(t.TempDir(), "broken.msi")
			b, err := os.ReadFile(msi)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(broken, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("msibuild", broken, "-q", c.query).CombinedOutput(); err != nil {
				t.Fatalf("msibuild %s: %v\n%s", c.query, err, out)
			}
			_, problems, err := checkMSI(broken, "0.3.1")
			if err != nil {
				t.Fatal(err)
			}
			if !containsAll(problems, c.want) {
				t.Errorf("after %s: no problem mentioning %q; got %q", c.query, c.want, problems)
			}
		})
	}
}

func TestMSIProductVersion(t *testing.T) {
	for in, want := range map[string]string{"0.1.0": "0.1.0", "1.2.3+g1234567": "1.2.3", "2.0": "2.0.0", "1.2.3.4": "1.2.3", "0.4.0-rc1": "0.4.0"} {
		if got := msiProductVersion(in); got != want {
			t.Errorf("msiProductVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

// containsAll reports whether some problem mentions every word.
func containsAll(problems []string, words ...string) bool {
	for _, p := range problems {
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(p, w)
		}
		if ok {
			return true
		}
	}
	return false
}
