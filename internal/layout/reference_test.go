package layout

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// typesetSlots is the scheme whose slots are the typeset plan's points:
// each point's word as a span of its region's text, found by walking the
// plan's words and the region's in step.
func typesetSlots(t *testing.T, set *marks.Set, p *Plan) format.ShiftScheme {
	t.Helper()
	dws := documentWords(set.Doc.Regions())
	at := map[[2]int]int{} // plan (line, box) -> document word
	k := 0
	for li, l := range p.lines {
		for bi, b := range l.boxes {
			if b.norm == "" {
				continue
			}
			for j := k; j < len(dws) && j < k+8; j++ {
				if dws[j].norm == b.norm {
					at[[2]int{li, bi}], k = j, j+1
					break
				}
			}
		}
	}
	sc := format.ShiftScheme{Version: 1, Delta: p.delta}
	for _, pt := range p.points {
		j, ok := at[[2]int{pt.line, pt.box}]
		if !ok {
			t.Fatalf("point at line %d box %d: its word is not in the document's text", pt.line, pt.box)
		}
		sc.Slots = append(sc.Slots, format.Slot{Region: dws[j].region, Start: dws[j].start, End: dws[j].end})
	}
	return sc
}

// rendered is what an exact reader of a PDF would see of page pg of the
// unmarked document as typeset: each word's advance box and its ink, in
// points; with header, a line the document does not have above the
// first (a running head).
func rendered(p *Plan, pg int, header bool) SeenPage {
	sp := SeenPage{Source: "reference"}
	if header {
		sp.Lines = append(sp.Lines, SeenLine{Words: []SeenWord{{Text: "Confidential", Left: 72, Right: 130}, {Text: "draft", Left: 133, Right: 155}}})
	}
	ts := make([]uint8, len(p.set.Points))
	for i, pt := range p.set.Points {
		ts[i] = uint8(pt.Orig)
	}
	for li := range p.lines {
		if p.lines[li].page != pg {
			continue
		}
		var sl SeenLine
		for _, pw := range p.placeLine(li, ts, nil) {
			var text strings.Builder
			w := SeenWord{Left: pw.x, Right: pw.x}
			inked := false
			for _, r := range pw.runs {
				text.WriteString(r.text)
				rw, _, _ := faces[r.st].width(r.text, r.size)
				if l, rr, ok := faces[r.st].ink(r.text, r.size); ok {
					if !inked {
						w.InkLeft, inked = r.x+l, true
					}
					w.InkRight = r.x + rr
				}
				w.Right = r.x + rw
			}
			w.Text = text.String()
			sl.Words = append(sl.Words, w)
		}
		sp.Lines = append(sp.Lines, sl)
	}
	return sp
}

// TestReferencePlanMeasuresAsTheTypesetPlan: the typeset document's own
// rendering, read as a reference, locates the typeset points (all but
// those next to a text point that changes the print) and measures a
// picture of a copy, and a PDF of it, as the typeset plan does.
func TestReferencePlanMeasuresAsTheTypesetPlan(t *testing.T) {
	set, p := memoPlan(t, 1600, 31)
	sc := typesetSlots(t, set, p)
	var ref []SeenPage
	for pg := 1; pg <= p.Pages(); pg++ {
		ref = append(ref, rendered(p, pg, pg > 1))
	}
	rp, err := NewReferencePlan(set, sc, ref)
	if err != nil {
		t.Fatal(err)
	}
	if rp.NumPoints() != p.NumPoints() {
		t.Fatalf("%d points, want one per slot (%d)", rp.NumPoints(), p.NumPoints())
	}
	located := 0
	for i, pt := range rp.points {
		if pt.line < 0 {
			continue
		}
		located++
		_, got := rp.PointInfo(i)
		_, want := p.PointInfo(i)
		if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(want), " ") {
			t.Fatalf("slot %d located at %q, typeset at %q", i, got, want)
		}
	}
	if located != rp.Located() || located < p.NumPoints()*3/4 {
		t.Fatalf("located %d (Located says %d) of %d slots", located, rp.Located(), p.NumPoints())
	}
	t.Logf("located %d of %d slots", located, p.NumPoints())
	rng := rand.New(rand.NewPCG(1, 2))
	ts, ls := symbols(set, p, rng)
	for _, d := range []damage{
		{scale: 300.0 / 72, offset: -40, sigma: 0.3, misspell: 0.05, drop: 0.01},
		{scale: 1, sigma: 0}, // a PDF's text layer: advance boxes
	} {
		sp := picture(p, 2, ts, ls, d, rng)
		if d.sigma == 0 {
			sp = pdfOf(p, 2, ts, ls)
		}
		want := map[int]Observation{}
		for _, o := range Observe(p, []SeenPage{sp}) {
			want[o.Point] = o
		}
		got := Observe(rp, []SeenPage{sp})
		if len(got) < 40 {
			t.Fatalf("ink %v: %d points measured", sp.Ink, len(got))
		}
		for _, o := range got {
			w, ok := want[o.Point]
			if !ok {
				t.Fatalf("ink %v: point %d measured on the reference plan only", sp.Ink, o.Point)
			}
			// The reference's gaps are the plan's, to the PDF writer's
			// rounding (1/100 pt).
			if math.Abs(o.Shift-w.Shift) > 0.011 || math.Abs(o.Sigma-w.Sigma) > 0.001 {
				t.Fatalf("ink %v: point %d: %.4f ± %.4f, typeset plan %.4f ± %.4f", sp.Ink, o.Point, o.Shift, o.Sigma, w.Shift, w.Sigma)
			}
		}
	}
}

