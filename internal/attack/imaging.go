package attack

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
)

// This file holds the image primitives the picture attacks share: the
// OCR attack's page rendering and the photo, screenshot and print-scan
// simulators. Images are 8-bit grey, origin at the top left. Continuous
// coordinates put pixel (i, j)'s centre at (i+0.5, j+0.5), so a pixel
// covers [i, i+1) × [j, j+1) and geometry does not depend on resolution.

// rotate returns img turned by theta radians about its centre, sampled
// bilinearly, with white where the turned page leaves a gap.
func rotate(img *image.Gray, theta float64) *image.Gray {
	b := img.Rect
	w, h := b.Dx(), b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	cx, cy := float64(w-1)/2, float64(h-1)/2
	sin, cos := math.Sincos(theta)
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 255
		}
		return float64(img.Pix[y*img.Stride+x])
	}
	for y := range h {
		dy := float64(y) - cy
		for x := range w {
			dx := float64(x) - cx
			// Inverse map: where in the source this output pixel comes from.
			sx := cos*dx + sin*dy + cx
			sy := -sin*dx + cos*dy + cy
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(x0), sy-float64(y0)
			v := (at(x0, y0)*(1-fx)+at(x0+1, y0)*fx)*(1-fy) +
				(at(x0, y0+1)*(1-fx)+at(x0+1, y0+1)*fx)*fy
			out.Pix[y*out.Stride+x] = clamp8(v)
		}
	}
	return out
}

// shade darkens img along direction dir (radians) by up to depth grey
// levels, a linear gradient from the brightest corner to the dimmest.
// Light scales the pixel, so ink darkens less than paper, as it does.
func shade(img *image.Gray, depth, dir float64) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	ux, uy := math.Cos(dir), math.Sin(dir)
	// Projections of the corners onto the direction bound the gradient.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range [][2]float64{{0, 0}, {float64(w), 0}, {0, float64(h)}, {float64(w), float64(h)}} {
		p := c[0]*ux + c[1]*uy
		lo, hi = min(lo, p), max(hi, p)
	}
	span := max(hi-lo, 1)
	for y := range h {
		row := img.Pix[y*img.Stride:]
		for x := range w {
			t := (float64(x)*ux + float64(y)*uy - lo) / span
			row[x] = clamp8(float64(row[x]) * (1 - t*depth/255))
		}
	}
}

