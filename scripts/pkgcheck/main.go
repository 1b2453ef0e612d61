// Command pkgcheck inspects the programs we ship, so CI fails before a practice
// downloads something broken:
//
//	pkgcheck pe   FILE.exe [VERSION]  Windows: GUI subsystem (no console window),
//	                        an icon with 16-256 px images, a manifest (PerMonitorV2
//	                        DPI awareness, Windows 10/11), a version resource
//	                        (VERSION as text and as numbers, company, description,
//	                        copyright, original file name), stripped, and no MinGW
//	                        DLLs a PC would lack
//	pkgcheck pe-console FILE.exe [VERSION]  the same for the console build
//	                        (subsystem console; OriginalFilename names the GUI build)
//	pkgcheck make-console IN.exe OUT.exe  copies IN with the subsystem set to console
//	pkgcheck elf  FILE      Linux: stripped (no symbol table, no DWARF), and no
//	                        newer glibc than Ubuntu 22.04 LTS has
//	pkgcheck png  FILE      an icon: a square PNG of at least 256 px
//	pkgcheck msi  FILE.msi [VERSION]  the Windows Installer package (msiinfo):
//	                        per-user with a per-machine option, both programs,
//	                        Start menu, Apps & features, the setup file
//	                        association, PATH, SETUPFILE, upgrades
//	pkgcheck deb  FILE.deb [VERSION]  the Debian package: control fields, files,
//	                        .desktop MIME type matching the shared-mime-info XML,
//	                        hicolor icons, copyright
//	pkgcheck glibc FILE     prints the newest glibc symbol version FILE needs
//	pkgcheck plist FILE     a macOS Info.plist declares the setup file type
//	pkgcheck plist-doctypes FILE  adds that declaration to FILE (fyne's Info.plist)
//
// It prints what it found and exits 1 on any problem.
package main

