package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"io"
	"os/exec"
	"path"
	"slices"
	"strings"

	"dcrwizard/setupfile"
)

const (
	debDesktop = "usr/share/applications/au.dcrwizard.DCRWizard.desktop"
	debMIME    = "usr/share/mime/packages/dcrwizard.xml"
	debIcon    = "au.dcrwizard.DCRWizard"
)

// debIconSizes are the hicolor sizes the package installs.
var debIconSizes = []int{16, 24, 32, 48, 64, 128, 256, 512}

// debRunTime are packages the program needs: GL and X11 (Fyne's GLFW
// window), and what GLFW opens at run time for cursors, monitor scaling and
// input (scripts/package.sh deb_dlopen_pkgs).
var debRunTime = []string{"libc6", "libgl1", "libx11-6", "libxcursor1", "libxi6", "libxrandr2"}

// checkDeb returns a summary and the problems of the Debian package.
// version "" skips comparing the version.
func checkDeb(name, version string) (string, []string, error) {
	ctl, err := exec.Command("dpkg-deb", "-f", name).Output()
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", nil, errors.New("dpkg-deb not found (package dpkg)")
		}
		return "", nil, fmt.Errorf("not a Debian package (dpkg-deb -f: %w)", err)
	}
	fsys, err := exec.Command("dpkg-deb", "--fsys-tarfile", name).Output()
	if err != nil {
		return "", nil, fmt.Errorf("dpkg-deb --fsys-tarfile: %w", err)
	}
	files, err := readDebFiles(fsys)
	if err != nil {
		return "", nil, err
	}
	fields := parseControl(string(ctl))
	var p problems
	checkDebControl(&p, fields, version)
	checkDebFiles(&p, files)
	return fmt.Sprintf("%s %s %s, %d files, depends %s", fields["Package"], fields["Version"], fields["Architecture"],
		len(files), fields["Depends"]), p, nil
}

// debFile is one entry of the package's data: its mode, owner and contents.
type debFile struct {
	mode       int64
	uid, gid   int
	typeflag   byte
	data       []byte
	linkTarget string
}

func readDebFiles(fsys []byte) (map[string]debFile, error) {
	files := map[string]debFile{}
	tr := tar.NewReader(bytes.NewReader(fsys))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the package's files: %w", err)
		}
		data, err := io.ReadAll(io.LimitReader(tr, 64<<20))
		if err != nil {
			return nil, err
		}
		name := strings.TrimPrefix(path.Clean(h.Name), "./")
		files[name] = debFile{mode: h.Mode & 0o7777, uid: h.Uid, gid: h.Gid, typeflag: h.Typeflag, data: data, linkTarget: h.Linkname}
	}
}

