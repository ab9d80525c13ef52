package attack

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"
)

// TestPicturesOfAPageStayReadable renders a page of body text (200 words
// of a corpus memo in Liberation Serif 11 pt, as issued copies are
// typeset, on a 5.5×7.1 in page so that tesseract is quick), puts it
// through each picture attack and reads it back with the real tesseract
// (--psm 6, Sauvola binarization). The attacks must damage a page as a
// real picture does, not destroy it: what the tracer's OCR needs must
// survive.
//
// The thresholds leave a margin under what tesseract 5.3 read on this
// page over seeds 0–9: the default photo's word recall ranged 0.84–0.99
// (median 0.99); the hard photo's, counted against a clean reading of
// the band of the page it frames, 0.71–1.00 (median 0.94). Each photo
// runs the worst of those seeds. Print-scans and screenshots read
// 0.99–1.00.
func TestPicturesOfAPageStayReadable(t *testing.T) {
	needPdftoppm(t)
	needTesseract(t)
	paras := pageText(t, 200, 11)
	pdf := testPDFSized(t, 396, 512, 36, paras...)
	page200, err := Rasterize(t.Context(), pdf, 1, 200)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("photo", func(t *testing.T) {
		t.Parallel()
		got := readPicture(t, Photo(page200, rand.New(rand.NewPCG(4, 9)), PhotoDefault), 200)
		t.Logf("word recall %.3f", wordRecall(paras, got))
		if r := wordRecall(paras, got); r < 0.75 {
			t.Errorf("word recall %.3f < 0.75; tesseract read:\n%s", r, got)
		}
	})
	t.Run("photo-hard", func(t *testing.T) {
		t.Parallel()
		plan := planPhoto(page200.Rect.Dx(), page200.Rect.Dy(), rand.New(rand.NewPCG(4, 9)), PhotoHard.withDefaults())
		band := page200.SubImage(image.Rect(0, int(plan.y0), page200.Rect.Dx(), int(math.Ceil(plan.y0+plan.bh)))).(*image.Gray)
		framed := readPicture(t, encode(band, 0), 200)
		got := readPicture(t, Photo(page200, rand.New(rand.NewPCG(4, 9)), PhotoHard), 200)
		t.Logf("word recall %.3f of the band, %.3f of the page", wordAccuracy(framed, got), wordRecall(paras, got))
		if r := wordAccuracy(framed, got); r < 0.6 {
			t.Errorf("word recall %.3f of the framed band < 0.6; tesseract read:\n%s", r, got)
		}
		if r := wordRecall(paras, got); r > 0.9 {
			t.Errorf("word recall %.3f of the whole page: two thirds of it in frame cannot show that much", r)
		}
	})
	t.Run("print-scan", func(t *testing.T) {
		t.Parallel()
		page600, err := Rasterize(t.Context(), pdf, 1, 600)
		if err != nil {
			t.Fatal(err)
		}
		got := readPicture(t, PrintScan(page600, rand.New(rand.NewPCG(0, 9)), DefaultPrintScanOptions), 300)
		t.Logf("word recall %.3f", wordRecall(paras, got))
		if r := wordRecall(paras, got); r < 0.95 {
			t.Errorf("word recall %.3f < 0.95; tesseract read:\n%s", r, got)
		}
	})
	t.Run("screenshot", func(t *testing.T) {
		t.Parallel()
		shot, err := Screenshot(t.Context(), pdf, 1, rand.New(rand.NewPCG(0, 9)), ScreenshotOptions{MinDPI: 96, MaxDPI: 96, Fraction: 1})
		if err != nil {
			t.Fatal(err)
		}
		got := readPicture(t, shot, 96)
		t.Logf("word recall %.3f", wordRecall(paras, got))
		if r := wordRecall(paras, got); r < 0.95 {
			t.Errorf("word recall %.3f < 0.95; tesseract read:\n%s", r, got)
		}
	})
}
