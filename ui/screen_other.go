//go:build ci || wasm || js || test_web_driver || mobile || android || ios

package ui

import "fyne.io/fyne/v2"

// screenWorkArea is unknown without the desktop driver.
func screenWorkArea(fyne.App, fyne.Window) (fyne.Size, bool) { return fyne.Size{}, false }
