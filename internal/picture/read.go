package picture

import (
	"context"
	"fmt"

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
	// Tesseract reads the picture as taken: flattening the light turns a
	// desk around a photographed page into a texture that its page
	// layout analysis takes for text, and it then finds next to no
	// lines. The edges are measured on the flattened picture, in the
	// same coordinates.
	flat := flatten(g)
	out, err := ocr(ctx, g)
	if err != nil {
		return "", nil, err
	}
	lines, err := parseTSV(out)
	if err != nil {
		return "", nil, err
	}
	if len(lines) == 0 {
		return "", nil, fmt.Errorf("%w (%dx%d pixels)", ErrNoText, g.w, g.h)
	}
	page := measurePage(flat, lines)
	page.Source = name
	return ocrText(lines), []layout.SeenPage{page}, nil
}
