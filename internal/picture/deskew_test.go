package picture

import (
	"bytes"
	"image"
	"math"
	"math/rand/v2"
	"testing"
)

// turned renders a page of text and turns it so that its lines slope by
// deg degrees (falling to the right for deg > 0).
func turned(t *testing.T, rng *rand.Rand, deg float64, lines int) (synthPage, *plane) {
	t.Helper()
	pg := renderPage(rng, 200, 11, 0, lines, 12)
	g := toPlane(pg.img)
	return pg, rotate(g, -deg*math.Pi/180, 1)
}

func TestSkewAngle(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for _, deg := range []float64{-15, -7, -2.5, 0, 1, 4, 8, 12} {
		_, g := turned(t, rng, deg, 14)
		got, ok := skewAngle(g)
		if !ok {
			t.Fatalf("%g°: no slope found", deg)
		}
		if d := got*180/math.Pi - deg; math.Abs(d) > 0.2 {
			t.Errorf("lines sloping %g° measured at %.2f°", deg, got*180/math.Pi)
		}
	}
	blank := newPlane(400, 300)
	for i := range blank.p {
		blank.p[i] = 1
	}
	if _, ok := skewAngle(blank); ok {
		t.Error("a blank picture has no slope to find")
	}
}

// TestReadTurnedPage: tesseract reads next to nothing of a page turned by
// 8° or −12°; straightened first, it reads nearly every word, and the
// lines come out level enough to measure.
func TestReadTurnedPage(t *testing.T) {
	requireTesseract(t)
	rng := rand.New(rand.NewPCG(9, 1))
	for _, deg := range []float64{8, -12} {
		pg, g := turned(t, rng, deg, 8)
		img := image.NewGray(image.Rect(0, 0, g.w, g.h))
		for i, v := range g.p {
			img.Pix[i] = uint8(math.Round(float64(v) * 255))
		}
		var buf bytes.Buffer
		if err := encodePNG(&buf, img); err != nil {
			t.Fatal(err)
		}
		text, pages, err := Read(t.Context(), buf.Bytes(), "turned.png")
		if err != nil {
			t.Fatalf("%g°: %v", deg, err)
		}
		found, total := wordsRead(pg, text)
		if found < total*9/10 {
			t.Errorf("%g°: OCR read %d of %d words:\n%s", deg, found, total, text)
		}
		measured := 0
		for _, ln := range pages[0].Lines {
			for _, w := range ln.Words {
				if w.Sigma < 1 {
					measured++
				}
			}
		}
		if measured < total*3/4 {
			t.Errorf("%g°: %d of %d words measured to under a pixel", deg, measured, total)
		}
	}
}

func TestReduce(t *testing.T) {
	g := newPlane(10, 7)
	for i := range g.p {
		g.p[i] = float32(i%10) / 10
	}
	if reduce(g, 70) != g {
		t.Error("a picture within the limit is not reduced")
	}
	r := reduce(g, 20) // 5×3 at factor 2
	if r.w != 5 || r.h != 3 {
		t.Fatalf("reduced to %dx%d, want 5x3", r.w, r.h)
	}
	// Each pixel is the mean of its block: columns 2x and 2x+1.
	for x := 0; x < r.w; x++ {
		want := (float32(2*x) + float32(2*x+1)) / 20
		if d := r.p[r.w+x] - want; d > 1e-6 || d < -1e-6 {
			t.Errorf("pixel %d = %g, want %g", x, r.p[r.w+x], want)
		}
	}
}
