package service

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/lexicon"
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
	doc, err := d.Parse()
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
//
// It then records the canonical-form version the index was built with
// (see [lexicon.FoldVersion]).
func (s *Service) Reindex(ctx context.Context, progress func(done, total int)) (*leaktrace.Reindexed, error) {
	r, err := s.Store.Reindex(ctx, fingerprints, progress)
	if err != nil {
		return nil, err
	}
	if err := s.Store.SetMeta(ctx, store.MetaFoldVersion, foldVersion); err != nil {
		return nil, fmt.Errorf("recording the lookup index's version: %w", err)
	}
	return r, nil
}

// foldVersion is the canonical-form version of this code, as the meta
// table stores it.
var foldVersion = strconv.Itoa(lexicon.FoldVersion)

// upgradeIndex rebuilds the lookup index of a home indexed under another
// canonical form (an earlier release's Fold), as a migration would: on
// opening, needing no key. Without it, trace would miss the documents
// whose canonical tokens changed. If the rebuild fails (a store on
// read-only media), the home still opens, with a warning.
func (s *Service) upgradeIndex(ctx context.Context) error {
	v, ok, err := s.Store.Meta(ctx, store.MetaFoldVersion)
	if err != nil {
		return err
	}
	if ok && v == foldVersion {
		return nil
	}
	if n, err := strconv.Atoi(v); ok && err == nil && n > lexicon.FoldVersion {
		// A newer leaktrace built it: rebuilding it down would break
		// that release's lookups, and this one's canonical form may miss
		// what the newer one folds.
		s.warnings = append(s.warnings, fmt.Sprintf("the lookup index was built by a newer leaktrace (canonical form %d, this one knows %d): a trace may miss documents; use the newer leaktrace", n, lexicon.FoldVersion))
		return nil
	}
	if _, err := s.Reindex(ctx, nil); err != nil {
		s.warnings = append(s.warnings, fmt.Sprintf("the lookup index was built by an earlier release and could not be rebuilt (%v); run 'leaktrace reindex'", err))
	}
	return nil
}
