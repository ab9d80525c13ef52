package service

import (
	"context"

	"github.com/leaktrace/leaktrace/internal/format/pdfsrc"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/pdfread"
)

// A registered PDF's reference layout is the source PDF itself, read
// like a PDF leak: a picture, or a PDF another program wrote anew, of a
// copy is measured against the words where the source has them.
func init() {
	RegisterReference(pdfsrc.Kind, func(ctx context.Context, source []byte) ([]layout.SeenPage, error) {
		_, pages, err := pdfread.Read(ctx, source)
		return pages, err
	})
}