// parseControl reads "Field: value" lines; continuation lines are kept.
func parseControl(s string) map[string]string {
	out := map[string]string{}
	last := ""
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, " ") && last != "" {
			out[last] += "\n" + l
			continue
		}
		if k, v, ok := strings.Cut(l, ":"); ok {
			last = k
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

// depNames lists the package names of a Depends/Recommends field, with
// alternatives and version constraints dropped.
func depNames(field string) []string {
	var out []string
	for _, dep := range strings.Split(field, ",") {
		for _, alt := range strings.Split(dep, "|") {
			n, _, _ := strings.Cut(strings.TrimSpace(alt), " ")
			n, _, _ = strings.Cut(n, "(")
			if n != "" {
				out = append(out, n)
			}
		}
	}
	return out
}

func checkDebControl(p *problems, f map[string]string, version string) {
	if f["Package"] != "dcrwizard" {
		p.addf("Package %q, want dcrwizard", f["Package"])
	}
	if version != "" && f["Version"] != version {
		p.addf("Version %q, want %q (what `dcrwizard version` prints)", f["Version"], version)
	}
	if !strings.Contains(f["Maintainer"], "@") {
		p.addf("Maintainer %q has no e-mail address", f["Maintainer"])
	}
	deps := depNames(f["Depends"])
	for _, want := range debRunTime {
		if !slices.Contains(deps, want) {
			p.addf("Depends lacks %s, which the program needs to start: %q", want, f["Depends"])
		}
	}
	if !slices.Contains(depNames(f["Recommends"]), "gnome-keyring") {
		p.addf("Recommends lacks a Secret Service (gnome-keyring): %q", f["Recommends"])
	}
	if f["Description"] == "" || !strings.Contains(f["Description"], "\n") {
		p.addf("Description has no long description")
	}
}

func checkDebFiles(p *problems, files map[string]debFile) {
	for name, f := range files {
		if f.uid != 0 || f.gid != 0 {
			p.addf("%s is owned by %d:%d, want root (dpkg-deb --root-owner-group)", name, f.uid, f.gid)
		}
	}
	bin, ok := files["usr/bin/dcrwizard"]
	if !ok || bin.mode != 0o755 {
		p.addf("no /usr/bin/dcrwizard with mode 0755")
	}
	for _, doc := range []string{"usr/share/doc/dcrwizard/copyright", "usr/share/doc/dcrwizard/changelog.gz", debNotices} {
		if f, ok := files[doc]; !ok || len(f.data) == 0 || f.mode != 0o644 {
			p.addf("no /%s (mode 0644)", doc)
		}
	}
	if c := string(files["usr/share/doc/dcrwizard/copyright"].data); !strings.Contains(c, "License: Expat") {
		p.addf("the copyright file does not give the licence (Expat, the MIT licence)")
	} else if !strings.Contains(c, "THIRD-PARTY-NOTICES") {
		p.addf("the copyright file does not point to the licences of the software built in (THIRD-PARTY-NOTICES)")
	}
	for _, n := range debIconSizes {
		name := fmt.Sprintf("usr/share/icons/hicolor/%dx%d/apps/%s.png", n, n, debIcon)
		f, ok := files[name]
		if !ok {
			p.addf("no icon /%s", name)
			continue
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(f.data))
		if err != nil || format != "png" || cfg.Width != n || cfg.Height != n {
			p.addf("/%s is not a %d×%d PNG", name, n, n)
		}
	}
	mimeType, globs := checkMIMEXML(p, files[debMIME].data)
	if want := setupGlobs(); !slices.Equal(globs, want) {
		p.addf("/%s gives the globs %q, want %q", debMIME, globs, want)
	}
	checkDesktop(p, string(files[debDesktop].data), mimeType)
}

// setupGlobs are the shared-mime-info globs of every setup file name.
func setupGlobs() []string {
	var globs []string
	for _, ext := range setupfile.Extensions() {
		globs = append(globs, "*"+ext)
	}
	return globs
}

// checkMIMEXML returns the MIME type and the globs a shared-mime-info
// package file declares.
func checkMIMEXML(p *problems, b []byte) (mimeType string, globs []string) {
	var doc struct {
		XMLName xml.Name `xml:"http://www.freedesktop.org/standards/shared-mime-info mime-info"`
		Types   []struct {
			Type    string `xml:"type,attr"`
			Comment string `xml:"comment"`
			SubOf   []struct {
				Type string `xml:"type,attr"`
			} `xml:"sub-class-of"`
			Globs []struct {
				Pattern string `xml:"pattern,attr"`
			} `xml:"glob"`
		} `xml:"mime-type"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		p.addf("/%s: not a shared-mime-info file: %v", debMIME, err)
		return "", nil
	}
	if len(doc.Types) != 1 {
		p.addf("/%s: want one MIME type", debMIME)
		return "", nil
	}
	t := doc.Types[0]
	if t.Comment == "" || len(t.SubOf) == 0 || t.SubOf[0].Type != "application/json" {
		p.addf("/%s: %s needs a comment and sub-class-of application/json", debMIME, t.Type)
	}
	for _, g := range t.Globs {
		globs = append(globs, g.Pattern)
	}
	return t.Type, globs
}

// checkDesktop checks the .desktop entry's keys that the package relies on;
// desktop-file-validate checks the rest (scripts/package.sh).
func checkDesktop(p *problems, desktop, mimeType string) {
	if desktop == "" {
		p.addf("no /%s", debDesktop)
		return
	}
	keys := map[string]string{}
	for _, l := range strings.Split(desktop, "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			keys[k] = v
		}
	}
	if exec := strings.Fields(keys["Exec"]); len(exec) < 2 || exec[0] != "dcrwizard" || (exec[1] != "%f" && exec[1] != "%F") {
		p.addf("Exec=%s: want dcrwizard %%f, so an opened setup file reaches the wizard", keys["Exec"])
	}
	if keys["Icon"] != debIcon {
		p.addf("Icon=%s, want %s (the hicolor icons)", keys["Icon"], debIcon)
	}
	if mimeType == "" || !slices.Contains(strings.Split(keys["MimeType"], ";"), mimeType) {
		p.addf("MimeType=%s does not list %q, the setup file's type", keys["MimeType"], mimeType)
	}
}

// debNotices is where the .deb puts the licences of the software built into
// the binary (internal/notices), compressed as Debian's documents are.
const debNotices = "usr/share/doc/dcrwizard/THIRD-PARTY-NOTICES.txt.gz"
