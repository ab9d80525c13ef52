package trace_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/trace"
)

func TestFromLayout(t *testing.T) {
	const delta = 0.5
	for _, c := range []struct {
		shift, sigma float64
		ok           bool
		sym          uint8
		eta          float64
	}{
		{0.5, 0, true, 1, 0.001},  // a PDF: exact
		{-0.5, 0, true, 0, 0.001}, // moved left
		{0, 0, false, 0, 0},       // no shift at all: erased
		{0.5, 0.1, true, 1, 0.01}, // far beyond the noise: floored
		{-0.2, 0.4, true, 0, 1 / (1 + math.Exp(2*0.2*0.5/0.16))},
		{0.01, 0.4, false, 0, 0},        // η ≈ 0.48: erased
		{math.NaN(), 0.3, false, 0, 0},  // unmeasured
		{0.02, 0, false, 0, 0},          // exact, but no mark reads so (colluders' PDFs pooled): erased
		{0.9, 0, false, 0, 0},           // exact, but twice the shift: not a mark
		{0.54, 0, true, 1, 0.001},       // within the positions' rounding
		{1.9, 0.3, false, 0, 0},         // far beyond either mark and the noise: erased
		{0.5, math.Inf(1), false, 0, 0}, // unmeasurable
	} {
		o, ok := trace.FromLayout(layout.Observation{Point: 7, Shift: c.shift, Sigma: c.sigma, Source: "p.png"}, delta)
		if ok != c.ok {
			t.Errorf("shift %g σ %g: ok = %v", c.shift, c.sigma, ok)
			continue
		}
		if !ok {
			continue
		}
		if o.Point != 7 || !o.Layout || o.Source != "p.png" || len(o.Symbols) != 1 || o.Symbols[0] != c.sym || math.Abs(o.Eta-c.eta) > 1e-12 {
			t.Errorf("shift %g σ %g: %+v, want symbol %d η %g", c.shift, c.sigma, o, c.sym, c.eta)
		}
	}
}

// TestOCRTextLayerIsNotExact: a PDF whose text layer an OCR program made
// gives jittery word boxes; its page's spread around ±δ becomes its
// readings' standard error, instead of their being taken as exact.
func TestOCRTextLayerIsNotExact(t *testing.T) {
	const delta = 0.35
	rng := rand.New(rand.NewPCG(5, 5))
	var exact, ocr []layout.Observation
	for i := range 200 {
		sign := float64(2*rng.IntN(2) - 1)
		exact = append(exact, layout.Observation{Point: i, Shift: sign * (delta + 0.004*rng.NormFloat64()), Source: "copy.pdf page 1"})
		ocr = append(ocr, layout.Observation{Point: i, Shift: sign*delta + 0.4*rng.NormFloat64(), Source: "scan.pdf page 1"})
	}
	for _, o := range trace.CalibrateExactForTest(exact, delta) {
		if o.Sigma != 0 {
			t.Fatalf("a PDF's own positions got σ %g", o.Sigma)
		}
	}
	cal := trace.CalibrateExactForTest(ocr, delta)
	var n, wrong int
	var etaSum float64
	for i, o := range cal {
		if o.Sigma < 0.2 {
			t.Fatalf("an OCR text layer's reading kept σ %g", o.Sigma)
		}
		ob, ok := trace.FromLayout(o, delta)
		if !ok {
			continue
		}
		n++
		etaSum += ob.Eta
		if (ob.Symbols[0] == 1) != (exact[i].Shift > 0) {
			wrong++
		}
	}
	// The readings' misread probabilities are what their noise makes
	// them, not the 0.001 of exact positions, and the misreadings they
	// predict are about the misreadings there are.
	if mean := etaSum / float64(n); mean < 0.05 {
		t.Errorf("mean η %.3f over %d jittery readings, want ≥ 0.05", mean, n)
	}
	if float64(wrong) > 1.5*etaSum+3*math.Sqrt(etaSum)+2 {
		t.Errorf("%d of %d readings misread, expected about %.1f", wrong, n, etaSum)
	}
}

func TestCombineLayout(t *testing.T) {
	got := trace.CombineLayout([]layout.Observation{
		{Point: 3, Shift: 0.4, Sigma: 0.2, Source: "b.jpg"},
		{Point: 1, Shift: -0.5, Sigma: 0.3, Source: "a.jpg"},
		{Point: 3, Shift: -0.1, Sigma: 0.4, Source: "a.jpg"},
		{Point: 5, Shift: 0.3, Sigma: 0.3, Source: "a.jpg"},
		{Point: 5, Shift: -0.5, Sigma: 0, Source: "leak.pdf page 1"},
	})
	if len(got) != 3 || got[0].Point != 1 || got[1].Point != 3 || got[2].Point != 5 {
		t.Fatalf("points %+v, want 1, 3, 5", got)
	}
	// Inverse-variance mean: (0.4/0.04 − 0.1/0.16) / (1/0.04 + 1/0.16).
	w := 1/0.04 + 1/0.16
	if want := (0.4/0.04 - 0.1/0.16) / w; math.Abs(got[1].Shift-want) > 1e-12 || math.Abs(got[1].Sigma-1/math.Sqrt(w)) > 1e-12 || got[1].Source != "a.jpg + b.jpg" {
		t.Errorf("point 3: %+v, want shift %g σ %g from both", got[1], want, 1/math.Sqrt(w))
	}
	if got[2].Shift != -0.5 || got[2].Sigma != 0 {
		t.Errorf("point 5: %+v, want the exact reading", got[2])
	}
}

