package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ErrNotEmpty is returned by [Store.DropIfEmpty] when the custody log
// holds entries: such a store is never dropped.
var ErrNotEmpty = errors.New("the store's custody log holds entries")

// DropIfEmpty removes the store's own tables and function from its
// database, in one transaction, if its custody log holds no entry: it
// undoes a [Create] whose home was never finished. A store with entries
// is left as it is (ErrNotEmpty). Nothing else in the database is
// touched.
func (s *Store) DropIfEmpty(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Wait for any writer, and keep others out until the end: every
		// change takes this row first.
		var id int
		if err := tx.QueryRow(ctx, `SELECT id FROM log_lock WHERE id = 1 FOR UPDATE`).Scan(&id); err != nil {
			return err
		}
		var n int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM log_entries`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w (%d)", ErrNotEmpty, n)
		}
		// Every table and function the migrations create: a new
		// migration's must be added here (TestDropIfEmpty fails otherwise).
		_, err := tx.Exec(ctx, `DROP TABLE documents, recipients, copies, pdf_copies, doc_numbers,
			fingerprints, log_entries, log_hashes, log_checkpoints, log_lock, meta, grants,
			tokens, passwords, watch_content, watch_items, watch_alerts, leaktrace_schema;
			DROP FUNCTION leaktrace_append_only();
			DROP FUNCTION leaktrace_keep_log_lock()`)
		return err
	})
	if err != nil {
		return fmt.Errorf("removing store %s: %w", s.url, unreachable(err))
	}
	return nil
}
