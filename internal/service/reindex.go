package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/store"
)

// ErrIndex: the lookup index that trace searches disagrees with the
// documents' content. It is derived data; Reindex rebuilds it.
var ErrIndex = errors.New("lookup index does not match the documents")

// fingerprints computes a document's lookup-index rows from its content
// alone, as AddDocument does: the winnowed k-grams of the canonical
// tokens of its regions, region after region (leaktrace.Analysis.Canonical
// without finding the variation points, which the index doesn't need).
func fingerprints(d *leaktrace.Document) ([]index.Fingerprint, error) {
	doc, err := format.Parse(d.Filename, d.Content)
	if err != nil {
		return nil, fmt.Errorf("document %q: %w", d.ID, err)
	}
	var toks []string
	for _, r := range doc.Regions() {
		toks = append(toks, marks.Canonical(r.Text)...)
	}
	return index.Winnow(toks), nil
}

// Reindex rebuilds the lookup index from every document's content, in
// one transaction, and says which documents' rows changed. progress, if
// not nil, is called after each document.
//
// It is not a logged change: the custody log records documents, readers,
// copies and traces, and the index is derived from the logged documents'
// content ('log verify' recomputes and checks it). So it needs no
// signer, and uses neither the marking key nor the log key.
func (s *Service) Reindex(ctx context.Context, progress func(done, total int)) (*store.Reindexed, error) {
	return s.Store.Reindex(ctx, fingerprints, progress)
}
