package layout

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// bboxWord is a word as pdftotext -bbox reads it from a page.
type bboxWord struct {
	page                   int
	xMin, yMin, xMax, yMax float64
	text                   string
}

// bboxWords reads every word of a PDF with its page and box.
func bboxWords(t *testing.T, pdf []byte) []bboxWord {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal("pdftotext is not installed; CI=true, so this fails")
		}
		t.Skip("pdftotext is not installed (apt-get install poppler-utils)")
	}
	f := filepath.Join(t.TempDir(), "copy.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-bbox", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	word := regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)
	var ws []bboxWord
	for i, page := range strings.Split(string(out), "<page ")[1:] {
		for _, m := range word.FindAllStringSubmatch(page, -1) {
			w := bboxWord{page: i + 1, text: m[5]}
			for j, v := range []*float64{&w.xMin, &w.yMin, &w.xMax, &w.yMax} {
				*v, _ = strconv.ParseFloat(m[j+1], 64)
			}
			ws = append(ws, w)
		}
	}
	return ws
}

// TestBannerOnEveryPage: a copy with a banner shows it centred in the top
// and in the bottom margin of every page, outside the text block, and
// every other word of the copy (the body, and with it the layout
// points, the page numbers, the footer) is where the copy without a
// banner has it.
func TestBannerOnEveryPage(t *testing.T) {
	var src strings.Builder
	for i := range 60 {
		fmt.Fprintf(&src, "Paragraph %d. The committee met on Tuesday and reached no decision about the budget, which was seen as a setback by the staff.\n\n", i)
	}
	p, err := plan(t, "memo.txt", src.String())
	if err != nil {
		t.Fatal(err)
	}
	if p.Pages() < 3 {
		t.Fatalf("%d pages, want a document of several", p.Pages())
	}
	ts, ls := make([]uint8, len(p.set.Points)), make([]uint8, p.NumPoints())
	for i := range ls {
		ls[i] = uint8(i % 2)
	}
	const banner = "TOP SECRET//SI/TK//NOFORN"
	var plain, marked bytes.Buffer
	if err := p.PDF(&plain, ts, ls, PDFOptions{Footer: "Issued to r1"}); err != nil {
		t.Fatal(err)
	}
	if err := p.PDF(&marked, ts, ls, PDFOptions{Footer: "Issued to r1", Banner: banner}); err != nil {
		t.Fatal(err)
	}
	before, after := bboxWords(t, plain.Bytes()), bboxWords(t, marked.Bytes())

	// The banner's words, per page, top and bottom.
	type key struct {
		page int
		top  bool
	}
	bannerWords := map[key][]bboxWord{}
	var rest []bboxWord
	for _, w := range after {
		switch {
		case w.yMax < margin-10:
			bannerWords[key{w.page, true}] = append(bannerWords[key{w.page, true}], w)
		case w.yMin > footerY:
			bannerWords[key{w.page, false}] = append(bannerWords[key{w.page, false}], w)
		default:
			rest = append(rest, w)
		}
	}
	for page := 1; page <= p.Pages(); page++ {
		for _, top := range []bool{true, false} {
			ws := bannerWords[key{page, top}]
			var text []string
			for _, w := range ws {
				text = append(text, w.text)
			}
			if got := strings.Join(text, " "); got != banner {
				t.Errorf("page %d, top %t: banner %q, want %q", page, top, got, banner)
				continue
			}
			left, right := ws[0].xMin, ws[len(ws)-1].xMax
			if math.Abs((left+right)/2-pageW/2) > 1 || left < margin || right > pageW-margin {
				t.Errorf("page %d, top %t: banner spans x %.1f to %.1f, not centred on the page within the margins", page, top, left, right)
			}
			if ws[0].yMax > pageH || ws[0].yMin < 0 {
				t.Errorf("page %d, top %t: banner off the page (y %.1f to %.1f)", page, top, ws[0].yMin, ws[0].yMax)
			}
		}
	}
	if len(rest) != len(before) {
		t.Fatalf("%d words besides the banners, %d without one", len(rest), len(before))
	}
	for i, w := range before {
		if rest[i] != w {
			t.Fatalf("word %d: %+v with the banner, %+v without: the banner moved the page's words", i, rest[i], w)
		}
	}
}

// TestBannerFitsThePage: a banner wider than the text block is printed
// smaller, within the margins; one that would be unreadably small, or
// that the fonts can't draw, is an error, not a copy.
func TestBannerFitsThePage(t *testing.T) {
	p, err := plan(t, "memo.txt", "The committee met on Tuesday and reached no decision about the budget.\n")
	if err != nil {
		t.Fatal(err)
	}
	ts, ls := make([]uint8, len(p.set.Points)), make([]uint8, p.NumPoints())
	long := "SECRET//REL TO USA, " + strings.Repeat("AUS, CAN, GBR, NZL, ", 5) + "FRA"
	var buf bytes.Buffer
	if err := p.PDF(&buf, ts, ls, PDFOptions{Banner: long}); err != nil {
		t.Fatal(err)
	}
	var left, right float64 = pageW, 0
	for _, w := range bboxWords(t, buf.Bytes()) {
		if w.yMax < margin-10 {
			left, right = min(left, w.xMin), max(right, w.xMax)
		}
	}
	if left < margin-0.5 || right > pageW-margin+0.5 || right <= left {
		t.Errorf("a long banner spans x %.1f to %.1f, past the margins at %.0f and %.0f", left, right, margin, pageW-margin)
	}
	if err := p.PDF(&bytes.Buffer{}, ts, ls, PDFOptions{Banner: strings.Repeat("SECRET ", 60)}); !errors.Is(err, ErrBanner) {
		t.Errorf("a banner of 420 characters: got %v, want ErrBanner", err)
	}
	if err := CheckBanner(strings.Repeat("SECRET ", 60)); !errors.Is(err, ErrBanner) {
		t.Errorf("CheckBanner of 420 characters: got %v, want ErrBanner", err)
	}
	if err := CheckBanner("SECRET//REL TO USA, GBR"); err != nil {
		t.Errorf("CheckBanner: %v", err)
	}
	if err := p.PDF(&bytes.Buffer{}, ts, ls, PDFOptions{Banner: "SECRET 北"}); !errors.Is(err, ErrGlyph) {
		t.Errorf("a banner the fonts can't draw: got %v, want ErrGlyph", err)
	}
}
