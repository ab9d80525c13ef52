package layout

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// damage is what a simulated picture does to a copy's words.
type damage struct {
	scale, offset float64 // pixels per point, and where the crop starts
	sigma         float64 // pixels of error on each ink edge
	misspell      float64 // chance a word of 4+ letters has one letter wrong
	merge         float64 // chance a word runs into the next
	split         float64 // chance a word of 6+ letters is read as two
	drop          float64 // chance a word is missed
	fromLine      int     // only the page's lines from this one on are seen
}

// picture returns what an ideal reader of a picture of page pg of a copy
// would report, with the damage d: ink extents in pixels along each line.
func picture(p *Plan, pg int, ts, ls []uint8, d damage, rng *rand.Rand) SeenPage {
	shift := map[[2]int]float64{}
	for i, pt := range p.points {
		shift[[2]int{pt.line, pt.box}] = map[uint8]float64{0: -p.delta, 1: p.delta}[ls[i]]
	}
	sp := SeenPage{Ink: true, Source: "picture"}
	n := 0
	for li := range p.lines {
		if p.lines[li].page != pg {
			continue
		}
		n++
		if n <= d.fromLine {
			continue
		}
		var sl SeenLine
		for _, pw := range p.placeLine(li, ts, shift) {
			var text strings.Builder
			left, right, inked := 0.0, 0.0, false
			for _, r := range pw.runs {
				text.WriteString(r.text)
				if l, rr, ok := faces[r.st].ink(r.text, r.size); ok {
					if !inked {
						left, inked = r.x+l, true
					}
					right = r.x + rr
				}
			}
			if !inked || rng.Float64() < d.drop {
				continue
			}
			w := SeenWord{Text: text.String(), Sigma: d.sigma,
				Left:  d.offset + d.scale*left + rng.NormFloat64()*d.sigma,
				Right: d.offset + d.scale*right + rng.NormFloat64()*d.sigma}
			if rs := []rune(w.Text); len(rs) >= 5 && rng.Float64() < d.misspell {
				rs[2] = 'q'
				w.Text = string(rs)
			}
			if rs := []rune(w.Text); len(rs) >= 6 && rng.Float64() < d.split {
				cut := w.Left + (w.Right-w.Left)*0.5
				sl.Words = append(sl.Words, SeenWord{Text: string(rs[:3]), Left: w.Left, Right: cut - 1, Sigma: w.Sigma},
					SeenWord{Text: string(rs[3:]), Left: cut + 1, Right: w.Right, Sigma: w.Sigma})
				continue
			}
			if k := len(sl.Words); k > 0 && rng.Float64() < d.merge {
				prev := &sl.Words[k-1]
				prev.Text += w.Text
				prev.Right = w.Right
				continue
			}
			sl.Words = append(sl.Words, w)
		}
		sp.Lines = append(sp.Lines, sl)
	}
	return sp
}

func memoPlan(t *testing.T, words int, seed uint64) (*marks.Set, *Plan) {
	t.Helper()
	memo := corpus.RequireMemos(t, 1, words, seed)[0]
	doc, err := format.Parse("memo.txt", []byte(memo))
	if err != nil {
		t.Fatal(err)
	}
	set := marks.Find(doc)
	p, err := NewPlan(set, "Staff review", Version1)
	if err != nil {
		t.Fatal(err)
	}
	return set, p
}

func symbols(set *marks.Set, p *Plan, rng *rand.Rand) ([]uint8, []uint8) {
	ts := make([]uint8, len(set.Points))
	for i, pt := range set.Points {
		ts[i] = uint8(rng.IntN(len(pt.Variants)))
	}
	ls := make([]uint8, p.NumPoints())
	for i := range ls {
		ls[i] = uint8(rng.IntN(2))
	}
	return ts, ls
}

