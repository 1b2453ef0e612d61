//go:build darwin && !ios && !ci

package ui

import (
	"errors"
	"os/exec"
	"strings"
)

// systemFileDialog is the Finder's Open/Save dialog, through osascript
// (no cgo; always present on macOS).
func systemFileDialog(req fileRequest) (string, error) {
	out, err := exec.Command("/usr/bin/osascript", "-e", appleScript(req)).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if strings.Contains(string(exit.Stderr), "-128") {
			return "", nil // User canceled.
		}
		return "", errNoNativeDialog
	}
	if err != nil {
		return "", errNoNativeDialog
	}
	return strings.TrimRight(string(out), "\r\n"), nil
}
