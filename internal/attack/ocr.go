package attack

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// OCROptions says how OCR prints, photographs and reads back a text. The
// zero value of a field means its default (see DefaultOCROptions), so a
// caller sets only what it varies; to switch a degradation off, set it to
// a negative value.
type OCROptions struct {
	// CharsPerLine is the wrap width in characters (default 70), about a
	// printed page's line.
	CharsPerLine int
	// LinesPerPage is how many lines go on one page, blank lines between
	// paragraphs included (default 40). Each page is photographed and read
	// on its own, as a leaker would with a multi-page printout.
	LinesPerPage int
	// DPI is the resolution of the photographed page (default 150): a
	// phone photo of a letter page is about that.
	DPI float64
	// FontSize is the printed font size in points (default 12).
	FontSize float64
	// MaxRotateDeg bounds the page's skew: each page is rotated by a
	// uniform angle in ±MaxRotateDeg degrees (default 1.5).
	MaxRotateDeg float64
	// BlurRadius and BlurPasses set the focus blur: BlurPasses box blurs
	// of radius BlurRadius pixels (defaults 1 and 3; several passes
	// approximate a Gaussian).
	BlurRadius int
	BlurPasses int
	// Shade is how much darker, in grey levels out of 255, the page's
	// dimmest corner is than its brightest (default 80): light falling
	// unevenly across a photographed sheet, from a random direction.
	Shade float64
	// Noise is the standard deviation of additive Gaussian pixel noise
	// in grey levels out of 255 (default 20): sensor noise.
	Noise float64
	// JPEGQuality is the quality the photo is saved at, 1–100 (default
	// 40, a messaging app's recompression).
	JPEGQuality int
	// PSM is tesseract's page segmentation mode (default 6, one uniform
	// block of text, which is what a page of a memo is).
	PSM int
	// Timeout bounds the whole call, all pages (default 2 minutes), so
	// a stuck tesseract cannot hang an evaluation.
	Timeout time.Duration
}

// DefaultOCROptions returns the defaults: a 12-point page of 70-character
// lines, 40 lines a page, photographed at 150 DPI with up to 1.5° of
// skew, three radius-1 box blurs, light falling off by 80 grey levels
// across the page, noise of σ 20 grey levels, saved as JPEG at quality 40
// and read with tesseract --psm 6. They model a reasonably careful phone
// photo of a printout: degraded, yet mostly readable. On 150-word memos
// of the shared corpus tesseract 5.3 gets 94–100% of the words back
// (97% on average); 120 DPI brings that to about 92%, four blur passes
// to about 95%.
func DefaultOCROptions() OCROptions {
	return OCROptions{
		CharsPerLine: 70,
		LinesPerPage: 40,
		DPI:          150,
		FontSize:     12,
		MaxRotateDeg: 1.5,
		BlurRadius:   1,
		BlurPasses:   3,
		Shade:        80,
		Noise:        20,
		JPEGQuality:  40,
		PSM:          6,
		Timeout:      2 * time.Minute,
	}
}

// withDefaults fills the zero fields of o from DefaultOCROptions and turns
// negative "off" values into zero.
func (o OCROptions) withDefaults() OCROptions {
	d := DefaultOCROptions()
	if o.CharsPerLine <= 0 {
		o.CharsPerLine = d.CharsPerLine
	}
	if o.LinesPerPage <= 0 {
		o.LinesPerPage = d.LinesPerPage
	}
	if o.DPI <= 0 {
		o.DPI = d.DPI
	}
	if o.FontSize <= 0 {
		o.FontSize = d.FontSize
	}
	if o.PSM <= 0 {
		o.PSM = d.PSM
	}
	if o.Timeout <= 0 {
		o.Timeout = d.Timeout
	}
	defaultOrOff(&o.MaxRotateDeg, d.MaxRotateDeg)
	defaultOrOff(&o.BlurRadius, d.BlurRadius)
	defaultOrOff(&o.BlurPasses, d.BlurPasses)
	defaultOrOff(&o.Shade, d.Shade)
	defaultOrOff(&o.Noise, d.Noise)
	defaultOrOff(&o.JPEGQuality, d.JPEGQuality) // off: the photo is kept lossless
	o.JPEGQuality = min(o.JPEGQuality, 100)
	return o
}

// defaultOrOff gives a degradation setting its default when it is zero and
// turns it off (zero) when it is negative.
func defaultOrOff[T int | float64](v *T, def T) {
	switch {
	case *v == 0:
		*v = def
	case *v < 0:
		*v = 0
	}
}

