//go:build !layoutwired

package service

// TEMPORARY STAND-INS, to be deleted when the layout, pdfread and picture
// packages are merged: delete this file and the build constraint line
// of layout_wiring.go, which calls the real packages through the same
// names.

import (
	"bytes"
	"context"
	"errors"

	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marks"
)

var errNotBuilt = errors.New("not built yet")

// sniffLeak stands in for picture.Sniff.
func sniffLeak(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "pdf"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "jpeg"
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "tiff"
	}
	return ""
}

// readPDF stands in for pdfread.Read.
func readPDF(ctx context.Context, data []byte) (string, []layout.SeenPage, error) {
	return "", nil, errNotBuilt
}

// readPicture stands in for picture.Read.
func readPicture(ctx context.Context, data []byte, name string) (string, []layout.SeenPage, error) {
	return "", nil, errNotBuilt
}

// newLayoutPlan stands in for layout.NewPlan.
func newLayoutPlan(set *marks.Set, title string, version int) (layoutPlan, error) {
	return nil, errNotBuilt
}

// observeLayout stands in for layout.Observe.
func observeLayout(p layoutPlan, pages []layout.SeenPage) []layout.Observation { return nil }
