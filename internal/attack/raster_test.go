package attack

import (
	"bufio"
	"errors"
	"strings"
	"testing"
)

func TestRasterizeSizeAndInk(t *testing.T) {
	needPdftoppm(t)
	pdf := testPDF(t, "Hello world, a line of text on a page.")
	for _, dpi := range []float64{72, 110.5, 200} {
		img, err := Rasterize(t.Context(), pdf, 1, dpi)
		if err != nil {
			t.Fatal(err)
		}
		// A Letter page is 612×792 pt; pdftoppm rounds the size up.
		w, h := img.Rect.Dx(), img.Rect.Dy()
		if wantW, wantH := 8.5*dpi, 11*dpi; float64(w) < wantW || float64(w) > wantW+1 || float64(h) < wantH || float64(h) > wantH+1 {
			t.Errorf("%g dpi: %dx%d, want %.1fx%.1f", dpi, w, h, wantW, wantH)
		}
		// Ink on the first line (72 pt from the top, 11 pt type), none in the
		// bottom half.
		dark := func(y0, y1 float64) int {
			n := 0
			for y := int(y0 * dpi / 72); y < int(y1*dpi/72); y++ {
				for x := range w {
					if img.Pix[y*img.Stride+x] < 128 {
						n++
					}
				}
			}
			return n
		}
		if n := dark(72, 90); n == 0 {
			t.Errorf("%g dpi: no ink on the first line", dpi)
		}
		if n := dark(400, 792); n != 0 {
			t.Errorf("%g dpi: %d dark pixels in the blank bottom half", dpi, n)
		}
	}
}

func TestRasterizeErrors(t *testing.T) {
	needPdftoppm(t)
	pdf := testPDF(t, "One page.")
	if _, err := Rasterize(t.Context(), pdf, 2, 100); err == nil || !strings.Contains(err.Error(), "page 2") {
		t.Errorf("page 2 of a 1-page PDF: %v, want an error naming the page", err)
	}
	if _, err := Rasterize(t.Context(), pdf, 0, 100); err == nil {
		t.Errorf("page 0: no error")
	}
	if _, err := Rasterize(t.Context(), []byte("not a pdf"), 1, 100); err == nil || !strings.Contains(err.Error(), "pdftoppm") {
		t.Errorf("garbage input: %v, want pdftoppm's error", err)
	}
}

func TestRasterizeSaysHowToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Rasterize(t.Context(), []byte("%PDF-1.4"), 1, 100)
	if !errors.Is(err, ErrNoPdftoppm) || !strings.Contains(err.Error(), "apt-get install poppler-utils") {
		t.Fatalf("Rasterize without pdftoppm = %v, want ErrNoPdftoppm with an install hint", err)
	}
}

func TestReadPGM(t *testing.T) {
	img, err := readPGM(bufio.NewReader(strings.NewReader("P5\n# made by hand\n3 2\n255\n\x00\x01\x02\x03\x04\x05")))
	if err != nil {
		t.Fatal(err)
	}
	if img.Rect.Dx() != 3 || img.Rect.Dy() != 2 || img.Pix[5] != 5 || img.Pix[3] != 3 {
		t.Fatalf("got %v %v", img.Rect, img.Pix)
	}
	for _, bad := range []string{"", "P6\n3 2\n255\n", "P5\n3 2\n65535\n", "P5\n3\n", "P5\n3 2\n255\n\x00", "P5\n0 2\n255\n", "P5\n99999999999 2\n255\n"} {
		if _, err := readPGM(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("readPGM(%q): no error", bad)
		}
	}
}
