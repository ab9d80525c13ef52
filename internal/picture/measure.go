package picture

import (
	"math"
	"slices"

	"github.com/leaktrace/leaktrace/internal/layout"
)

// Parameters of the ink measurement.
const (
	// step is the spacing of the ink profile's samples along a line, px.
	step = 0.25
	// vStep is the spacing of the samples across the line, px.
	vStep = 0.5
	// thrFrac places edges where the profile has climbed this fraction
	// of the way from paper to ink. Low, so that thin strokes (serifs,
	// hooks) count as the outline's extent does; a uniform bias it adds
	// to every edge cancels in the gaps.
	thrFrac = 0.15
	// sigmaFloor is added in quadrature to every edge's error: what the
	// noise term cannot see (interpolation between samples, a residual
	// error in the line's direction).
	sigmaFloor = 0.15
	// sharpWidth and widthError model the error that blur adds
	// (see [edgeSigma]).
	sharpWidth = 2.4
	widthError = 0.3
	// minSlope is the least slope of the profile at which an edge counts
	// as found, per px, in units of the line's contrast (ink less paper).
	minSlope = 0.05
)

// lineGeom is a text line's frame in the picture: origin o, unit
// direction u along the line, unit normal n (pointing down the page).
type lineGeom struct {
	ox, oy, ux, uy, nx, ny float64
}

func (lg lineGeom) t(x, y float64) float64 { return (x-lg.ox)*lg.ux + (y-lg.oy)*lg.uy }
func (lg lineGeom) v(x, y float64) float64 { return (x-lg.ox)*lg.nx + (y-lg.oy)*lg.ny }
func (lg lineGeom) xy(t, v float64) (float64, float64) {
	return lg.ox + t*lg.ux + v*lg.nx, lg.oy + t*lg.uy + v*lg.ny
}

// measurePage measures every OCR line of g, a picture whose light has
// been flattened.
func measurePage(g *plane, lines []ocrLine) layout.SeenPage {
	page := layout.SeenPage{Ink: true}
	// Lines too short to give their own direction take the page's.
	var slopes []float64
	for _, ln := range lines {
		if s, ok := fitSlope(ln.words); ok {
			slopes = append(slopes, s)
		}
	}
	pageSlope := 0.0
	if len(slopes) > 0 {
		pageSlope = median(slopes)
	}
	for _, ln := range lines {
		page.Lines = append(page.Lines, measureLine(g, ln.words, pageSlope))
	}
	return page
}

// fitSlope fits y = a + b·x through the centres of the word boxes,
// weighted by width, and returns b when the line is long enough (three
// words or more, spanning at least eight times its height) to give its
// own direction.
func fitSlope(ws []box) (float64, bool) {
	if len(ws) < 3 {
		return 0, false
	}
	span := float64(ws[len(ws)-1].right - ws[0].left)
	if span < 8*medianHeight(ws) {
		return 0, false
	}
	var sw, sx, sy, sxx, sxy float64
	for _, w := range ws {
		wt := float64(w.right - w.left)
		cx := float64(w.left+w.right) / 2
		cy := float64(w.top+w.bottom) / 2
		sw += wt
		sx += wt * cx
		sy += wt * cy
		sxx += wt * cx * cx
		sxy += wt * cx * cy
	}
	d := sw*sxx - sx*sx
	if d <= 0 {
		return 0, false
	}
	b := (sw*sxy - sx*sy) / d
	if math.Abs(b) > 0.5 {
		return 0, false
	}
	return b, true
}

func medianHeight(ws []box) float64 {
	h := make([]float64, len(ws))
	for i, w := range ws {
		h[i] = float64(w.bottom - w.top)
	}
	return median(h)
}

// geometry returns the frame of a line of words and the half-height of
// the band searched for its ink.
func geometry(ws []box, pageSlope float64) (lineGeom, float64) {
	b, ok := fitSlope(ws)
	if !ok {
		b = pageSlope
	}
	var sw, sy, sx float64
	for _, w := range ws {
		wt := float64(w.right - w.left)
		sw += wt
		sx += wt * float64(w.left+w.right) / 2
		sy += wt * float64(w.top+w.bottom) / 2
	}
	cx, cy := sx/sw, sy/sw
	norm := math.Hypot(1, b)
	ux, uy := 1/norm, b/norm
	// A box's height is the word's height plus its width times the
	// line's slope; remove the latter.
	hs := make([]float64, len(ws))
	for i, w := range ws {
		hs[i] = float64(w.bottom-w.top) - float64(w.right-w.left)*math.Abs(b)
	}
	h := math.Max(median(hs), medianHeight(ws)*0.5)
	return lineGeom{ox: cx, oy: cy, ux: ux, uy: uy, nx: -uy, ny: ux}, h
}

