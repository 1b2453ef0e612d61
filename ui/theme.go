package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// colorNameFocusRing and colorNameFocusRingInner are the two-colour
// outline drawn round the focused button or check (see focus.go): Fyne's
// own focus cue is a faint tint, invisible on the blue primary button. The
// two colours are at least 9:1 apart, so one of them is at least 3:1
// against any colour next to it, the page and every button's fill
// (WCAG technique C40).
const (
	colorNameFocusRing      fyne.ThemeColorName = "dcrwizardFocusRing"
	colorNameFocusRingInner fyne.ThemeColorName = "dcrwizardFocusRingInner"
)

// wizardTheme is Fyne's theme with the colours a tax agent must be able to
// read replaced: in Fyne's light theme the success green is about 1.5:1
// against white, orange warnings 2.2:1 and disabled text 1.3:1. Every text
// colour here has a contrast of at least 4.5:1 against the background it
// is drawn on, and the focus ring at least 3:1 (WCAG 2.1 AA); see
// TestThemeContrast. Light or dark follows the system (the variant Fyne
// passes in).
type wizardTheme struct{ fyne.Theme }

// newWizardTheme wraps base (Fyne's default theme in the program).
func newWizardTheme(base fyne.Theme) fyne.Theme {
	if t, ok := base.(*wizardTheme); ok {
		return t
	}
	return &wizardTheme{base}
}

var (
	lightColors = map[fyne.ThemeColorName]color.Color{
		theme.ColorNameForeground:          rgb(0x1f, 0x1f, 0x1f),
		theme.ColorNamePrimary:             rgb(0x1d, 0x4e, 0xd8), // blue 700: 6.7:1 on white, white on it too
		theme.ColorNameHyperlink:           rgb(0x1a, 0x45, 0xc0),
		theme.ColorNameForegroundOnPrimary: rgb(0xff, 0xff, 0xff),
		theme.ColorNameSuccess:             rgb(0x1b, 0x6e, 0x2e),
		theme.ColorNameForegroundOnSuccess: rgb(0xff, 0xff, 0xff),
		theme.ColorNameWarning:             rgb(0x9a, 0x4a, 0x00),
		theme.ColorNameForegroundOnWarning: rgb(0xff, 0xff, 0xff),
		theme.ColorNameError:               rgb(0xb7, 0x1c, 0x1c),
		theme.ColorNameForegroundOnError:   rgb(0xff, 0xff, 0xff),
		theme.ColorNamePlaceHolder:         rgb(0x5f, 0x5f, 0x5f),
		theme.ColorNameDisabled:            rgb(0x5f, 0x5f, 0x5f),
		theme.ColorNameInputBorder:         rgb(0x76, 0x76, 0x76), // the Practice tick box was a faint square
		theme.ColorNameFocus:               color.NRGBA{R: 0x1d, G: 0x4e, B: 0xd8, A: 0x40},
		colorNameFocusRing:                 rgb(0x0b, 0x1f, 0x4d), // navy: 15.9:1 on white
		colorNameFocusRingInner:            rgb(0xff, 0xff, 0xff), // against the blue button
	}
	darkColors = map[fyne.ThemeColorName]color.Color{
		theme.ColorNamePrimary:             rgb(0x8a, 0xb4, 0xff),
		theme.ColorNameHyperlink:           rgb(0x9c, 0xc0, 0xff),
		theme.ColorNameForegroundOnPrimary: rgb(0x10, 0x10, 0x12),
		theme.ColorNameSuccess:             rgb(0x5c, 0xd6, 0x6a),
		theme.ColorNameWarning:             rgb(0xff, 0xad, 0x33),
		theme.ColorNameError:               rgb(0xff, 0x7b, 0x72),
		theme.ColorNamePlaceHolder:         rgb(0xa8, 0xa8, 0xa8),
		theme.ColorNameDisabled:            rgb(0x9a, 0x9a, 0x9a),
		theme.ColorNameInputBorder:         rgb(0x8a, 0x8a, 0x8a),
		theme.ColorNameFocus:               color.NRGBA{R: 0x8a, G: 0xb4, B: 0xff, A: 0x40},
		colorNameFocusRing:                 rgb(0xe8, 0xf0, 0xff),
		colorNameFocusRingInner:            rgb(0x10, 0x10, 0x10), // against the light blue button
	}
)

func rgb(r, g, b uint8) color.Color { return color.NRGBA{R: r, G: g, B: b, A: 0xff} }

// Color is the wizard's colour for n, else Fyne's.
func (t *wizardTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	m := lightColors
	if t.dark(v) {
		m = darkColors
	}
	if c, ok := m[n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}

// dark reports whether v is drawn dark. A variant other than Fyne's two
// (test drivers have one) follows the base theme's background.
func (t *wizardTheme) dark(v fyne.ThemeVariant) bool {
	switch v {
	case theme.VariantDark:
		return true
	case theme.VariantLight:
		return false
	}
	r, g, b, _ := t.Theme.Color(theme.ColorNameBackground, v).RGBA()
	return r+g+b < 3*0x8000
}