// TestObserveReadsAPictureOfPartOfAPage: from the ink extents of the
// lower half of page 2, scaled, offset, jittered and with OCR's errors,
// Observe finds the page, reads most of its points, every one with the
// right sign, also where OCR split a word or ran two together.
func TestObserveReadsAPictureOfPartOfAPage(t *testing.T) {
	set, p := memoPlan(t, 1600, 31)
	if p.Pages() < 3 {
		t.Fatalf("sample has %d pages, want 3 or more", p.Pages())
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ts, ls := symbols(set, p, rng)
	d := damage{scale: 300.0 / 72, offset: -812.5, sigma: 0.3, misspell: 0.1, merge: 0.04, split: 0.05, drop: 0.02, fromLine: 20}
	sp := picture(p, 2, ts, ls, d, rng)
	obs := Observe(p, []SeenPage{sp})
	// The points in view: on page 2, past its first d.fromLine lines.
	first := -1
	for li, l := range p.lines {
		if l.page == 2 && first < 0 {
			first = li
		}
	}
	inView := 0
	for _, pt := range p.points {
		if p.lines[pt.line].page == 2 && pt.line >= first+d.fromLine {
			inView++
		}
	}
	if inView < 40 || len(obs) < inView*4/5 {
		t.Fatalf("read %d of the %d points in view", len(obs), inView)
	}
	t.Logf("read %d of the %d points in view", len(obs), inView)
	for _, o := range obs {
		if p.lines[p.points[o.Point].line].page != 2 {
			t.Fatalf("point %d is not on the page seen", o.Point)
		}
		want := map[uint8]float64{0: -p.delta, 1: p.delta}[ls[o.Point]]
		if math.Abs(o.Shift-want) > 5*o.Sigma || o.Sigma <= 0 {
			t.Fatalf("point %d: shift %.3f ± %.3f, want %.2f", o.Point, o.Shift, o.Sigma, want)
		}
	}
	// The reported sigma is the one the words' sigma implies.
	if want := d.sigma / d.scale; math.Abs(obs[0].Sigma-want) > 0.02*want {
		t.Fatalf("sigma %.4f, want %.4f", obs[0].Sigma, want)
	}
}

// TestObserveIgnoresOtherDocuments: a picture of another document's page
// yields no observation at all.
func TestObserveIgnoresOtherDocuments(t *testing.T) {
	set, p := memoPlan(t, 400, 41)
	_, other := memoPlan(t, 400, 42)
	_ = set
	rng := rand.New(rand.NewPCG(3, 4))
	ots := make([]uint8, len(other.set.Points))
	ols := make([]uint8, other.NumPoints())
	sp := picture(other, 1, ots, ols, damage{scale: 2, sigma: 0.2}, rng)
	if obs := Observe(p, []SeenPage{sp}); len(obs) != 0 {
		t.Fatalf("%d observations from another document's page", len(obs))
	}
}

// TestObserveReadsAScreenshotAcrossAPageBreak: a screenshot of a viewer
// scrolled across a page break shows the end of one page and the start
// of the next; the points of both are read.
func TestObserveReadsAScreenshotAcrossAPageBreak(t *testing.T) {
	set, p := memoPlan(t, 1600, 31)
	rng := rand.New(rand.NewPCG(5, 6))
	ts, ls := symbols(set, p, rng)
	d := damage{scale: 96.0 / 72, offset: 40, sigma: 0.1, fromLine: 30}
	end := picture(p, 1, ts, ls, d, rng)
	d.fromLine = 0
	start := picture(p, 2, ts, ls, d, rng)
	sp := SeenPage{Ink: true, Source: "screenshot", Lines: append(end.Lines, start.Lines[:12]...)}
	obs := Observe(p, []SeenPage{sp})
	seen := map[int]int{}
	for _, o := range obs {
		seen[p.lines[p.points[o.Point].line].page]++
		want := map[uint8]float64{0: -p.delta, 1: p.delta}[ls[o.Point]]
		if math.Abs(o.Shift-want) > 5*o.Sigma {
			t.Fatalf("point %d: shift %.3f ± %.3f, want %.2f", o.Point, o.Shift, o.Sigma, want)
		}
	}
	if seen[1] < 20 || seen[2] < 20 {
		t.Fatalf("read %d points of page 1 and %d of page 2", seen[1], seen[2])
	}
}

// TestObserveIgnoresAPageSetWithOtherLineBreaks: a picture of the
// document typeset by something else (retyped, or the original printed
// from a word processor), with its lines broken elsewhere, shows none of
// the copy's word shifts: its gaps are that typesetter's, and reading
// them as marks would only add noise that buries the marks that did
// survive (its wording). No point is measured on it.
func TestObserveIgnoresAPageSetWithOtherLineBreaks(t *testing.T) {
	set, p := memoPlan(t, 400, 41)
	rng := rand.New(rand.NewPCG(7, 8))
	ts, ls := symbols(set, p, rng)
	const scale = 150.0 / 72
	sp := picture(p, 1, ts, ls, damage{scale: scale, sigma: 0.2}, rng)
	if n := len(Observe(p, []SeenPage{sp})); n < 40 {
		t.Fatalf("the copy's own page: %d points read, want 40 or more", n)
	}
	// The same words, set in lines of 80% of the length, with plain
	// spaces between them that vary as a typesetter's do.
	var words []SeenWord
	for _, l := range sp.Lines {
		words = append(words, l.Words...)
	}
	other := SeenPage{Ink: true, Source: "retyped"}
	x, line := 0.0, SeenLine{}
	for _, w := range words {
		width := w.Right - w.Left
		if x > 0 && x+width > 0.8*textW*scale {
			other.Lines = append(other.Lines, line)
			x, line = 0, SeenLine{}
		}
		line.Words = append(line.Words, SeenWord{Text: w.Text, Left: x, Right: x + width, Sigma: 0.2})
		x += width + (2.75+0.3*rng.NormFloat64())*scale
	}
	other.Lines = append(other.Lines, line)
	if obs := Observe(p, []SeenPage{other}); len(obs) != 0 {
		t.Fatalf("%d points measured on a page whose lines are broken elsewhere", len(obs))
	}
}
