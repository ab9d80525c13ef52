package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"sync"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/office"
	"github.com/leaktrace/leaktrace/internal/pdfread"
)

// The reference layouts of the formats that carry their own layout
// points: what a PDF or picture of a copy is measured against.
func init() {
	// A PDF source is its own rendering.
	RegisterReference("pdf", pdfread.Reference)
	// A DOCX is laid out as LibreOffice prints it.
	RegisterReference("docx", func(ctx context.Context, source []byte) ([]layout.SeenPage, error) {
		pdf, err := office.Convert(ctx, "source.docx", source, "pdf", "pdf")
		if err != nil {
			return nil, fmt.Errorf("laying out the document with LibreOffice: %w", err)
		}
		return pdfread.Reference(ctx, pdf)
	})
}

// neutral is a native-layout document (format.Shifter) whose copies are
// measured against a rendering other than its source: every slot's word
// where a copy's is but for its shift (halfway between where the two
// shifts put it).
type neutral interface {
	Neutral(w io.Writer) error
}

// ReferencePlan is the plan a picture or PDF of a copy of mk's document
// is measured against: its format's reference layout of the unmarked
// source (see [RegisterReference]), with the native layout slots located
// on it. It is made once per document and service: laying a document out
// (LibreOffice for a DOCX) takes seconds. A document whose format
// carries no layout points of its own has none ([ErrNoReference]).
func (s *Service) ReferencePlan(ctx context.Context, mk *leaktrace.Marker) (*layout.Plan, error) {
	scheme, ok := mk.ShiftScheme()
	if !ok {
		return nil, fmt.Errorf("%w (%s carries no layout points of its own)", ErrNoReference, format.Of(mk.Set().Doc).Name)
	}
	d := mk.Document()
	key := d.ID + "\x00" + d.SHA256
	s.mu.Lock()
	p, ok := s.refs[key]
	s.mu.Unlock()
	if ok {
		return p, nil
	}
	ref := references[d.Format]
	if ref == nil {
		return nil, fmt.Errorf("%w (%s)", ErrNoReference, format.Of(mk.Set().Doc).Name)
	}
	// The unmarked document as a copy looks but for its layout code:
	// the source, or, for a format whose copies all move their words
	// from where the source has them (a DOCX copy widens one of a slot's
	// spaces), its neutral rendering.
	source := d.Content
	if n, ok := mk.Set().Doc.(neutral); ok {
		var buf bytes.Buffer
		if err := n.Neutral(&buf); err != nil {
			return nil, fmt.Errorf("reference layout of %q: %w", d.ID, err)
		}
		source = buf.Bytes()
	}
	pages, err := referencePages(ctx, d.Format, ref, source)
	if err != nil {
		return nil, fmt.Errorf("reference layout of %q: %w", d.ID, err)
	}
	p, err = layout.NewReferencePlan(mk.Set(), scheme, pages)
	if err != nil {
		return nil, fmt.Errorf("reference layout of %q: %w", d.ID, err)
	}
	s.mu.Lock()
	if s.refs == nil {
		s.refs = map[string]*layout.Plan{}
	}
	s.refs[key] = p
	s.mu.Unlock()
	return p, nil
}

// refPages keeps the last few reference layouts drawn in this process,
// by format and source: drawing one takes seconds to a minute (LibreOffice,
// Chromium and tesseract), and every service of the process (a server's,
// a test's) measures against the same one.
var refPages struct {
	sync.Mutex
	m map[[32]byte][]layout.SeenPage
}

// maxRefPages bounds refPages: past it, the cache starts again empty.
const maxRefPages = 8

// referencePages returns ref's layout of source, a document of format
// kind, drawing it only when this process has not already.
func referencePages(ctx context.Context, kind string, ref Reference, source []byte) ([]layout.SeenPage, error) {
	key := sha256.Sum256(append([]byte(kind+"\x00"), source...))
	refPages.Lock()
	pages, ok := refPages.m[key]
	refPages.Unlock()
	if ok {
		return pages, nil
	}
	pages, err := ref(ctx, source)
	if err != nil {
		return nil, err
	}
	refPages.Lock()
	if refPages.m == nil || len(refPages.m) >= maxRefPages {
		refPages.m = map[[32]byte][]layout.SeenPage{}
	}
	refPages.m[key] = pages
	refPages.Unlock()
	return pages, nil
}
