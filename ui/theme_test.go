package ui

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// relativeLuminance is WCAG 2.1's, of c composited over bg when it is
// translucent.
func relativeLuminance(c, bg color.Color) float64 {
	r, g, b, a := c.RGBA()
	br, bgG, bb, _ := bg.RGBA()
	mix := func(fg, back uint32) float64 {
		af := float64(a) / 0xffff
		v := (float64(fg)/0xffff)*1 + (float64(back)/0xffff)*(1-af) // RGBA is premultiplied
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*mix(r, br) + 0.7152*mix(g, bgG) + 0.0722*mix(b, bb)
}

func contrast(fg, bg color.Color) float64 {
	l1, l2 := relativeLuminance(fg, bg), relativeLuminance(bg, color.Black)
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

// TestThemeContrast computes, from the theme's own colours, the contrast of
// every text colour against what it is drawn on, in light and dark.
func TestThemeContrast(t *testing.T) {
	th := newWizardTheme(theme.DefaultTheme())
	type pair struct {
		what   string
		fg, bg fyne.ThemeColorName // fg focusRing: the better of the ring's two colours
		min    float64
	}
	const focusRing fyne.ThemeColorName = "either focus ring colour"
	const text, ui = 4.5, 3.0
	pairs := []pair{
		{"body text", theme.ColorNameForeground, theme.ColorNameBackground, text},
		{"body text in a dialog", theme.ColorNameForeground, theme.ColorNameOverlayBackground, text},
		{"body text on a button", theme.ColorNameForeground, theme.ColorNameButton, text},
		{"success text", theme.ColorNameSuccess, theme.ColorNameBackground, text},
		{"success text in a dialog", theme.ColorNameSuccess, theme.ColorNameOverlayBackground, text},
		{"warning text", theme.ColorNameWarning, theme.ColorNameBackground, text},
		{"warning text in a dialog", theme.ColorNameWarning, theme.ColorNameOverlayBackground, text},
		{"error text", theme.ColorNameError, theme.ColorNameBackground, text},
		{"error text in a dialog", theme.ColorNameError, theme.ColorNameOverlayBackground, text},
		{"placeholder text", theme.ColorNamePlaceHolder, theme.ColorNameInputBackground, text},
		{"disabled text", theme.ColorNameDisabled, theme.ColorNameBackground, text},
		{"disabled button text", theme.ColorNameDisabled, theme.ColorNameDisabledButton, text},
		{"disabled text in a field", theme.ColorNameDisabled, theme.ColorNameInputBackground, text},
		{"link text", theme.ColorNameHyperlink, theme.ColorNameBackground, text},
		{"primary button text", theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary, text},
		{"success button text", theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess, text},
		{"warning button text", theme.ColorNameForegroundOnWarning, theme.ColorNameWarning, text},
		{"danger button text", theme.ColorNameForegroundOnError, theme.ColorNameError, text},
		{"text field text", theme.ColorNameForeground, theme.ColorNameInputBackground, text},
		{"focus ring", colorNameFocusRing, theme.ColorNameBackground, ui},
		{"focus ring in a dialog", colorNameFocusRing, theme.ColorNameOverlayBackground, ui},
		{"focused field border", theme.ColorNamePrimary, theme.ColorNameBackground, ui},
		{"tick box border", theme.ColorNameInputBorder, theme.ColorNameBackground, ui},
		// The focus indicator next to every button's fill (WCAG 2.2
		// SC 1.4.11), and its two colours 9:1 apart (technique C40).
		{"focus ring round a button", focusRing, theme.ColorNameButton, ui},
		{"focus ring round the primary button", focusRing, theme.ColorNamePrimary, ui},
		{"focus ring round a danger button", focusRing, theme.ColorNameError, ui},
		{"focus ring round a success button", focusRing, theme.ColorNameSuccess, ui},
		{"focus ring round a warning button", focusRing, theme.ColorNameWarning, ui},
		{"focus ring round a field", focusRing, theme.ColorNameInputBackground, ui},
		{"focus ring's two colours", colorNameFocusRingInner, colorNameFocusRing, 9},
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		name := map[fyne.ThemeVariant]string{theme.VariantLight: "light", theme.VariantDark: "dark"}[v]
		for _, p := range pairs {
			t.Run(fmt.Sprintf("%s/%s", name, p.what), func(t *testing.T) {
				bg := th.Color(p.bg, v)
				got := contrast(th.Color(p.fg, v), bg)
				if p.fg == focusRing {
					got = max(contrast(th.Color(colorNameFocusRing, v), bg), contrast(th.Color(colorNameFocusRingInner, v), bg))
				}
				if got < p.min {
					t.Errorf("%s: %s on %s is %.2f:1, want at least %.1f:1", name, p.fg, p.bg, got, p.min)
				}
			})
		}
	}
}

func TestContrastFormula(t *testing.T) {
	if got := contrast(color.Black, color.White); math.Abs(got-21) > 0.01 {
		t.Errorf("black on white = %.2f, want 21", got)
	}
	// Fyne's light success green, as the issue measured it.
	if got := contrast(color.NRGBA{R: 0x43, G: 0xf4, B: 0x36, A: 0xff}, color.White); got > 1.7 {
		t.Errorf("Fyne's green on white = %.2f, want about 1.5", got)
	}
}

// assertNoDisabledText fails when the text containing part under o is drawn
// in a colour below 4.5:1 against the background (as disabled text was).
func assertNoDisabledText(t *testing.T, o fyne.CanvasObject, part string) {
	t.Helper()
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	bg := th.Color(theme.ColorNameBackground, v)
	found := false
	for _, txt := range canvasTexts(o) {
		if !strings.Contains(txt.Text, part) {
			continue
		}
		found = true
		if c := contrast(txt.Color, bg); c < 4.5 {
			t.Errorf("%q is drawn at %.2f:1 against the background, want at least 4.5:1", txt.Text, c)
		}
	}
	if !found {
		t.Errorf("no text %q shown", part)
	}
}

// canvasTexts is every visible canvas.Text drawn under o.
func canvasTexts(o fyne.CanvasObject) []*canvas.Text {
	var out []*canvas.Text
	eachObject(o, func(o fyne.CanvasObject) bool {
		if t, ok := o.(*canvas.Text); ok && t.Visible() {
			out = append(out, t)
		}
		return o.Visible()
	})
	return out
}