// measureLine finds each word's ink extents along the line.
func measureLine(g *plane, ws []box, pageSlope float64) layout.SeenLine {
	lg, h := geometry(ws, pageSlope)
	// Each box projected on the line: its left and right edges at the
	// box's mid-height.
	bl := make([]float64, len(ws))
	br := make([]float64, len(ws))
	for i, w := range ws {
		my := float64(w.top+w.bottom) / 2
		bl[i] = lg.t(float64(w.left), my)
		br[i] = lg.t(float64(w.right), my)
	}
	reach := math.Max(4, 0.25*h)
	t0 := slices.Min(bl) - 2*reach
	t1 := slices.Max(br) + 2*reach
	vTop, vBot := band(g, lg, t0, t1, h)
	prof := profile(g, lg, t0, t1, vTop, vBot)
	lv := levels(prof)

	type found struct {
		l, r, sl, sr float64
		ok           bool
	}
	fs := make([]found, len(ws))
	var widths []float64
	for i := range ws {
		lo := bl[i] - reach
		if i > 0 {
			lo = math.Max(lo, (br[i-1]+bl[i])/2)
		}
		hi := br[i] + reach
		if i+1 < len(ws) {
			hi = math.Min(hi, (br[i]+bl[i+1])/2)
		}
		l, sl, okL := prof.rising(lo, bl[i]+reach, lv)
		r, sr, okR := prof.falling(hi, br[i]-reach, lv)
		if okL && okR && r > l {
			fs[i] = found{l, r, sl, sr, true}
			widths = append(widths, lv.contrast/sl, lv.contrast/sr)
		}
	}
	// The line's edge width: how far the profile takes to climb from
	// paper to ink at a word's edge, about 1 px when sharp, 2.5 σ under a
	// Gaussian blur of σ px.
	width := median(widths)
	line := layout.SeenLine{Words: make([]layout.SeenWord, len(ws))}
	fallback := math.Max(1.5, 0.1*h)
	for i, w := range ws {
		sw := layout.SeenWord{Text: w.text, Left: bl[i], Right: br[i], Sigma: fallback}
		if f := fs[i]; f.ok {
			sw.Left, sw.Right = f.l, f.r
			sw.Sigma = math.Max(edgeSigma(lv.noise, f.sl, width), edgeSigma(lv.noise, f.sr, width))
		}
		line.Words[i] = sw
	}
	return line
}

// band finds the rows (offsets along the normal) that hold the line's
// ink: around the densest row within half a height of the fitted centre
// line, out to where the ink thins to the paper's level, at most 1.1
// heights from it.
func band(g *plane, lg lineGeom, t0, t1, h float64) (float64, float64) {
	const dv = 0.5
	lim := 1.1 * h
	n := int(2*lim/dv) + 1
	p := make([]float64, n)
	for i := range p {
		v := -lim + float64(i)*dv
		s := 0.0
		for t := t0; t <= t1; t++ {
			x, y := lg.xy(t, v)
			s += 1 - g.bilinear(x, y)
		}
		p[i] = s
	}
	floor := slices.Min(p)
	peak, top := 0, 0.0
	for i := range p {
		v := -lim + float64(i)*dv
		if math.Abs(v) <= h/2 && p[i] > top {
			peak, top = i, p[i]
		}
	}
	cut := floor + 0.04*(top-floor)
	a := peak
	for a > 0 && p[a-1] > cut {
		a--
	}
	b := peak
	for b < n-1 && p[b+1] > cut {
		b++
	}
	return -lim + float64(a)*dv - 1, -lim + float64(b)*dv + 1
}

// inkProfile is the line's darkness sampled along it every step px from
// t0: at each position, the largest darkness across the band (sampled
// every vStep px), so that a word's extreme ink counts at whatever
// height it lies, as the extent of its outline would.
type inkProfile struct {
	t0 float64
	p  []float64
}

func profile(g *plane, lg lineGeom, t0, t1, vTop, vBot float64) inkProfile {
	n := int((t1-t0)/step) + 1
	prof := inkProfile{t0: t0, p: make([]float64, n)}
	m := int((vBot-vTop)/vStep) + 1
	col := make([]float64, m)
	for i := range prof.p {
		t := t0 + float64(i)*step
		for j := range col {
			x, y := lg.xy(t, vTop+float64(j)*vStep)
			col[j] = 1 - g.bilinear(x, y)
		}
		prof.p[i] = slices.Max(col)
	}
	return prof
}

