//go:build !ci && !wasm && !js && !test_web_driver && !mobile && !android && !ios

package ui

import (
	"math"
	"os"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// screenWorkArea is the primary screen's work area (without taskbar, dock
// or menu bar) in Fyne's logical units, or false when it cannot be known.
// Fyne has no API for it; GLFW (which Fyne's desktop driver runs on, and
// has initialised by the time a window exists) has. Call it on the main
// goroutine, after the window is made.
func screenWorkArea(a fyne.App, win fyne.Window) (fyne.Size, bool) {
	if _, ok := win.(driver.NativeWindow); !ok {
		return fyne.Size{}, false // not the desktop driver (tests): no GLFW
	}
	mon := glfw.GetPrimaryMonitor()
	if mon == nil {
		return fyne.Size{}, false
	}
	_, _, wPx, hPx := mon.GetWorkarea()
	if wPx <= 0 || hPx <= 0 {
		return fyne.Size{}, false
	}
	scale := glfwCanvasScale(a, mon)
	return fyne.NewSize(float32(wPx)/scale, float32(hPx)/scale), true
}

// glfwCanvasScale is the scale Fyne's desktop driver will give a window on
// mon (its calculateScale): the system's scale times the user's, rounded
// to a tenth. macOS scales textures instead, so its coordinates are
// logical already.
func glfwCanvasScale(a fyne.App, mon *glfw.Monitor) float32 {
	system := float32(1)
	switch runtime.GOOS {
	case "darwin":
	case "windows":
		system, _ = mon.GetContentScale()
	default:
		system = detectedScale(mon)
	}
	s := float32(math.Round(float64(system*fyneUserScale(a)*10)) / 10)
	if s <= 0 {
		return 1
	}
	return s
}

// detectedScale is Fyne's DPI-based scale on X11 (baseline 120 dpi).
func detectedScale(mon *glfw.Monitor) float32 {
	switch strings.ToLower(os.Getenv("FYNE_DISABLE_DPI_DETECTION")) {
	case "1", "t", "true":
		return 1
	}
	mm, _ := mon.GetPhysicalSize()
	mode := mon.GetVideoMode()
	if mode == nil || mm <= 0 {
		return 1
	}
	dpi := float32(mode.Width) / (float32(mm) / 25.4)
	if dpi > 1000 || dpi < 10 {
		return 1
	}
	if s := dpi / 120; s > 1 {
		return s
	}
	return 1
}