// TestLayoutObservationsNameTheirReader: measured shifts of a reader's
// layout points, noisy, some lost, scored against the real layout code,
// name that reader and nobody else; the same reader id's copy from
// another home (another key) and another document's copy name nobody.
func TestLayoutObservationsNameTheirReader(t *testing.T) {
	const delta, readers = 0.5, 300
	specs := make([]code.Spec, 400)
	for i := range specs {
		specs[i] = code.Spec{Arity: 2, Class: code.Spread}
	}
	var key, other code.Key
	copy(key[:], "layout scoring key")
	copy(other[:], "another home's key")
	rs := make([]string, readers)
	for i := range rs {
		rs[i] = fmt.Sprintf("r%04d", i)
	}
	all := make([]int, len(specs))
	for i := range all {
		all[i] = i
	}
	copyOf := func(lc *trace.LayoutCode, reader string) []uint8 { return lc.Symbols(reader, all, lc.Biases(all)) }
	lc := trace.NewLayoutCode(key, "memo", 1, specs, delta)
	src := &trace.Source{ID: "memo", Readers: rs}
	rng := rand.New(rand.NewPCG(3, 4))
	// measure reads n points of a copy with noise σ, as a photo would.
	measure := func(syms []uint8, n int, sigma float64) []layout.Observation {
		var obs []layout.Observation
		for _, p := range rng.Perm(len(syms))[:n] {
			s := -delta
			if syms[p] == 1 {
				s = delta
			}
			obs = append(obs, layout.Observation{Point: p, Shift: s + sigma*rng.NormFloat64(), Sigma: sigma, Source: "photo.jpg"})
		}
		return obs
	}
	score := func(obs []layout.Observation) *trace.Match {
		m := trace.NewMatch(src)
		m.AddLayout(lc, obs)
		m.Score(trace.Options{Epsilon: 1e-6, Keep: 3, Candidates: 1000})
		return m
	}
	named := 0
	for trial := range 20 {
		leaker := rs[rng.IntN(readers)]
		m := score(measure(copyOf(lc, leaker), 150, 0.35))
		if m.ByChannel[marks.Layout]+m.Erased[marks.Layout] != 150 || m.PointsCovered != 150 {
			t.Fatalf("trial %d: %d read, %d erased, %d covered of 150", trial, m.ByChannel[marks.Layout], m.Erased[marks.Layout], m.PointsCovered)
		}
		for _, s := range m.Suspects {
			if s.Accused && s.Recipient != leaker {
				t.Fatalf("trial %d: innocent %s accused (p %g), the leaker is %s", trial, s.Recipient, s.PValue, leaker)
			}
		}
		if m.Suspects[0].Recipient == leaker && m.Suspects[0].Accused {
			named++
		}
		sum := m.LayoutFor(leaker)
		if sum.Read != m.ByChannel[marks.Layout] || sum.Agree > sum.Read || len(sum.Sources) != 1 || sum.Sources[0] != "photo.jpg" {
			t.Errorf("trial %d: layout summary %+v", trial, sum)
		}
		// The same reader id, another home's copy; and the leaker's copy
		// of another document.
		for _, foreign := range [][]uint8{
			copyOf(trace.NewLayoutCode(other, "memo", 1, specs, delta), leaker),
			copyOf(trace.NewLayoutCode(key, "memo-2", 1, specs, delta), leaker),
		} {
			fm := score(measure(foreign, 150, 0.35))
			if len(fm.Suspects) > 0 && fm.Suspects[0].Accused {
				t.Fatalf("trial %d: a copy from elsewhere accuses %s (p %g)", trial, fm.Suspects[0].Recipient, fm.Suspects[0].PValue)
			}
		}
	}
	if named < 18 {
		t.Errorf("150 noisy layout points named their reader in %d of 20 trials, want at least 18", named)
	}
}

// TestEraseChannel: a leak whose carrier can't show a channel (OCR and
// the typographic marks) has that channel's points erased, counted as
// unreadable, and the others read as without it.
func TestEraseChannel(t *testing.T) {
	f := newFixture(t, 1500, 10, 9)
	text := f.copyOf(t, "r0004")
	plain := trace.Align(f.src, trace.NewLeak(text))
	ocr := trace.NewLeak(text)
	ocr.Erase = []marks.Channel{marks.Typographic}
	m := trace.Align(f.src, ocr)
	if plain == nil || m == nil {
		t.Fatal("the copy does not align")
	}
	if plain.ByChannel[marks.Typographic] == 0 {
		t.Fatal("the copy shows no typographic mark to erase")
	}
	if m.ByChannel[marks.Typographic] != 0 || m.Erased[marks.Typographic] != plain.ByChannel[marks.Typographic]+plain.Erased[marks.Typographic] {
		t.Errorf("typographic: %d read, %d erased; without erasing %d read, %d erased", m.ByChannel[marks.Typographic], m.Erased[marks.Typographic],
			plain.ByChannel[marks.Typographic], plain.Erased[marks.Typographic])
	}
	if m.ByChannel[marks.Lexical] != plain.ByChannel[marks.Lexical] || len(m.Observations) != m.ByChannel[marks.Lexical] {
		t.Errorf("lexical: %d read, %d without erasing; %d observations", m.ByChannel[marks.Lexical], plain.ByChannel[marks.Lexical], len(m.Observations))
	}
}
