package attack

import (
	"image"
	"math/rand/v2"
	"testing"
)

// textLikePage is a white w×h page with rows of dark word-sized blocks,
// about as much ink as a page of text.
func textLikePage(w, h int, dpi float64) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	fill(img, 255)
	rng := rand.New(rand.NewPCG(1, 1))
	line, xh := int(14.5*dpi/72), int(5*dpi/72)
	for y := int(dpi); y+line < h-int(dpi); y += line {
		for x := int(dpi); x < w-int(dpi); {
			ww := int((10 + 40*rng.Float64()) * dpi / 72)
			for j := y; j < y+xh; j++ {
				for i := x; i < min(x+ww, w-int(dpi)); i += 2 {
					img.Pix[j*img.Stride+i] = 20
				}
			}
			x += ww + int(3*dpi/72)
		}
	}
	return img
}

func BenchmarkWarp(b *testing.B) {
	page := textLikePage(1700, 2200, 200)
	h := fitHomography([4][2]float64{{0, 0}, {1700, 0}, {1700, 2200}, {0, 2200}},
		[4][2]float64{{90, 120}, {1790, 60}, {1760, 2300}, {60, 2260}})
	inv := h.inverse()
	for b.Loop() {
		warp(page, 1870, 2420, inv, 1, func(int, int) float64 { return 100 })
	}
}

func BenchmarkGaussBlur(b *testing.B) {
	page := textLikePage(1700, 2200, 200)
	for b.Loop() {
		gaussBlur(page, 1)
	}
}

func BenchmarkPhoto(b *testing.B) {
	page := textLikePage(1700, 2200, 200)
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		Photo(page, rng, PhotoDefault)
	}
}

func BenchmarkPhotoHard(b *testing.B) {
	page := textLikePage(1700, 2200, 200)
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		Photo(page, rng, PhotoHard)
	}
}

func BenchmarkPrintScan(b *testing.B) {
	page := textLikePage(5100, 6600, 600)
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		PrintScan(page, rng, DefaultPrintScanOptions)
	}
}
