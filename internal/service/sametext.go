package service

import (
	"context"
	"slices"
	"strings"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// sameTextSample is how many of a document's fingerprints are looked up
// to find other documents that may hold the same text; only those holding
// every one are compared in full.
const sameTextSample = 64

// Twin is another registered document with the same text as a given one.
type Twin struct {
	ID string
	// Identical is true when the files are byte for byte the same; else
	// only their canonical text is (they differ in case, punctuation,
	// spacing or how a variation point is rendered).
	Identical bool
}

// SameText returns the other registered documents whose content is
// identical to d's, or whose canonical text is: a leak cannot tell such
// documents apart by its words, only by its marks. Registering one is
// allowed (a revision may change nothing a leak shows), but worth a
// warning: each copy should be issued from one registration.
func (s *Service) SameText(ctx context.Context, d *leaktrace.Document) ([]Twin, error) {
	same, err := s.Store.DocumentsWithSHA256(ctx, d.SHA256)
	if err != nil {
		return nil, err
	}
	var out []Twin
	found := map[string]bool{d.ID: true}
	for _, id := range same {
		if id != d.ID {
			out = append(out, Twin{ID: id, Identical: true})
			found[id] = true
		}
	}
	if len(d.Fingerprints) == 0 {
		return out, nil
	}
	// Candidates: documents holding every sampled fingerprint of d.
	step := max(1, len(d.Fingerprints)/sameTextSample)
	var sample []int64
	for i := 0; i < len(d.Fingerprints); i += step {
		sample = append(sample, d.Fingerprints[i].Hash)
	}
	sample = index.Unique(sample)
	postings, err := s.Store.Lookup(ctx, sample)
	if err != nil {
		return nil, err
	}
	var mine []string
	for _, c := range index.Rank(sample, postings) {
		if c.Covered < len(sample) || found[c.Doc] {
			continue
		}
		if mine == nil {
			if mine, err = canonicalText(d); err != nil {
				return nil, err
			}
		}
		o, err := s.Store.Document(ctx, c.Doc)
		if err != nil {
			return nil, err
		}
		theirs, err := canonicalText(o)
		if err != nil {
			return nil, err
		}
		if slices.Equal(mine, theirs) {
			out = append(out, Twin{ID: c.Doc})
		}
	}
	slices.SortFunc(out, func(a, b Twin) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// canonicalText returns a document's canonical tokens, as the index sees
// them.
func canonicalText(d *leaktrace.Document) ([]string, error) {
	doc, err := d.Parse()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range doc.Regions() {
		out = append(out, marks.Canonical(r.Text)...)
	}
	return out, nil
}
