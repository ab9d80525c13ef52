package picture

import (
	"image"
	"math"

	"github.com/leaktrace/leaktrace/internal/layout"
)

// InkOf measures the ink of words whose boxes are known, on a picture of
// their page drawn upright (a PDF page rasterized): page's words, with
// Left, Right, Top and Bottom in page units, are at scale pixels per unit
// on img. It returns a copy of page in which each word whose edges were
// found has InkLeft and InkRight, the extents of its ink along its line
// in page units, as [Read] measures a photo's words (the same threshold
// and edges, so that the bias they share cancels in a gap). A word
// without a box (Bottom <= Top), or whose ink touches a neighbour's or
// the picture's frame, keeps none.
func InkOf(img image.Image, page layout.SeenPage, scale float64) layout.SeenPage {
	out := page
	out.Lines = make([]layout.SeenLine, len(page.Lines))
	if !(scale > 0) || math.IsInf(scale, 0) {
		copy(out.Lines, page.Lines)
		return out
	}
	g := toPlane(img)
	for i, sl := range page.Lines {
		line := layout.SeenLine{Words: append([]layout.SeenWord(nil), sl.Words...)}
		out.Lines[i] = line
		// The words with a box, as whole pixels around it.
		var ws []box
		var idx []int
		var hs []float64
		for k, w := range sl.Words {
			if !(w.Bottom > w.Top) || !(w.Right > w.Left) {
				continue
			}
			ws = append(ws, box{
				text:   w.Text,
				left:   int(math.Floor(w.Left * scale)),
				right:  int(math.Ceil(w.Right * scale)),
				top:    int(math.Floor(w.Top * scale)),
				bottom: int(math.Ceil(w.Bottom * scale)),
			})
			idx = append(idx, k)
			hs = append(hs, (w.Bottom-w.Top)*scale)
		}
		if len(ws) == 0 {
			continue
		}
		// The line is level: its frame runs along the picture's rows
		// through the middle of its boxes, so that positions along it are
		// the picture's columns. A PDF's word box spans the font's
		// ascent and descent, a fifth more than the ink an OCR box holds.
		var cy float64
		for _, w := range ws {
			cy += float64(w.top+w.bottom) / 2
		}
		cy /= float64(len(ws))
		lg := lineGeom{ox: 0, oy: cy, ux: 1, uy: 0, nx: 0, ny: 1}
		h := 0.8 * median(hs)
		seen, found := measureAlong(g, ws, lg, h)
		for n, k := range idx {
			if sw := seen.Words[n]; found[n] {
				line.Words[k].InkLeft, line.Words[k].InkRight = sw.Left/scale, sw.Right/scale
			}
		}
	}
	return out
}
