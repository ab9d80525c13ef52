package attack

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/tooltest"
)

// ocrWords splits text into lowercased runs of letters and digits, so
// that punctuation OCR misreads or drops does not count against it.
func ocrWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// lcs is the length of the longest common subsequence of a and b: the
// source's words that came back, in order.
func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// wordAccuracy is the share of src's words that OCR's output has, in order.
func wordAccuracy(src, got string) float64 {
	s := ocrWords(src)
	if len(s) == 0 {
		return 1
	}
	return float64(lcs(s, ocrWords(got))) / float64(len(s))
}

func TestOCRReadsPhotographedPrintout(t *testing.T) {
	if err := TesseractAvailable(); err != nil {
		tooltest.Missing(t, fmt.Sprintf("OCR attack not tested: %v", err))
	}
	memos := corpus.RequireMemos(t, 1, 150, 7)
	src := memos[0]
	start := time.Now()
	got, err := OCR(src, DefaultOCROptions(), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	acc := wordAccuracy(src, got)
	t.Logf("%d words, word accuracy %.1f%%, %v", len(ocrWords(src)), 100*acc, time.Since(start).Round(time.Millisecond))
	if acc < 0.85 {
		t.Errorf("word accuracy %.1f%% < 85%%; OCR read:\n%s", 100*acc, got)
	}
	if acc == 1 && got == src {
		t.Errorf("OCR returned its input unchanged")
	}
}

func TestOCRMultiPage(t *testing.T) {
	if err := TesseractAvailable(); err != nil {
		tooltest.Missing(t, fmt.Sprintf("OCR attack not tested: %v", err))
	}
	if testing.Short() {
		t.Skip("multi-page OCR is slow")
	}
	// Lines numbered in words, 3 pages of 4 lines: each page must come
	// back, in order.
	var b strings.Builder
	for i := range 10 {
		b.WriteString(strings.Repeat("alpha ", i%3) + []string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}[i] + "\n\n")
	}
	opt := DefaultOCROptions()
	opt.LinesPerPage = 4
	got, err := OCR(b.String(), opt, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	if acc := wordAccuracy(b.String(), got); acc < 0.85 {
		t.Errorf("word accuracy %.1f%% over pages; OCR read:\n%s", 100*acc, got)
	}
}

func TestWrapAndPaginate(t *testing.T) {
	lines := wrapText("aaa bbb ccc\nddd\n\n  eee   fffffffffff\n", 7)
	want := []string{"aaa bbb", "ccc ddd", "", "eee", "fffffffffff"}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Fatalf("wrapText = %q, want %q", lines, want)
	}
	pages := paginate(lines, 2)
	if len(pages) != 2 || pages[1][0] != "eee" {
		t.Fatalf("paginate = %q: a page must not open on a blank line", pages)
	}
}

func TestTesseractAvailableSaysHowToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := TesseractAvailable()
	if err == nil || !strings.Contains(err.Error(), "apt-get install tesseract-ocr tesseract-ocr-eng") {
		t.Fatalf("TesseractAvailable() = %v, want an install hint", err)
	}
}

func TestOCRTimeout(t *testing.T) {
	if err := TesseractAvailable(); err != nil {
		tooltest.Missing(t, fmt.Sprintf("OCR attack not tested: %v", err))
	}
	opt := DefaultOCROptions()
	opt.Timeout = time.Millisecond
	_, err := OCR(strings.Repeat("A sentence of plain words to read. ", 400), opt, rand.New(rand.NewPCG(5, 6)))
	if err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("OCR with a 1ms timeout: %v, want a deadline error", err)
	}
}
