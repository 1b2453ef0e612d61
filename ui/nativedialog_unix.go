//go:build ((linux && !android) || freebsd || openbsd || netbsd) && !ci && !wasm

package ui

import (
	"errors"
	"net/url"
	"os/exec"
	"strings"

	"github.com/rymdport/portal"
	"github.com/rymdport/portal/filechooser"
)

// systemFileDialog asks the XDG desktop portal (what GNOME, KDE and
// Flatpak show), then zenity, then kdialog.
func systemFileDialog(req fileRequest) (string, error) {
	if path, err := portalFileDialog(req); err == nil {
		return path, nil
	}
	for _, tool := range []struct {
		name string
		args func(fileRequest) []string
	}{{"zenity", zenityArgs}, {"kdialog", kdialogArgs}} {
		bin, err := exec.LookPath(tool.name)
		if err != nil {
			continue
		}
		out, err := exec.Command(bin, tool.args(req)...).Output()
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 1 {
			return "", nil // cancelled
		}
		if err != nil {
			continue
		}
		return strings.TrimRight(string(out), "\r\n"), nil
	}
	return "", errNoNativeDialog
}

// portalFileDialog uses org.freedesktop.portal.FileChooser over D-Bus.
func portalFileDialog(req fileRequest) (string, error) {
	parent := ""
	if req.parent != 0 {
		parent = portal.FormatX11WindowHandle(req.parent)
	}
	var filters []*filechooser.Filter
	if len(req.filter.exts) > 0 {
		f := &filechooser.Filter{Name: req.filter.name}
		for _, g := range req.filter.globs() {
			f.Rules = append(f.Rules, filechooser.Rule{Type: filechooser.GlobPattern, Pattern: g})
		}
		filters = append(filters, f)
	}
	filters = append(filters, &filechooser.Filter{Name: "All files", Rules: []filechooser.Rule{{Type: filechooser.GlobPattern, Pattern: "*"}}})
	var uris []string
	var err error
	if req.save {
		uris, err = filechooser.SaveFile(parent, req.title, &filechooser.SaveFileOptions{
			Filters: filters, CurrentFilter: filters[0], CurrentFolder: req.dir, CurrentName: req.name})
	} else {
		uris, err = filechooser.OpenFile(parent, req.title, &filechooser.OpenFileOptions{
			Filters: filters, CurrentFilter: filters[0], CurrentFolder: req.dir})
	}
	if err != nil {
		return "", err
	}
	if len(uris) == 0 {
		return "", nil
	}
	u, err := url.Parse(uris[0])
	if err != nil || u.Scheme != "file" {
		return "", errNoNativeDialog
	}
	return u.Path, nil
}
