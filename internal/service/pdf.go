package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// ErrIssueFormat: a copy format leaktrace does not issue.
var ErrIssueFormat = errors.New("unknown copy format")

// IssueOptions choose what a copy looks like.
type IssueOptions struct {
	// Format is "" for the document's own format, or
	// [leaktrace.FormatPDF] for a typeset PDF that also carries layout
	// marks (layout version [layout.Version1]).
	Format string
	// Footer prints "Issued to NAME (ID)" at the foot of every page of a
	// PDF copy.
	Footer bool
}

// Layout returns the typeset plan of m's document under layout version 1,
// made once per document.
func (s *Service) Layout(m *leaktrace.Marker) (*layout.Plan, error) {
	d := m.Document()
	key := d.ID + "\x00" + d.SHA256
	s.mu.Lock()
	p, ok := s.plans[key]
	s.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := layout.NewPlan(m.Set(), copyTitle(d.Title, d.Filename, m.Set()), layout.Version1)
	if err != nil {
		return nil, fmt.Errorf("typesetting %q: %w", d.ID, err)
	}
	s.mu.Lock()
	if s.plans == nil {
		s.plans = map[string]*layout.Plan{}
	}
	s.plans[key] = p
	s.mu.Unlock()
	return p, nil
}

// LayoutCode returns the code of the layout points of m's document under
// plan p, derived point by point (for tracing, op [OpTrace]).
func (s *Service) LayoutCode(ctx context.Context, op Op, m *leaktrace.Marker, p *layout.Plan) (*code.Lazy, error) {
	key, err := s.markingKey(ctx, op)
	if err != nil {
		return nil, err
	}
	return code.NewLazy(key, layout.CodeDomain(p.Version)+m.Document().ID, p.Specs()), nil
}

// LayoutSymbols returns the shift of every layout point of recipient's
// PDF copy of m's document under plan: its layout code is derived from the
// marking key under [layout.CodeDomain], independent of the text points'.
func (s *Service) LayoutSymbols(ctx context.Context, m *leaktrace.Marker, p *layout.Plan, recipient string) ([]uint8, error) {
	key, err := s.markingKey(ctx, OpIssue)
	if err != nil {
		return nil, err
	}
	out := make([]uint8, p.NumPoints())
	code.SymbolsOnce(key, layout.CodeDomain(p.Version)+m.Document().ID, p.Specs(), recipient, out)
	return out, nil
}

// pdfRenderer returns what renders a reader's PDF copy of m's document.
func (s *Service) pdfRenderer(ctx context.Context, m *leaktrace.Marker, opt IssueOptions) (func(string) ([]byte, error), error) {
	p, err := s.Layout(m)
	if err != nil {
		return nil, err
	}
	banner := pdfBanner(m.Document())
	return func(r string) ([]byte, error) {
		po := layout.PDFOptions{Banner: banner}
		if opt.Footer {
			rec, err := s.Store.Recipient(ctx, r)
			if err != nil {
				return nil, err
			}
			po.Footer = "Issued to " + r
			// A name the fonts can't draw, or written right to left,
			// gives way to the id alone.
			if rec.Name != "" && layout.Drawable(rec.Name) {
				po.Footer = "Issued to " + rec.Name + " (" + r + ")"
			}
		}
		ls, err := s.LayoutSymbols(ctx, m, p, r)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := p.PDF(&buf, m.Symbols(r), ls, po); err != nil {
			return nil, fmt.Errorf("PDF copy of %q for %q: %w", m.Document().ID, r, err)
		}
		return buf.Bytes(), nil
	}, nil
}

// pdfBanner is the banner on the pages of d's PDF copies: its marking,
// "" when it has none (its copies are then the bytes they were before
// documents had markings).
func pdfBanner(d *leaktrace.Document) string { return d.Marking }

// copyTitle is the title a PDF copy is typeset with. Registered without a
// title, a document is titled by its file name; its copy is titled as the
// document titles itself (an email's subject, a Markdown heading).
func copyTitle(title, filename string, set *marks.Set) string {
	if title == filename {
		return layout.DocumentTitle(set, title)
	}
	return title
}
