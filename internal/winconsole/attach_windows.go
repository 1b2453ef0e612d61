//go:build windows

package winconsole

import (
	"os"
	"syscall"

	"golang.org/x/sys/windows"
)

// attachParentProcess is ATTACH_PARENT_PROCESS ((DWORD)-1).
const attachParentProcess = ^uint32(0)

var procAttachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

// Attach attaches to the parent process's console, when there is one, and
// opens CONIN$/CONOUT$ for each of stdin, stdout and stderr that is not
// already a valid handle. Handles that are valid — a pipe, a redirect to a
// file, the console build's own console, a test harness — are left alone,
// so `dcrwizard.exe list > out.txt` still writes to out.txt. It reports
// whether it attached. Started from Explorer there is no parent console and
// nothing happens: no window appears.
func Attach() bool {
	std := []struct {
		id   uint32
		file **os.File
		sys  *syscall.Handle
		name string
		mode uint32
	}{
		{windows.STD_INPUT_HANDLE, &os.Stdin, &syscall.Stdin, "CONIN$", windows.GENERIC_READ | windows.GENERIC_WRITE},
		{windows.STD_OUTPUT_HANDLE, &os.Stdout, &syscall.Stdout, "CONOUT$", windows.GENERIC_READ | windows.GENERIC_WRITE},
		{windows.STD_ERROR_HANDLE, &os.Stderr, &syscall.Stderr, "CONOUT$", windows.GENERIC_READ | windows.GENERIC_WRITE},
	}
	missing := false
	for _, s := range std {
		missing = missing || !valid(s.id)
	}
	if !missing {
		return false
	}
	if r, _, _ := procAttachConsole.Call(uintptr(attachParentProcess)); r == 0 {
		return false // started from Explorer, or the parent has no console
	}
	reopenedErr := false
	for _, s := range std {
		if valid(s.id) {
			continue
		}
		name, _ := windows.UTF16PtrFromString(s.name)
		h, err := windows.CreateFile(name, s.mode, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE,
			nil, windows.OPEN_EXISTING, 0, 0)
		if err != nil {
			continue
		}
		_ = windows.SetStdHandle(s.id, h)
		*s.sys = syscall.Handle(h)
		*s.file = os.NewFile(uintptr(h), s.name)
		reopenedErr = reopenedErr || s.id == windows.STD_ERROR_HANDLE
	}
	if reopenedErr {
		// cmd has already printed its next prompt (it does not wait for a
		// GUI program): start on a fresh line rather than after it.
		_, _ = os.Stderr.WriteString("\r\n")
	}
	return true
}

// valid reports whether the standard handle id refers to something: a
// console, file, pipe or character device.
func valid(id uint32) bool {
	h, err := windows.GetStdHandle(id)
	if err != nil || h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}
