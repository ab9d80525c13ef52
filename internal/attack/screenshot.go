package attack

import (
	"context"
	"image"
	"math"
	"math/rand/v2"
)

// ScreenshotOptions says how [Screenshot] captures a page from a PDF
// viewer. A zero field takes its default.
type ScreenshotOptions struct {
	// MinDPI and MaxDPI bound the screen's rendering resolution, drawn
	// uniformly between them (defaults 96 and 120: a viewer at 100–125%
	// zoom on an ordinary monitor). Set both to fix it.
	MinDPI, MaxDPI float64
	// Fraction is the share of the page's height in the shot, at full
	// width, from a random height (default 0.5: half a page; 1 is the
	// whole page).
	Fraction float64
}

// DefaultScreenshotOptions are half a page at 96–120 dpi.
var DefaultScreenshotOptions = ScreenshotOptions{MinDPI: 96, MaxDPI: 120, Fraction: 0.5}

func (o ScreenshotOptions) withDefaults() ScreenshotOptions {
	d := DefaultScreenshotOptions
	if o.MinDPI <= 0 {
		o.MinDPI = d.MinDPI
	}
	if o.MaxDPI <= 0 {
		o.MaxDPI = max(d.MaxDPI, o.MinDPI)
	}
	o.MinDPI, o.MaxDPI = min(o.MinDPI, o.MaxDPI), max(o.MinDPI, o.MaxDPI)
	if o.Fraction <= 0 {
		o.Fraction = d.Fraction
	}
	o.Fraction = min(o.Fraction, 1)
	return o
}

// Screenshot returns a screenshot (PNG) of part of page (1-based) of a
// PDF, as a PDF viewer shows it: rasterized at a screen resolution with
// grey antialiasing (poppler's, through [Rasterize]), no perspective, no
// noise, losslessly saved, cut to a band of the page at a random height.
// rng draws the resolution and the band, so a seed gives the same bytes.
func Screenshot(ctx context.Context, pdf []byte, page int, rng *rand.Rand, opt ScreenshotOptions) ([]byte, error) {
	opt = opt.withDefaults()
	dpi := opt.MinDPI + (opt.MaxDPI-opt.MinDPI)*rng.Float64()
	// pdftoppm takes the resolution to a few digits; round it so that the
	// draw is what it renders.
	dpi = math.Round(dpi*100) / 100
	img, err := Rasterize(ctx, pdf, page, dpi)
	if err != nil {
		return nil, err
	}
	h := img.Rect.Dy()
	bh := max(1, int(math.Round(opt.Fraction*float64(h))))
	y0 := rng.IntN(h - bh + 1)
	shot := img.SubImage(image.Rect(0, y0, img.Rect.Dx(), y0+bh)).(*image.Gray)
	return encode(shot, 0), nil
}
