package service

import (
	"bytes"
	"math"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/leaktrace/leaktrace/internal/browser"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format/html"
	"github.com/leaktrace/leaktrace/internal/format/html/htmltest"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/picture"
	"github.com/leaktrace/leaktrace/internal/tooltest"
)

// On a real Chromium screenshot of a copy, each slot's word stands about
// Delta right or left of where the reference layout has it, as the
// copy's shifts say: the gaps either side, less the reference's, differ
// by about 2·Delta. This is what a trace of a screenshot measures.
func TestHTMLScreenshotShowsTheShifts(t *testing.T) {
	tooltest.Require(t, "chromium", "chromium")
	tooltest.Require(t, "tesseract-ocr", "tesseract")
	page := htmltest.Page("Minutes of the review", corpus.RequireMemos(t, 1, 350, 7)[0])
	d, err := html.Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := htmlReference(t.Context(), page)
	if err != nil {
		t.Fatal(err)
	}
	slots := d.Shifts().Slots
	shifts := make([]uint8, len(slots))
	for i := range shifts {
		shifts[i] = uint8(i % 3 % 2) // 0 1 0 0 1 0 …
	}
	var cp bytes.Buffer
	if err := d.RenderShifted(&cp, nil, shifts); err != nil {
		t.Fatal(err)
	}
	shot, err := browser.Screenshot(t.Context(), cp.Bytes(), HTMLReferenceWidth, htmlHeight(page))
	if err != nil {
		t.Fatal(err)
	}
	_, seen, err := picture.Read(t.Context(), shot, "copy.png")
	if err != nil {
		t.Fatal(err)
	}
	// Each slot's word and neighbours, found once in the page's text, and
	// once side by side on a line of the reference and of the copy.
	triples := map[string]int{}
	key := func(a, b, c string) string { return fold(a) + " " + fold(b) + " " + fold(c) }
	slotKey := make([]string, len(slots))
	for _, r := range d.Regions() {
		ws := strings.Fields(r.Text)
		for k := 1; k+1 < len(ws); k++ {
			triples[key(ws[k-1], ws[k], ws[k+1])]++
		}
	}
	for i, s := range slots {
		text := d.Regions()[s.Region].Text
		before := strings.Fields(text[:s.Start])
		after := strings.Fields(text[s.End:])
		slotKey[i] = key(before[len(before)-1], text[s.Start:s.End], after[0])
	}
	type gaps struct{ before, after float64 }
	find := func(pages []layout.SeenPage, scale float64) map[string][]gaps {
		out := map[string][]gaps{}
		for _, p := range pages {
			for _, l := range p.Lines {
				for k := 1; k+1 < len(l.Words); k++ {
					w := l.Words
					out[key(w[k-1].Text, w[k].Text, w[k+1].Text)] = append(out[key(w[k-1].Text, w[k].Text, w[k+1].Text)],
						gaps{(w[k].Left - w[k-1].Right) * scale, (w[k+1].Left - w[k].Right) * scale})
				}
			}
		}
		return out
	}
	inRef, inCopy := find(ref, 1), find(seen, 0.75)
	var right, wrong int
	var sizes []float64
	for i, k := range slotKey {
		if triples[k] != 1 || len(inRef[k]) != 1 || len(inCopy[k]) != 1 {
			continue
		}
		r, c := inRef[k][0], inCopy[k][0]
		shift := ((c.before - r.before) - (c.after - r.after)) / 2
		if (shift > 0) == (shifts[i] == 1) {
			right++
		} else {
			wrong++
		}
		sizes = append(sizes, math.Abs(shift))
	}
	n := right + wrong
	t.Logf("%d of %d slots measured: %d right, %d wrong", n, len(slots), right, wrong)
	if n < len(slots)/2 {
		t.Fatalf("only %d of %d slots measured", n, len(slots))
	}
	if wrong > n/10 {
		t.Errorf("%d of %d slots moved the wrong way", wrong, n)
	}
	sort.Float64s(sizes)
	if med := sizes[len(sizes)/2]; med < html.Delta/2 || med > html.Delta*2 {
		t.Errorf("median shift %.2f pt, the copy moves words %.2f pt", med, html.Delta)
	}
}

// fold is a word as compared here: lower case, letters and digits only.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}
