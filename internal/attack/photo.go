package attack

import (
	"image"
	"math"
	"math/rand/v2"
)

// PhotoOptions says how [Photo] photographs a printed page with a phone.
// A zero field takes [PhotoDefault]'s value; a negative one switches that
// damage off (no tilt, no blur, a lossless PNG...).
type PhotoOptions struct {
	// DPI is the resolution to rasterize the page at ([Rasterize]) before
	// it is photographed; the photo keeps about that resolution on the
	// page (default 200: a 12-megapixel phone framing a Letter page).
	// Photo itself reads the scale from the image it is given.
	DPI float64
	// FrameFraction is the share of the page's height in frame, at full
	// width: 1 photographs the whole page, 2/3 a band two thirds of the
	// page high at a random height, as when the phone is held closer.
	FrameFraction float64
	// Margin is how much desk shows around the framed part of the page on
	// each side, as a fraction of its width and height (default 0.05).
	Margin float64
	// Tilt is the perspective of a phone not held square to the page:
	// each corner of the framed part moves by a uniform amount within
	// ±Tilt of the frame's width across and of its height down (default
	// 0.03), and the four moves define the homography.
	Tilt float64
	// MaxRotateDeg bounds the turn of the page in the frame: uniform in
	// ±MaxRotateDeg degrees (default 3).
	MaxRotateDeg float64
	// Light is the uneven light across the page: from the brightest side
	// to the dimmest, at a random direction, brightness falls by this
	// fraction (default 0.25).
	Light float64
	// Vignette is the lens's fall-off: the frame's corners lose this
	// fraction of their brightness (default 0.2).
	Vignette float64
	// BlurMin and BlurMax bound the defocus: a Gaussian blur whose
	// standard deviation, in pixels, is uniform in [BlurMin, BlurMax]
	// (defaults 0.6 and 1.2).
	BlurMin, BlurMax float64
	// Noise is the sensor noise: Gaussian, its standard deviation in grey
	// levels out of 255 (default 5).
	Noise float64
	// JPEGQuality is the quality the photo is saved at, 1–100 (default
	// 70); negative saves a lossless PNG.
	JPEGQuality int
}

var (
	// PhotoDefault is a careful phone photo of a whole printed page, at
	// an angle, with uneven light, slight defocus, noise and JPEG at
	// quality 70.
	PhotoDefault = PhotoOptions{
		DPI:           200,
		FrameFraction: 1,
		Margin:        0.05,
		Tilt:          0.03,
		MaxRotateDeg:  3,
		Light:         0.25,
		Vignette:      0.2,
		BlurMin:       0.6,
		BlurMax:       1.2,
		Noise:         5,
		JPEGQuality:   70,
	}
	// PhotoHard is a hastier photo: two thirds of the page in frame,
	// twice the tilt, more rotation, blur and noise, harsher light, and
	// JPEG at quality 55.
	PhotoHard = PhotoOptions{
		DPI:           200,
		FrameFraction: 2.0 / 3,
		Margin:        0.05,
		Tilt:          0.06,
		MaxRotateDeg:  5,
		Light:         0.35,
		Vignette:      0.3,
		BlurMin:       1.0,
		BlurMax:       1.6,
		Noise:         7,
		JPEGQuality:   55,
	}
)

// withDefaults fills zero fields from PhotoDefault and turns negative
// "off" values into zero.
func (o PhotoOptions) withDefaults() PhotoOptions {
	d := PhotoDefault
	if o.DPI <= 0 {
		o.DPI = d.DPI
	}
	if o.FrameFraction <= 0 || o.FrameFraction > 1 {
		o.FrameFraction = 1
	}
	defaultOrOff(&o.Margin, d.Margin)
	defaultOrOff(&o.Tilt, d.Tilt)
	defaultOrOff(&o.MaxRotateDeg, d.MaxRotateDeg)
	defaultOrOff(&o.Light, d.Light)
	defaultOrOff(&o.Vignette, d.Vignette)
	defaultOrOff(&o.BlurMin, d.BlurMin)
	defaultOrOff(&o.BlurMax, d.BlurMax)
	o.BlurMax = max(o.BlurMax, o.BlurMin)
	defaultOrOff(&o.Noise, d.Noise)
	defaultOrOff(&o.JPEGQuality, d.JPEGQuality)
	o.Light, o.Vignette = min(o.Light, 1), min(o.Vignette, 1)
	return o
}

