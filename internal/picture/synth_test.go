package picture

// A renderer of lines of text with known geometry, and a simulator of
// the damage a photo, a scan or a screenshot does to them, for tests with
// ground truth.

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"sync"

	"codeberg.org/go-fonts/liberation/liberationserifregular"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

var serif = sync.OnceValue(func() *opentype.Font {
	f, err := opentype.Parse(liberationserifregular.TTF)
	if err != nil {
		panic(err)
	}
	return f
})

// vocabulary is a sample of ordinary English words of every shape:
// ascenders, descenders, round and straight edges, capitals.
var vocabulary = []string{
	"the", "quarterly", "budget", "review", "shows", "that", "spending", "on", "field", "operations",
	"rose", "by", "nearly", "twelve", "percent", "while", "Ministry", "projections", "assumed", "flat",
	"growth", "across", "every", "region", "Several", "contracts", "were", "signed", "without", "the",
	"required", "approval", "of", "committee", "and", "some", "payments", "appear", "twice", "in",
	"ledger", "Officials", "declined", "to", "comment", "before", "Thursday", "when", "board", "meets",
	"again", "draft", "memo", "says", "auditors", "should", "expect", "delays", "Jorge", "Helen",
	"policy", "weekly", "jumping", "oxygen", "Toward", "Wave", "quick", "fox", "vivid", "yellow",
}

// synthLine is one rendered line: each word's outline extents along the
// baseline in page pixels (the truth), its box, and its shift.
type synthLine struct {
	words  []string
	left   []float64 // outline extents of each word's glyphs, page px
	right  []float64
	top    []float64 // ink top and bottom of each word, page px
	bottom []float64
	shift  []float64 // the mark: 0 for an unmarked word
	base   float64   // baseline y, page px
}

// synthPage renders lines of random words in Liberation Serif size pt at
// dpi, one interior word in two (positions 1, 3, 5... never the last)
// shifted by ±delta px with the line's other words in place.
type synthPage struct {
	img   *image.Gray
	lines []synthLine
}

func renderPage(rng *rand.Rand, dpi, pt, delta float64, nLines, nWords int) synthPage {
	face, err := opentype.NewFace(serif(), &opentype.FaceOptions{Size: pt, DPI: dpi, Hinting: font.HintingNone})
	if err != nil {
		panic(err)
	}
	defer face.Close()
	px := dpi / 72
	margin := 36 * px
	lead := 14.5 / 11 * pt * px
	width := 0
	var lines []synthLine
	for i := range nLines {
		ln := synthLine{base: margin + float64(i+1)*lead}
		x := margin
		space := font.MeasureString(face, " ")
		for j := range nWords {
			w := vocabulary[rng.IntN(len(vocabulary))]
			s := 0.0
			if j%2 == 1 && j < nWords-1 {
				s = delta
				if rng.IntN(2) == 0 {
					s = -delta
				}
			}
			b, adv := font.BoundString(face, w)
			ln.words = append(ln.words, w)
			ln.shift = append(ln.shift, s)
			// The pen position, quantized as the drawer will place it.
			pen := math.Round((x+s)*64) / 64
			ln.left = append(ln.left, pen+f26(b.Min.X))
			ln.right = append(ln.right, pen+f26(b.Max.X))
			ln.top = append(ln.top, ln.base+f26(b.Min.Y))
			ln.bottom = append(ln.bottom, ln.base+f26(b.Max.Y))
			x += f26(adv + space)
		}
		width = max(width, int(x+margin))
		lines = append(lines, ln)
	}
	height := int(margin*2 + float64(nLines)*lead)
	img := image.NewGray(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.Black, Face: face}
	for _, ln := range lines {
		for j, w := range ln.words {
			pen := ln.left[j] - f26(boundMinX(face, w))
			d.Dot = fixed.Point26_6{X: fixed.Int26_6(math.Round(pen * 64)), Y: fixed.Int26_6(math.Round(ln.base * 64))}
			d.DrawString(w)
		}
	}
	return synthPage{img: img, lines: lines}
}

func boundMinX(face font.Face, s string) fixed.Int26_6 {
	b, _ := font.BoundString(face, s)
	return b.Min.X
}

func f26(v fixed.Int26_6) float64 { return float64(v) / 64 }