// TesseractAvailable reports whether OCR can run: nil if a tesseract
// binary is on PATH and has the English language data, else an error
// that says how to install them. Tests skip on it rather than fail, since
// tesseract is a system package, not a Go module.
func TesseractAvailable() error {
	const install = "install it with: apt-get install tesseract-ocr tesseract-ocr-eng"
	bin, err := exec.LookPath("tesseract")
	if err != nil {
		return fmt.Errorf("attack: tesseract not found on PATH; %s", install)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Older tesseracts print the list to stderr, newer ones to stdout.
	out, err := exec.CommandContext(ctx, bin, "--list-langs").CombinedOutput()
	if err != nil {
		return fmt.Errorf("attack: %s --list-langs: %v; %s", bin, err, install)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.TrimSpace(l) == "eng" {
			return nil
		}
	}
	return fmt.Errorf("attack: tesseract has no English language data (eng); %s", install)
}

// OCR is a leak photographed from a printout and read back by OCR:
// text is word-wrapped onto pages, rendered black on white, skewed,
// blurred, made noisy and JPEG-compressed as a phone photo would be, and
// each page is read back with the tesseract binary. Pages come back
// joined by "\n"; line breaks are tesseract's, so a caller that wants
// running prose applies Unwrap. rng draws the skew and the noise, so a
// seed gives the same images (tesseract itself is deterministic).
func OCR(text string, opt OCROptions, rng *rand.Rand) (string, error) {
	return OCRContext(context.Background(), text, opt, rng)
}

// OCRContext is OCR bounded by ctx as well as by opt.Timeout.
func OCRContext(ctx context.Context, text string, opt OCROptions, rng *rand.Rand) (string, error) {
	opt = opt.withDefaults()
	if err := TesseractAvailable(); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()

	face, err := ocrFace(opt)
	if err != nil {
		return "", err
	}
	defer face.Close()

	pages := paginate(wrapText(text, opt.CharsPerLine), opt.LinesPerPage)
	if len(pages) == 0 {
		return "", nil
	}
	// The images are made in page order, one after another, so that the
	// draws from rng, and so the result, do not depend on scheduling.
	photos := make([][]byte, len(pages))
	for i, p := range pages {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("attack: ocr: %w", err)
		}
		if photos[i], err = photograph(renderPage(p, face, opt), opt, rng); err != nil {
			return "", err
		}
	}

	dir, err := os.MkdirTemp("", "leaktrace-ocr-")
	if err != nil {
		return "", fmt.Errorf("attack: ocr: %w", err)
	}
	defer os.RemoveAll(dir)

	// Pages are read in parallel, each tesseract held to one thread:
	// that uses the cores better than tesseract's own threading does on
	// a page this size.
	texts := make([]string, len(pages))
	errs := make([]error, len(pages))
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i := range photos {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			texts[i], errs[i] = readPage(ctx, dir, i, photos[i], opt)
		}()
	}
	wg.Wait()
	// The first page's error says it; the rest, after a timeout, repeat it.
	for _, err := range errs {
		if err != nil {
			return "", err
		}
	}
	return strings.Join(texts, "\n"), nil
}

// ocrFace returns the Go Regular face at the page's font size and DPI.
// Go Regular ships inside x/image, so rendering needs no system fonts.
func ocrFace(opt OCROptions) (font.Face, error) {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("attack: ocr font: %w", err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: opt.FontSize, DPI: opt.DPI, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("attack: ocr font: %w", err)
	}
	return face, nil
}

// wrapText reflows each paragraph (paragraphs are separated by blank
// lines) greedily to width characters, as a word processor printing the
// text would, and puts a blank line between paragraphs. A word longer
// than width gets a line of its own.
func wrapText(text string, width int) []string {
	var lines []string
	for _, para := range paraBreak.Split(strings.ReplaceAll(text, "\r\n", "\n"), -1) {
		words := strings.Fields(para)
		if len(words) == 0 {
			continue
		}
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		line, n := words[0], len([]rune(words[0]))
		for _, w := range words[1:] {
			wn := len([]rune(w))
			if n+1+wn > width {
				lines = append(lines, line)
				line, n = w, wn
				continue
			}
			line += " " + w
			n += 1 + wn
		}
		lines = append(lines, line)
	}
	return lines
}

// paginate cuts lines into pages of at most per lines, dropping blank
// lines that would open a page.
func paginate(lines []string, per int) [][]string {
	var pages [][]string
	var page []string
	for _, l := range lines {
		if l == "" && len(page) == 0 {
			continue
		}
		page = append(page, l)
		if len(page) == per {
			pages = append(pages, page)
			page = nil
		}
	}
	if len(page) > 0 {
		pages = append(pages, page)
	}
	return pages
}

