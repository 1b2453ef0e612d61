//go:build windows && !ci

package ui

import (
	"runtime"
	"syscall"
	"unsafe"
)

var (
	comdlg32             = syscall.NewLazyDLL("comdlg32.dll")
	procGetOpenFileNameW = comdlg32.NewProc("GetOpenFileNameW")
	procGetSaveFileNameW = comdlg32.NewProc("GetSaveFileNameW")
	procCommDlgExtError  = comdlg32.NewProc("CommDlgExtendedError")
	ole32                = syscall.NewLazyDLL("ole32.dll")
	procCoInitializeEx   = ole32.NewProc("CoInitializeEx")
	procCoUninitialize   = ole32.NewProc("CoUninitialize")
)

// openFileNameW is OPENFILENAMEW (commdlg.h).
type openFileNameW struct {
	structSize      uint32
	owner           uintptr
	instance        uintptr
	filter          *uint16
	customFilter    *uint16
	maxCustomFilter uint32
	filterIndex     uint32
	file            *uint16
	maxFile         uint32
	fileTitle       *uint16
	maxFileTitle    uint32
	initialDir      *uint16
	title           *uint16
	flags           uint32
	fileOffset      uint16
	fileExtension   uint16
	defExt          *uint16
	custData        uintptr
	hook            uintptr
	templateName    *uint16
	reserved        uintptr
	reservedDword   uint32
	flagsEx         uint32
}

const (
	ofnOverwritePrompt = 0x2
	ofnHideReadOnly    = 0x4
	ofnNoChangeDir     = 0x8
	ofnPathMustExist   = 0x800
	ofnFileMustExist   = 0x1000
	ofnExplorer        = 0x80000
)

// systemFileDialog is Windows' common Open/Save dialog: a box to type or
// paste a path, the filter shown, the user's places. It runs on its own
// locked thread with COM initialised, owned by the wizard's window.
func systemFileDialog(req fileRequest) (string, error) {
	if comdlg32.Load() != nil {
		return "", errNoNativeDialog
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if r, _, _ := procCoInitializeEx.Call(0, 0x2|0x4); r == 0 || r == 1 { // apartment-threaded, no OLE1
		defer procCoUninitialize.Call()
	}

	buf := make([]uint16, 32768) // long paths
	if req.save && req.name != "" {
		copy(buf, syscall.StringToUTF16(req.name))
	}
	filter := windowsFilter(req.filter)
	ofn := openFileNameW{
		owner:   req.parent,
		filter:  &filter[0],
		file:    &buf[0],
		maxFile: uint32(len(buf)),
		flags:   ofnExplorer | ofnNoChangeDir | ofnHideReadOnly | ofnPathMustExist,
	}
	ofn.structSize = uint32(unsafe.Sizeof(ofn))
	ofn.filterIndex = 1
	title, _ := syscall.UTF16PtrFromString(req.title)
	ofn.title = title
	if req.dir != "" {
		ofn.initialDir, _ = syscall.UTF16PtrFromString(req.dir)
	}
	proc := procGetOpenFileNameW
	if req.save {
		proc = procGetSaveFileNameW
		ofn.flags |= ofnOverwritePrompt
	} else {
		ofn.flags |= ofnFileMustExist
	}
	if r, _, _ := proc.Call(uintptr(unsafe.Pointer(&ofn))); r == 0 {
		if code, _, _ := procCommDlgExtError.Call(); code != 0 {
			return "", errNoNativeDialog
		}
		return "", nil // cancelled
	}
	return syscall.UTF16ToString(buf), nil
}
