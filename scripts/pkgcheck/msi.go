package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"dcrwizard/setupfile"
)

// The package's fixed identity: a newer package with this UpgradeCode
// replaces an older one (packaging/windows/dcrwizard.wxs).
const (
	msiUpgradeCode = "{68880FCC-162F-4609-A7E7-BC30109C5DAB}"
	msiProgID      = "DCRWizard.SetupFile"
	// The association's open command: the wizard with the file as --setup.
	msiOpenCommand = `"[INSTALLDIR]dcrwizard.exe" --setup "%1"`
)

// msiTable is one table of an MSI database, as msiinfo exports it: rows of
// named columns.
type msiTable []map[string]string

// where returns the rows whose column col equals v.
func (t msiTable) where(col, v string) msiTable {
	var out msiTable
	for _, r := range t {
		if r[col] == v {
			out = append(out, r)
		}
	}
	return out
}

// readMSITable exports one table with msiinfo (msitools). A table the
// package does not have is empty.
func readMSITable(name, table string) (msiTable, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, err
	}
	// msiinfo writes a table's binary columns (the Icon table's icons) into
	// a folder named after the table, in the folder it runs in.
	scratch, err := os.MkdirTemp("", "pkgcheck-msi")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	cmd := exec.Command("msiinfo", "export", abs, table)
	cmd.Dir = scratch
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && strings.Contains(string(ee.Stderr), "not found") {
			return nil, nil
		}
		if errors.Is(err, exec.ErrNotFound) {
			return nil, errors.New("msiinfo not found: install msitools (scripts/install-deps.sh package)")
		}
		return nil, fmt.Errorf("msiinfo export %s: %w", table, err)
	}
	return parseIDT(string(out)), nil
}

// parseIDT reads an exported table: column names, column types, the table
// name and its keys, then one row per line, fields separated by tabs.
func parseIDT(s string) msiTable {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	if len(lines) < 3 {
		return nil
	}
	cols := strings.Split(lines[0], "\t")
	var t msiTable
	for _, l := range lines[3:] {
		if l == "" {
			continue
		}
		f := strings.Split(l, "\t")
		r := map[string]string{}
		for i, c := range cols {
			if i < len(f) {
				r[c] = f[i]
			}
		}
		t = append(t, r)
	}
	return t
}

// msiProductVersion is the MSI ProductVersion for a program version: three
// numbers (Windows Installer compares only those), the .exe's first three.
func msiProductVersion(version string) string {
	v := numericVersion(version)
	return fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2])
}

// longName is the long half of an MSI file name ("SHORT~1.EXE|long.exe").
func longName(s string) string {
	if _, long, ok := strings.Cut(s, "|"); ok {
		return long
	}
	return s
}

// checkMSI returns a summary and the problems of the Windows Installer
// package against what issue 28 asks of it. version "" skips the version.
func checkMSI(name, version string) (string, []string, error) {
	tables := map[string]msiTable{}
	for _, n := range []string{"Property", "Directory", "Component", "File", "Registry", "RemoveFile",
		"Shortcut", "Icon", "Environment", "MoveFile", "Upgrade", "LaunchCondition",
		"InstallExecuteSequence", "CustomAction", "RemoveRegistry"} {
		t, err := readMSITable(name, n)
		if err != nil {
			return "", nil, err
		}
		tables[n] = t
	}
	sum, err := exec.Command("msiinfo", "suminfo", name).Output()
	if err != nil {
		return "", nil, fmt.Errorf("not a Windows Installer package (msiinfo suminfo: %w)", err)
	}
	var p problems
	checkMSIProduct(&p, tables, string(sum), version)
	checkMSIFiles(&p, tables)
	checkMSIAssociation(&p, tables)
	checkMSIPathAndSetup(&p, tables)
	checkMSIUpgrade(&p, tables, version)
	prop := func(k string) string {
		if r := tables["Property"].where("Property", k); len(r) > 0 {
			return r[0]["Value"]
		}
		return ""
	}
	return fmt.Sprintf("%s %s by %s, %d files, %d registry values, per-user (ALLUSERS=1 per-machine)",
		prop("ProductName"), prop("ProductVersion"), prop("Manufacturer"),
		len(tables["File"]), len(tables["Registry"])), p, nil
}

// problems collects what is wrong, in the order found.
type problems []string

