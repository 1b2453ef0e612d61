// Command icongen draws the DCR Wizard icon (a white key on a blue tile with a
// green tick) as a 512 px PNG. Shapes are signed-distance functions, so edges
// are anti-aliased without an imaging library.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

type rgba struct{ r, g, b float64 }

// over blends colour c with coverage a onto dst.
func over(dst rgba, c rgba, a float64) rgba {
	return rgba{dst.r*(1-a) + c.r*a, dst.g*(1-a) + c.g*a, dst.b*(1-a) + c.b*a}
}

func coverage(d float64) float64 { return math.Max(0, math.Min(1, 0.5-d)) }

func circle(x, y, cx, cy, r float64) float64 { return math.Hypot(x-cx, y-cy) - r }

func roundRect(x, y, x0, y0, x1, y1, r float64) float64 {
	cx, cy := (x0+x1)/2, (y0+y1)/2
	hx, hy := (x1-x0)/2-r, (y1-y0)/2-r
	dx, dy := math.Abs(x-cx)-hx, math.Abs(y-cy)-hy
	return math.Hypot(math.Max(dx, 0), math.Max(dy, 0)) + math.Min(math.Max(dx, dy), 0) - r
}

func capsule(x, y, ax, ay, bx, by, r float64) float64 {
	px, py, vx, vy := x-ax, y-ay, bx-ax, by-ay
	h := math.Max(0, math.Min(1, (px*vx+py*vy)/(vx*vx+vy*vy)))
	return math.Hypot(px-vx*h, py-vy*h) - r
}

func main() {
	out := flag.String("o", "icon.png", "output file")
	size := flag.Int("size", 512, "edge in pixels")
	ico := flag.String("ico", "", "also write a Windows icon `FILE` with the 16, 24, 32, 48 and 256 px images")
	flag.Parse()
	if err := writePNG(*out, draw(*size)); err != nil {
		log.Fatal(err)
	}
	if *ico != "" {
		if err := writeICO(*ico, icoSizes); err != nil {
			log.Fatal(err)
		}
	}
}

// draw renders the icon at n×n pixels. Each size is drawn from the shapes,
// not scaled down from the big image, so the small ones stay sharp.
func draw(n int) *image.NRGBA {
	s := float64(n) / 512
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	white := rgba{1, 1, 1}
	green := rgba{0.16, 0.62, 0.31}
	for py := 0; py < n; py++ {
		for px := 0; px < n; px++ {
			x, y := (float64(px)+0.5)/s, (float64(py)+0.5)/s
			t := y / 512
			bg := rgba{0.04 + 0.0*t, 0.33 + 0.12*t, 0.62 - 0.08*t}
			tile := coverage(roundRect(x, y, 16, 16, 496, 496, 104) * s)
			c := bg
			// Key: a ring, a shaft and two teeth.
			ring := math.Max(circle(x, y, 176, 232, 92), -circle(x, y, 176, 232, 44))
			shaft := roundRect(x, y, 248, 214, 440, 252, 8)
			tooth1 := roundRect(x, y, 352, 240, 380, 300, 6)
			tooth2 := roundRect(x, y, 404, 240, 432, 316, 6)
			key := math.Min(ring, math.Min(shaft, math.Min(tooth1, tooth2)))
			c = over(c, white, coverage(key*s))
			// Tick badge, with a ring of the tile colour to separate it from the key.
			c = over(c, bg, coverage(circle(x, y, 368, 372, 104)*s))
			c = over(c, green, coverage(circle(x, y, 368, 372, 88)*s))
			tick := math.Min(capsule(x, y, 322, 374, 354, 408, 14), capsule(x, y, 354, 408, 416, 338, 14))
			c = over(c, white, coverage(tick*s))
			img.SetNRGBA(px, py, color.NRGBA{uint8(c.r*255 + 0.5), uint8(c.g*255 + 0.5), uint8(c.b*255 + 0.5), uint8(tile*255 + 0.5)})
		}
	}
	return img
}

func encodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writePNG(name string, img image.Image) error {
	data, err := encodePNG(img)
	if err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}

// icoSizes are the images Windows asks for: 16 (title bar, small icons),
// 24, 32 and 48 (Explorer views, 100-200 % scaling) and 256 (large icons).
var icoSizes = []int{16, 24, 32, 48, 256}

// writeICO writes an ICO file (ICONDIR, one ICONDIRENTRY per image, then the
// images). Every image is stored as PNG, which Windows Vista and later read
// at any size.
func writeICO(name string, sizes []int) error {
	var images [][]byte
	for _, n := range sizes {
		data, err := encodePNG(draw(n))
		if err != nil {
			return err
		}
		images = append(images, data)
	}
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	le([]uint16{0, 1, uint16(len(sizes))}) // reserved, type 1 = icon, count
	offset := 6 + 16*len(sizes)
	for i, n := range sizes {
		dim := uint8(n % 256)       // 0 means 256
		le([]uint8{dim, dim, 0, 0}) // width, height, palette size, reserved
		le([]uint16{1, 32})         // colour planes, bits per pixel
		le([]uint32{uint32(len(images[i])), uint32(offset)})
		offset += len(images[i])
	}
	for _, img := range images {
		b.Write(img)
	}
	return os.WriteFile(name, b.Bytes(), 0o644)
}