// pdfOf is what pdftotext reads of page pg of a copy: advance boxes.
func pdfOf(p *Plan, pg int, ts, ls []uint8) SeenPage {
	shift := map[[2]int]float64{}
	for i, pt := range p.points {
		shift[[2]int{pt.line, pt.box}] = map[uint8]float64{0: -p.delta, 1: p.delta}[ls[i]]
	}
	sp := SeenPage{Source: "copy.pdf"}
	for li := range p.lines {
		if p.lines[li].page != pg {
			continue
		}
		var sl SeenLine
		for _, pw := range p.placeLine(li, ts, shift) {
			w := SeenWord{Left: pw.x, Right: pw.x}
			for _, r := range pw.runs {
				w.Text += r.text
				rw, _, _ := faces[r.st].width(r.text, r.size)
				w.Right = r.x + rw
			}
			sl.Words = append(sl.Words, w)
		}
		sp.Lines = append(sp.Lines, sl)
	}
	return sp
}

// TestReferencePlanWithoutInkMeasuresNoPicture: a reference read from a
// PDF alone has advance boxes, not ink; it measures PDFs, never pictures.
func TestReferencePlanWithoutInkMeasuresNoPicture(t *testing.T) {
	set, p := memoPlan(t, 400, 41)
	sc := typesetSlots(t, set, p)
	ref := rendered(p, 1, false)
	for _, l := range ref.Lines {
		for k := range l.Words {
			l.Words[k].InkLeft, l.Words[k].InkRight = 0, 0
		}
	}
	rp, err := NewReferencePlan(set, sc, []SeenPage{ref})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	ts, ls := symbols(set, p, rng)
	if n := len(Observe(rp, []SeenPage{pdfOf(p, 1, ts, ls)})); n < 20 {
		t.Fatalf("%d points of a PDF measured", n)
	}
	if obs := Observe(rp, []SeenPage{picture(p, 1, ts, ls, damage{scale: 2, sigma: 0.2}, rng)}); len(obs) != 0 {
		t.Fatalf("%d points of a picture measured without the reference's ink", len(obs))
	}
}

