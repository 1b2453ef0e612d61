package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// The system's own file dialogs: tax agents expect their Open dialog, with
// a box to type or paste a path, a visible filter, and their folders.
// Windows: the common Open/Save dialog (comdlg32, no cgo); macOS: the
// Finder dialog through osascript; Linux and BSD: the XDG desktop portal
// (GNOME, KDE, Flatpak), else zenity, else kdialog. The fallback, and what
// tests use, is the wizard's own Open dialog, which takes a typed path
// (opendialog.go), and Fyne's Save dialog.

// errNoNativeDialog: this system has no file dialog we can show; use Fyne's.
var errNoNativeDialog = errors.New("no system file dialog")

// fileRequest is one file dialog.
type fileRequest struct {
	title  string
	save   bool
	dir    string // start folder; "" for the system's choice
	name   string // suggested file name (save)
	filter fileFilter
	parent uintptr // the window's native handle (HWND, X11 window), 0 if unknown
}

// fileFilter names the files offered; no extensions means all files.
type fileFilter struct {
	name string
	exts []string // with the dot: ".xml"
}

// nativeFileFunc shows a system dialog and blocks until it closes. It
// returns the chosen path, "" when the user cancelled, or errNoNativeDialog.
type nativeFileFunc func(req fileRequest) (string, error)

// nativeHandle is the window's native handle, for the dialog's owner. Call
// it on the UI goroutine.
func nativeHandle(win fyne.Window) (uintptr, bool) {
	nw, ok := win.(driver.NativeWindow)
	if !ok {
		return 0, false
	}
	var h uintptr
	nw.RunNative(func(ctx any) {
		switch c := ctx.(type) {
		case driver.WindowsWindowContext:
			h = c.HWND
		case driver.X11WindowContext:
			h = c.WindowHandle
		case driver.MacWindowContext:
			h = c.NSWindow
		}
	})
	return h, true
}

// globs is the filter's patterns, each extension in lower and upper case
// (Linux file names are case-sensitive; ATO files come as .XML too).
func (f fileFilter) globs() []string {
	var out []string
	for _, e := range f.exts {
		out = append(out, "*"+strings.ToLower(e), "*"+strings.ToUpper(e))
	}
	return out
}

// zenityArgs is the zenity command line for req.
func zenityArgs(req fileRequest) []string {
	args := []string{"--file-selection", "--title=" + req.title}
	start := req.dir
	if start != "" {
		start += string(filepath.Separator)
	}
	if req.save {
		args = append(args, "--save", "--confirm-overwrite")
		start += req.name
	}
	if start != "" {
		args = append(args, "--filename="+start)
	}
	if len(req.filter.exts) > 0 {
		args = append(args, "--file-filter="+req.filter.name+" | "+strings.Join(req.filter.globs(), " "))
	}
	return append(args, "--file-filter=All files | *")
}

// kdialogArgs is the kdialog command line for req.
func kdialogArgs(req fileRequest) []string {
	start := req.dir
	if start == "" {
		start = "."
	}
	if req.save {
		return []string{"--title", req.title, "--getsavefilename", filepath.Join(start, req.name)}
	}
	filter := "*"
	if len(req.filter.exts) > 0 {
		filter = strings.Join(req.filter.globs(), " ") + "|" + req.filter.name
	}
	return []string{"--title", req.title, "--getopenfilename", start, filter}
}

// appleScript is the osascript program for req; it prints the POSIX path.
func appleScript(req fileRequest) string {
	q := func(s string) string { return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"` }
	var b strings.Builder
	if req.save {
		b.WriteString("set f to choose file name with prompt " + q(req.title))
		if req.name != "" {
			b.WriteString(" default name " + q(req.name))
		}
	} else {
		b.WriteString("set f to choose file with prompt " + q(req.title))
		if len(req.filter.exts) > 0 {
			var types []string
			for _, e := range req.filter.exts {
				types = append(types, q(strings.TrimPrefix(strings.ToLower(e), ".")))
			}
			b.WriteString(" of type {" + strings.Join(types, ", ") + "}")
		}
	}
	if req.dir != "" {
		b.WriteString(" default location (POSIX file " + q(req.dir) + ")")
	}
	b.WriteString("\nPOSIX path of f")
	return b.String()
}

// windowsFilter is req's filter as the common dialog takes it: pairs of
// NUL-terminated display name and pattern list, ending in an extra NUL.
func windowsFilter(f fileFilter) []uint16 {
	var s strings.Builder
	if len(f.exts) > 0 {
		var pats []string
		for _, e := range f.exts {
			pats = append(pats, "*"+strings.ToLower(e))
		}
		p := strings.Join(pats, ";")
		s.WriteString(f.name + " (" + p + ")\x00" + p + "\x00")
	}
	s.WriteString("All files (*.*)\x00*.*\x00\x00")
	return utf16.Encode([]rune(s.String()))
}

// startFolder is where a file dialog opens: the first of folders that
// exists, else Documents, else the home folder.
func startFolder(folders ...string) string {
	home, _ := os.UserHomeDir()
	for _, d := range append(folders, filepath.Join(home, "Documents"), home) {
		if d == "" {
			continue
		}
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
	}
	return ""
}