// damage describes what happens between the page and the picture.
type damage struct {
	name        string
	dpi         float64 // resolution of the page as rendered (0 means 200)
	rotate      float64 // largest rotation, degrees (random sign and size up to it)
	perspective float64 // largest perspective coefficient, per px of page
	scale       float64 // picture px per page px (0 means 1)
	blur        float64 // Gaussian blur sigma, picture px
	noise       float64 // Gaussian noise sigma (paper = 1)
	gradient    float64 // fall of light across the picture, fraction
	contrast    float64 // ink level above black (0 = black ink on white)
	jpeg        int     // JPEG quality, 0 for PNG
	crop        float64 // fraction of the picture's width cut off on the right
}

// homography maps page coordinates to picture coordinates.
type homography [9]float64

func (h homography) apply(x, y float64) (float64, float64) {
	w := h[6]*x + h[7]*y + h[8]
	return (h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w
}

func (h homography) inverse() homography {
	a, b, c, d, e, f, g, hh, i := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]
	det := a*(e*i-f*hh) - b*(d*i-f*g) + c*(d*hh-e*g)
	return homography{
		(e*i - f*hh) / det, (c*hh - b*i) / det, (b*f - c*e) / det,
		(f*g - d*i) / det, (a*i - c*g) / det, (c*d - a*f) / det,
		(d*hh - e*g) / det, (b*g - a*hh) / det, (a*e - b*d) / det,
	}
}

func mul(p, q homography) homography {
	var r homography
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				r[i*3+j] += p[i*3+k] * q[k*3+j]
			}
		}
	}
	return r
}

// photograph applies dm to the page and returns the encoded picture
// (JPEG or PNG) and the page-to-picture homography.
func photograph(rng *rand.Rand, pg synthPage, dm damage) ([]byte, homography) {
	sw, sh := float64(pg.img.Bounds().Dx()), float64(pg.img.Bounds().Dy())
	scale := dm.scale
	if scale == 0 {
		scale = 1
	}
	th := (2*rng.Float64() - 1) * dm.rotate * math.Pi / 180
	px := (2*rng.Float64() - 1) * dm.perspective
	py := (2*rng.Float64() - 1) * dm.perspective
	// Centre the page, tilt it (perspective), rotate and scale it, and
	// put it in the middle of a picture big enough to hold it.
	centre := homography{1, 0, -sw / 2, 0, 1, -sh / 2, 0, 0, 1}
	tilt := homography{1, 0, 0, 0, 1, 0, px, py, 1}
	c, s := math.Cos(th)*scale, math.Sin(th)*scale
	rot := homography{c, -s, 0, s, c, 0, 0, 0, 1}
	h := mul(rot, mul(tilt, centre))
	// The picture's extent.
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range [][2]float64{{0, 0}, {sw, 0}, {0, sh}, {sw, sh}} {
		x, y := h.apply(p[0], p[1])
		minX, minY, maxX, maxY = math.Min(minX, x), math.Min(minY, y), math.Max(maxX, x), math.Max(maxY, y)
	}
	h = mul(homography{1, 0, -minX + 4, 0, 1, -minY + 4, 0, 0, 1}, h)
	w, ht := int(maxX-minX)+8, int(maxY-minY)+8
	w = int(float64(w) * (1 - dm.crop))
	src := toPlane(pg.img)
	out := newPlane(w, ht)
	inv := h.inverse()
	for y := range ht {
		for x := range w {
			u, v := inv.apply(float64(x)+0.5, float64(y)+0.5)
			val := 1.0
			if u >= 0 && v >= 0 && u < sw && v < sh {
				val = src.bilinear(u, v)
			}
			out.p[y*w+x] = float32(val)
		}
	}
	if dm.blur > 0 {
		out = gaussBlur(out, dm.blur)
	}
	phi := rng.Float64() * 2 * math.Pi
	for y := range ht {
		for x := range w {
			i := y*w + x
			v := dm.contrast + (1-dm.contrast)*float64(out.p[i])
			// Light falls linearly across the picture in a random direction.
			r := (float64(x)/float64(w)-0.5)*math.Cos(phi) + (float64(y)/float64(ht)-0.5)*math.Sin(phi)
			v *= 1 - dm.gradient*(r+0.5)
			v += dm.noise * rng.NormFloat64()
			out.p[i] = float32(math.Max(0, math.Min(1, v)))
		}
	}
	img := image.NewGray(image.Rect(0, 0, w, ht))
	for i, v := range out.p {
		img.Pix[i] = uint8(v*255 + 0.5)
	}
	var buf bytes.Buffer
	if dm.jpeg > 0 {
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: dm.jpeg}); err != nil {
			panic(err)
		}
	} else {
		if err := encodePNG(&buf, img); err != nil {
			panic(err)
		}
	}
	return buf.Bytes(), h
}