// TestReferencePlanLeavesSlotsItCannotPlace: a slot whose word the
// rendering does not show where the document has it, or shows with
// other neighbours, stays unmeasured.
func TestReferencePlanLeavesSlotsItCannotPlace(t *testing.T) {
	text := "The quick brown fox jumps over the lazy dog near the river bank today.\n"
	doc, err := format.Parse("t.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	set := &marks.Set{Doc: doc}
	slot := func(w string) format.Slot {
		i := strings.Index(text, w)
		return format.Slot{Region: 0, Start: i, End: i + len(w)}
	}
	sc := format.ShiftScheme{Version: 1, Delta: 0.2, Slots: []format.Slot{
		slot("brown"),                 // placed
		slot("lazy"),                  // its neighbour "dog" is hyphenated onto the next line
		slot("river"),                 // a word between it and "bank" on the page
		slot("The"),                   // no word before it
		{Region: 0, Start: 5, End: 6}, // a letter of "quick", not a word
	}}
	words := func(ws ...string) SeenLine {
		var l SeenLine
		x := 72.0
		for _, w := range ws {
			l.Words = append(l.Words, SeenWord{Text: w, Left: x, Right: x + 5*float64(len(w)), InkLeft: x + 0.3, InkRight: x + 5*float64(len(w)) - 0.2})
			x += 5*float64(len(w)) + 3
		}
		return l
	}
	ref := []SeenPage{{Lines: []SeenLine{
		words("The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "do-"),
		words("g", "near", "the", "river", "†", "bank", "today."),
	}}}
	rp, err := NewReferencePlan(set, sc, ref)
	if err != nil {
		t.Fatal(err)
	}
	var got []bool
	for _, pt := range rp.points {
		got = append(got, pt.line >= 0)
	}
	if want := []bool{true, false, false, false, false}; !equalBools(got, want) {
		t.Fatalf("located %v, want %v", got, want)
	}
	if _, ctx := rp.PointInfo(0); ctx != "The quick [brown] fox jumps over the lazy do-" {
		t.Fatalf("PointInfo(0) = %q", ctx)
	}
	if page, ctx := rp.PointInfo(1); page != 0 || ctx != "" {
		t.Fatalf("PointInfo of a slot not located = %d, %q", page, ctx)
	}
	if rp.PointsOnPage(1) != 1 {
		t.Fatalf("PointsOnPage(1) = %d", rp.PointsOnPage(1))
	}
	if _, err := NewReferencePlan(set, sc, nil); err == nil {
		t.Fatal("a reference with no words made a plan")
	}
	if _, err := NewReferencePlan(set, format.ShiftScheme{Delta: math.NaN()}, ref); err == nil {
		t.Fatal("a scheme with no shift made a plan")
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestAlignWordsCutsLongTexts: two long texts, one with a word changed
// here and there and lines added, align word by word through the
// unique words that anchor them.
func TestAlignWordsCutsLongTexts(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	vocab := []string{"alpha", "beta", "gamma", "delta", "the", "of", "and", "report"}
	var a []string
	for i := range 6000 {
		if i%50 == 0 {
			a = append(a, "unique"+itoa(i))
			continue
		}
		a = append(a, vocab[rng.IntN(len(vocab))])
	}
	var b []string
	want := make([]int, len(a))
	for i, w := range a {
		want[i] = -1
		if i%500 == 7 {
			b = append(b, "page", "header")
		}
		if i%97 == 3 {
			b = append(b, "changed")
			continue
		}
		want[i] = len(b)
		b = append(b, w)
	}
	got := alignWords(a, b)
	wrong, matched := 0, 0
	for i := range a {
		if got[i] >= 0 {
			matched++
			if a[i] != b[got[i]] && !wordsMatch(a[i], b[got[i]]) {
				wrong++
			}
		}
	}
	if wrong > 0 || matched < len(a)*95/100 {
		t.Fatalf("matched %d of %d words, %d to a different word", matched, len(a), wrong)
	}
	for i := 1; i < len(got); i++ {
		if got[i] >= 0 {
			for j := i - 1; j >= 0; j-- {
				if got[j] >= 0 {
					if got[j] >= got[i] {
						t.Fatalf("words %d and %d matched out of order", j, i)
					}
					break
				}
			}
		}
	}
}

// TestReferencePlanReadsReflowedLines: a word processor breaks each
// copy's lines after its own text variants, so a copy's line may run on
// into the reference's next one. Such a line is measured where it
// matches the reference, as it is not on a typeset plan (whose copies
// all break alike: a line that runs on is another typesetter's).
func TestReferencePlanReadsReflowedLines(t *testing.T) {
	set, p := memoPlan(t, 400, 41)
	sc := typesetSlots(t, set, p)
	rp, err := NewReferencePlan(set, sc, []SeenPage{rendered(p, 1, false)})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	ts, ls := symbols(set, p, rng)
	sp := picture(p, 1, ts, ls, damage{scale: 200.0 / 72, sigma: 0.2}, rng)
	// Each line's last two words move to the start of the next line,
	// set 2 pt before that line's first word.
	gap := 2 * 200.0 / 72
	for i := len(sp.Lines) - 1; i > 0; i-- {
		prev := &sp.Lines[i-1]
		if len(prev.Words) < 4 || len(sp.Lines[i].Words) == 0 {
			continue
		}
		moved := append([]SeenWord(nil), prev.Words[len(prev.Words)-2:]...)
		prev.Words = prev.Words[:len(prev.Words)-2]
		d := sp.Lines[i].Words[0].Left - gap - moved[1].Right
		for k := range moved {
			moved[k].Left += d
			moved[k].Right += d
		}
		sp.Lines[i].Words = append(moved, sp.Lines[i].Words...)
	}
	if n := len(Observe(p, []SeenPage{sp})); n != 0 {
		t.Fatalf("the typeset plan measured %d points on lines broken elsewhere", n)
	}
	obs := Observe(rp, []SeenPage{sp})
	if len(obs) < rp.Located()/2 {
		t.Fatalf("measured %d of %d points", len(obs), rp.Located())
	}
	for _, o := range obs {
		want := map[uint8]float64{0: -p.delta, 1: p.delta}[ls[o.Point]]
		if math.Abs(o.Shift-want) > 5*o.Sigma {
			t.Fatalf("point %d: shift %.3f ± %.3f, want %.2f", o.Point, o.Shift, o.Sigma, want)
		}
	}
}
