package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/store"
)

// The lookup index (the fingerprints and doc_numbers tables) is derived
// data: a function of each document's content, not in the custody log.
// IndexDigests and Reindex let a verifier compare it with what the
// documents give, and rebuild it, exactly as in the SQLite store.

// IndexDigests implements leaktrace.Store: it reads the whole lookup
// index once, in its primary-key order, and digests it per document (as
// store.DigestFingerprints does).
func (s reads) IndexDigests(ctx context.Context) (*leaktrace.IndexState, error) {
	x := store.NewIndexDigester()
	rows, err := s.db.Query(ctx, `SELECT n.num, n.document, d.id IS NOT NULL
		FROM doc_numbers n LEFT JOIN documents d ON d.id = n.document`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var num int64
		var doc string
		var known bool
		if err := rows.Scan(&num, &doc, &known); err != nil {
			rows.Close()
			return nil, err
		}
		x.Number(num, doc, known)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.Query(ctx, `SELECT hash, num, pos FROM fingerprints ORDER BY hash, num, pos`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h, num, pos int64
		if err := rows.Scan(&h, &num, &pos); err != nil {
			return nil, err
		}
		x.Row(h, num, pos)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return x.State(), nil
}

// Reindex implements leaktrace.Store: in one transaction (holding the
// log lock, though it appends nothing), it stores fingerprints(d) as the
// rows of every document d, read with its content in id order, and drops
// every other row. progress, if not nil, is called after each document;
// when the transaction runs again after a serialization failure or a
// deadlock, it is called only past the count it last reported, so that
// progress never goes backwards.
//
// Because it holds the log lock for the whole rebuild, every change to
// the store, from every process and server, waits until it commits or
// fails; the wait has no timeout of its own. Run it when the store can
// pause its changes (see docs/scale.md).
func (s *Store) Reindex(ctx context.Context, fingerprints func(*leaktrace.Document) ([]index.Fingerprint, error), progress func(done, total int)) (*leaktrace.Reindexed, error) {
	var out *leaktrace.Reindexed
	reported := 0
	err := s.tx(ctx, func(tx pgx.Tx) error {
		out = &leaktrace.Reindexed{Rebuilt: []string{}}
		r := reads{tx}
		before, err := r.IndexDigests(ctx)
		if err != nil {
			return err
		}
		out.Removed = before.Orphans
		ds, err := r.Documents(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM fingerprints`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM doc_numbers WHERE document NOT IN (SELECT id FROM documents)`); err != nil {
			return err
		}
		for i, row := range ds {
			if err := ctx.Err(); err != nil {
				return err
			}
			d, err := r.Document(ctx, row.ID)
			if err != nil {
				return err
			}
			fps, err := fingerprints(d)
			if err != nil {
				return err
			}
			num, err := docNumber(ctx, tx, d.ID)
			if err != nil {
				return err
			}
			if err := insertFingerprints(ctx, tx, num, fps); err != nil {
				return err
			}
			after := store.DigestFingerprints(fps)
			if old, ok := before.Documents[d.ID]; after != old && (ok || after.Count > 0) {
				out.Rebuilt = append(out.Rebuilt, d.ID)
			}
			out.Documents++
			out.Fingerprints += after.Count
			if progress != nil && i+1 > reported {
				reported = i + 1
				progress(i+1, len(ds))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
