package assets

import (
	"bytes"
	"image/png"
	"testing"
)

// The window's icon is decoded before the window's first frame: it must be
// a PNG, and no bigger than the largest place it is drawn needs.
func TestWindowIcon(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(WindowIconPNG))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 128 || b.Dy() != 128 {
		t.Errorf("window icon is %dx%d, want 128x128", b.Dx(), b.Dy())
	}
}
