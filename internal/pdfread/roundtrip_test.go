package pdfread_test

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/pdfread"
	"github.com/leaktrace/leaktrace/internal/tooltest"
)

func needPdftotext(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		why := "pdftotext is not installed (apt-get install poppler-utils; .ci/run installs it)"
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal(why + "; CI=true, so this fails")
		}
		t.Skip(why)
	}
}

// reader is one reader's copy: random symbols at every point, as the code
// would choose them for some reader.
type reader struct {
	text, lay []uint8
}

func randomReader(set *marks.Set, p *layout.Plan, rng *rand.Rand) reader {
	r := reader{text: make([]uint8, len(set.Points)), lay: make([]uint8, p.NumPoints())}
	for i, pt := range set.Points {
		r.text[i] = uint8(rng.IntN(len(pt.Variants)))
	}
	for i := range r.lay {
		r.lay[i] = uint8(rng.IntN(2))
	}
	return r
}

func prepare(t *testing.T, name, src string) (*marks.Set, *layout.Plan) {
	t.Helper()
	doc, err := format.Parse(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	set := marks.Find(doc)
	p, err := layout.NewPlan(set, "Staff review", layout.Version1)
	if err != nil {
		t.Fatal(err)
	}
	return set, p
}

func render(t *testing.T, p *layout.Plan, r reader) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := p.PDF(&buf, r.text, r.lay, layout.PDFOptions{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestLayoutMarksReadExactlyFromPDF: every layout point of a marked PDF
// is measured from pdftotext's word boxes, at exactly ±Delta, for several
// readers of several documents.
func TestLayoutMarksReadExactlyFromPDF(t *testing.T) {
	needPdftotext(t)
	memos := corpus.RequireMemos(t, 2, 900, 7)
	docs := []struct{ name, src string }{{"memo.txt", memos[0]}, {"memo.md", mdSample}, {"memo2.txt", memos[1]}}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, d := range docs {
		set, p := prepare(t, d.name, d.src)
		if p.NumPoints() < 20 {
			t.Fatalf("%s: only %d layout points", d.name, p.NumPoints())
		}
		for range 3 {
			r := randomReader(set, p, rng)
			_, pages, err := pdfread.Read(context.Background(), render(t, p, r))
			if err != nil {
				t.Fatal(err)
			}
			obs := layout.Observe(p, pages)
			if len(obs) != p.NumPoints() {
				t.Fatalf("%s: observed %d of %d layout points", d.name, len(obs), p.NumPoints())
			}
			for _, o := range obs {
				want := p.Delta()
				if r.lay[o.Point] == 0 {
					want = -want
				}
				if math.Abs(o.Shift-want) > 0.006 || o.Sigma != 0 {
					t.Fatalf("%s: point %d shifted %.4f (sigma %g), want %.2f", d.name, o.Point, o.Shift, o.Sigma, want)
				}
			}
		}
	}
}

// TestPDFTextLayerCarriesTheVariants: the PDF's text is the reader's copy
// word for word (the quote shapes and wording it chose), without the
// zero-width marks, which a PDF can't carry.
func TestPDFTextLayerCarriesTheVariants(t *testing.T) {
	needPdftotext(t)
	memo := corpus.RequireMemos(t, 1, 250, 11)[0]
	// Quotes and contractions give the typographic and lexical points
	// something to change visibly.
	memo = "The staff's view: it's \"likely\" that rates don't move...\n\n" + memo
	set, p := prepare(t, "memo.txt", memo)
	if p.Pages() != 1 {
		t.Fatalf("sample is %d pages, want 1", p.Pages())
	}
	rng := rand.New(rand.NewPCG(5, 6))
	changed := 0
	for range 4 {
		r := randomReader(set, p, rng)
		var copyBuf bytes.Buffer
		if err := set.Doc.Render(&copyBuf, set.Edits(r.text)); err != nil {
			t.Fatal(err)
		}
		visible := strings.Map(func(c rune) rune {
			if unicode.Is(unicode.Cf, c) {
				return -1
			}
			return c
		}, copyBuf.String())
		if strings.Join(strings.Fields(visible), " ") != strings.Join(strings.Fields(memo), " ") {
			changed++
		}
		want := append(strings.Fields("Staff review"), strings.Fields(visible)...)
		want = append(want, "1")
		text, _, err := pdfread.Read(context.Background(), render(t, p, r))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Fields(text); !slices.Equal(got, want) {
			t.Fatalf("PDF text differs from the copy:\n got %q\nwant %q", got, want)
		}
	}
	if changed == 0 {
		t.Fatal("no reader's copy differs visibly from the source: the test proves nothing")
	}
}

// TestSameBreaksForEveryReader: whatever the symbols, every line starts
// with the same word on the same page.
func TestSameBreaksForEveryReader(t *testing.T) {
	needPdftotext(t)
	memo := corpus.RequireMemos(t, 1, 1200, 13)[0]
	set, p := prepare(t, "memo.txt", memo)
	rng := rand.New(rand.NewPCG(7, 8))
	var first []string
	for i := range 4 {
		_, pages, err := pdfread.Read(context.Background(), render(t, p, randomReader(set, p, rng)))
		if err != nil {
			t.Fatal(err)
		}
		var starts []string
		for pi, pg := range pages {
			for _, l := range pg.Lines {
				starts = append(starts, string(rune('0'+pi))+":"+layout.Normalize(l.Words[0].Text))
			}
		}
		if i == 0 {
			first = starts
			continue
		}
		if !slices.Equal(starts, first) {
			t.Fatalf("reader %d's lines start differently:\n%q\n%q", i, starts, first)
		}
	}
}

// TestPDFIsDeterministic: the same reader's copy is byte-identical.
func TestPDFIsDeterministic(t *testing.T) {
	set, p := prepare(t, "memo.md", mdSample)
	r := randomReader(set, p, rand.New(rand.NewPCG(9, 10)))
	if a, b := render(t, p, r), render(t, p, r); !bytes.Equal(a, b) {
		t.Fatal("two renderings of one copy differ")
	}
}

func TestReadRejectsNonPDF(t *testing.T) {
	if _, _, err := pdfread.Read(context.Background(), []byte("hello, world")); err != pdfread.ErrNotPDF {
		t.Fatalf("got %v, want ErrNotPDF", err)
	}
}

const mdSample = "# Quarterly briefing\n\nThe committee met on Tuesday and didn't reach a decision. It's clear that the \"new plan\" will need\nmore work... The staff presented three options, and each one was discussed at length by the members of the board.\n\n## Options\n\n- The *first* option keeps rates where they are for the rest of the year and the next one too.\n- The **second** option raises them by a quarter point, with `code span` in it, and then some.\n- A [linked label](https://example.com/x) closes the list of the options that we have here today.\n\n1. Numbered one, in order to test the list, which goes on for a while to fill the line.\n2. Numbered two.\n\n> A quotation from the minutes, which we don't change at all, stands here in the middle of the page.\n\n```\ncode block line one\n    indented line two\n```\n\nClosing paragraph with enough words to make several lines of text so that the layout channel has some room to place its points across the whole width of the page and beyond it onto the next line as well, and then a few more words for good measure.\n"

// TestReferenceMeasuresInk: Reference gives nearly every word of a
// typeset page its ink extents: about its advance box (a glyph's side
// bearings are paper, and the blur of a coarse drawing spreads the ink
// by up to a pixel and a half).
func TestReferenceMeasuresInk(t *testing.T) {
	needPdftotext(t)
	tooltest.Require(t, "poppler-utils", "pdftoppm")
	set, p := prepare(t, "memo.txt", corpus.RequireMemos(t, 1, 300, 3)[0])
	pdf := render(t, p, randomReader(set, p, rand.New(rand.NewPCG(1, 1))))
	pages, err := pdfread.Reference(t.Context(), pdf)
	if err != nil {
		t.Fatal(err)
	}
	px := 72.0 / pdfread.ReferenceDPI
	n, inked := 0, 0
	for _, l := range pages[0].Lines {
		for _, w := range l.Words {
			n++
			if !w.HasInk() {
				continue
			}
			inked++
			if w.InkLeft < w.Left-1.5*px || w.InkRight > w.Right+1.5*px || w.InkRight-w.InkLeft < 0.5*(w.Right-w.Left) {
				t.Fatalf("%q: ink %.2f–%.2f, box %.2f–%.2f", w.Text, w.InkLeft, w.InkRight, w.Left, w.Right)
			}
		}
	}
	if inked < n*9/10 {
		t.Fatalf("ink measured on %d of %d words", inked, n)
	}
}
