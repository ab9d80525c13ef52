package picture

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The damages the measurement is held to, each alone and all together
// (a phone photo). Sizes are in picture px at 200 dpi.
var damages = []damage{
	{name: "clean"},
	{name: "rotate3", rotate: 3},
	{name: "perspective", perspective: 4e-5},
	{name: "scale0.8", scale: 0.8},
	{name: "blur1", blur: 1},
	{name: "noise", noise: 0.04},
	{name: "gradient", gradient: 0.5, contrast: 0.15},
	{name: "jpeg60", jpeg: 60},
	{name: "screenshot96", dpi: 96},
	{name: "screenshot120", dpi: 120},
	{name: "crop", crop: 0.3},
	{name: "photo", rotate: 3, perspective: 3e-5, blur: 0.8, noise: 0.03, gradient: 0.4, contrast: 0.1, jpeg: 60},
	{name: "photo-hard", rotate: 5, perspective: 6e-5, scale: 0.85, blur: 1.2, noise: 0.04, gradient: 0.5, contrast: 0.15, jpeg: 55, crop: 0.33},
}

type shiftStats struct {
	n, right, measured, words, cut int
	sq, zsq                        float64
}

func (s shiftStats) rms() float64     { return math.Sqrt(s.sq / float64(s.n)) }
func (s shiftStats) zrms() float64    { return math.Sqrt(s.zsq / float64(s.n)) }
func (s shiftStats) signAcc() float64 { return float64(s.right) / float64(s.n) }
func (s shiftStats) String() string {
	return fmt.Sprintf("%d points (%d measured): shift error rms %.3f px, sign right %.1f%%, rms(error/sigma) %.2f",
		s.n, s.measured, s.rms(), 100*s.signAcc(), s.zrms())
}

// measureTrials renders pages at 200 dpi with ±delta px word shifts,
// damages them, measures them with boxes as tesseract would give
// (jittered by up to 2 px) and reads the shifts back.
func measureTrials(t testing.TB, dm damage, seed uint64, pages int, deltaPt float64) shiftStats {
	rng := rand.New(rand.NewPCG(seed, 11))
	dpi := dm.dpi
	if dpi == 0 {
		dpi = 200
	}
	var st shiftStats
	for range pages {
		pg := renderPage(rng, dpi, 11, deltaPt*dpi/72, 6, 12)
		data, h := photograph(rng, pg, dm)
		g, _, err := decode(data)
		if err != nil {
			t.Fatal(err)
		}
		flat := flatten(g)
		seen := measurePage(flat, boxesOf(rng, pg, h, 2, g.w))
		for i, ln := range pg.lines {
			var edges, sig []float64
			for j, w := range seen.Lines[i].Words {
				edges = append(edges, w.Left, w.Right)
				sig = append(sig, w.Sigma)
				// A word the frame cuts must not be measured.
				if x, _ := h.apply(ln.right[j], ln.base); x > float64(g.w)-1 {
					st.cut++
					if w.Sigma < 3 {
						t.Errorf("word %q, cut by the frame, measured with Sigma %.2f", w.Text, w.Sigma)
					}
				}
			}
			got, want, sd := readShifts(ln, edges, sig, 3)
			for j := range got {
				e := got[j] - want[j]
				st.n++
				st.sq += e * e
				st.zsq += (e / sd[j]) * (e / sd[j])
				if got[j]*want[j] > 0 {
					st.right++
				}
			}
		}
		for _, ln := range seen.Lines {
			for _, w := range ln.Words {
				st.words++
				if w.Sigma < 3 {
					st.measured++
				}
			}
		}
	}
	return st
}

// TestMeasureShifts renders lines of text with one interior word in two
// moved by ±0.35 pt (0.97 px at 200 dpi, 0.47 px at 96 dpi), damages
// them, measures the picture with boxes as tesseract gives them (whole
// pixels, each side off by up to 2 px), and reads each shift back
// differentially against the glyph outlines, as the layout channel does.
//
// The limits come from the errors measured on these seeds with about
// 50% margin: shift error rms 0.16 to 0.28 px for geometric and
// photometric damage alone, 0.49 px under a 1 px blur, 0.47 px for the
// photo, 0.76 px for the hard photo (1.2 px blur at 0.85 scale, 5°, JPEG
// q55, a third of the page cut off). A Gaussian error of 0.5 px keeps a
// 0.97 px shift's sign with probability Φ(0.97/0.5) = 97%, one of
// 0.76 px with 90% (83% measured: the errors have heavier tails). The
// edges of tesseract's boxes alone (what the ink profile replaces) err
// by about 1.3 px and fail every limit.
//
// The test also checks that Sigma is honest: the errors divided by the
// standard deviation their words' Sigma claims have an rms within
// [0.5, 1.6] (2.5 for the hard photo). Too small a Sigma overweights a
// point, too large wastes it.
func TestMeasureShifts(t *testing.T) {
	type limit struct{ rms, sign, z float64 }
	limits := map[string]limit{
		"blur1":      {0.75, 0.9, 1.6},
		"photo":      {0.75, 0.9, 1.6},
		"photo-hard": {1.1, 0.75, 2.5},
	}
	for i, dm := range damages {
		t.Run(dm.name, func(t *testing.T) {
			st := measureTrials(t, dm, uint64(i+1), 3, 0.35)
			t.Log(st)
			lim, ok := limits[dm.name]
			if !ok {
				lim = limit{0.42, 0.9, 1.6}
			}
			if st.rms() > lim.rms {
				t.Errorf("shift error rms %.3f px, want at most %.2f", st.rms(), lim.rms)
			}
			if st.signAcc() < lim.sign {
				t.Errorf("sign read right for %.1f%% of shifts, want at least %.0f%%", 100*st.signAcc(), 100*lim.sign)
			}
			if z := st.zrms(); z < 0.5 || z > lim.z {
				t.Errorf("rms(error/sigma) = %.2f, want within [0.5, %.1f]", z, lim.z)
			}
			if st.measured < (st.words-st.cut)*95/100 {
				t.Errorf("edges found for %d of %d words, want at least 95%%", st.measured, st.words)
			}
		})
	}
}
