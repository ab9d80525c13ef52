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
	flat := flatten(g)
	out, err := ocr(ctx, flat)
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