import (
	"debug/elf"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	_ "image/png" // the icons are PNG
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// PE constants (winnt.h).
const (
	subsystemWindowsGUI = 2
	subsystemWindowsCUI = 3
	dirEntryResource    = 2
	rtIcon              = 3
	rtGroupIcon         = 14
	rtVersion           = 16
	rtManifest          = 24
)

var resourceNames = map[uint32]string{
	rtIcon: "RT_ICON", rtGroupIcon: "RT_GROUP_ICON", rtVersion: "RT_VERSION", rtManifest: "RT_MANIFEST",
}

func main() {
	if len(os.Args) == 4 && os.Args[1] == "make-console" {
		if err := makeConsole(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintf(os.Stderr, "pkgcheck: %v\n", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) == 3 && (os.Args[1] == "glibc" || os.Args[1] == "plist-doctypes") {
		if err := tool(os.Args[1], os.Args[2]); err != nil {
			fmt.Fprintf(os.Stderr, "pkgcheck: %s: %v\n", os.Args[2], err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) != 3 && len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: pkgcheck pe|pe-console|elf|png|msi|deb|plist FILE [VERSION]; pkgcheck make-console IN.exe OUT.exe; pkgcheck glibc|plist-doctypes FILE")
		os.Exit(2)
	}
	version := ""
	if len(os.Args) == 4 {
		version = os.Args[3]
	}
	check := map[string]func(string) (string, []string, error){
		"pe":         func(n string) (string, []string, error) { return checkPE(n, version, false) },
		"pe-console": func(n string) (string, []string, error) { return checkPE(n, version, true) },
		"elf":        checkELF, "png": checkPNG,
		"msi":   func(n string) (string, []string, error) { return checkMSI(n, version) },
		"deb":   func(n string) (string, []string, error) { return checkDeb(n, version) },
		"plist": checkPlistFile,
	}[os.Args[1]]
	if check == nil {
		fmt.Fprintf(os.Stderr, "pkgcheck: unknown kind %q (want pe, pe-console, elf, png, msi, deb or plist)\n", os.Args[1])
		os.Exit(2)
	}
	name := os.Args[2]
	summary, problems, err := check(name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pkgcheck: %s: %v\n", name, err)
		os.Exit(1)
	}
	fmt.Printf("%s: %s\n", filepath.Base(name), summary)
	for _, p := range problems {
		fmt.Fprintf(os.Stderr, "pkgcheck: %s: %s\n", name, p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}

// tool runs the commands that print or write rather than check.
func tool(what, name string) error {
	switch what {
	case "glibc":
		f, err := elf.Open(name)
		if err != nil {
			return fmt.Errorf("not a Linux executable: %w", err)
		}
		defer f.Close()
		v, err := neededGLIBC(f)
		if err != nil {
			return err
		}
		if v == "" {
			return errors.New("needs no glibc symbol version")
		}
		fmt.Println(v)
		return nil
	default: // plist-doctypes
		return addDocumentTypes(name)
	}
}

// checkPE returns a one-line summary and the problems found in a Windows
// executable. version "" skips comparing the version resource's numbers;
// console is true for the console build (dcrwizard-cli), whose resources are
// the GUI build's.
func checkPE(name, version string, console bool) (string, []string, error) {
	f, err := pe.Open(name)
	if err != nil {
		return "", nil, fmt.Errorf("not a Windows executable: %w", err)
	}
	defer f.Close()
	var problems []string

	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok || f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		return "", nil, errors.New("not a 64-bit x86 (amd64) executable")
	}
	switch {
	case console && oh.Subsystem == subsystemWindowsCUI, !console && oh.Subsystem == subsystemWindowsGUI:
	case console && oh.Subsystem == subsystemWindowsGUI:
		problems = append(problems, "GUI subsystem: cmd and PowerShell would not wait for the console build (pkgcheck make-console)")
	case oh.Subsystem == subsystemWindowsCUI:
		problems = append(problems, "console subsystem: a black console window would open beside the app (link with -H=windowsgui)")
	default:
		problems = append(problems, fmt.Sprintf("unexpected subsystem %d, want %d (Windows GUI)", oh.Subsystem, subsystemWindowsGUI))
	}

	types := map[uint32]int{}
	var rsrc []byte
	if len(oh.DataDirectory) > dirEntryResource && oh.DataDirectory[dirEntryResource].Size > 0 {
		rsrc, err = sectionAt(f, oh.DataDirectory[dirEntryResource].VirtualAddress)
		if err != nil {
			return "", nil, err
		}
		if types, err = resourceTypes(rsrc); err != nil {
			return "", nil, err
		}
	}
	if types[rtGroupIcon] == 0 || types[rtIcon] == 0 {
		problems = append(problems, "no icon resource (RT_GROUP_ICON and RT_ICON): Explorer would show a blank program icon")
	}
	fileName := filepath.Base(name)
	if console {
		fileName = "" // a copy of the GUI build: its OriginalFilename names that one
	}
	more, notes := []string{"no manifest (RT_MANIFEST)", "no version resource (RT_VERSION)"}, ""
	if rsrc != nil {
		if more, notes, err = checkResourceContents(f, rsrc, version, fileName); err != nil {
			return "", nil, err
		}
	}
	problems = append(problems, more...)

	if f.NumberOfSymbols != 0 || hasDWARF(peSectionNames(f)) {
		problems = append(problems, "not stripped (link with -s -w)")
	}

	libs, err := importedDLLs(f)
	if err != nil {
		return "", nil, err
	}
	for _, l := range libs {
		// System DLLs never start with "lib"; MinGW's runtime DLLs all do
		// (libgcc_s_seh-1, libwinpthread-1, libssp-0, libstdc++-6).
		if strings.HasPrefix(l, "lib") {
			problems = append(problems, fmt.Sprintf("needs %s, which a Windows PC does not have (link it statically)", l))
		}
	}

	subsystem := map[uint16]string{subsystemWindowsGUI: "GUI", subsystemWindowsCUI: "console"}[oh.Subsystem]
	if subsystem == "" {
		subsystem = fmt.Sprint(oh.Subsystem)
	}
	if notes != "" {
		notes = ", " + notes
	}
	return fmt.Sprintf("amd64, subsystem %s, resources %s%s, imports %s",
		subsystem, describeResources(types), notes, strings.Join(libs, " ")), problems, nil
}

// importedDLLs lists the DLLs the program loads at start, lower-cased and
// sorted. (pe.File.ImportedLibraries is not implemented for PE; the imported
// symbols come as "name:dll".)
func importedDLLs(f *pe.File) ([]string, error) {
	syms, err := f.ImportedSymbols()
	if err != nil {
		return nil, fmt.Errorf("reading the imported DLLs: %w", err)
	}
	seen := map[string]bool{}
	var dlls []string
	for _, s := range syms {
		_, dll, ok := strings.Cut(s, ":")
		if dll = strings.ToLower(dll); ok && !seen[dll] {
			seen[dll] = true
			dlls = append(dlls, dll)
		}
	}
	sort.Strings(dlls)
	return dlls, nil
}

// sectionAt returns the data of the section holding the relative virtual
// address rva, from that address on.
func sectionAt(f *pe.File, rva uint32) ([]byte, error) {
	for _, s := range f.Sections {
		if rva >= s.VirtualAddress && rva < s.VirtualAddress+max(s.VirtualSize, s.Size) {
			data, err := s.Data()
			if err != nil {
				return nil, fmt.Errorf("reading section %s: %w", s.Name, err)
			}
			off := rva - s.VirtualAddress
			if int(off) >= len(data) {
				return nil, fmt.Errorf("resource directory at %#x lies outside the data of section %s", rva, s.Name)
			}
			return data[off:], nil
		}
	}
	return nil, fmt.Errorf("no section holds the resource directory at %#x", rva)
}

// resourceTypes walks the root of a PE resource directory (IMAGE_RESOURCE_DIRECTORY
// followed by its entries) and returns, for each numeric resource type, how many
// resources of that type it holds. rsrc starts at the root directory; the
// offsets inside it are relative to that start.
func resourceTypes(rsrc []byte) (map[uint32]int, error) {
	named, ids, err := dirHeader(rsrc, 0)
	if err != nil {
		return nil, err
	}
	types := map[uint32]int{}
	for i := range named + ids {
		e := 16 + 8*i
		name := binary.LittleEndian.Uint32(rsrc[e:])
		target := binary.LittleEndian.Uint32(rsrc[e+4:])
		if name&0x80000000 != 0 {
			continue // a type given by name, not one of the RT_* numbers
		}
		if target&0x80000000 == 0 {
			return nil, fmt.Errorf("resource type %d points at data, not at a directory of resources", name)
		}
		n, m, err := dirHeader(rsrc, int(target&0x7fffffff))
		if err != nil {
			return nil, fmt.Errorf("resource type %d: %w", name, err)
		}
		types[name] += n + m
	}
	return types, nil
}

// dirHeader reads the entry counts of the resource directory at off and checks
// that its entries lie inside rsrc.
func dirHeader(rsrc []byte, off int) (named, ids int, err error) {
	if off < 0 || off+16 > len(rsrc) {
		return 0, 0, fmt.Errorf("resource directory at offset %d is outside the %d-byte resource section", off, len(rsrc))
	}
	named = int(binary.LittleEndian.Uint16(rsrc[off+12:]))
	ids = int(binary.LittleEndian.Uint16(rsrc[off+14:]))
	if off+16+8*(named+ids) > len(rsrc) {
		return 0, 0, fmt.Errorf("resource directory at offset %d claims %d entries, more than the section holds", off, named+ids)
	}
	return named, ids, nil
}

func describeResources(types map[uint32]int) string {
	if len(types) == 0 {
		return "none"
	}
	keys := make([]uint32, 0, len(types))
	for k := range types {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	var parts []string
	for _, k := range keys {
		n := resourceNames[k]
		if n == "" {
			n = fmt.Sprintf("type %d", k)
		}
		parts = append(parts, fmt.Sprintf("%s×%d", n, types[k]))
	}
	return strings.Join(parts, " ")
}

func peSectionNames(f *pe.File) []string {
	var names []string
	for _, s := range f.Sections {
		names = append(names, s.Name)
	}
	return names
}

// hasDWARF reports whether any section carries debug information.
func hasDWARF(names []string) bool {
	for _, n := range names {
		if strings.HasPrefix(n, ".debug_") || strings.HasPrefix(n, ".zdebug_") {
			return true
		}
	}
	return false
}

// checkELF returns a summary and the problems found in a Linux executable.
func checkELF(name string) (string, []string, error) {
	f, err := elf.Open(name)
	if err != nil {
		return "", nil, fmt.Errorf("not a Linux executable: %w", err)
	}
	defer f.Close()
	var names []string
	symtab := false
	for _, s := range f.Sections {
		names = append(names, s.Name)
		symtab = symtab || s.Type == elf.SHT_SYMTAB
	}
	var problems []string
	if symtab || hasDWARF(names) {
		problems = append(problems, "not stripped (link with -s -w)")
	}
	glibc, err := neededGLIBC(f)
	if err != nil {
		return "", nil, err
	}
	if glibc != "" && versionLess(maxGLIBC, glibc) {
		problems = append(problems, fmt.Sprintf("needs glibc %s, newer than the %s of the oldest systems we support (build on an older distribution)", glibc, maxGLIBC))
	}
	if glibc == "" {
		glibc = "none"
	}
	return fmt.Sprintf("%s %s, %d sections, needs glibc %s", f.Class, f.Machine, len(f.Sections), glibc), problems, nil
}

// maxGLIBC is the glibc of Ubuntu 22.04 LTS, the oldest Linux the README promises.
const maxGLIBC = "2.35"

// neededGLIBC returns the highest GLIBC_x.y symbol version the program
// imports, or "" for a static program.
func neededGLIBC(f *elf.File) (string, error) {
	syms, err := f.ImportedSymbols()
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		return "", fmt.Errorf("reading the imported symbols: %w", err)
	}
	highest := ""
	for _, s := range syms {
		v, ok := strings.CutPrefix(s.Version, "GLIBC_")
		if ok && (highest == "" || versionLess(highest, v)) {
			highest = v
		}
	}
	return highest, nil
}

// versionLess compares dotted numeric versions such as 2.9 and 2.34.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int // a missing or non-numeric part counts as 0
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// checkPNG returns a summary and the problems found in an icon file.
func checkPNG(name string) (string, []string, error) {
	r, err := os.Open(name)
	if err != nil {
		return "", nil, err
	}
	defer r.Close()
	cfg, format, err := image.DecodeConfig(r)
	if err != nil {
		return "", nil, fmt.Errorf("not an image: %w", err)
	}
	var problems []string
	if format != "png" {
		problems = append(problems, fmt.Sprintf("a %s image, want PNG", format))
	}
	if cfg.Width != cfg.Height || cfg.Width < 256 {
		problems = append(problems, fmt.Sprintf("%d×%d px, want a square of at least 256 px", cfg.Width, cfg.Height))
	}
	return fmt.Sprintf("%s %d×%d", format, cfg.Width, cfg.Height), problems, nil
}
