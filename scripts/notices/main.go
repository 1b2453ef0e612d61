// Command notices writes the licences of the software built into DCR Wizard
// (internal/notices/THIRD-PARTY-NOTICES.txt): every module the program links
// on Linux, Windows and macOS, with the build tags of scripts/build-tags, and
// Go's own. Their licences (BSD, MIT, Apache, zlib, OFL) ask that the notice
// travel with the binary; the program carries it (About, `dcrwizard licences`),
// so every form it is shipped in does too.
//
//	go run ./scripts/notices            rewrite the file
//	go run ./scripts/notices -check     fail when it is not current
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

const out = "internal/notices/THIRD-PARTY-NOTICES.txt"

// systems are the ones DCR Wizard is built for; each links its own modules
// (the keychain, the file dialog).
var systems = []string{"linux", "windows", "darwin"}

// licenceName matches a licence file's name.
var licenceName = regexp.MustCompile(`(?i)^(licen[cs]e|copying|notice|unlicense)([._-].*)?$`)

type module struct {
	path, dir string
	pkgDirs   []string // directories of the packages built from it
}

func main() {
	check := flag.Bool("check", false, "only report whether "+out+" is current")
	flag.Parse()
	got, err := generate(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "notices:", err)
		os.Exit(1)
	}
	if *check {
		have, err := os.ReadFile(out)
		if err != nil || !bytes.Equal(have, got) {
			fmt.Fprintf(os.Stderr, "notices: %s is not current: run go run ./scripts/notices\n", out)
			os.Exit(1)
		}
		return
	}
	if err := os.WriteFile(out, got, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "notices:", err)
		os.Exit(1)
	}
}

// generate lists the modules the program in root links and their licences.
func generate(root string) ([]byte, error) {
	tags, err := os.ReadFile(filepath.Join(root, "scripts", "build-tags"))
	if err != nil {
		return nil, err
	}
	mods := map[string]*module{}
	for _, goos := range systems {
		if err := list(root, goos, strings.TrimSpace(string(tags)), mods); err != nil {
			return nil, err
		}
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %w", err)
	}
	goLicence, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "LICENSE"))
	if err != nil {
		return nil, fmt.Errorf("the licence of Go: %w", err)
	}
	// Modules with the same licence text share it, listed once.
	var order []string
	byText := map[string][]string{}
	add := func(name, text string) {
		text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
		if _, ok := byText[text]; !ok {
			order = append(order, text)
		}
		byText[text] = append(byText[text], name)
	}
	add("Go (its standard library and runtime)", string(goLicence))
	paths := make([]string, 0, len(mods))
	for p := range mods {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		files, err := licenceFiles(mods[p])
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no licence file in %s", p, mods[p].dir)
		}
		for _, f := range files {
			text, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			rel, _ := filepath.Rel(mods[p].dir, f)
			add(p+" ("+filepath.ToSlash(rel)+")", string(text))
		}
	}
	var b strings.Builder
	b.WriteString("DCR Wizard is built from the software named below. Each licence applies\n" +
		"to the software named above it. DCR Wizard's own licence is in LICENSE.\n\n" +
		"This file is written by scripts/notices.\n")
	for _, text := range order {
		b.WriteString("\n" + strings.Repeat("=", 78) + "\n")
		for _, name := range byText[text] {
			b.WriteString(name + "\n")
		}
		b.WriteString(strings.Repeat("-", 78) + "\n" + text + "\n")
	}
	return []byte(b.String()), nil
}

// list adds the modules the program links on goos.
func list(root, goos, tags string, mods map[string]*module) error {
	cmd := exec.Command("go", "list", "-deps", "-tags", tags,
		"-f", "{{with .Module}}{{if not .Main}}{{.Path}}\t{{.Dir}}\t{{$.Dir}}{{end}}{{end}}", ".")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=1")
	cmd.Stderr = os.Stderr
	data, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go list for %s: %w", goos, err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[1] == "" {
			if line != "" {
				return fmt.Errorf("go list for %s: a module without its files: %q", goos, line)
			}
			continue
		}
		m := mods[f[0]]
		if m == nil {
			m = &module{path: f[0], dir: f[1]}
			mods[f[0]] = m
		}
		if !slices.Contains(m.pkgDirs, f[2]) {
			m.pkgDirs = append(m.pkgDirs, f[2])
		}
	}
	return nil
}

// licenceFiles are m's licence files: at its root, in the directories of
// the packages built from it, and in the folders of files those packages
// take in below them (fonts, C sources), not in tests or commands.
func licenceFiles(m *module) ([]string, error) {
	seen := map[string]bool{}
	var files []string
	look := func(dir string) error {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			if !e.IsDir() && licenceName.MatchString(e.Name()) && !seen[p] {
				seen[p] = true
				files = append(files, p)
			}
		}
		return nil
	}
	if err := look(m.dir); err != nil {
		return nil, err
	}
	for _, d := range m.pkgDirs {
		err := filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !e.IsDir() {
				return nil
			}
			switch e.Name() {
			case "testdata", "cmd", "example", "examples", "_examples":
				return filepath.SkipDir
			}
			if p != d && hasGo(p) && !slices.Contains(m.pkgDirs, p) {
				return filepath.SkipDir // another package, not built
			}
			return look(p)
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(files)
	return files, nil
}

// hasGo reports whether dir holds Go files (is a package of its own).
func hasGo(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return len(m) > 0
}