// Photo returns a phone photo (JPEG, or PNG when opt.JPEGQuality is
// negative) of page, a printed page rasterized at opt.DPI (see
// [Rasterize]). In the order the scene and the camera make them: the
// page, its paper a little grey and its ink not quite black, lies on a
// desk of random shade and texture; the camera frames the whole page or a
// band of it (FrameFraction) with some desk around, turned and seen in
// perspective (a random homography, resampled bilinearly); light falls
// off across the page and towards the frame's corners; the lens defocuses
// it; the sensor adds noise; the phone saves a JPEG. rng draws every
// random choice, in a fixed order, so a seed gives the same bytes. Photo
// panics on an empty page.
func Photo(page *image.Gray, rng *rand.Rand, opt PhotoOptions) []byte {
	opt = opt.withDefaults()
	p := planPhoto(page.Rect.Dx(), page.Rect.Dy(), rng, opt)
	return encode(p.render(page, rng, opt), opt.JPEGQuality)
}

// photoPlan is the random geometry and exposure of one photo.
type photoPlan struct {
	w, h       int        // the photo's size
	y0, bh     float64    // the band of the page framed: rows [y0, y0+bh)
	fwd        homography // page pixels -> photo pixels
	paper, ink float64    // grey levels of white paper and black ink
	desk       float64    // the desk's mean grey level
	lightDir   float64    // direction light falls off to, radians
	sigma      float64    // defocus, pixels
}

// planPhoto draws a photo's geometry and exposure for a w×h page.
func planPhoto(w, h int, rng *rand.Rand, opt PhotoOptions) photoPlan {
	pw, ph := float64(w), float64(h)
	// The framed band of the page.
	bh := ph * opt.FrameFraction
	y0 := rng.Float64() * (ph - bh)
	fw, fh := pw*(1+2*opt.Margin), bh*(1+2*opt.Margin)
	p := photoPlan{w: max(1, int(math.Round(fw))), h: max(1, int(math.Round(fh))), y0: y0, bh: bh}
	mx, my := pw*opt.Margin, bh*opt.Margin
	rot := rotation((2*rng.Float64()-1)*opt.MaxRotateDeg*math.Pi/180, fw/2, fh/2)
	src := [4][2]float64{{0, y0}, {pw, y0}, {pw, y0 + bh}, {0, y0 + bh}}
	var dst [4][2]float64
	for i, c := range [4][2]float64{{mx, my}, {mx + pw, my}, {mx + pw, my + bh}, {mx, my + bh}} {
		x, y := rot.apply(c[0], c[1])
		dst[i] = [2]float64{
			x + (2*rng.Float64()-1)*opt.Tilt*fw,
			y + (2*rng.Float64()-1)*opt.Tilt*fh,
		}
	}
	p.fwd = fitHomography(src, dst)
	p.paper = 205 + 30*rng.Float64()
	p.ink = 25 + 30*rng.Float64()
	p.desk = 60 + 90*rng.Float64()
	p.lightDir = 2 * math.Pi * rng.Float64()
	p.sigma = opt.BlurMin + (opt.BlurMax-opt.BlurMin)*rng.Float64()
	return p
}

// render takes the photo planned; rng draws the desk's texture and the
// noise.
func (p photoPlan) render(page *image.Gray, rng *rand.Rand, opt PhotoOptions) *image.Gray {
	// Exposure: paper and ink as the camera sees them.
	var lut [256]uint8
	for v := range lut {
		lut[v] = clamp8(p.ink + (p.paper-p.ink)*float64(v)/255)
	}
	lit := image.NewGray(page.Rect.Sub(page.Rect.Min))
	for y := range lit.Rect.Dy() {
		src := page.Pix[y*page.Stride : y*page.Stride+lit.Rect.Dx()]
		dst := lit.Pix[y*lit.Stride:]
		for x, v := range src {
			dst[x] = lut[v]
		}
	}
	// The desk: broad patches and a finer grain around its mean shade.
	size := float64(max(p.w, p.h))
	coarse := newSmoothField(p.w, p.h, size/6, rng)
	fine := newSmoothField(p.w, p.h, size/60, rng)
	desk := func(x, y int) float64 {
		return p.desk + 12*coarse.at(x, y) + 5*fine.at(x, y)
	}
	img := warp(lit, p.w, p.h, p.fwd.inverse(), 1, desk)
	shade(img, 255*opt.Light, p.lightDir)
	vignette(img, opt.Vignette)
	gaussBlur(img, p.sigma)
	addNoise(img, opt.Noise, rng)
	return img
}