func (p *problems) addf(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func checkMSIProduct(p *problems, t map[string]msiTable, suminfo, version string) {
	want := map[string]string{"ProductName": "DCR Wizard", "UpgradeCode": msiUpgradeCode, "ARPNOMODIFY": "1"}
	if version != "" {
		want["ProductVersion"] = msiProductVersion(version)
	}
	for k, v := range want {
		if r := t["Property"].where("Property", k); len(r) == 0 || r[0]["Value"] != v {
			p.addf("property %s is not %q", k, v)
		}
	}
	if r := t["Property"].where("Property", "Manufacturer"); len(r) == 0 || r[0]["Value"] == "" {
		p.addf("no Manufacturer: Apps & features would show no publisher")
	}
	icon := t["Property"].where("Property", "ARPPRODUCTICON")
	if len(icon) == 0 || len(t["Icon"].where("Name", icon[0]["Value"])) == 0 {
		p.addf("no ARPPRODUCTICON naming a row of the Icon table: Apps & features would show no icon")
	}
	if !strings.Contains(suminfo, "Template: x64;") {
		p.addf("summary information: not an x64 package (Template)")
	}
	// Word count bit 8: no elevation needed, so a user without admin rights
	// can install it.
	src := ""
	for _, l := range strings.Split(suminfo, "\n") {
		if v, ok := strings.CutPrefix(l, "Source: "); ok {
			src, _, _ = strings.Cut(v, " ")
		}
	}
	if n, err := strconv.Atoi(src); err != nil || n&8 == 0 {
		p.addf("summary information: word count %q asks for elevation; want a per-user package (InstallScope=\"perUser\")", src)
	}
}

func checkMSIFiles(p *problems, t map[string]msiTable) {
	inDir := func(comp string) string {
		if c := t["Component"].where("Component", comp); len(c) > 0 {
			return c[0]["Directory_"]
		}
		return ""
	}
	for _, f := range []string{"dcrwizard.exe", "dcrwizard.com"} {
		found := false
		for _, r := range t["File"] {
			if longName(r["FileName"]) == f && inDir(r["Component_"]) == "INSTALLDIR" {
				found = true
			}
		}
		if !found {
			p.addf("no %s in INSTALLDIR", f)
		}
	}
	// %LocalAppData%\Programs\DCR Wizard, the per-user programs folder.
	d := t["Directory"].where("Directory", "INSTALLDIR")
	up := t["Directory"].where("Directory", "UserPrograms")
	if len(d) == 0 || d[0]["Directory_Parent"] != "UserPrograms" || longName(d[0]["DefaultDir"]) != "DCR Wizard" ||
		len(up) == 0 || up[0]["Directory_Parent"] != "LocalAppDataFolder" || longName(up[0]["DefaultDir"]) != "Programs" {
		p.addf(`INSTALLDIR is not %%LocalAppData%%\Programs\DCR Wizard`)
	}
	ca := t["CustomAction"].where("Action", "PerMachineDir")
	if len(ca) == 0 || ca[0]["Source"] != "INSTALLDIR" || !strings.HasPrefix(ca[0]["Target"], "[ProgramFiles64Folder]") {
		p.addf("no custom action setting INSTALLDIR to Program Files for ALLUSERS=1")
	} else if s := t["InstallExecuteSequence"].where("Action", "PerMachineDir"); len(s) == 0 || !strings.Contains(s[0]["Condition"], "ALLUSERS") {
		p.addf("PerMachineDir is not scheduled with an ALLUSERS condition")
	}
	sc := t["Shortcut"].where("Directory_", "ProgramMenuFolder")
	if len(sc) != 1 || sc[0]["Target"] != "[INSTALLDIR]dcrwizard.exe" || sc[0]["Icon_"] == "" || longName(sc[0]["Name"]) != "DCR Wizard" {
		p.addf("want one Start-menu shortcut \"DCR Wizard\" to [INSTALLDIR]dcrwizard.exe with an icon, have %d", len(sc))
	}
	// Registrations live in Credential Manager and %AppData%\dcrwizard: an
	// uninstall removes only what it installed.
	for _, r := range t["RemoveFile"] {
		if r["DirProperty"] != "INSTALLDIR" || r["FileName"] != "" {
			p.addf("RemoveFile %s removes %q from %s: only the (empty) install folder may go", r["FileKey"], r["FileName"], r["DirProperty"])
		}
	}
	if len(t["RemoveRegistry"]) > 0 {
		p.addf("RemoveRegistry rows: the package must not delete registry values it did not write")
	}
}

func checkMSIAssociation(p *problems, t map[string]msiTable) {
	want := []struct{ key, name, value string }{
		{`Software\Classes\` + msiProgID + `\shell\open\command`, "", msiOpenCommand},
		{`Software\Classes\` + msiProgID + `\DefaultIcon`, "", `"[INSTALLDIR]dcrwizard.exe",0`},
		{`Software\Classes\` + msiProgID, "FriendlyTypeName", "DCR Wizard setup file"},
		// The name vendors send: Explorer reads only a file's last
		// extension, so this is the one a double-click can open.
		{`Software\Classes\` + setupfile.Extension, "", msiProgID},
		{`Software\Classes\` + setupfile.Extension, "-", ""},
		{`Software\Classes\Applications\dcrwizard.exe\SupportedTypes`, setupfile.Extension, ""},
		{`Software\Classes\.json\OpenWithProgids`, msiProgID, ""},
		{`Software\Classes\` + msiProgID, "-", ""}, // the key goes on uninstall
	}
	for _, w := range want {
		found := false
		for _, r := range t["Registry"] {
			if strings.TrimSuffix(r["Key"], `\`) == w.key && r["Name"] == w.name && r["Value"] == w.value {
				found = true
				if r["Root"] != "-1" {
					p.addf(`registry %s\%s: root %s, want -1 (HKMU: HKCU per-user, HKLM per-machine)`, w.key, w.name, r["Root"])
				}
			}
		}
		if !found {
			p.addf(`no registry value %s\%s = %q`, w.key, w.name, w.value)
		}
	}
	for _, r := range t["Registry"] {
		if r["Root"] != "-1" && !strings.HasPrefix(r["Component_"], "CmpPath") {
			p.addf(`registry %s\%s: root %s, want -1 (HKMU)`, r["Key"], r["Name"], r["Root"])
		}
	}
}

func checkMSIPathAndSetup(p *problems, t map[string]msiTable) {
	cond := func(comp string) string {
		if c := t["Component"].where("Component", comp); len(c) > 0 {
			return c[0]["Condition"]
		}
		return "?"
	}
	for _, w := range []struct{ name, cond string }{{"=-PATH", "NOT ALLUSERS"}, {"=-*PATH", "ALLUSERS"}} {
		r := t["Environment"].where("Name", w.name)
		if len(r) != 1 || r[0]["Value"] != "[~];[INSTALLDIR]" || cond(r[0]["Component_"]) != w.cond {
			p.addf("no Environment row %s = [~];[INSTALLDIR] under the condition %q (the console program on the PATH)", w.name, w.cond)
		}
	}
	m := t["MoveFile"].where("SourceFolder", "SETUPFILE")
	if len(m) != 1 || m[0]["SourceName"] != "" || longName(m[0]["DestName"]) != setupfile.BesideName ||
		m[0]["DestFolder"] != "INSTALLDIR" || m[0]["Options"] != "0" || cond(m[0]["Component_"]) != "" {
		p.addf("no MoveFile row copying the file SETUPFILE names to INSTALLDIR as %s (unconditional component)", setupfile.BesideName)
	}
	for _, a := range []string{"MoveFiles", "WriteEnvironmentStrings", "RemoveEnvironmentStrings", "FindRelatedProducts", "RemoveExistingProducts"} {
		if len(t["InstallExecuteSequence"].where("Action", a)) == 0 {
			p.addf("InstallExecuteSequence lacks %s", a)
		}
	}
}

func checkMSIUpgrade(p *problems, t map[string]msiTable, version string) {
	up := t["Upgrade"].where("ActionProperty", "WIX_UPGRADE_DETECTED")
	if len(up) != 1 || up[0]["UpgradeCode"] != msiUpgradeCode || up[0]["VersionMin"] != "" {
		p.addf("no Upgrade row finding every older version (MajorUpgrade)")
	} else {
		a, _ := strconv.Atoi(up[0]["Attributes"])
		if version != "" && up[0]["VersionMax"] != msiProductVersion(version) || a&512 == 0 || a&2 != 0 {
			p.addf("Upgrade row: VersionMax %q attributes %d; want %s inclusive (512), not detect-only: a same-version build would sit beside this one",
				up[0]["VersionMax"], a, msiProductVersion(version))
		}
	}
	down := t["Upgrade"].where("ActionProperty", "WIX_DOWNGRADE_DETECTED")
	if len(down) != 1 || len(t["LaunchCondition"].where("Condition", "NOT WIX_DOWNGRADE_DETECTED")) == 0 {
		p.addf("no downgrade protection: an older package would replace a newer one")
	}
}
