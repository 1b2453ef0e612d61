package ui

import (
	"encoding/binary"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// monoDescentExtra is added (in font units) to the monospace font's
// descent. Fyne's monospace font (DejaVu Sans Mono) draws "_" down to its
// descent line exactly, and Fyne's GL painter cuts each text at the bottom
// of its line box after rounding to pixels: at 150 % and other fractional
// scales the underscores in keychain names and client ids vanished, and a
// support person reading them out gives the wrong names. A slightly deeper
// line box keeps them whole at every scale.
const monoDescentExtra = 160

// monoFont is Fyne's monospace font with the deeper descent, or nil when
// its tables are not where expected (then Fyne's own is used).
var monoFont = sync.OnceValue(func() fyne.Resource {
	base := theme.DefaultTextMonospaceFont()
	data, ok := deepenDescent(base.Content(), monoDescentExtra)
	if !ok {
		return nil
	}
	return fyne.NewStaticResource("DejaVuSansMono-dcrwizard.ttf", data)
})

// Font is Fyne's, with the monospace face deepened (see monoFont).
func (t *wizardTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace && !s.Symbol {
		if r := monoFont(); r != nil {
			return r
		}
	}
	return t.Theme.Font(s)
}

// deepenDescent returns a copy of the TrueType font ttf with extra units
// added to its line descent (hhea descender and OS/2 usWinDescent, which
// text layout reads), or false when a table is missing.
func deepenDescent(ttf []byte, extra int16) ([]byte, bool) {
	if len(ttf) < 12 {
		return nil, false
	}
	out := append([]byte(nil), ttf...)
	n := int(binary.BigEndian.Uint16(out[4:6]))
	if len(out) < 12+16*n {
		return nil, false
	}
	found := 0
	for i := range n {
		rec := out[12+16*i : 28+16*i]
		off := int(binary.BigEndian.Uint32(rec[8:12]))
		switch string(rec[0:4]) {
		case "hhea":
			if off+8 > len(out) {
				return nil, false
			}
			d := int16(binary.BigEndian.Uint16(out[off+6 : off+8]))
			binary.BigEndian.PutUint16(out[off+6:off+8], uint16(d-extra))
			found++
		case "OS/2":
			if off+78 > len(out) {
				return nil, false
			}
			d := binary.BigEndian.Uint16(out[off+76 : off+78])
			binary.BigEndian.PutUint16(out[off+76:off+78], d+uint16(extra))
			found++
		}
	}
	return out, found == 2
}
