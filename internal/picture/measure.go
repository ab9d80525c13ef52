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
	// maxHeight bounds the height of a line measured, px: 24 pt type
	// scanned at 1200 dpi.
	maxHeight = 400
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
	// sharpWidth and widthError model the error that blur and thin
	// strokes add (see [lineLevels.edgeSigma]).
	sharpWidth = 2.4
	widthError = 0.2
	// sharpWidth and widthError model the error that blur adds
	// (see [edgeSigma]).
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
	line, _ := measureAlong(g, ws, lg, h)
	return line
}

// measureAlong finds the ink extents of a line's words along lg, the
// line's frame, with h the height of its words. found[i] reports whether
// word i's edges were found on the ink; a word whose were not keeps its
// box, projected on the line.
func measureAlong(g *plane, ws []box, lg lineGeom, h float64) (line layout.SeenLine, found []bool) {
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
	fallback := math.Max(3, 0.15*h)
	if h > maxHeight || t1-t0 > float64(g.w+g.h) {
		// Not a line of text as the picture can hold one: keep the boxes.
		line := layout.SeenLine{Words: make([]layout.SeenWord, len(ws))}
		for i, w := range ws {
			line.Words[i] = layout.SeenWord{Text: w.text, Left: bl[i], Right: br[i], Sigma: fallback}
		}
		return line, make([]bool, len(ws))
	}
	vTop, vBot := band(g, lg, t0, t1, h)
	prof := profile(g, lg, t0, t1, vTop, vBot)
	lv := levels(prof)

	// Word i's edges are the ends of the runs of paper that flank it:
	// between two words, the longest run between their boxes' centres
	// that meets the gap between the boxes; at the line's ends, the run
	// at least reach px long that holds the point reach px outside the
	// box. A word cut by the picture's frame has no such run: its ink
	// meets samples outside the picture.
	n := len(ws)
	type edge struct {
		t, slope float64
		ok       bool
	}
	lefts := make([]edge, n)
	rights := make([]edge, n)
	minRun := int(reach / step)
	if a, b, ok := prof.runAround(prof.idx(bl[0]-reach), lv); ok && b-a+1 >= minRun {
		lefts[0].t, lefts[0].slope, lefts[0].ok = prof.edge(b, b+1, lv)
	}
	if a, b, ok := prof.runAround(prof.idx(br[n-1]+reach), lv); ok && b-a+1 >= minRun {
		rights[n-1].t, rights[n-1].slope, rights[n-1].ok = prof.edge(a-1, a, lv)
	}
	for i := 1; i < n; i++ {
		c0 := prof.idx((bl[i-1] + br[i-1]) / 2)
		c1 := prof.idx((bl[i] + br[i]) / 2)
		a, b, ok := prof.longestRun(c0, c1, prof.idx(br[i-1]-reach), prof.idx(bl[i]+reach), lv)
		if !ok {
			continue
		}
		rights[i-1].t, rights[i-1].slope, rights[i-1].ok = prof.edge(a-1, a, lv)
		lefts[i].t, lefts[i].slope, lefts[i].ok = prof.edge(b, b+1, lv)
	}
	line = layout.SeenLine{Words: make([]layout.SeenWord, len(ws))}
	found = make([]bool, len(ws))
	for i, w := range ws {
		sw := layout.SeenWord{Text: w.text, Left: bl[i], Right: br[i], Sigma: fallback}
		if l, r := lefts[i], rights[i]; l.ok && r.ok && r.t > l.t {
			sw.Left, sw.Right = l.t, r.t
			sw.Sigma = math.Max(lv.edgeSigma(l.slope), lv.edgeSigma(r.slope))
			found[i] = true
		}
		line.Words[i] = sw
	}
	return line, found
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
		out := false
		for j := range col {
			x, y := lg.xy(t, vTop+float64(j)*vStep)
			out = out || x < 0 || y < 0 || x > float64(g.w) || y > float64(g.h)
			col[j] = 1 - g.bilinear(x, y)
		}
		prof.p[i] = slices.Max(col)
		if out {
			// What lies outside the picture is unknown, neither paper
			// nor ink.
			prof.p[i] = math.NaN()
		}
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
// the paper's level: a robust standard deviation (1.4826 times the
// median absolute deviation) of the profile where it is paper, which
// counts noise of every frequency, JPEG's blocks included.
func levels(prof inkProfile) lineLevels {
	var s []float64
	for _, v := range prof.p {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	if len(s) == 0 {
		return lineLevels{thr: math.NaN()}
	}
	slices.Sort(s)
	paper := s[len(s)/10]
	ink := s[len(s)*9/10]
	lv := lineLevels{thr: paper + (ink-paper)*thrFrac, contrast: ink - paper}
	k := int(1 / step)
	var d, all []float64
	low := paper + (ink-paper)*thrFrac/2
	for i := k; i+k < len(prof.p); i++ {
		v := prof.p[i]
		if math.IsNaN(v) {
			continue
		}
		all = append(all, v)
		if prof.p[i-k] < low && v < low && prof.p[i+k] < low {
			d = append(d, v)
		}
	}
	if len(d) < 20 {
		d = all
	}
	m := median(d)
	for i := range d {
		d[i] = math.Abs(d[i] - m)
	}
	lv.noise = 1.4826 * median(d)
	return lv
}

func (pr inkProfile) idx(t float64) int { return int(math.Round((t - pr.t0) / step)) }

func (pr inkProfile) tAt(i int) float64 { return pr.t0 + float64(i)*step }

// paper reports whether sample i is paper: inside the picture and
// below the threshold.
func (pr inkProfile) paper(i int, lv lineLevels) bool {
	return i >= 0 && i < len(pr.p) && pr.p[i] < lv.thr
}

// runAround returns the run of paper samples [a, b] that holds sample i.
func (pr inkProfile) runAround(i int, lv lineLevels) (a, b int, ok bool) {
	if !pr.paper(i, lv) {
		return 0, 0, false
	}
	a, b = i, i
	for pr.paper(a-1, lv) {
		a--
	}
	for pr.paper(b+1, lv) {
		b++
	}
	return a, b, true
}

// longestRun returns the longest run of paper samples [a, b] within
// (lo, hi) that meets [from, to], bounded by ink on both sides.
func (pr inkProfile) longestRun(lo, hi, from, to int, lv lineLevels) (a, b int, ok bool) {
	best := 0
	for i := max(lo+1, 0); i < min(hi, len(pr.p)); i++ {
		if !pr.paper(i, lv) || pr.paper(i-1, lv) && i > lo+1 {
			continue
		}
		j := i
		for j+1 < hi && pr.paper(j+1, lv) {
			j++
		}
		if i == lo+1 || j+1 >= hi || math.IsNaN(pr.p[i-1]) || j+1 >= len(pr.p) || math.IsNaN(pr.p[j+1]) {
			// A run reaching a box's centre or the picture's edge is not
			// a gap between two inked words.
			continue
		}
		if j >= from && i <= to && j-i+1 > best {
			a, b, best, ok = i, j, j-i+1, true
		}
	}
	return a, b, ok
}

// edge interpolates the crossing of the threshold between samples a and
// b = a+1, and returns it with the profile's slope over the pixel
// around it.
func (pr inkProfile) edge(a, b int, lv lineLevels) (float64, float64, bool) {
	if a < 0 || b >= len(pr.p) || math.IsNaN(pr.p[a]) || math.IsNaN(pr.p[b]) {
		return 0, 0, false
	}
	pa, pb := pr.p[a], pr.p[b]
	t := pr.tAt(a) + (lv.thr-pa)/(pb-pa)*step
	k := int(0.5 / step)
	lo, hi := max(a-k+1, 0), min(b+k-1, len(pr.p)-1)
	slope := math.Abs(pr.p[hi]-pr.p[lo]) / (float64(hi-lo) * step)
	if !(slope >= minSlope*lv.contrast) {
		return 0, 0, false
	}
	return t, slope, true
}

// edgeSigma is the standard deviation of an edge found where the
// profile, with noise σₚ, crosses the threshold with slope s (per px):
//
//	σ = √((σₚ/s)² + σₘ²),   σₘ = σ₀ + k·max(0, w − w₀),   w = C/s
//
// A level error e moves the crossing by e/s: the first term. The second
// is the error of taking the threshold crossing for the outline's edge.
// It is σ₀ on a sharp edge and grows with the edge's width w, the px the
// profile would take to climb the line's contrast C at this slope: a
// blurred edge, or one that starts with a thin stroke (a serif, a hook)
// faded below the threshold. σ₀ = [sigmaFloor], w₀ = [sharpWidth] and
// k = [widthError] are calibrated on rendered text (TestMeasureShifts
// checks that the errors divided by Sigma have an rms near 1).
func (lv lineLevels) edgeSigma(slope float64) float64 {
	m := sigmaFloor + widthError*max(0, lv.contrast/slope-sharpWidth)
	n := lv.noise / slope
	return math.Sqrt(n*n + m*m)
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