// boxBlur blurs img in place with a (2r+1)² box, as two separable passes;
// edges are clamped.
func boxBlur(img *image.Gray, r int) {
	if r <= 0 {
		return
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	buf := make([]uint8, max(w, h))
	blur1 := func(get func(int) uint8, set func(int, uint8), n int) {
		for i := range n {
			buf[i] = get(i)
		}
		sum := 0
		for k := -r; k <= r; k++ {
			sum += int(buf[min(max(k, 0), n-1)])
		}
		for i := range n {
			set(i, uint8((sum+r)/(2*r+1)))
			sum += int(buf[min(i+r+1, n-1)]) - int(buf[max(i-r, 0)])
		}
	}
	for y := range h {
		row := img.Pix[y*img.Stride:]
		blur1(func(i int) uint8 { return row[i] }, func(i int, v uint8) { row[i] = v }, w)
	}
	for x := range w {
		blur1(func(i int) uint8 { return img.Pix[i*img.Stride+x] },
			func(i int, v uint8) { img.Pix[i*img.Stride+x] = v }, h)
	}
}

func fill(img *image.Gray, v uint8) {
	for i := range img.Pix {
		img.Pix[i] = v
	}
}

func clamp8(v float64) uint8 {
	return uint8(min(max(math.Round(v), 0), 255))
}

// round8 is clamp8 for hot loops: the same but for values that lie within
// a rounding error of a half, where it may round the other way.
func round8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// homography is a projective map of the plane, row-major with h[8] = 1:
// (x, y) ↦ ((h0x+h1y+h2)/w, (h3x+h4y+h5)/w) with w = h6x+h7y+1.
type homography [9]float64

// apply maps the point (x, y).
func (h homography) apply(x, y float64) (float64, float64) {
	w := h[6]*x + h[7]*y + h[8]
	return (h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w
}

// inverse returns the inverse map (the adjugate, normalised).
func (h homography) inverse() homography {
	a := homography{
		h[4]*h[8] - h[5]*h[7], h[2]*h[7] - h[1]*h[8], h[1]*h[5] - h[2]*h[4],
		h[5]*h[6] - h[3]*h[8], h[0]*h[8] - h[2]*h[6], h[2]*h[3] - h[0]*h[5],
		h[3]*h[7] - h[4]*h[6], h[1]*h[6] - h[0]*h[7], h[0]*h[4] - h[1]*h[3],
	}
	for i := range a {
		a[i] /= a[8]
	}
	return a
}

// then returns the map that applies h, then g.
func (h homography) then(g homography) homography {
	var m homography
	for r := range 3 {
		for c := range 3 {
			for k := range 3 {
				m[3*r+c] += g[3*r+k] * h[3*k+c]
			}
		}
	}
	for i := range m {
		m[i] /= m[8]
	}
	return m
}

// affine returns the map x' = a·x + b·y + c, y' = d·x + e·y + f.
func affine(a, b, c, d, e, f float64) homography {
	return homography{a, b, c, d, e, f, 0, 0, 1}
}

// rotation returns the rotation by theta radians about (cx, cy); with y
// pointing down, a positive angle turns clockwise on screen.
func rotation(theta, cx, cy float64) homography {
	sin, cos := math.Sincos(theta)
	return affine(cos, -sin, cx-cos*cx+sin*cy, sin, cos, cy-sin*cx-cos*cy)
}

// fitHomography returns the homography that takes each src[i] to dst[i]
// (four points, no three of them collinear), solving the eight linear
// equations by Gaussian elimination with partial pivoting.
func fitHomography(src, dst [4][2]float64) homography {
	var m [8][9]float64
	for i := range 4 {
		x, y, u, v := src[i][0], src[i][1], dst[i][0], dst[i][1]
		m[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		m[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := range 8 {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		for r := range 8 {
			if r == c || m[r][c] == 0 {
				continue
			}
			f := m[r][c] / m[c][c]
			for k := c; k < 9; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	var h homography
	for i := range 8 {
		h[i] = m[i][8] / m[i][i]
	}
	h[8] = 1
	return h
}

// warp resamples src into a w×h image through inv, which maps a point of
// the output to the point of src it shows (inverse mapping, so that every
// output pixel gets exactly one value). Each output pixel averages ss×ss
// bilinear samples spread over its area, which keeps a downscaling warp
// from aliasing (ss = 1: one sample at its centre). Where a sample falls
// off src, bg gives the value there (what lies around the page); bg is
// called with the output pixel.
func warp(src *image.Gray, w, h int, inv homography, ss int, bg func(x, y int) float64) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, w, h))
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	ss = max(ss, 1)
	offs := make([]float64, ss)
	for k := range offs {
		offs[k] = (float64(k) + 0.5) / float64(ss)
	}
	norm := 1 / float64(ss*ss)
	for y := range h {
		row := out.Pix[y*out.Stride:]
		for x := range w {
			sum := 0.0
			back := math.NaN()
			for _, oy := range offs {
				py := float64(y) + oy
				for _, ox := range offs {
					px := float64(x) + ox
					d := inv[6]*px + inv[7]*py + inv[8]
					// Source sample position, in index space (centres at integers).
					u := (inv[0]*px+inv[1]*py+inv[2])/d - 0.5
					v := (inv[3]*px+inv[4]*py+inv[5])/d - 0.5
					x0, y0 := int(math.Floor(u)), int(math.Floor(v))
					fx, fy := u-float64(x0), v-float64(y0)
					if x0 >= 0 && y0 >= 0 && x0+1 < sw && y0+1 < sh {
						i := y0*src.Stride + x0
						p00, p01 := float64(src.Pix[i]), float64(src.Pix[i+1])
						p10, p11 := float64(src.Pix[i+src.Stride]), float64(src.Pix[i+src.Stride+1])
						sum += (p00*(1-fx)+p01*fx)*(1-fy) + (p10*(1-fx)+p11*fx)*fy
						continue
					}
					if math.IsNaN(back) {
						back = bg(x, y)
					}
					at := func(i, j int) float64 {
						if i < 0 || j < 0 || i >= sw || j >= sh {
							return back
						}
						return float64(src.Pix[j*src.Stride+i])
					}
					sum += (at(x0, y0)*(1-fx)+at(x0+1, y0)*fx)*(1-fy) +
						(at(x0, y0+1)*(1-fx)+at(x0+1, y0+1)*fx)*fy
				}
			}
			row[x] = round8(sum * norm)
		}
	}
	return out
}

// boxDown shrinks img by a whole factor k, each output pixel the mean of a
// k×k block (a partial block at the right or bottom edge is dropped), so
// output pixel (i, j) covers input [ki, k(i+1)) × [kj, k(j+1)).
func boxDown(img *image.Gray, k int) *image.Gray {
	w, h := img.Rect.Dx()/k, img.Rect.Dy()/k
	out := image.NewGray(image.Rect(0, 0, w, h))
	acc := make([]int, w)
	n := k * k
	for y := range h {
		clear(acc)
		for j := range k {
			row := img.Pix[(y*k+j)*img.Stride:]
			row = row[:w*k]
			for x := range acc {
				s := 0
				for _, v := range row[x*k : x*k+k] {
					s += int(v)
				}
				acc[x] += s
			}
		}
		dst := out.Pix[y*out.Stride : y*out.Stride+w]
		for x, s := range acc {
			dst[x] = uint8((s + n/2) / n)
		}
	}
	return out
}

// gaussBlur blurs img in place with a Gaussian of standard deviation
// sigma pixels, truncated at 3σ, as two separable passes in 16-bit fixed
// point; edges are clamped.
func gaussBlur(img *image.Gray, sigma float64) {
	if sigma <= 0 {
		return
	}
	r := int(math.Ceil(3 * sigma))
	kf := make([]float64, 2*r+1)
	total := 0.0
	for i := range kf {
		d := float64(i - r)
		kf[i] = math.Exp(-d * d / (2 * sigma * sigma))
		total += kf[i]
	}
	k := make([]int32, len(kf))
	for i := range kf {
		k[i] = int32(math.Round(kf[i] / total * 65536))
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	tmp := make([]uint8, w*h)
	// Horizontal: img -> tmp. The kernel is symmetric, so each pair of
	// taps shares a multiply; where the window is all white (a page's
	// margins and the gaps between words), so is the result.
	kc, ks := k[r], k[r+1:]
	for y := range h {
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		dst := tmp[y*w : (y+1)*w]
		lastDark := -1 << 30 // the rightmost pixel below 255 seen so far
		for x := range min(r, w) {
			if row[x] != 255 {
				lastDark = x
			}
		}
		for x := range w {
			if x+r < w && row[x+r] != 255 {
				lastDark = x + r
			}
			if lastDark < x-r && x+r < w {
				dst[x] = 255
				continue
			}
			var s int32
			if x >= r && x+r < w {
				c := int32(row[x])
				s = kc * c
				for i, kv := range ks {
					s += kv * (int32(row[x-1-i]) + int32(row[x+1+i]))
				}
			} else {
				for i, kv := range k {
					s += kv * int32(row[min(max(x-r+i, 0), w-1)])
				}
			}
			dst[x] = uint8(min(max((s+1<<15)>>16, 0), 255))
		}
	}
	// Vertical: tmp -> img, a row at a time so memory is read in order.
	acc := make([]int32, w)
	for y := range h {
		clear(acc)
		for i, kv := range k {
			j := min(max(y-r+i, 0), h-1)
			src := tmp[j*w : (j+1)*w]
			src = src[:len(acc)]
			for x := range acc {
				acc[x] += kv * int32(src[x])
			}
		}
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		row = row[:len(acc)]
		for x, s := range acc {
			row[x] = uint8(min(max((s+1<<15)>>16, 0), 255))
		}
	}
}

// addNoise adds Gaussian noise of standard deviation sigma grey levels to
// every pixel, drawn in pixel order.
func addNoise(img *image.Gray, sigma float64, rng *rand.Rand) {
	if sigma <= 0 {
		return
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := range h {
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		for x, p := range row {
			row[x] = round8(float64(p) + rng.NormFloat64()*sigma)
		}
	}
}

// smoothField is low-frequency random texture: values drawn on a coarse
// grid of cells about cell pixels wide, interpolated bilinearly, standard
// normal at the grid's nodes.
type smoothField struct {
	nx, ny int
	cell   float64
	v      []float64
}

func newSmoothField(w, h int, cell float64, rng *rand.Rand) *smoothField {
	cell = max(cell, 1)
	f := &smoothField{nx: int(float64(w)/cell) + 2, ny: int(float64(h)/cell) + 2, cell: cell}
	f.v = make([]float64, f.nx*f.ny)
	for i := range f.v {
		f.v[i] = rng.NormFloat64()
	}
	return f
}

// at is the field's value at pixel (x, y).
func (f *smoothField) at(x, y int) float64 {
	u, v := float64(x)/f.cell, float64(y)/f.cell
	i, j := int(u), int(v)
	fx, fy := u-float64(i), v-float64(j)
	i, j = min(i, f.nx-2), min(j, f.ny-2)
	a := f.v[j*f.nx+i]*(1-fx) + f.v[j*f.nx+i+1]*fx
	b := f.v[(j+1)*f.nx+i]*(1-fx) + f.v[(j+1)*f.nx+i+1]*fx
	return a*(1-fy) + b*fy
}

// vignette darkens img towards its corners, as a phone lens does: a pixel
// at the corners loses the fraction depth of its brightness, with a fall
// off in the square of the distance from the centre.
func vignette(img *image.Gray, depth float64) {
	if depth <= 0 {
		return
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	cx, cy := float64(w)/2, float64(h)/2
	r2 := cx*cx + cy*cy
	for y := range h {
		row := img.Pix[y*img.Stride:]
		dy := float64(y) + 0.5 - cy
		for x := range w {
			dx := float64(x) + 0.5 - cx
			row[x] = round8(float64(row[x]) * (1 - depth*(dx*dx+dy*dy)/r2))
		}
	}
}

// encode writes img as JPEG at quality q, or as PNG (lossless) when q is
// zero or less.
func encode(img *image.Gray, q int) []byte {
	var buf bytes.Buffer
	var err error
	if q > 0 {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: min(q, 100)})
	} else {
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		err = enc.Encode(&buf, img)
	}
	if err != nil {
		// Writing to memory fails only for an image no encoder takes
		// (empty, or wider than JPEG's 65,535 pixels): a caller's bug.
		panic("attack: encoding a picture: " + err.Error())
	}
	return buf.Bytes()
}
