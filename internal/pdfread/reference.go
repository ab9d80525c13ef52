package pdfread

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/picture"
)

// ReferenceDPI is the resolution at which [Reference] measures ink. Ink
// edges are found where a blurred profile crosses a threshold, so they
// lie off the glyphs' outlines by amounts that depend on each glyph's
// shape and on the blur; a reference drawn coarsely blurs much as a
// photo does, and shares most of those offsets with the photo's, which
// then cancel in the gaps. Measured on copies typeset by leaktrace (layout
// points at ±0.35 pt): a whole-page photo's shifts err by 0.16 pt rms
// against a reference at 100 dpi, 0.25 pt at 300 dpi and 0.24 pt against
// the glyphs' outlines; a 300 dpi scan's by 0.21, 0.19 and 0.18 pt.
const ReferenceDPI = 100

// ErrNoPdftoppm: poppler's pdftoppm, which draws a PDF's pages as
// pictures, is not installed.
var ErrNoPdftoppm = errors.New("pdftoppm (poppler-utils) is not installed")

// Reference reads a PDF as the reference layout of a document (see
// [layout.NewReferencePlan]): its words with their boxes, as [Read]
// returns them, and the extents of each word's ink, measured on the page
// drawn at [ReferenceDPI] as a picture of a copy is measured (see
// [picture.InkOf]).
func Reference(ctx context.Context, data []byte) ([]layout.SeenPage, error) {
	_, pages, err := Read(ctx, data)
	if err != nil {
		return nil, err
	}
	for i := range pages {
		img, err := Rasterize(ctx, data, i+1, ReferenceDPI)
		if err != nil {
			return nil, err
		}
		pages[i] = picture.InkOf(img, pages[i], ReferenceDPI/72.0)
	}
	return pages, nil
}

// Rasterize draws page (1-based) of a PDF as an 8-bit grey picture at dpi
// dots per inch, antialiased, with poppler's pdftoppm, under [Timeout].
// Its pixel (x, y) is at (x, y)·72/dpi points from the page's top left
// corner, the frame of [Read]'s boxes.
func Rasterize(ctx context.Context, data []byte, page int, dpi float64) (*image.Gray, error) {
	if page < 1 || !(dpi > 0 && dpi <= 1200) {
		return nil, fmt.Errorf("%w: page %d at %g dpi", ErrUnreadable, page, dpi)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, len(data))
	}
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, ErrNoPdftoppm
	}
	dir, err := os.MkdirTemp("", "leaktrace-raster-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	p := strconv.Itoa(page)
	cmd := exec.CommandContext(ctx, bin, "-f", p, "-l", p, "-r", strconv.FormatFloat(dpi, 'f', -1, 64),
		"-gray", "-png", "-singlefile", in, filepath.Join(dir, "out"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: pdftoppm took longer than %v", ErrUnreadable, Timeout)
		}
		return nil, fmt.Errorf("%w: pdftoppm page %d: %v: %s", ErrUnreadable, page, err, bytes.TrimSpace(stderr.Bytes()))
	}
	f, err := os.Open(filepath.Join(dir, "out.png"))
	if err != nil {
		return nil, fmt.Errorf("%w: pdftoppm drew no page %d", ErrUnreadable, page)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%w: pdftoppm's page %d: %v", ErrUnreadable, page, err)
	}
	g, ok := img.(*image.Gray)
	if !ok {
		g = image.NewGray(img.Bounds())
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				g.Set(x, y, img.At(x, y))
			}
		}
	}
	return g, nil
}
