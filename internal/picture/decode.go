package picture

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/tiff"
)

// plane is a grayscale image of float32 samples, 0 black to 1 white.
type plane struct {
	w, h int
	p    []float32
}

func newPlane(w, h int) *plane { return &plane{w: w, h: h, p: make([]float32, w*h)} }

func (g *plane) at(x, y int) float32 { return g.p[y*g.w+x] }

// bilinear samples g at (x, y) in pixel-centre coordinates (pixel i
// covers [i, i+1) and its value sits at i+0.5), clamping at the border.
func (g *plane) bilinear(x, y float64) float64 {
	x -= 0.5
	y -= 0.5
	if x < 0 {
		x = 0
	}
	if y < 0 {
		y = 0
	}
	mx, my := float64(g.w-1), float64(g.h-1)
	if x > mx {
		x = mx
	}
	if y > my {
		y = my
	}
	x0, y0 := int(x), int(y)
	fx, fy := x-float64(x0), y-float64(y0)
	x1, y1 := x0+1, y0+1
	if x1 >= g.w {
		x1 = x0
	}
	if y1 >= g.h {
		y1 = y0
	}
	r0 := g.p[y0*g.w:]
	r1 := g.p[y1*g.w:]
	a := float64(r0[x0]) + fx*float64(r0[x1]-r0[x0])
	b := float64(r1[x0]) + fx*float64(r1[x1]-r1[x0])
	return a + fy*(b-a)
}

// decode turns PNG, JPEG or TIFF data into a grayscale plane, refusing
// anything else, anything malformed, and anything larger than
// [MaxPixels] before decoding its pixels.
func decode(data []byte) (g *plane, format string, err error) {
	format = Sniff(data)
	var (
		config func([]byte) (image.Config, error)
		full   func([]byte) (image.Image, error)
	)
	switch format {
	case "png":
		config = func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
		full = func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
	case "jpeg":
		config = func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
		full = func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
	case "tiff":
		config = func(b []byte) (image.Config, error) { return tiff.DecodeConfig(bytes.NewReader(b)) }
		full = func(b []byte) (image.Image, error) { return tiff.Decode(bytes.NewReader(b)) }
	default:
		return nil, format, ErrFormat
	}
	// A decoder of untrusted data that panics is a malformed image, not
	// a crash of the command.
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, fmt.Errorf("%w: %s decoder: %v", ErrMalformed, format, r)
		}
	}()
	cfg, err := config(data)
	if err != nil {
		return nil, format, fmt.Errorf("%w: %s: %v", ErrMalformed, format, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, format, fmt.Errorf("%w: %s: empty image (%dx%d)", ErrMalformed, format, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, format, fmt.Errorf("%w: %dx%d pixels, at most %d million accepted", ErrTooLarge, cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	img, err := full(data)
	if err != nil {
		return nil, format, fmt.Errorf("%w: %s: %v", ErrMalformed, format, err)
	}
	b := img.Bounds()
	if int64(b.Dx())*int64(b.Dy()) > MaxPixels || b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, format, fmt.Errorf("%w: %s: decoded size %dx%d differs from its header", ErrMalformed, format, b.Dx(), b.Dy())
	}
	g = toPlane(img)
	if format == "jpeg" {
		g = orient(g, jpegOrientation(data))
	}
	return g, format, nil
}

// toPlane converts img to luma (Rec. 601, as JPEG's Y), 0..1.
func toPlane(img image.Image) *plane {
	b := img.Bounds()
	g := newPlane(b.Dx(), b.Dy())
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < g.h; y++ {
			row := m.Pix[(y)*m.Stride:]
			for x := 0; x < g.w; x++ {
				g.p[y*g.w+x] = float32(row[x]) / 255
			}
		}
	case *image.YCbCr:
		for y := 0; y < g.h; y++ {
			row := m.Y[y*m.YStride:]
			for x := 0; x < g.w; x++ {
				g.p[y*g.w+x] = float32(row[x]) / 255
			}
		}
	case *image.RGBA:
		// Premultiplied: composite over white by adding the missing alpha.
		for y := 0; y < g.h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < g.w; x++ {
				p := row[4*x : 4*x+4]
				l := 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2]) + float64(255-p[3])
				g.p[y*g.w+x] = float32(min(l/255, 1))
			}
		}
	case *image.NRGBA:
		for y := 0; y < g.h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < g.w; x++ {
				p := row[4*x : 4*x+4]
				a := float64(p[3]) / 255
				l := (0.299*float64(p[0])+0.587*float64(p[1])+0.114*float64(p[2]))*a + 255*(1-a)
				g.p[y*g.w+x] = float32(min(l/255, 1))
			}
		}
	default:
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				r, gg, bb, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				// Transparent pixels are paper: composite over white.
				l := (0.299*float64(r) + 0.587*float64(gg) + 0.114*float64(bb) + float64(0xffff-a)) / 0xffff
				g.p[y*g.w+x] = float32(min(l, 1))
			}
		}
	}
	return g
}
