package ui

import (
	"encoding/binary"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// ttfTable is the offset of table tag in ttf.
func ttfTable(t *testing.T, ttf []byte, tag string) int {
	t.Helper()
	n := int(binary.BigEndian.Uint16(ttf[4:6]))
	for i := range n {
		rec := ttf[12+16*i : 28+16*i]
		if string(rec[0:4]) == tag {
			return int(binary.BigEndian.Uint32(rec[8:12]))
		}
	}
	t.Fatalf("no %s table", tag)
	return 0
}

// glyphBottom is how far below the baseline the glyph for r reaches, in
// font units, read from the font's cmap (format 4), loca and glyf tables.
func glyphBottom(t *testing.T, ttf []byte, r rune) (bottom, ascent, upem int) {
	t.Helper()
	u16 := func(o int) int { return int(binary.BigEndian.Uint16(ttf[o : o+2])) }
	i16 := func(o int) int { return int(int16(binary.BigEndian.Uint16(ttf[o : o+2]))) }
	head, hhea := ttfTable(t, ttf, "head"), ttfTable(t, ttf, "hhea")
	upem, ascent = u16(head+18), i16(hhea+4)
	cmap := ttfTable(t, ttf, "cmap")
	gid := -1
	for i := range u16(cmap + 2) {
		sub := cmap + int(binary.BigEndian.Uint32(ttf[cmap+4+8*i+4:]))
		if u16(sub) != 4 {
			continue
		}
		segs := u16(sub+6) / 2
		ends, starts := sub+14, sub+16+2*segs
		deltas, ranges := starts+2*segs, starts+4*segs
		for s := range segs {
			if int(r) > u16(ends+2*s) || int(r) < u16(starts+2*s) {
				continue
			}
			if ro := u16(ranges + 2*s); ro != 0 {
				gid = u16(ranges + 2*s + ro + 2*(int(r)-u16(starts+2*s)))
			} else {
				gid = (int(r) + u16(deltas+2*s)) & 0xffff
			}
			break
		}
		break
	}
	if gid < 0 {
		t.Fatalf("no glyph for %q", r)
	}
	loca, glyf := ttfTable(t, ttf, "loca"), ttfTable(t, ttf, "glyf")
	var off int
	if i16(head+50) == 1 {
		off = int(binary.BigEndian.Uint32(ttf[loca+4*gid:]))
	} else {
		off = 2 * u16(loca+2*gid)
	}
	return -i16(glyf + off + 4), ascent, upem
}

// Fyne's GL painter draws each text into a texture ceil(height x scale)
// pixels tall with the baseline at ceil(ascent x scale): the underscore
// must end inside it at every scale, or a keychain name such as
// ".../registration_access_token" is read out without its underscores.
func TestMonospaceUnderscoreKeptAtEveryScale(t *testing.T) {
	a := test.NewTempApp(t)
	for _, c := range []struct {
		name  string
		theme fyne.Theme
		want  bool
	}{{"Fyne's own (the bug)", theme.DefaultTheme(), false}, {"the wizard's", newWizardTheme(theme.DefaultTheme()), true}} {
		a.Settings().SetTheme(c.theme)
		ttf := c.theme.Font(fyne.TextStyle{Monospace: true}).Content()
		bottom, ascent, upem := glyphBottom(t, ttf, '_')
		allKept := true
		for _, size := range []float32{theme.TextSize(), theme.CaptionTextSize()} {
			h := fyne.MeasureText("_", size, fyne.TextStyle{Monospace: true}).Height
			for _, scale := range []float64{1, 1.25, 1.5, 1.75, 2, 2.5} {
				px := float64(size) * scale / float64(upem)
				baseline := math.Ceil(float64(ascent) * px)
				texture := math.Ceil(float64(h) * scale)
				if end := baseline + float64(bottom)*px; end > texture {
					allKept = false
					if c.want {
						t.Errorf("%s at %v pt, %v %%: the underscore ends at %.2f px, below the %v px the text is drawn in",
							c.name, size, scale*100, end, texture)
					}
				}
			}
		}
		if !c.want && allKept {
			t.Logf("%s keeps underscores at every scale: this test no longer shows the bug", c.name)
		}
	}
}
