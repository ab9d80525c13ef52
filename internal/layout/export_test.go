package layout

import (
	"io"
	"testing"

	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// What the tests of package layout_test (which read real PDFs and
// pictures with packages that import this one) need of its insides.

// UnmarkedPDF writes the document as typeset with its source variants and
// no word moved: the rendering a reference layout is read from.
func UnmarkedPDF(p *Plan, w io.Writer) error {
	ts := make([]uint8, len(p.set.Points))
	for i, pt := range p.set.Points {
		ts[i] = uint8(pt.Orig)
	}
	return p.pdf(w, ts, make([]uint8, len(p.points)), PDFOptions{}, 0)
}

// TypesetScheme is the scheme whose slots are p's points.
func TypesetScheme(t *testing.T, set *marks.Set, p *Plan) format.ShiftScheme {
	return typesetSlots(t, set, p)
}

// Set is the plan's document and its text points.
func (p *Plan) Set() *marks.Set { return p.set }
