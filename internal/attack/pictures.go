package attack

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
)

// PictureAttack is a leak of one page of a PDF copy as a picture.
type PictureAttack struct {
	// Name is the attack's name in evaluations and reports.
	Name string
	// Picture renders page (1-based) of pdf and damages it, returning
	// the encoded image (JPEG or PNG); rng draws the damage.
	Picture func(ctx context.Context, pdf []byte, page int, rng *rand.Rand) ([]byte, error)
}

// PictureAttacks are the picture attacks at their documented defaults:
// "photo" ([PhotoDefault]), "photo-hard" ([PhotoHard]), "screenshot"
// (half a page at 96–120 dpi) and "print-scan" (600 dpi print, 300 dpi
// scan, JPEG 85). Each needs pdftoppm.
var PictureAttacks = []PictureAttack{
	{"photo", photoAttack(PhotoDefault)},
	{"photo-hard", photoAttack(PhotoHard)},
	{"screenshot", func(ctx context.Context, pdf []byte, page int, rng *rand.Rand) ([]byte, error) {
		return Screenshot(ctx, pdf, page, rng, DefaultScreenshotOptions)
	}},
	{"print-scan", func(ctx context.Context, pdf []byte, page int, rng *rand.Rand) ([]byte, error) {
		img, err := Rasterize(ctx, pdf, page, DefaultPrintScanOptions.PageDPI)
		if err != nil {
			return nil, err
		}
		return PrintScan(img, rng, DefaultPrintScanOptions), nil
	}},
}

func photoAttack(opt PhotoOptions) func(context.Context, []byte, int, *rand.Rand) ([]byte, error) {
	return func(ctx context.Context, pdf []byte, page int, rng *rand.Rand) ([]byte, error) {
		img, err := Rasterize(ctx, pdf, page, opt.withDefaults().DPI)
		if err != nil {
			return nil, err
		}
		return Photo(img, rng, opt), nil
	}
}

// PictureAttackByName returns the picture attack called name.
func PictureAttackByName(name string) (PictureAttack, bool) {
	i := slices.IndexFunc(PictureAttacks, func(a PictureAttack) bool { return a.Name == name })
	if i < 0 {
		return PictureAttack{}, false
	}
	return PictureAttacks[i], true
}

// PictureOf leaks page (1-based) of pdf through the picture attack name
// at its defaults, except that the picture shows the share frac of the
// page's height: the photo's frame, the screenshot's band, the scan's
// crop.
func PictureOf(ctx context.Context, name string, pdf []byte, page int, frac float64, rng *rand.Rand) ([]byte, error) {
	switch name {
	case "photo", "photo-hard":
		opt := PhotoDefault
		if name == "photo-hard" {
			opt = PhotoHard
		}
		opt.FrameFraction = frac
		img, err := Rasterize(ctx, pdf, page, opt.DPI)
		if err != nil {
			return nil, err
		}
		return Photo(img, rng, opt), nil
	case "screenshot":
		opt := DefaultScreenshotOptions
		opt.Fraction = frac
		return Screenshot(ctx, pdf, page, rng, opt)
	case "print-scan":
		opt := DefaultPrintScanOptions
		opt.Fraction = frac
		img, err := Rasterize(ctx, pdf, page, opt.PageDPI)
		if err != nil {
			return nil, err
		}
		return PrintScan(img, rng, opt), nil
	}
	return nil, fmt.Errorf("unknown picture attack %q", name)
}