// lineLevels are a line's profile's levels: the threshold at which
// edges are placed, the contrast between ink and paper, and the noise of
// the paper's level.
type lineLevels struct {
	thr, contrast, noise float64
}

// levels returns the profile's threshold, [thrFrac] of the way from the
// paper (its 10th percentile) to the ink (its 90th), and the noise of
// the paper's level: a robust standard deviation of the profile's second
// differences at 1 px where it is paper.
func levels(prof inkProfile) lineLevels {
	s := slices.Clone(prof.p)
	slices.Sort(s)
	paper := s[len(s)/10]
	ink := s[len(s)*9/10]
	lv := lineLevels{thr: paper + (ink-paper)*thrFrac, contrast: ink - paper}
	k := int(1 / step)
	var d, all []float64
	low := paper + (ink-paper)*thrFrac/2
	for i := k; i+k < len(prof.p); i++ {
		dd := math.Abs(prof.p[i] - (prof.p[i-k]+prof.p[i+k])/2)
		all = append(all, dd)
		if prof.p[i-k] < low && prof.p[i] < low && prof.p[i+k] < low {
			d = append(d, dd)
		}
	}
	if len(d) < 20 {
		d = all
	}
	// Second differences of white noise have variance 1.5 σ².
	lv.noise = 1.4826 * median(d) / math.Sqrt(1.5)
	return lv
}

func (pr inkProfile) idx(t float64) int { return int(math.Round((t - pr.t0) / step)) }

func (pr inkProfile) tAt(i int) float64 { return pr.t0 + float64(i)*step }

// rising finds the first upward crossing of the threshold after from, no
// later than to; from must be paper. It returns the crossing and the
// profile's slope there.
func (pr inkProfile) rising(from, to float64, lv lineLevels) (float64, float64, bool) {
	i := max(pr.idx(from), 1)
	end := min(pr.idx(to), len(pr.p)-1)
	if i >= len(pr.p) || pr.p[i] >= lv.thr {
		return 0, 0, false
	}
	for ; i <= end; i++ {
		if pr.p[i] >= lv.thr && pr.p[i-1] < lv.thr {
			return pr.edge(i-1, i, lv)
		}
	}
	return 0, 0, false
}

// falling finds the last downward crossing of the threshold before from,
// scanning leftwards no further than to; from must be paper.
func (pr inkProfile) falling(from, to float64, lv lineLevels) (float64, float64, bool) {
	i := min(pr.idx(from), len(pr.p)-2)
	end := max(pr.idx(to), 0)
	if i < 0 || pr.p[i] >= lv.thr {
		return 0, 0, false
	}
	for ; i >= end; i-- {
		if pr.p[i] >= lv.thr && pr.p[i+1] < lv.thr {
			return pr.edge(i, i+1, lv)
		}
	}
	return 0, 0, false
}

// edge interpolates the crossing of the threshold between samples a and
// b = a+1, and returns it with the profile's slope over the pixel
// around it.
func (pr inkProfile) edge(a, b int, lv lineLevels) (float64, float64, bool) {
	pa, pb := pr.p[a], pr.p[b]
	t := pr.tAt(a) + (lv.thr-pa)/(pb-pa)*step
	k := int(0.5 / step)
	lo, hi := max(a-k+1, 0), min(b+k-1, len(pr.p)-1)
	slope := math.Abs(pr.p[hi]-pr.p[lo]) / (float64(hi-lo) * step)
	if slope < minSlope*lv.contrast {
		return 0, 0, false
	}
	return t, slope, true
}

// edgeSigma is the standard deviation of an edge found where a profile
// with noise σₚ crosses the threshold with slope s (per px), on a line
// whose edges take w px to climb from paper to ink:
//
//	σ = √((σₚ/s)² + σₘ(w)²),   σₘ(w) = σ₀ + k·max(0, w − w₀)
//
// A level error e moves the crossing by e/s: the first term. The second
// is the error of taking the threshold crossing for the outline's edge:
// σ₀ on a sharp picture (w ≤ w₀), growing with blur as thin strokes
// (serifs, hooks, terminals) fade below the threshold. σ₀ = 0.15 px,
// w₀ = 2.4 px and k = 0.3 are calibrated on rendered Liberation Serif
// at 200 dpi (TestSigmaHonest checks them).
func edgeSigma(noise, slope, width float64) float64 {
	m := sigmaFloor + widthError*max(0, width-sharpWidth)
	return math.Sqrt((noise/slope)*(noise/slope) + m*m)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
