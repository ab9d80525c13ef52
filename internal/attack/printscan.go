package attack

import (
	"image"
	"math"
	"math/rand/v2"
)

// PrintScanOptions says how [PrintScan] prints a page and scans it back.
// A zero field takes [DefaultPrintScanOptions]' value; a negative one
// switches that damage off.
type PrintScanOptions struct {
	// PageDPI is the resolution the page was rasterized at, taken as the
	// printer's (default 600). Rasterize the page at it.
	PageDPI float64
	// ScanDPI is the scanner's resolution, the output's (default 300).
	ScanDPI float64
	// DotGain is the toner's spread, the standard deviation in printer
	// dots of a Gaussian (default 0.8); the toner then darkens each
	// partly covered dot (a grey level v becomes v²/255), so strokes
	// thicken by about a dot, as a laser print's do.
	DotGain float64
	// Toner is the grey level a solid black prints and scans at (default
	// 30 out of 255).
	Toner float64
	// MaxRotateDeg bounds the sheet's skew on the scanner's glass: uniform
	// in ±MaxRotateDeg degrees (default 0.5).
	MaxRotateDeg float64
	// MaxShift bounds how far off its place the sheet lies, in inches,
	// uniform in ±MaxShift on each axis (default 0.05).
	MaxShift float64
	// ScanBlur is the scanner's optics, a Gaussian blur of this standard
	// deviation in scan pixels (default 0.5).
	ScanBlur float64
	// Paper is the paper's texture: its brightness varies over patches a
	// millimetre or two wide with this standard deviation in grey levels
	// (default 3), around a white of 245.
	Paper float64
	// Noise is the scanner's noise, Gaussian, its standard deviation in
	// grey levels (default 2).
	Noise float64
	// JPEGQuality is the quality the scan is saved at (default 85);
	// negative saves a lossless PNG.
	JPEGQuality int
	// Fraction is the share of the scan's height kept, at full width,
	// from a random height, as when a leaker crops the scan to a passage
	// (default 1, the whole page).
	Fraction float64
}

// DefaultPrintScanOptions is an office laser print at 600 dpi scanned at
// 300 dpi and saved as JPEG at quality 85.
var DefaultPrintScanOptions = PrintScanOptions{
	PageDPI:      600,
	ScanDPI:      300,
	DotGain:      0.8,
	Toner:        30,
	MaxRotateDeg: 0.5,
	MaxShift:     0.05,
	ScanBlur:     0.5,
	Paper:        3,
	Noise:        2,
	JPEGQuality:  85,
	Fraction:     1,
}

func (o PrintScanOptions) withDefaults() PrintScanOptions {
	d := DefaultPrintScanOptions
	if o.PageDPI <= 0 {
		o.PageDPI = d.PageDPI
	}
	if o.ScanDPI <= 0 {
		o.ScanDPI = d.ScanDPI
	}
	defaultOrOff(&o.DotGain, d.DotGain)
	defaultOrOff(&o.Toner, d.Toner)
	defaultOrOff(&o.MaxRotateDeg, d.MaxRotateDeg)
	defaultOrOff(&o.MaxShift, d.MaxShift)
	defaultOrOff(&o.ScanBlur, d.ScanBlur)
	defaultOrOff(&o.Paper, d.Paper)
	defaultOrOff(&o.Noise, d.Noise)
	defaultOrOff(&o.JPEGQuality, d.JPEGQuality)
	if o.Fraction <= 0 || o.Fraction > 1 {
		o.Fraction = 1
	}
	return o
}

// PrintScan returns a scan (JPEG, or PNG) of page printed and scanned
// back: page, rasterized at opt.PageDPI, is printed with toner dot gain,
// laid on the scanner's glass slightly turned and shifted, and scanned at
// opt.ScanDPI (resampled by inverse mapping, each scan pixel averaging
// the printer dots it covers), with the scanner's blur, the paper's
// texture and noise, and cropped to opt.Fraction of its height. The scan
// is as wide as the page at opt.ScanDPI, and as high when uncropped;
// white lid shows where the sheet leaves the glass bare. rng draws every
// random choice in a fixed order, so a seed gives the same bytes.
// PrintScan panics on an empty page.
func PrintScan(page *image.Gray, rng *rand.Rand, opt PrintScanOptions) []byte {
	opt = opt.withDefaults()
	s := opt.ScanDPI / opt.PageDPI
	w, h := page.Rect.Dx(), page.Rect.Dy()
	sw, sh := max(1, int(math.Round(float64(w)*s))), max(1, int(math.Round(float64(h)*s)))

	// The print: toner spreads, then covers more of each dot it reaches.
	printed := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		copy(printed.Pix[y*printed.Stride:y*printed.Stride+w], page.Pix[y*page.Stride:])
	}
	gaussBlur(printed, opt.DotGain)
	if opt.DotGain > 0 {
		var lut [256]uint8
		for v := range lut {
			lut[v] = uint8(v * v / 255)
		}
		for i, v := range printed.Pix {
			printed.Pix[i] = lut[v]
		}
	}

	// The sheet on the glass: scaled to scan pixels, turned about the
	// scan's centre, shifted.
	theta := (2*rng.Float64() - 1) * opt.MaxRotateDeg * math.Pi / 180
	dx := (2*rng.Float64() - 1) * opt.MaxShift * opt.ScanDPI
	dy := (2*rng.Float64() - 1) * opt.MaxShift * opt.ScanDPI
	// Each scan pixel averages the printer dots it covers: a whole
	// number of dots per pixel is averaged in blocks first (fast), and
	// the warp supersamples whatever ratio remains.
	k := max(1, int(1/s+1e-9))
	if k > 1 {
		printed = boxDown(printed, k)
	}
	fwd := affine(s*float64(k), 0, dx, 0, s*float64(k), dy).then(rotation(theta, float64(sw)/2, float64(sh)/2))
	ss := min(4, int(math.Ceil(1/(s*float64(k))-1e-9)))
	scan := warp(printed, sw, sh, fwd.inverse(), ss, func(int, int) float64 { return 255 })

	// Toner and paper as the scanner sees them: solid toner at opt.Toner,
	// paper (and the white lid) at 245 give or take its texture.
	tex := newSmoothField(sw, sh, opt.ScanDPI/15, rng)
	for y := range sh {
		row := scan.Pix[y*scan.Stride:]
		for x := range sw {
			paper := 245 + opt.Paper*tex.at(x, y)
			row[x] = round8(opt.Toner + (paper-opt.Toner)*float64(row[x])/255)
		}
	}
	gaussBlur(scan, opt.ScanBlur)
	addNoise(scan, opt.Noise, rng)
	if opt.Fraction < 1 {
		bh := max(1, int(math.Round(opt.Fraction*float64(sh))))
		y0 := rng.IntN(sh - bh + 1)
		scan = scan.SubImage(image.Rect(0, y0, sw, y0+bh)).(*image.Gray)
	}
	return encode(scan, opt.JPEGQuality)
}
