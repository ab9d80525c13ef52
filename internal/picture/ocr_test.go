package picture

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestReadTesseract runs the real tesseract on a small rendered page,
// photographed with mild damage, and checks the words it reads and the
// word shifts measured on them.
func TestReadTesseract(t *testing.T) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		t.Fatalf("tesseract is required (apt-get install tesseract-ocr): %v", err)
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	rng := rand.New(rand.NewPCG(7, 11))
	delta := 0.35 * 200 / 72
	pg := renderPage(rng, 200, 11, delta, 6, 12)
	data, _ := photograph(rng, pg, damage{rotate: 2, perspective: 2e-5, blur: 0.6, noise: 0.02, gradient: 0.3, contrast: 0.1, jpeg: 75})
	text, pages, err := Read(t.Context(), data, "page.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	if len(pages) != 1 || !pages[0].Ink || pages[0].Source != "page.jpg" {
		t.Fatalf("pages = %d, want one Ink page from page.jpg", len(pages))
	}
	// Tesseract reads nearly every word.
	read := map[string]int{}
	for _, w := range strings.Fields(text) {
		read[w]++
	}
	total, found := 0, 0
	for _, ln := range pg.lines {
		for _, w := range ln.words {
			total++
			if read[w] > 0 {
				read[w]--
				found++
			}
		}
	}
	if found < total*9/10 {
		t.Errorf("OCR read %d of %d words:\n%s", found, total, text)
	}

	var st shiftStats
	matched := 0
	for _, ln := range pg.lines {
		// The seen line with the same words (OCR may misread a few).
		for _, sl := range pages[0].Lines {
			if len(sl.Words) != len(ln.words) {
				continue
			}
			same := 0
			for j, w := range sl.Words {
				if w.Text == ln.words[j] {
					same++
				}
			}
			if same < len(ln.words)*3/4 {
				continue
			}
			matched++
			var edges, sig []float64
			for _, w := range sl.Words {
				edges = append(edges, w.Left, w.Right)
				sig = append(sig, w.Sigma)
			}
			got, wantS, _ := readShifts(ln, edges, sig, 3)
			for j := range got {
				e := got[j] - wantS[j]
				st.n++
				st.sq += e * e
				if got[j]*wantS[j] > 0 {
					st.right++
				}
			}
			break
		}
	}
	t.Log(st)
	if matched < len(pg.lines)-1 {
		t.Errorf("OCR found %d of %d lines with their words", matched, len(pg.lines))
	}
	if st.n == 0 || st.signAcc() < 0.9 || st.rms() > 0.6 {
		t.Errorf("shifts through tesseract: %v; want sign right for 90%% and rms at most 0.6 px", st)
	}
}

func TestReadNoTesseract(t *testing.T) {
	defer func(c string) { tesseractCommand = c }(tesseractCommand)
	tesseractCommand = "leaktrace-no-such-tesseract"
	_, _, err := Read(t.Context(), tinyPNG(t), "x.png")
	if !errors.Is(err, ErrNoTesseract) {
		t.Fatalf("err = %v, want ErrNoTesseract", err)
	}
}

func TestReadTimeout(t *testing.T) {
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	_, _, err := Read(ctx, tinyPNG(t), "x.png")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}