func gaussBlur(g *plane, sigma float64) *plane {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := newPlane(g.w, g.h)
	for y := range g.h {
		for x := range g.w {
			s := 0.0
			for i, kv := range k {
				xx := min(max(x+i-r, 0), g.w-1)
				s += kv * float64(g.p[y*g.w+xx])
			}
			tmp.p[y*g.w+x] = float32(s)
		}
	}
	out := newPlane(g.w, g.h)
	for y := range g.h {
		for x := range g.w {
			s := 0.0
			for i, kv := range k {
				yy := min(max(y+i-r, 0), g.h-1)
				s += kv * float64(tmp.p[yy*g.w+x])
			}
			out.p[y*g.w+x] = float32(s)
		}
	}
	return out
}

// boxesOf gives the words' boxes as tesseract would: the picture's
// axis-aligned bounds of each word's ink, in whole pixels, each side off
// by up to jitter px.
func boxesOf(rng *rand.Rand, pg synthPage, h homography, jitter int, width int) []ocrLine {
	var lines []ocrLine
	for _, ln := range pg.lines {
		var ol ocrLine
		for j, w := range ln.words {
			minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
			for _, p := range [][2]float64{{ln.left[j], ln.top[j]}, {ln.right[j], ln.top[j]}, {ln.left[j], ln.bottom[j]}, {ln.right[j], ln.bottom[j]}} {
				x, y := h.apply(p[0], p[1])
				minX, minY, maxX, maxY = math.Min(minX, x), math.Min(minY, y), math.Max(maxX, x), math.Max(maxY, y)
			}
			jit := func() int { return rng.IntN(2*jitter+1) - jitter }
			b := box{
				text: w,
				left: int(math.Floor(minX)) + jit(), top: int(math.Floor(minY)) + jit(),
				right: int(math.Ceil(maxX)) + jit(), bottom: int(math.Ceil(maxY)) + jit(),
			}
			// The picture's frame cuts words, and hides those beyond it.
			if b.left >= width-2 {
				break
			}
			b.right = min(b.right, width)
			ol.words = append(ol.words, b)
		}
		lines = append(lines, ol)
	}
	return lines
}

// readShifts reads every marked word of a measured line as the layout
// channel does: the gap before minus the gap after, each less the
// reference gap (from the glyph outlines) at the line's scale, halved,
// and converted back to page px. seen holds the edges of the line's
// first words (a picture may cut the line), and a word whose Sigma is
// fallback or more was not measured: a point that needs it is erased.
// It returns the shifts read, their truth, and the standard deviation
// each claims from the words' Sigma.
func readShifts(ln synthLine, seen []float64, sigmas []float64, fallback float64) (got, want, sd []float64) {
	n := len(sigmas)
	ok := func(i int) bool { return i < n && sigmas[i] < fallback }
	L := func(i int) float64 { return seen[2*i] }
	R := func(i int) float64 { return seen[2*i+1] }
	first, last := -1, -1
	for i := range n {
		if ok(i) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 || last-first < 2 {
		return nil, nil, nil
	}
	s := (R(last) - L(first)) / (ln.right[last] - ln.left[first])
	for k := 1; k < n-1; k++ {
		if ln.shift[k] == 0 || !ok(k-1) || !ok(k) || !ok(k+1) {
			continue
		}
		// Reference gaps: as typeset, without the mark.
		rb := (ln.left[k] - ln.shift[k]) - ln.right[k-1]
		ra := ln.left[k+1] - (ln.right[k] - ln.shift[k])
		gb := L(k) - R(k-1)
		ga := L(k+1) - R(k)
		got = append(got, ((gb-s*rb)-(ga-s*ra))/2/s)
		want = append(want, ln.shift[k])
		sd = append(sd, math.Sqrt(sigmas[k-1]*sigmas[k-1]+2*sigmas[k]*sigmas[k]+sigmas[k+1]*sigmas[k+1])/2/s)
	}
	return got, want, sd
}
