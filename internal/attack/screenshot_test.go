package attack

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"
)

func TestScreenshotResolutionAndFraction(t *testing.T) {
	needPdftoppm(t)
	pdf := testPDF(t, "A first paragraph of a page that a reader will take a screenshot of.")
	for _, c := range []struct{ min, max, frac float64 }{{96, 96, 0.5}, {120, 120, 0.5}, {110, 110, 1}, {96, 120, 0.3}} {
		for seed := range uint64(3) {
			shot, err := Screenshot(t.Context(), pdf, 1, rand.New(rand.NewPCG(seed, 5)), ScreenshotOptions{MinDPI: c.min, MaxDPI: c.max, Fraction: c.frac})
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(shot))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if _, ok := img.(*image.Gray); !ok {
				t.Errorf("%T, want an 8-bit grey PNG", img)
			}
			// The width is the page's (8.5 in) at the screen's resolution, so
			// it gives the dpi; the height is the fraction of the page's.
			w, h := img.Bounds().Dx(), img.Bounds().Dy()
			dpi := float64(w) / 8.5
			if dpi < c.min-0.2 || dpi > c.max+1/8.5+0.2 {
				t.Errorf("%v seed %d: %d px wide = %.1f dpi, want %g–%g", c, seed, w, dpi, c.min, c.max)
			}
			if want := c.frac * 11 * dpi; math.Abs(float64(h)-want) > 1.5 {
				t.Errorf("%v seed %d: %d px high, want %.1f (%g of the page at %.1f dpi)", c, seed, h, want, c.frac, dpi)
			}
		}
	}
}

func TestScreenshotDeterministic(t *testing.T) {
	needPdftoppm(t)
	pdf := testPDF(t, "Some words, and then some more words, on a page to capture.")
	shot := func(seed uint64) []byte {
		b, err := Screenshot(t.Context(), pdf, 1, rand.New(rand.NewPCG(seed, 1)), ScreenshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if !bytes.Equal(shot(1), shot(1)) {
		t.Errorf("two screenshots with one seed differ")
	}
	if bytes.Equal(shot(1), shot(2)) {
		t.Errorf("screenshots with two seeds are the same")
	}
	if _, err := Screenshot(t.Context(), pdf, 3, rand.New(rand.NewPCG(1, 1)), ScreenshotOptions{}); err == nil {
		t.Errorf("a screenshot of page 3 of a 1-page PDF: no error")
	}
}
