package picture

import "math"

// Straightening. Tesseract's page layout analysis reads next to nothing
// of a page turned by more than a few degrees (no words at 7°), and a
// phone held at an angle turns it by that much. So a picture whose text
// lines slope is turned upright before it is read: the slope is the
// angle at which the ink, projected across the lines, is most sharply
// concentrated into rows (the projection-profile method), searched over
// ±maxSkew.

const (
	// maxSkew bounds the slope searched for, in degrees.
	maxSkew = 20.0
	// minSkew is the slope below which a picture is read as it is:
	// tesseract copes with it, and resampling would blur the edges the
	// layout points are measured on for nothing.
	minSkew = 1.5
	// skewWidth is the width, in pixels, the picture is reduced to for
	// the search.
	skewWidth = 900
	// skewInk bounds the ink pixels the search projects.
	skewInk = 200_000
)

// skewAngle returns the slope of flat's text lines in radians, positive
// when they fall to the right (image y grows down), and whether it found
// enough ink to tell.
func skewAngle(flat *plane) (float64, bool) {
	step := max(1, flat.w/skewWidth)
	var xs, ys []float64
	for y := 0; y < flat.h; y += step {
		row := flat.p[y*flat.w:]
		for x := 0; x < flat.w; x += step {
			if row[x] < 0.55 {
				xs = append(xs, float64(x/step))
				ys = append(ys, float64(y/step))
			}
		}
	}
	if len(xs) < 500 {
		return 0, false
	}
	if len(xs) > skewInk {
		// Keep an evenly spread subset: every k-th ink pixel.
		k := (len(xs) + skewInk - 1) / skewInk
		j := 0
		for i := 0; i < len(xs); i += k {
			xs[j], ys[j] = xs[i], ys[i]
			j++
		}
		xs, ys = xs[:j], ys[:j]
	}
	w, h := float64(flat.w/step+1), float64(flat.h/step+1)
	diag := math.Hypot(w, h)
	bins := make([]float64, int(2*diag)+2)
	sharpness := func(deg float64) float64 {
		t := deg * math.Pi / 180
		s, c := math.Sin(t), math.Cos(t)
		clear(bins)
		for i := range xs {
			b := int(ys[i]*c - xs[i]*s + diag)
			bins[b]++
		}
		sum := 0.0
		for _, v := range bins {
			sum += v * v
		}
		return sum
	}
	best, bestDeg := -1.0, 0.0
	for deg := -maxSkew; deg <= maxSkew; deg += 0.25 {
		if v := sharpness(deg); v > best {
			best, bestDeg = v, deg
		}
	}
	coarse := bestDeg
	for deg := coarse - 0.25; deg <= coarse+0.25; deg += 0.05 {
		if v := sharpness(deg); v > best {
			best, bestDeg = v, deg
		}
	}
	return bestDeg * math.Pi / 180, true
}

// rotate returns g turned by −angle about its centre, so that lines
// sloping by angle come out level, on a canvas large enough to hold all of
// it; the corners it uncovers are filled with fill.
func rotate(g *plane, angle float64, fill float32) *plane {
	s, c := math.Sin(angle), math.Cos(angle)
	w := int(math.Ceil(math.Abs(float64(g.w)*c) + math.Abs(float64(g.h)*s)))
	h := int(math.Ceil(math.Abs(float64(g.w)*s) + math.Abs(float64(g.h)*c)))
	out := newPlane(w, h)
	cx, cy := float64(g.w)/2, float64(g.h)/2
	ox, oy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		dy := float64(y) + 0.5 - oy
		row := out.p[y*w:]
		for x := 0; x < w; x++ {
			dx := float64(x) + 0.5 - ox
			sx := cx + dx*c - dy*s
			sy := cy + dx*s + dy*c
			if sx < 0 || sy < 0 || sx >= float64(g.w) || sy >= float64(g.h) {
				row[x] = fill
				continue
			}
			row[x] = float32(g.bilinear(sx, sy))
		}
	}
	return out
}

// paperLevel is a bright percentile of g, the grey the corners a rotation
// uncovers are filled with so that they read as paper.
func paperLevel(g *plane) float32 {
	var hist [256]int
	for i := 0; i < len(g.p); i += 7 {
		hist[int(g.p[i]*255+0.5)]++
	}
	n := 0
	for _, c := range hist {
		n += c
	}
	acc := 0
	for i := 255; i >= 0; i-- {
		acc += hist[i]
		if acc*10 >= n {
			return float32(i) / 255
		}
	}
	return 1
}
