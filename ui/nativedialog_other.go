//go:build ci || wasm || js || android || ios || !(windows || darwin || linux || freebsd || openbsd || netbsd)

package ui

// systemFileDialog: none here; Fyne's dialog is used.
func systemFileDialog(fileRequest) (string, error) { return "", errNoNativeDialog }
