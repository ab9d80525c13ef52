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
// photographed (rotation, perspective, blur, noise, light gradient, JPEG
// q60), and checks the words it reads and the word shifts measured on
// them: tesseract's own boxes, jitter and all, must lead the ink
// measurement to the right edges (on a full page, the same damage gives
// a shift error rms of 0.5 px and 97% of signs right).
func TestReadTesseract(t *testing.T) {
	requireTesseract(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	rng := rand.New(rand.NewPCG(7, 11))
	delta := 0.35 * 200 / 72
	pg := renderPage(rng, 200, 11, delta, 8, 12)
	data, _ := photograph(rng, pg, damage{rotate: 3, perspective: 3e-5, blur: 0.8, noise: 0.03, gradient: 0.4, contrast: 0.1, jpeg: 60})
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
	found, total := wordsRead(pg, text)
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
			for _, w := range sl.Words {
				st.words++
				if w.Sigma < 3 {
					st.measured++
				}
			}
			got, wantS, sd := readShifts(ln, edges, sig, 3)
			for j := range got {
				e := got[j] - wantS[j]
				st.n++
				st.sq += e * e
				st.zsq += (e / sd[j]) * (e / sd[j])
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
	// At 97% a point, 40 points have 34 signs right or more with
	// probability 99.9%.
	if st.n < 30 || st.signAcc() < 0.85 || st.rms() > 0.75 {
		t.Errorf("shifts through tesseract: %v; want 30 points or more, sign right for 85%% and rms at most 0.75 px", st)
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
	requireTesseract(t)
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	_, _, err := Read(ctx, tinyPNG(t), "x.png")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestReadNoText(t *testing.T) {
	requireTesseract(t)
	_, _, err := Read(t.Context(), tinyPNG(t), "blank.png")
	if !errors.Is(err, ErrNoText) {
		t.Fatalf("err = %v, want ErrNoText", err)
	}
}

func TestReadRefuses(t *testing.T) {
	for _, c := range []struct {
		data []byte
		want error
	}{
		{hugePNG(t, 8000, 8000), ErrTooLarge},
		{tinyPNG(t)[:30], ErrMalformed},
		{[]byte("%PDF-1.7\n"), ErrFormat},
	} {
		if _, _, err := Read(t.Context(), c.data, "x"); !errors.Is(err, c.want) {
			t.Errorf("err = %v, want %v", err, c.want)
		}
	}
}

// requireTesseract skips a test that needs the tesseract command when it
// is missing, saying how to install it, except under CI=true, where it
// must be there.
func requireTesseract(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("tesseract"); err != nil {
		msg := "tesseract not found on PATH; install it with: apt-get install tesseract-ocr tesseract-ocr-eng"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// wordsRead counts the words of pg that text holds, each once, and the
// words pg has.
func wordsRead(pg synthPage, text string) (found, total int) {
	read := map[string]int{}
	for _, w := range strings.Fields(text) {
		read[w]++
	}
	for _, ln := range pg.lines {
		for _, w := range ln.words {
			total++
			if read[w] > 0 {
				read[w]--
				found++
			}
		}
	}
	return found, total
}
