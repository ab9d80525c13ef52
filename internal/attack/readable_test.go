package attack

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"
)

// TestPicturesOfAPageStayReadable renders a page of body text (450 words
// of a corpus memo, Liberation Serif 11 pt, as issued copies are typeset),
// puts it through each picture attack and reads it back with the real
// tesseract (--psm 6, Sauvola binarization). The attacks must damage a
// page as a real picture does, not destroy it: what the tracer's OCR
// needs must survive.
//
// The thresholds leave a margin under what was measured with tesseract
// 5.3 on this page: over seeds 0–9, the default photo's word recall
// ranged 0.79–1.00 (median 0.996), and the hard photo's, counted against
// a clean reading of the band of the page it frames, 0.77–1.00 (median
// 0.93); print-scan and screenshots read 0.996–1.00. Each case runs the
// worst measured seed.
func TestPicturesOfAPageStayReadable(t *testing.T) {
	needPdftoppm(t)
	needTesseract(t)
	paras := pageText(t, 450, 11)
	pdf := testPDF(t, paras...)
	page200, err := Rasterize(t.Context(), pdf, 1, 200)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("photo", func(t *testing.T) {
		t.Parallel()
		got := readPicture(t, Photo(page200, rand.New(rand.NewPCG(4, 9)), PhotoDefault), 200)
		t.Logf("word recall %.3f", wordRecall(paras, got))
		if r := wordRecall(paras, got); r < 0.7 {
			t.Errorf("word recall %.3f < 0.7; tesseract read:\n%s", r, got)
		}
	})
	t.Run("photo-hard", func(t *testing.T) {
		t.Parallel()
		plan := planPhoto(page200.Rect.Dx(), page200.Rect.Dy(), rand.New(rand.NewPCG(4, 9)), PhotoHard.withDefaults())
		band := page200.SubImage(image.Rect(0, int(plan.y0), page200.Rect.Dx(), int(math.Ceil(plan.y0+plan.bh)))).(*image.Gray)
		framed := readPicture(t, encode(band, 0), 200)
		got := readPicture(t, Photo(page200, rand.New(rand.NewPCG(4, 9)), PhotoHard), 200)
		t.Logf("word recall %.3f of the band, %.3f of the page", wordAccuracy(framed, got), wordRecall(paras, got))
		if r := wordAccuracy(framed, got); r < 0.65 {
			t.Errorf("word recall %.3f of the framed band < 0.65; tesseract read:\n%s", r, got)
		}
		if r := wordRecall(paras, got); r > 0.9 {
			t.Errorf("word recall %.3f of the whole page: two thirds of it in frame cannot show that much", r)
		}
	})
	t.Run("print-scan", func(t *testing.T) {
		t.Parallel()
		// A quarter of a Letter page, to keep 600 dpi quick.
		small := paras[:1]
		page600, err := Rasterize(t.Context(), testPDFSized(t, 306, 396, 36, small...), 1, 600)
		if err != nil {
			t.Fatal(err)
		}
		got := readPicture(t, PrintScan(page600, rand.New(rand.NewPCG(0, 9)), DefaultPrintScanOptions), 300)
		t.Logf("word recall %.3f", wordRecall(small, got))
		if r := wordRecall(small, got); r < 0.95 {
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
