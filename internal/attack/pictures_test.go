package attack

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"math/rand/v2"
	"testing"
)

// TestPictureAttacksMakePictures runs each named picture attack on a
// rendered page: a decodable image, the same for a seed.
func TestPictureAttacksMakePictures(t *testing.T) {
	needPdftoppm(t)
	pdf := testPDFSized(t, 306, 396, 36, "A short page of words for every picture attack to take.")
	for _, name := range []string{"photo", "photo-hard", "screenshot", "print-scan"} {
		a, ok := PictureAttackByName(name)
		if !ok {
			t.Fatalf("no picture attack %q", name)
		}
		pic, err := a.Picture(t.Context(), pdf, 1, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img, format, err := image.Decode(bytes.NewReader(pic))
		if err != nil || img.Bounds().Empty() {
			t.Fatalf("%s: %v", name, err)
		}
		again, _ := a.Picture(t.Context(), pdf, 1, rand.New(rand.NewPCG(1, 1)))
		if !bytes.Equal(pic, again) {
			t.Errorf("%s: two pictures with one seed differ", name)
		}
		t.Logf("%s: %s %v", name, format, img.Bounds().Size())
	}
	if _, ok := PictureAttackByName("ocr"); ok {
		t.Errorf("ocr is a text attack, not a picture attack")
	}
	if _, err := PictureAttacks[0].Picture(t.Context(), pdf, 2, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Errorf("photo of page 2 of a 1-page PDF: no error")
	}
}

func TestPrintScanFraction(t *testing.T) {
	page := dotsPage(600, 800, 4, [][2]int{{300, 400}})
	for _, f := range []float64{1, 0.5, 0.25} {
		scan := decodeGrayPNG(t, PrintScan(page, rand.New(rand.NewPCG(1, 1)), PrintScanOptions{Fraction: f, JPEGQuality: -1}))
		if w, h := scan.Rect.Dx(), scan.Rect.Dy(); w != 300 || h != int(400*f) {
			t.Errorf("fraction %g: scan is %dx%d, want 300x%d", f, w, h, int(400*f))
		}
	}
}