// renderPage draws lines black on white at opt.DPI on a page as wide as
// a letter page (wider if a line would not fit) with one-inch margins.
// The page is only as tall as its lines: a photo frames the printed part,
// and a mostly blank noisy page defeats tesseract's global thresholding,
// which then reads the noise as text.
func renderPage(lines []string, face font.Face, opt OCROptions) *image.Gray {
	margin := int(opt.DPI)
	width := int(8.5 * opt.DPI)
	for _, l := range lines {
		width = max(width, font.MeasureString(face, l).Ceil()+2*margin)
	}
	m := face.Metrics()
	lineHeight := m.Height.Ceil()
	height := 2*margin + len(lines)*lineHeight

	img := image.NewGray(image.Rect(0, 0, width, height))
	fill(img, 0xff)
	d := font.Drawer{Dst: img, Src: image.Black, Face: face}
	for i, l := range lines {
		d.Dot = fixed.P(margin, margin+i*lineHeight+m.Ascent.Ceil())
		d.DrawString(l)
	}
	return img
}

// photograph degrades a rendered page as a photo of the printout would
// be, in the order the camera does it (skew, focus blur, uneven light,
// sensor noise, compression), and returns the encoded image.
func photograph(img *image.Gray, opt OCROptions, rng *rand.Rand) ([]byte, error) {
	if opt.MaxRotateDeg > 0 {
		img = rotate(img, (2*rng.Float64()-1)*opt.MaxRotateDeg*math.Pi/180)
	}
	for range opt.BlurPasses {
		boxBlur(img, opt.BlurRadius)
	}
	if opt.Shade > 0 {
		shade(img, opt.Shade, rng.Float64()*2*math.Pi)
	}
	if opt.Noise > 0 {
		for i, p := range img.Pix {
			img.Pix[i] = clamp8(float64(p) + rng.NormFloat64()*opt.Noise)
		}
	}
	var buf bytes.Buffer
	if opt.JPEGQuality > 0 {
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: opt.JPEGQuality}); err != nil {
			return nil, fmt.Errorf("attack: ocr jpeg: %w", err)
		}
		return buf.Bytes(), nil
	}
	// Lossless: JPEG at 100 still loses a little, so write PGM, which
	// tesseract (through leptonica) reads and which needs no encoder.
	fmt.Fprintf(&buf, "P5\n%d %d\n255\n", img.Rect.Dx(), img.Rect.Dy())
	for y := range img.Rect.Dy() {
		buf.Write(img.Pix[y*img.Stride : y*img.Stride+img.Rect.Dx()])
	}
	return buf.Bytes(), nil
}

// readPage writes one photo to dir and reads it with tesseract.
func readPage(ctx context.Context, dir string, i int, photo []byte, opt OCROptions) (string, error) {
	ext := ".jpg"
	if opt.JPEGQuality <= 0 {
		ext = ".pgm"
	}
	in := filepath.Join(dir, fmt.Sprintf("page%04d%s", i, ext))
	if err := os.WriteFile(in, photo, 0o600); err != nil {
		return "", fmt.Errorf("attack: ocr: %w", err)
	}
	// --dpi tells tesseract the resolution, which JPEG written by
	// image/jpeg does not record; it sizes its analysis by it.
	// thresholding_method=2 is Sauvola's local binarization (tesseract
	// 5): a leaker OCRing a photo picks it, and with tesseract's default
	// global Otsu a shaded, noisy page turns to garbage all at once
	// rather than losing words gradually as the photo gets worse. Older
	// tesseracts warn about the unknown setting and go on without it.
	cmd := exec.CommandContext(ctx, "tesseract", in, "stdout",
		"-l", "eng", "--psm", fmt.Sprint(opt.PSM), "--dpi", fmt.Sprint(int(opt.DPI)),
		"-c", "thresholding_method=2")
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("attack: ocr page %d: %w", i+1, ctx.Err())
		}
		return "", fmt.Errorf("attack: ocr page %d: tesseract: %v: %s", i+1, err, strings.TrimSpace(stderr.String()))
	}
	return cleanOCR(stdout.String()), nil
}

var blankRun = regexp.MustCompile(`\n{3,}`)

// cleanOCR drops tesseract's form feed at the end of a page and the
// trailing blank lines around it, and squeezes runs of blank lines.
func cleanOCR(s string) string {
	s = strings.ReplaceAll(s, "\f", "")
	s = blankRun.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s)
}
