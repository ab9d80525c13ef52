package layout

import (
	"fmt"
	"math"
	"sync"

	"codeberg.org/go-fonts/liberation/liberationmonoregular"
	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationserifbold"
	"codeberg.org/go-fonts/liberation/liberationserifbolditalic"
	"codeberg.org/go-fonts/liberation/liberationserifitalic"
	"codeberg.org/go-fonts/liberation/liberationserifregular"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// style is a typeface of version 1: the body serif in its four shapes,
// the sans for headings, the mono for code.
type style uint8

const (
	serif style = iota
	serifItalic
	serifBold
	serifBoldItalic
	sansBold
	mono
	numStyles
)

// face is one font, measured the way the PDF writer will place it.
type face struct {
	family, pdfStyle string // the names the PDF writer knows it by
	ttf              []byte
	font             *sfnt.Font
	upem             float64

	mu    sync.Mutex
	buf   sfnt.Buffer
	glyph map[rune]glyph
}

// glyph is a character's metrics in thousandths of an em: its advance as
// the PDF's widths array states it (rounded as the PDF writer rounds it),
// and its ink extents along the baseline.
type glyph struct {
	ok         bool
	adv        float64
	inkL, inkR float64
	ink        bool // has any outline
}

var (
	facesOnce sync.Once
	faces     [numStyles]*face
	facesErr  error
)

func loadFaces() error {
	facesOnce.Do(func() {
		for s, f := range [numStyles]struct {
			family, st string
			ttf        []byte
		}{
			serif:           {"LiberationSerif", "", liberationserifregular.TTF},
			serifItalic:     {"LiberationSerif", "I", liberationserifitalic.TTF},
			serifBold:       {"LiberationSerif", "B", liberationserifbold.TTF},
			serifBoldItalic: {"LiberationSerif", "BI", liberationserifbolditalic.TTF},
			sansBold:        {"LiberationSans", "B", liberationsansbold.TTF},
			mono:            {"LiberationMono", "", liberationmonoregular.TTF},
		} {
			fnt, err := sfnt.Parse(f.ttf)
			if err != nil {
				facesErr = fmt.Errorf("layout: font %s %s: %w", f.family, f.st, err)
				return
			}
			faces[s] = &face{family: f.family, pdfStyle: f.st, ttf: f.ttf, font: fnt,
				upem: float64(fnt.UnitsPerEm()), glyph: map[rune]glyph{}}
		}
	})
	return facesErr
}

// metrics returns r's glyph in f; ok is false when the font can't draw it.
func (f *face) metrics(r rune) glyph {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g, ok := f.glyph[r]; ok {
		return g
	}
	var g glyph
	idx, err := f.font.GlyphIndex(&f.buf, r)
	if err == nil && idx != 0 {
		ppem := fixed.Int26_6(f.font.UnitsPerEm()) << 6 // one unit per font unit
		b, adv, err := f.font.GlyphBounds(&f.buf, idx, ppem, font.HintingNone)
		if err == nil {
			scale := 1000 / f.upem
			g.ok = true
			// The PDF writer states widths in whole thousandths of an
			// em, rounded; every position computed here uses the same.
			g.adv = math.Round(float64(adv>>6) * scale)
			if b.Max.X > b.Min.X {
				g.ink = true
				g.inkL = float64(b.Min.X) / 64 * scale
				g.inkR = float64(b.Max.X) / 64 * scale
			}
		}
	}
	f.glyph[r] = g
	return g
}

// width returns the advance width of s at size pt, and the first rune
// the font can't draw, if any.
func (f *face) width(s string, size float64) (float64, rune, bool) {
	var w float64
	for _, r := range s {
		g := f.metrics(r)
		if !g.ok {
			return 0, r, false
		}
		w += g.adv
	}
	return w * size / 1000, 0, true
}

// ink returns the ink extents of s drawn at x=0 at size pt: from the left
// of the first inked glyph to the right of the last one. ok is false when
// s has no ink.
func (f *face) ink(s string, size float64) (l, r float64, ok bool) {
	var x float64
	first := true
	for _, c := range s {
		g := f.metrics(c)
		if g.ink {
			if first {
				l = x + g.inkL
				first = false
			}
			r = x + g.inkR
		}
		x += g.adv
	}
	return l * size / 1000, r * size / 1000, !first
}
