package picture

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/leaktrace/leaktrace/internal/layout"
)

// Read OCRs a picture of a page (PNG, JPEG or TIFF data) and measures
// its words. It returns the text, the words joined line by line with a
// blank line between paragraphs, and one [layout.SeenPage] with Ink set,
// each OCR line a [layout.SeenLine] of the same words, and Source name.
//
// Errors wrap [ErrFormat], [ErrMalformed], [ErrTooLarge],
// [ErrNoTesseract], [ErrTesseract], [ErrTimeout], [ErrTSV] or
// [ErrNoText]; the caller names the file.
func Read(ctx context.Context, data []byte, name string) (text string, pages []layout.SeenPage, err error) {
	g, _, err := decode(data)
	if err != nil {
		return "", nil, err
	}
	g = reduce(g, WorkingPixels)
	flat := flatten(g)
	// A page turned by a few degrees or more is set upright first
	// (deskew.go): tesseract reads next to nothing of it as it is.
	if angle, ok := skewAngle(flat); ok && math.Abs(angle)*180/math.Pi >= minSkew {
		g = rotate(g, angle, paperLevel(g))
		flat = rotate(flat, angle, 1)
	}
	// Tesseract reads two versions of the picture at once, and the
	// reading with more confident words is kept: the picture as taken,
	// and with its light flattened. Flattening rescues a page under
	// strongly uneven light, but turns a desk around a photographed page
	// into a texture that tesseract's page layout analysis can take for
	// text, and then it finds next to no lines. The edges are always
	// measured on the flattened picture, in the same coordinates.
	var (
		outs [2]string
		errs [2]error
		wg   sync.WaitGroup
	)
	for i, img := range []*plane{flat, g} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = ocr(ctx, img)
		}()
	}
	wg.Wait()
	var lines []ocrLine
	best := -1
	for i := range outs {
		if errs[i] != nil {
			if err == nil {
				err = errs[i]
			}
			continue
		}
		ls, perr := parseTSV(outs[i])
		if perr != nil {
			if err == nil {
				err = perr
			}
			continue
		}
		if n := confidentWords(ls); n > best {
			lines, best = ls, n
		}
	}
	if best < 0 {
		return "", nil, err
	}
	if len(lines) == 0 {
		return "", nil, fmt.Errorf("%w (%dx%d pixels)", ErrNoText, g.w, g.h)
	}
	page := measurePage(flat, lines)
	page.Source = name
	return ocrText(lines), []layout.SeenPage{page}, nil
}

// confidentWords counts the words tesseract is fairly sure of (confidence
// 50 or more): how well it read a picture.
func confidentWords(lines []ocrLine) int {
	n := 0
	for _, l := range lines {
		for _, w := range l.words {
			if w.conf >= 50 {
				n++
			}
		}
	}
	return n
}

// WorkingPixels is the largest picture read at full size. A larger one (a
// 48-megapixel phone photo) is reduced by a whole factor, each pixel the
// mean of a block, to at most this many: a Letter page filling 16
// megapixels is still at about 400 dpi, where a shift of δ = 0.35 pt is
// two pixels, and tesseract and the measurement take a third of the time
// and memory.
const WorkingPixels = 16_000_000

// reduce returns g shrunk by the smallest whole factor that brings it to
// at most limit pixels, or g itself if it is small enough.
func reduce(g *plane, limit int) *plane {
	k := 1
	for (g.w/k)*(g.h/k) > limit {
		k++
	}
	if k == 1 {
		return g
	}
	out := newPlane(g.w/k, g.h/k)
	inv := 1 / float32(k*k)
	for y := 0; y < out.h; y++ {
		for x := 0; x < out.w; x++ {
			var sum float32
			for dy := 0; dy < k; dy++ {
				row := g.p[(y*k+dy)*g.w+x*k:]
				for dx := 0; dx < k; dx++ {
					sum += row[dx]
				}
			}
			out.p[y*out.w+x] = sum * inv
		}
	}
	return out
}
