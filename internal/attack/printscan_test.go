package attack

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"
)

func TestPrintScanDeterministic(t *testing.T) {
	page := dotsPage(600, 800, 4, [][2]int{{100, 100}, {300, 400}, {500, 700}})
	a := PrintScan(page, rand.New(rand.NewPCG(3, 3)), PrintScanOptions{})
	b := PrintScan(page, rand.New(rand.NewPCG(3, 3)), PrintScanOptions{})
	c := PrintScan(page, rand.New(rand.NewPCG(3, 4)), PrintScanOptions{})
	if !bytes.Equal(a, b) {
		t.Errorf("two scans with one seed differ")
	}
	if bytes.Equal(a, c) {
		t.Errorf("scans with two seeds are the same")
	}
	if _, err := jpegDecode(a); err != nil {
		t.Errorf("not a JPEG: %v", err)
	}
}

// decodeGrayPNG decodes a PNG PrintScan or Photo wrote.
func decodeGrayPNG(t *testing.T, b []byte) *image.Gray {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img.(*image.Gray)
}

// TestPrintScanGeometry scans a 600 dpi page of dots at 300 dpi, unturned
// and unshifted: the scan is half the size and each dot is where the
// scale puts it.
func TestPrintScanGeometry(t *testing.T) {
	dots := [][2]int{{100, 100}, {500, 120}, {300, 400}, {90, 700}, {520, 690}}
	page := dotsPage(600, 800, 4, dots)
	opt := PrintScanOptions{MaxRotateDeg: -1, MaxShift: -1, Paper: -1, Noise: -1, JPEGQuality: -1}
	scan := decodeGrayPNG(t, PrintScan(page, rand.New(rand.NewPCG(1, 1)), opt))
	if scan.Rect.Dx() != 300 || scan.Rect.Dy() != 400 {
		t.Fatalf("scan is %v, want 300x400", scan.Rect)
	}
	for _, d := range dots {
		wx, wy := (float64(d[0])+0.5)/2, (float64(d[1])+0.5)/2
		x, y, ok := inkCentroid(scan, wx, wy, 8, 245)
		if !ok || math.Hypot(x-wx, y-wy) > 0.1 {
			t.Errorf("dot %v at (%.2f, %.2f) ok=%v, want (%.2f, %.2f)", d, x, y, ok, wx, wy)
		}
	}
	// Turned: the dots move by the rotation about the scan's centre.
	opt.MaxRotateDeg = 0.5
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 1))
		theta := (2*rng.Float64() - 1) * 0.5 * math.Pi / 180
		rot := rotation(theta, 150, 200)
		scan := decodeGrayPNG(t, PrintScan(page, rand.New(rand.NewPCG(seed, 1)), opt))
		for _, d := range dots {
			wx, wy := rot.apply((float64(d[0])+0.5)/2, (float64(d[1])+0.5)/2)
			x, y, ok := inkCentroid(scan, wx, wy, 8, 245)
			if !ok || math.Hypot(x-wx, y-wy) > 0.15 {
				t.Errorf("seed %d: dot %v at (%.2f, %.2f) ok=%v, want (%.2f, %.2f)", seed, d, x, y, ok, wx, wy)
			}
		}
	}
}

// TestPrintScanDotGain checks that toner spreads: a thin line prints
// darker and wider with dot gain than without.
func TestPrintScanDotGain(t *testing.T) {
	page := image.NewGray(image.Rect(0, 0, 400, 400))
	fill(page, 255)
	for y := 100; y < 300; y++ {
		page.Pix[y*page.Stride+200] = 0 // a one-dot vertical line
		page.Pix[y*page.Stride+201] = 0
	}
	ink := func(gain float64) float64 {
		opt := PrintScanOptions{DotGain: gain, MaxRotateDeg: -1, MaxShift: -1, Paper: -1, Noise: -1, ScanBlur: -1, JPEGQuality: -1}
		scan := decodeGrayPNG(t, PrintScan(page, rand.New(rand.NewPCG(1, 1)), opt))
		s := 0.0
		for _, v := range scan.Pix {
			s += 245 - float64(v)
		}
		return s
	}
	without, with := ink(-1), ink(0)
	if with < 1.3*without {
		t.Errorf("ink with dot gain %.0f, without %.0f: want at least 30%% more", with, without)
	}
}
