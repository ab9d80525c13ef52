package picture

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkReadPhoto reads a photo of a full page (44 lines of 12 words
// of 11 pt text, about 530 words, at 200 dpi: 1500x1950 px), tesseract
// included.
func BenchmarkReadPhoto(b *testing.B) {
	requireTesseract(b)
	rng := rand.New(rand.NewPCG(3, 11))
	pg := renderPage(rng, 200, 11, 0.35*200/72, 44, 12)
	data, _ := photograph(rng, pg, damages[len(damages)-1])
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := Read(b.Context(), data, "photo.jpg"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMeasurePage is the measurement alone, on the same page.
func BenchmarkMeasurePage(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 11))
	pg := renderPage(rng, 200, 11, 0.35*200/72, 44, 12)
	data, h := photograph(rng, pg, damages[len(damages)-1])
	g, _, err := decode(data)
	if err != nil {
		b.Fatal(err)
	}
	flat := flatten(g)
	lines := boxesOf(rng, pg, h, 2, g.w)
	for b.Loop() {
		measurePage(flat, lines)
	}
}
