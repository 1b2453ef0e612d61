package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/internal/safetext"
)

// openDialog is the Open dialog used where the system has none (see
// nativedialog.go). Unlike Fyne's it takes a typed or pasted path: Enter
// in the path box opens the file, or goes into the folder and keeps the
// focus there, so a file is a few keystrokes away. The folder's list
// below works with the arrow keys, Space and Enter too.
type openDialog struct {
	k      *kit
	d      *dialog.CustomDialog
	exts   []string
	dir    string
	items  []dirItem
	gen    int // bumped per folder read, so a stale listing is dropped
	path   *keyEntry
	msg    *widget.Label
	list   *keyList
	listAt *fyne.Container
	pick   func(string)
	done   bool
}

// dirItem is one row of the folder's list.
type dirItem struct {
	name string // ".." for the folder above
	dir  bool
}

// fyneOpenDialog asks for an existing file with one of exts, starting in
// dir; pick gets its path (not called on Cancel).
func (k *kit) fyneOpenDialog(exts []string, dir string, pick func(path string)) {
	o := &openDialog{k: k, exts: exts, pick: pick}
	o.path = k.newEntry("A file or folder, for example " + filepath.Join(startFolder(), "keystore.xml"))
	o.path.OnSubmitted = func(string) { o.submit() }
	o.path.OnChanged = func(string) { o.msg.Hide() } // the message was about the old text
	o.path.onEscape = o.cancel
	o.msg = errPara("")
	o.msg.Hide()
	o.listAt = container.NewStack()
	open := k.newButtonWithIcon("Open", theme.FolderOpenIcon(), o.submit)
	open.Importance = widget.HighImportance
	cancel := k.newButtonWithIcon("Cancel", theme.CancelIcon(), o.cancel)
	open.onEscape, cancel.onEscape = o.cancel, o.cancel
	top := container.NewVBox(
		para("Type or paste the path of the file, or of a folder, and press Enter; or choose from the list."),
		o.path, o.msg)
	title, _ := fileDialogText(exts)
	// The box first, then the list: Tab goes in reading order.
	body := container.New(layout.NewBorderLayout(top, nil, nil, nil), top, o.listAt)
	o.d = dialog.NewCustomWithoutButtons(title, body, k.win)
	o.d.SetButtons([]fyne.CanvasObject{cancel, open})
	o.d.SetOnClosed(func() { o.done = true })
	o.d.Resize(k.dialogSize())
	o.d.Show()
	o.enter(dir, false)
	k.win.Canvas().Focus(o.path)
}

// submit opens what the path box names: a file is chosen, a folder
// entered.
func (o *openDialog) submit() {
	p := strings.Trim(strings.TrimSpace(o.path.Text), `"'`) // "Copy as path" adds quotes
	if p == "" {
		return
	}
	if strings.HasPrefix(p, "~") {
		if home, err := os.UserHomeDir(); err == nil {
			p = home + p[1:]
		}
	}
	if !filepath.IsAbs(p) && o.dir != "" {
		p = filepath.Join(o.dir, p)
	}
	fi, err := os.Stat(p)
	switch {
	case err != nil:
		o.msg.SetText("There is no file or folder " + safetext.Line(p) + ". Check the path, or choose from the list.")
		o.msg.Show()
	case fi.IsDir():
		o.enter(p, false)
	default:
		o.choose(p)
	}
}

func (o *openDialog) choose(path string) {
	if o.done {
		return
	}
	o.done = true
	o.d.Hide()
	o.pick(filepath.Clean(path))
}

func (o *openDialog) cancel() {
	o.done = true
	o.d.Hide()
}

// enter shows folder dir; the focus stays where it was (the path box, or
// the list when it was used), and the path box names the folder, ready for
// a file name to be typed after it.
func (o *openDialog) enter(dir string, fromList bool) {
	dir = filepath.Clean(dir)
	o.dir = dir
	o.path.SetText(strings.TrimSuffix(dir, string(filepath.Separator)) + string(filepath.Separator))
	o.path.CursorColumn = len([]rune(o.path.Text))
	o.msg.Hide()
	o.gen++
	gen, exts := o.gen, o.exts
	o.k.background(func() func() {
		items, err := readFolder(dir, exts)
		return func() {
			if gen != o.gen || o.done {
				return
			}
			if err != nil {
				o.msg.SetText("This folder cannot be read: " + safetext.Line(err.Error()))
				o.msg.Show()
			}
			o.show(items, fromList)
		}
	})
}

// show replaces the list with items: a new list, so that its keyboard
// position starts at the top.
func (o *openDialog) show(items []dirItem, focusList bool) {
	o.items = items
	l := &keyList{onEscape: o.cancel}
	l.Length = func() int { return len(o.items) }
	l.CreateItem = func() fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), nil, widget.NewLabel(""))
	}
	l.UpdateItem = func(id widget.ListItemID, c fyne.CanvasObject) {
		if id >= len(o.items) {
			return
		}
		it := o.items[id]
		row := c.(*fyne.Container)
		icon, text := theme.FileIcon(), safetext.Line(it.name)
		switch {
		case it.name == "..":
			icon, text = theme.NavigateBackIcon(), "Up one folder"
		case it.dir:
			icon = theme.FolderIcon()
		}
		row.Objects[1].(*widget.Icon).SetResource(icon)
		row.Objects[0].(*widget.Label).SetText(text)
	}
	l.OnSelected = func(id widget.ListItemID) {
		if id >= len(o.items) {
			return
		}
		it := o.items[id]
		target := filepath.Join(o.dir, it.name)
		if it.dir {
			o.enter(target, true)
			return
		}
		o.choose(target)
	}
	l.ExtendBaseWidget(l)
	o.list = l
	o.listAt.Objects = []fyne.CanvasObject{l}
	o.listAt.Refresh()
	if focusList {
		o.k.win.Canvas().Focus(l)
	}
}

// readFolder lists dir: the folder above, then folders, then the files
// with one of exts (any case), each sorted; hidden ones are left out.
func readFolder(dir string, exts []string) ([]dirItem, error) {
	var items []dirItem
	if parent := filepath.Dir(dir); parent != dir {
		items = append(items, dirItem{name: "..", dir: true})
	}
	entries, err := os.ReadDir(dir)
	var dirs, files []dirItem
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			if fi, err := os.Stat(filepath.Join(dir, name)); err == nil {
				isDir = fi.IsDir()
			}
		}
		switch {
		case isDir:
			dirs = append(dirs, dirItem{name: name, dir: true})
		case len(exts) == 0 || slices.Contains(exts, strings.ToLower(filepath.Ext(name))):
			files = append(files, dirItem{name: name})
		}
	}
	byName := func(a, b dirItem) int { return strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name)) }
	slices.SortFunc(dirs, byName)
	slices.SortFunc(files, byName)
	return append(append(items, dirs...), files...), err
}

// keyList is a List on which Enter, like Space, opens the row under the
// keyboard's position, and Escape closes the dialog it is in (the Open
// dialog's folder, About's licences).
type keyList struct {
	widget.List
	onEscape func()
}

func (l *keyList) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		l.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	case fyne.KeyEscape:
		if l.onEscape != nil {
			l.onEscape()
		}
	default:
		l.List.TypedKey(ev)
	}
}
