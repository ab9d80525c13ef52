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
	{name: "photo", rotate: 3, perspective: 3e-5, blur: 0.8, noise: 0.03, gradient: 0.4, contrast: 0.1, jpeg: 60},
}

type shiftStats struct {
	n, right, measured, words int
	sq, zsq                   float64
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
func measureTrials(t testing.TB, dm damage, seed uint64, pages int, delta float64) shiftStats {
	rng := rand.New(rand.NewPCG(seed, 11))
	var st shiftStats
	for range pages {
		pg := renderPage(rng, 200, 11, delta, 6, 12)
		data, h := photograph(rng, pg, dm)
		g, _, err := decode(data)
		if err != nil {
			t.Fatal(err)
		}
		flat := flatten(g)
		seen := measurePage(flat, boxesOf(rng, pg, h, 2))
		for i, ln := range pg.lines {
			var edges, sig []float64
			for _, w := range seen.Lines[i].Words {
				edges = append(edges, w.Left, w.Right)
				sig = append(sig, w.Sigma)
			}
			got, want, sd := readShifts(t, ln, edges, sig)
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
				if w.Sigma < 1.5 {
					st.measured++
				}
			}
		}
	}
	return st
}

// TestMeasureShifts renders lines of text with one interior word in two
// moved by ±0.35 pt (0.97 px at 200 dpi), damages them, measures the
// picture with boxes as tesseract gives them (whole pixels, each side off
// by up to 2 px), and reads each shift back differentially against the
// glyph outlines, as the layout channel does.
//
// The limits come from the errors measured on these seeds (shift error
// rms 0.16 to 0.28 px for geometric and photometric damage alone, 0.49
// px under a 1 px blur, 0.53 px for the whole photo) with about 50%
// margin. With a Gaussian error of 0.53 px a 0.97 px shift keeps its
// sign with probability Φ(0.97/0.53) = 97%; the test asks for 90%. The
// edges from tesseract's boxes alone (what the ink profile replaces)
// err by about 1.3 px and fail every limit. The test also checks that
// the words' Sigma is honest.
func TestMeasureShifts(t *testing.T) {
	limits := map[string]float64{"blur1": 0.75, "photo": 0.8}
	for i, dm := range damages {
		t.Run(dm.name, func(t *testing.T) {
			st := measureTrials(t, dm, uint64(i+1), 4, 0.35*200/72)
			t.Log(st)
			maxRMS := 0.42
			if l, ok := limits[dm.name]; ok {
				maxRMS = l
			}
			if st.rms() > maxRMS {
				t.Errorf("shift error rms %.3f px, want at most %.2f", st.rms(), maxRMS)
			}
			if st.signAcc() < 0.9 {
				t.Errorf("sign read right for %.1f%% of shifts, want at least 90%%", 100*st.signAcc())
			}
			// Each word's Sigma must be the size of its error, within a
			// factor of two (too small a Sigma overweights a point, too
			// large wastes it).
			if z := st.zrms(); z < 0.5 || z > 2 {
				t.Errorf("rms(error/sigma) = %.2f, want within [0.5, 2]", z)
			}
			if st.measured < st.words*95/100 {
				t.Errorf("edges found for %d of %d words, want at least 95%%", st.measured, st.words)
			}
		})
	}
}
