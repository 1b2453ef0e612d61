package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The .deb's .desktop file and MIME type file (packaging/linux) agree: the
// desktop entry opens the type the XML gives *.dcrwizard and *.dcrwizard.json.
func TestPackagingLinuxFilesAgree(t *testing.T) {
	desktop, err := os.ReadFile("../../packaging/linux/au.dcrwizard.DCRWizard.desktop")
	if err != nil {
		t.Fatal(err)
	}
	mime, err := os.ReadFile("../../packaging/linux/dcrwizard-mime.xml")
	if err != nil {
		t.Fatal(err)
	}
	var p problems
	typ, globs := checkMIMEXML(&p, mime)
	checkDesktop(&p, string(desktop), typ)
	if len(p) > 0 || typ != setupMIMEType || !slices.Equal(globs, []string{"*.dcrwizard", "*.dcrwizard.json"}) {
		t.Fatalf("type %q globs %q problems %q", typ, globs, p)
	}
	// A desktop entry for another type, or one that drops the file, is caught.
	for _, bad := range []string{
		strings.Replace(string(desktop), setupMIMEType, "application/json", 1),
		strings.Replace(string(desktop), "Exec=dcrwizard %f", "Exec=dcrwizard", 1),
	} {
		var p problems
		if checkDesktop(&p, bad, typ); len(p) == 0 {
			t.Errorf("no problem with:\n%s", bad)
		}
	}
}

func TestCheckDebControl(t *testing.T) {
	good := map[string]string{
		"Package": "dcrwizard", "Version": "0.1.0+g1234567", "Maintainer": "A <a@example.com>",
		"Depends": "libc6 (>= 2.34), libgl1, libx11-6, libxcursor1, libxi6, libxrandr2", "Recommends": "gnome-keyring | keepassxc",
		"Description": "register software\n more",
	}
	var p problems
	if checkDebControl(&p, good, "0.1.0+g1234567"); len(p) > 0 {
		t.Fatalf("problems with a good control file: %q", p)
	}
	for field, bad := range map[string]string{
		"Version": "0.1.0", "Depends": "libc6 (>= 2.34), libx11-6, libxcursor1, libxi6, libxrandr2", "Recommends": "", "Maintainer": "A",
	} {
		c := map[string]string{}
		for k, v := range good {
			c[k] = v
		}
		c[field] = bad
		var p problems
		if checkDebControl(&p, c, "0.1.0+g1234567"); !containsAll(p, field) {
			t.Errorf("%s %q: problems %q", field, bad, p)
		}
	}
}

// checkDeb reads a real .deb (dpkg-deb): one with the files in place
// passes; one lacking an icon size does not.
func TestCheckDebReadsPackage(t *testing.T) {
	needTools(t, "dpkg-deb")
	build := func(t *testing.T, skipIcon int) string {
		dir := t.TempDir()
		root := filepath.Join(dir, "root")
		write := func(name string, b []byte, mode os.FileMode) {
			t.Helper()
			p := filepath.Join(root, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, mode); err != nil {
				t.Fatal(err)
			}
		}
		read := func(name string) []byte {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		write("usr/bin/dcrwizard", []byte("#!/bin/sh\n"), 0o755)
		write(debDesktop, read("../../packaging/linux/au.dcrwizard.DCRWizard.desktop"), 0o644)
		write(debMIME, read("../../packaging/linux/dcrwizard-mime.xml"), 0o644)
		write("usr/share/doc/dcrwizard/copyright", []byte("Comment: THIRD-PARTY-NOTICES\nFiles: *\nLicense: Expat\n"), 0o644)
		write("usr/share/doc/dcrwizard/changelog.gz", []byte("x"), 0o644)
		write(debNotices, []byte("x"), 0o644)
		for _, n := range debIconSizes {
			if n == skipIcon {
				continue
			}
			var b bytes.Buffer
			if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, n, n))); err != nil {
				t.Fatal(err)
			}
			write(fmt.Sprintf("usr/share/icons/hicolor/%dx%d/apps/%s.png", n, n, debIcon), b.Bytes(), 0o644)
		}
		write("DEBIAN/control", []byte("Package: dcrwizard\nVersion: 0.2.0\nArchitecture: amd64\n"+
			"Maintainer: A <a@example.com>\nDepends: libc6 (>= 2.34), libgl1, libx11-6, libxcursor1, libxi6, libxrandr2\nRecommends: gnome-keyring\n"+
			"Description: x\n long\n"), 0o644)
		deb := filepath.Join(dir, "x.deb")
		if out, err := exec.Command("dpkg-deb", "--build", "--root-owner-group", root, deb).CombinedOutput(); err != nil {
			t.Fatalf("dpkg-deb: %v\n%s", err, out)
		}
		return deb
	}
	if _, p, err := checkDeb(build(t, 0), "0.2.0"); err != nil || len(p) > 0 {
		t.Fatalf("a complete package: %v %q", err, p)
	}
	if _, p, _ := checkDeb(build(t, 48), "0.2.0"); !containsAll(p, "48x48") {
		t.Errorf("no 48 px icon: %q", p)
	}
	if _, p, _ := checkDeb(build(t, 0), "0.2.1"); !containsAll(p, "Version") {
		t.Errorf("a 0.2.0 package passes as 0.2.1: %q", p)
	}
}
